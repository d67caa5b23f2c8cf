/**
 * npm run bench:decode needs pictures of codes the way a counter webcam sees them. This script
 * makes them, deterministically (seeded PRNG), under test/fixtures/decode/:
 *
 *   tsx test/bench/make-decode-corpus.ts [outDir]
 *
 * Each picture is a synthetic camera frame: a counter top, a phone (bezel, WeChat-like card
 * screen: green header, brand, title, the code, the number under a barcode, small print) placed
 * in 3D (distance, in-plane rotation, tilt) and projected with a pinhole camera, rendered with
 * 2x2 supersampling, then the camera's damage: defocus / motion blur, sensor noise, a dim or
 * washed-out screen, glare, screen moiré, vignetting and JPEG compression. `x.txt` beside
 * `x.jpg` holds the expected text; pictures in no-code/ have none (a false-positive test).
 *
 * The damage levels were chosen up front from what a phone at a counter looks like (mild to
 * severe), not tuned to either decoder: both should miss some of the hardest ones.
 *
 * The scene renderer is exported for the decoder's unit tests and the camera e2e clips.
 */
import bwipjs from 'bwip-js/node';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

// ---------------------------------------------------------------------------------- PRNG

/** mulberry32: small, fast, good enough for test pictures, and the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(rand: () => number): number {
  const u = Math.max(1e-9, rand());
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// ---------------------------------------------------------------------------------- symbols

export type SymbolKind = 'qr' | 'code128' | 'ean13' | 'code39' | 'itf' | 'pdf417';

type Symbol =
  | { type: 'matrix'; cols: number; rows: number; cells: Uint8Array; quiet: number; aspect: number }
  | { type: 'linear'; edges: number[]; modules: number; quiet: number };

const BCID: Record<SymbolKind, string> = {
  qr: 'qrcode',
  code128: 'code128',
  ean13: 'ean13',
  code39: 'code39',
  itf: 'interleaved2of5',
  pdf417: 'pdf417',
};

/** The code's modules, from bwip-js (the same encoder the demo-codes screen uses). */
export function makeSymbol(kind: SymbolKind, text: string): Symbol {
  const raw = bwipjs.raw(BCID[kind], text, {}) as unknown as Array<{
    pixs?: number[];
    pixx?: number;
    pixy?: number;
    sbs?: number[];
  }>;
  const r = raw[0]!;
  if (r.pixs && r.pixx) {
    const rows = r.pixs.length / r.pixx;
    return {
      type: 'matrix',
      cols: r.pixx,
      rows,
      cells: Uint8Array.from(r.pixs),
      quiet: kind === 'qr' ? 4 : 2,
      // PDF417 rows are several modules tall
      aspect: (r.pixy ?? rows) / rows,
    };
  }
  const edges: number[] = [];
  let x = 0;
  for (const w of r.sbs!) {
    x += w;
    edges.push(x);
  }
  return { type: 'linear', edges, modules: x, quiet: 10 };
}

// ---------------------------------------------------------------------------------- glyphs

/** 5x7 digits for the number printed under a barcode. */
const DIGITS: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
};

function glyphBits(ch: string, rand: () => number): number[] {
  const d = DIGITS[ch];
  if (d) return d;
  // Text-like: a random 5x7 pattern with strokes, dense like CJK at a distance.
  const rows: number[] = [];
  for (let i = 0; i < 7; i++) {
    let bits = 0;
    for (let b = 0; b < 5; b++) if (rand() < 0.45) bits |= 1 << b;
    rows.push(bits);
  }
  return rows;
}

// ---------------------------------------------------------------------------------- scene

type RGB = [number, number, number];

interface Element {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Colour at (u, v) inside the box, or undefined to let what is under show. */
  at(u: number, v: number): RGB | undefined;
}

function rect(x0: number, y0: number, x1: number, y1: number, color: RGB, radius = 0): Element {
  return {
    x0,
    y0,
    x1,
    y1,
    at(u, v) {
      if (radius > 0) {
        const cx = Math.min(Math.max(u, x0 + radius), x1 - radius);
        const cy = Math.min(Math.max(v, y0 + radius), y1 - radius);
        if ((u - cx) ** 2 + (v - cy) ** 2 > radius * radius) return undefined;
      }
      return color;
    },
  };
}

function circle(cx: number, cy: number, r: number, color: RGB): Element {
  return {
    x0: cx - r,
    y0: cy - r,
    x1: cx + r,
    y1: cy + r,
    at: (u, v) => ((u - cx) ** 2 + (v - cy) ** 2 <= r * r ? color : undefined),
  };
}

/** A line of text: glyph cells `h` tall, digits drawn as digits, anything else text-like. */
function textLine(
  x0: number,
  y0: number,
  h: number,
  text: string,
  color: RGB,
  rand: () => number,
): Element {
  const cell = (h / 7) * 6.2;
  const glyphs = [...text].map((c) => (c === ' ' ? undefined : glyphBits(c, rand)));
  const x1 = x0 + cell * glyphs.length;
  return {
    x0,
    y0,
    x1,
    y1: y0 + h,
    at(u, v) {
      const i = Math.floor((u - x0) / cell);
      const g = glyphs[i];
      if (!g) return undefined;
      const gx = Math.floor((u - x0 - i * cell) / (h / 7));
      const gy = Math.floor(((v - y0) / h) * 7);
      if (gx < 0 || gx > 4 || gy < 0 || gy > 6) return undefined;
      return (g[gy]! >> (4 - gx)) & 1 ? color : undefined;
    },
  };
}

function codeElement(
  sym: Symbol,
  x0: number,
  y0: number,
  width: number,
  barHeight: number,
  dark: RGB,
  light: RGB,
): Element {
  if (sym.type === 'matrix') {
    const m = width / (sym.cols + 2 * sym.quiet);
    const rowH = m * sym.aspect;
    const height = sym.rows * rowH + 2 * sym.quiet * m;
    return {
      x0,
      y0,
      x1: x0 + width,
      y1: y0 + height,
      at(u, v) {
        const c = Math.floor((u - x0) / m) - sym.quiet;
        const r = Math.floor((v - y0 - sym.quiet * m) / rowH);
        if (c < 0 || r < 0 || c >= sym.cols || r >= sym.rows) return light;
        return sym.cells[r * sym.cols + c] ? dark : light;
      },
    };
  }
  const m = width / (sym.modules + 2 * sym.quiet);
  return {
    x0,
    y0,
    x1: x0 + width,
    y1: y0 + barHeight,
    at(u) {
      const x = (u - x0) / m - sym.quiet;
      if (x < 0 || x >= sym.modules) return light;
      // binary search the edge list: even index = bar
      let lo = 0;
      let hi = sym.edges.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sym.edges[mid]! > x) hi = mid;
        else lo = mid + 1;
      }
      return lo % 2 === 0 ? dark : light;
    },
  };
}

export interface Placement {
  /** Frame pixels per screen unit (the screen is 360 x 740 units, a phone in CSS pixels). */
  scale: number;
  /** Centre of the code on the frame, as fractions of width and height. */
  cx: number;
  cy: number;
  /** In-plane rotation, degrees (90: held sideways). */
  angle?: number;
  /** Tilt towards the camera about the phone's horizontal / vertical axis, degrees. */
  tiltX?: number;
  tiltY?: number;
}

export interface SceneSpec {
  width: number;
  height: number;
  seed: number;
  code?: { kind: SymbolKind; text: string } | undefined;
  /** phone: a WeChat-like card screen; paper: the code alone on a white label. */
  surface?: 'phone' | 'paper';
  /** Dark mode: the code light on dark. */
  dark?: boolean;
  /** What a phone without a code shows. */
  screen?: 'card' | 'text' | 'photo';
  place: Placement;
  background?: 'counter' | 'plain' | 'stripes' | 'noise' | 'weave' | 'tiles' | 'receipt';
  /** A hand in the frame (palm and fingers, skin-coloured): centre as fractions, degrees. */
  hand?: { x: number; y: number; angle: number; size?: number };
  /** Scene brightness (a dim shop, auto exposure lagging): every level times this. */
  exposure?: number;
  /** Gaussian defocus, px. */
  blur?: number;
  /** Motion blur length, px (horizontal in the frame). */
  motion?: number;
  /** Sensor noise, standard deviation in levels. */
  noise?: number;
  /** A dim screen under bright light: screen colours go to ambient + gain * colour. */
  screenLight?: { ambient: number; gain: number };
  /** A reflection on the screen: centre (fractions of the frame), radius px, strength levels. */
  glare?: { x: number; y: number; r: number; strength: number };
  /** Screen moiré: period px, angle degrees, amplitude 0..1. */
  moire?: { period: number; angle: number; amplitude: number };
  vignette?: number;
}

export interface Picture {
  data: Uint8ClampedArray; // RGBA
  width: number;
  height: number;
}

const SCREEN_W = 360;
const SCREEN_H = 740;

interface Screen {
  elements: Element[];
  /** Where the code's centre is, in screen units. */
  codeCentre: [number, number];
  bodyColor: RGB;
  screenBg: RGB;
  bezel: number;
}

function buildScreen(spec: SceneSpec, rand: () => number): Screen {
  const dark = !!spec.dark;
  const bg: RGB = dark ? [17, 17, 17] : [242, 242, 242];
  const card: RGB = dark ? [32, 32, 34] : [255, 255, 255];
  const ink: RGB = dark ? [225, 225, 225] : [25, 25, 25];
  const grey: RGB = dark ? [150, 150, 150] : [130, 130, 130];
  const green: RGB = [7, 193, 96];
  const els: Element[] = [];
  let codeCentre: [number, number] = [180, 330];
  if (spec.surface === 'paper') {
    // A printed label: white, the code, a line of text. Bigger than the code.
    const sym = spec.code ? makeSymbol(spec.code.kind, spec.code.text) : undefined;
    els.push(rect(0, 0, SCREEN_W, SCREEN_H, [250, 250, 246]));
    if (sym) {
      const w = sym.type === 'linear' ? 320 : 240;
      els.push(codeElement(sym, 20, 200, w, 110, [20, 20, 20], [250, 250, 246]));
      codeCentre = [20 + w / 2, sym.type === 'linear' ? 255 : 320];
    }
    els.push(textLine(40, 520, 16, 'xxxx xxxxxx xxx', [60, 60, 60], rand));
    return { elements: els, codeCentre, bodyColor: [250, 250, 246], screenBg: bg, bezel: 0 };
  }
  // status bar and header
  els.push(textLine(16, 8, 10, '12:30', ink, rand));
  els.push(rect(0, 28, SCREEN_W, 84, dark ? [30, 30, 30] : green));
  els.push(textLine(120, 48, 16, 'xxxxxx', [255, 255, 255], rand));
  // the card
  els.push(rect(16, 100, 344, 650, card, 14));
  els.push(circle(52, 138, 20, [214, 90, 40]));
  els.push(textLine(84, 122, 14, 'xxxxxxxxx', ink, rand));
  els.push(textLine(84, 144, 11, 'xxxxxxxxxxxxxx', grey, rand));
  const screen = spec.screen ?? 'card';
  if (spec.code) {
    const sym = makeSymbol(spec.code.kind, spec.code.text);
    const codeDark = ink;
    const codeLight = card;
    if (sym.type === 'matrix' && spec.code.kind === 'qr') {
      const w = 230;
      els.push(codeElement(sym, 180 - w / 2, 205, w, w, codeDark, codeLight));
      codeCentre = [180, 205 + w / 2];
    } else if (sym.type === 'matrix') {
      const w = 320;
      els.push(codeElement(sym, 20, 220, w, 0, codeDark, codeLight));
      codeCentre = [180, 270];
    } else {
      const w = 324;
      els.push(codeElement(sym, 18, 210, w, 110, codeDark, codeLight));
      const digits = spec.code.text.replace(/(\w{4})(?=\w)/g, '$1 ');
      const th = 16;
      const tw = ((th / 7) * 6.2 * digits.length) / 2;
      els.push(textLine(180 - tw, 330, th, digits, ink, rand));
      codeCentre = [180, 265];
    }
    els.push(textLine(70, 470, 12, 'xxxxxxxxxxxxxxxxxx', grey, rand));
    els.push(textLine(70, 492, 12, 'xxxxxxxxxxxxxx', grey, rand));
  } else if (screen === 'photo') {
    // a product photo: soft coloured shapes
    for (let i = 0; i < 6; i++) {
      const c: RGB = [80 + rand() * 170, 60 + rand() * 170, 50 + rand() * 150];
      els.push(circle(60 + rand() * 240, 220 + rand() * 200, 30 + rand() * 60, c));
    }
    els.push(textLine(40, 470, 14, 'xxxxxxxxxxxxxxxxxxx', ink, rand));
  } else {
    // text: the card's terms and conditions
    for (let i = 0; i < 16; i++) {
      const n = 12 + Math.floor(rand() * 10);
      els.push(textLine(34, 190 + i * 26, 13, 'x'.repeat(n), i % 5 === 0 ? ink : grey, rand));
    }
  }
  els.push(textLine(60, 560, 12, 'xxxxxxxxxxxxxxxxxxxx', grey, rand));
  els.push(rect(40, 670, 320, 716, green, 10));
  els.push(textLine(150, 686, 14, 'xxxx', [255, 255, 255], rand));
  return {
    elements: els,
    codeCentre,
    bodyColor: [18, 18, 20],
    screenBg: bg,
    bezel: 16,
  };
}

type Mat3 = number[];

/** The homography taking four (u, v) points to four (x, y) points. */
function homography(src: [number, number][], dst: [number, number][]): Mat3 {
  const A: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [u, v] = src[i]!;
    const [x, y] = dst[i]!;
    A.push([u, v, 1, 0, 0, 0, -u * x, -v * x, x]);
    A.push([0, 0, 0, u, v, 1, -u * y, -v * y, y]);
  }
  // Gaussian elimination on the 8x9 augmented matrix
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < 9; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  const h = A.map((row, i) => row[8]! / row[i]!);
  return [...h, 1];
}

function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/** Phone corners projected into the frame: 3D tilt, pinhole projection, rotation, offset. */
function placePhone(spec: SceneSpec, screen: Screen): Mat3 {
  const p = spec.place;
  const [ccx, ccy] = screen.codeCentre;
  const corners: [number, number][] = [
    [0, 0],
    [SCREEN_W, 0],
    [SCREEN_W, SCREEN_H],
    [0, SCREEN_H],
  ];
  const ax = ((p.tiltX ?? 0) * Math.PI) / 180;
  const ay = ((p.tiltY ?? 0) * Math.PI) / 180;
  const rot = ((p.angle ?? 0) * Math.PI) / 180;
  const f = 900; // focal length in screen units: a webcam's field of view at arm's length
  const dst = corners.map(([u, v]) => {
    let X = u - ccx;
    let Y = v - ccy;
    let Z = 0;
    // about the horizontal axis, then the vertical one
    [Y, Z] = [Y * Math.cos(ax), Y * Math.sin(ax)];
    [X, Z] = [X * Math.cos(ay) + Z * Math.sin(ay), -X * Math.sin(ay) + Z * Math.cos(ay)];
    const k = f / (f + Z);
    const px = X * k * p.scale;
    const py = Y * k * p.scale;
    const x = px * Math.cos(rot) - py * Math.sin(rot) + p.cx * spec.width;
    const y = px * Math.sin(rot) + py * Math.cos(rot) + p.cy * spec.height;
    return [x, y] as [number, number];
  });
  return homography(corners, dst);
}

function backgroundAt(
  kind: SceneSpec['background'],
  x: number,
  y: number,
  w: number,
  h: number,
  blobs: { x: number; y: number; r: number; c: RGB }[],
): RGB {
  if (kind === 'plain') return [200, 200, 196];
  if (kind === 'weave') {
    // a knitted sleeve or a woven mat: fine, regular, close to a screen's pixel pitch
    const v = 130 + 45 * Math.sin(x / 1.6) * Math.sin(y / 1.9) + 25 * Math.sin((x + y) / 9);
    return [v, v * 0.9, v * 0.8];
  }
  if (kind === 'tiles') {
    // a tiled counter: grout lines every 48 px, speckled stone
    const g = x % 48 < 3 || y % 48 < 3;
    const sp = Math.sin(x * 12.9898 + y * 78.233) * 43758.5453;
    const v = g ? 90 : 185 + 30 * (sp - Math.floor(sp)) - 15;
    return [v, v, v * 0.97];
  }
  if (kind === 'receipt') {
    // a till receipt lying on the counter: lines of small print, prices and digits
    const lineH = 14;
    const inLine = y % lineH;
    const col = Math.floor(x / 6);
    const row = Math.floor(y / lineH);
    const h = Math.sin(col * 91.7 + row * 47.3) * 1e4;
    const ink = inLine > 3 && inLine < 11 && h - Math.floor(h) < 0.55 && (x % 6) + (y % 3) < 6;
    const gap = (col + row * 7) % 23 < 4; // spaces between words
    const v = ink && !gap ? 55 : 238;
    return [v, v, v - 4];
  }
  if (kind === 'stripes') {
    // a striped shirt / shutter: bar-like but not a barcode
    const s = Math.sin((x + 0.3 * y) / 3.1) + 0.6 * Math.sin((x - 0.1 * y) / 7.3);
    const v = s > 0.2 ? 40 : 210;
    return [v, v * 0.95, v * 0.9];
  }
  const t = (x / w) * 0.6 + (y / h) * 0.4;
  let c: RGB = [150 + 40 * t, 120 + 30 * t, 90 + 20 * t]; // a wooden counter
  // wood grain
  const grain = 12 * Math.sin(y / 5.3 + 3 * Math.sin(x / 41));
  c = [c[0] + grain, c[1] + grain, c[2] + grain];
  for (const b of blobs) {
    if ((x - b.x) ** 2 + (y - b.y) ** 2 < b.r * b.r) c = b.c;
  }
  return c;
}

/** Renders a camera frame of the scene, RGBA. */
export function renderScene(spec: SceneSpec): Picture {
  const rand = prng(spec.seed);
  const { width: W, height: H } = spec;
  const screen = buildScreen(spec, rand);
  const toFrame = placePhone(spec, screen);
  const toScreen = invert3(toFrame);
  const blobs = Array.from({ length: 3 }, () => ({
    x: rand() * W,
    y: rand() * H,
    r: 20 + rand() * 60,
    c: [60 + rand() * 150, 60 + rand() * 150, 60 + rand() * 150] as RGB,
  }));
  // a hand holding the phone: a skin-coloured ellipse at the phone's lower edge
  const out = new Float32Array(W * H * 3);
  const bez = screen.bezel;
  const radius = bez > 0 ? 44 : 0;
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = toScreen as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const inBody = (u: number, v: number) => {
    const x0 = -bez;
    const y0 = -bez * 2.5;
    const x1 = SCREEN_W + bez;
    const y1 = SCREEN_H + bez * 2.5;
    if (u < x0 || v < y0 || u > x1 || v > y1) return false;
    if (radius === 0) return true;
    const cx = Math.min(Math.max(u, x0 + radius), x1 - radius);
    const cy = Math.min(Math.max(v, y0 + radius), y1 - radius);
    return (u - cx) ** 2 + (v - cy) ** 2 <= radius * radius;
  };
  const offsets = [0.25, 0.75];
  const ambient = spec.screenLight?.ambient ?? 0;
  const gain = spec.screenLight?.gain ?? 1;
  const screenMask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let onScreen = 0;
      for (const oy of offsets) {
        for (const ox of offsets) {
          const fx = x + ox;
          const fy = y + oy;
          const d = m6 * fx + m7 * fy + m8;
          const u = (m0 * fx + m1 * fy + m2) / d;
          const v = (m3 * fx + m4 * fy + m5) / d;
          let c: RGB;
          if (u >= 0 && v >= 0 && u < SCREEN_W && v < SCREEN_H) {
            c = screen.screenBg;
            for (const el of screen.elements) {
              if (u < el.x0 || v < el.y0 || u >= el.x1 || v >= el.y1) continue;
              c = el.at(u, v) ?? c;
            }
            c = [ambient + gain * c[0], ambient + gain * c[1], ambient + gain * c[2]];
            onScreen++;
          } else if (inBody(u, v)) {
            c = screen.bodyColor;
          } else {
            c = backgroundAt(spec.background ?? 'counter', fx, fy, W, H, blobs);
          }
          r += c[0];
          g += c[1];
          b += c[2];
        }
      }
      const o = (y * W + x) * 3;
      out[o] = r / 4;
      out[o + 1] = g / 4;
      out[o + 2] = b / 4;
      if (onScreen > 0) screenMask[y * W + x] = 1;
    }
  }
  if (spec.hand) applyHand(out, W, H, spec.hand);
  if (spec.exposure !== undefined) for (let i = 0; i < out.length; i++) out[i]! *= spec.exposure;
  if (spec.moire) applyMoire(out, screenMask, W, H, spec.moire);
  if (spec.glare) applyGlare(out, screenMask, W, H, spec.glare);
  if (spec.blur) gaussianBlur(out, W, H, spec.blur);
  if (spec.motion) motionBlur(out, W, H, spec.motion);
  const vig = spec.vignette ?? 0.15;
  const noise = spec.noise ?? 2;
  const data = new Uint8ClampedArray(W * H * 4);
  const cx = W / 2;
  const cy = H / 2;
  const rr = cx * cx + cy * cy;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const fall = 1 - (vig * ((x - cx) ** 2 + (y - cy) ** 2)) / rr;
      for (let k = 0; k < 3; k++) {
        data[i * 4 + k] = out[i * 3 + k]! * fall + noise * gauss(rand);
      }
      data[i * 4 + 3] = 255;
    }
  }
  return { data, width: W, height: H };
}

/** A hand: a palm (ellipse) and four fingers (rounded bars), skin-coloured, softly shaded. */
function applyHand(out: Float32Array, W: number, H: number, hand: NonNullable<SceneSpec['hand']>) {
  const size = (hand.size ?? 1) * H * 0.22;
  const a = (hand.angle * Math.PI) / 180;
  const cx = hand.x * W;
  const cy = hand.y * H;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // hand coordinates: u along the fingers, v across
      const u = ((x - cx) * cos + (y - cy) * sin) / size;
      const v = (-(x - cx) * sin + (y - cy) * cos) / size;
      let inside = u * u + (v * v) / 0.8 < 1; // palm
      for (let f = 0; f < 4 && !inside; f++) {
        const fv = -0.6 + f * 0.4;
        const len = f === 0 || f === 3 ? 1.55 : 1.8;
        inside = u > 0 && u < len && Math.abs(v - fv) < 0.15;
      }
      if (!inside) continue;
      const shade = 0.85 + 0.15 * Math.cos(v * 2);
      const o = (y * W + x) * 3;
      out[o] = 214 * shade;
      out[o + 1] = 163 * shade;
      out[o + 2] = 132 * shade;
    }
  }
}

function applyMoire(
  img: Float32Array,
  mask: Uint8Array,
  W: number,
  H: number,
  m: NonNullable<SceneSpec['moire']>,
) {
  const a = (m.angle * Math.PI) / 180;
  const ca = Math.cos(a);
  const sa = Math.sin(a);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask[i]) continue;
      const t = (2 * Math.PI * (x * ca + y * sa)) / m.period;
      // beats between the screen's sub-pixels and the sensor: a colour fringe per channel
      for (let k = 0; k < 3; k++) {
        const f = 1 + m.amplitude * Math.sin(t + (k * 2 * Math.PI) / 3) * 0.8;
        img[i * 3 + k] = img[i * 3 + k]! * f;
      }
    }
  }
}

function applyGlare(
  img: Float32Array,
  mask: Uint8Array,
  W: number,
  H: number,
  g: NonNullable<SceneSpec['glare']>,
) {
  const gx = g.x * W;
  const gy = g.y * H;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask[i]) continue;
      // an elongated reflection of a ceiling light
      const d2 = ((x - gx) / 1.6) ** 2 + (y - gy) ** 2;
      const add = g.strength * Math.exp(-d2 / (2 * g.r * g.r));
      for (let k = 0; k < 3; k++) img[i * 3 + k] = Math.min(255, img[i * 3 + k]! + add);
    }
  }
}

function gaussianBlur(img: Float32Array, W: number, H: number, sigma: number) {
  const r = Math.ceil(sigma * 3);
  const kernel: number[] = [];
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel.push(v);
    sum += v;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  convolve(img, W, H, kernel, true);
  convolve(img, W, H, kernel, false);
}

function motionBlur(img: Float32Array, W: number, H: number, length: number) {
  const n = Math.max(1, Math.round(length));
  convolve(img, W, H, new Array<number>(n).fill(1 / n), true);
}

function convolve(img: Float32Array, W: number, H: number, k: number[], horizontal: boolean) {
  const r = (k.length - 1) >> 1;
  const src = img.slice();
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let j = 0; j < k.length; j++) {
          const d = j - r;
          const xx = horizontal ? Math.min(W - 1, Math.max(0, x + d)) : x;
          const yy = horizontal ? y : Math.min(H - 1, Math.max(0, y + d));
          acc += src[(yy * W + xx) * 3 + c]! * k[j]!;
        }
        img[(y * W + x) * 3 + c] = acc;
      }
    }
  }
}

// ---------------------------------------------------------------------------------- files

export function encodePng(p: Picture): Buffer {
  const png = new PNG({ width: p.width, height: p.height });
  png.data = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  return PNG.sync.write(png);
}

export function encodeJpeg(p: Picture, quality: number): Buffer {
  return jpeg.encode({ data: p.data, width: p.width, height: p.height }, quality).data;
}

/** One picture as a YUV 4:2:0 frame, full range (what `C420jpeg` in a .y4m header means). */
export function toYuv420(p: Picture): Buffer {
  const { width: W, height: H, data: d } = p;
  const out = Buffer.alloc(W * H * 1.5);
  for (let i = 0; i < W * H; i++) {
    out[i] = Math.round(0.299 * d[i * 4]! + 0.587 * d[i * 4 + 1]! + 0.114 * d[i * 4 + 2]!);
  }
  let u = W * H;
  let v = u + (W * H) / 4;
  for (let y = 0; y < H; y += 2) {
    for (let x = 0; x < W; x += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const o of [y * W + x, y * W + x + 1, (y + 1) * W + x, (y + 1) * W + x + 1]) {
        r += d[o * 4]! / 4;
        g += d[o * 4 + 1]! / 4;
        b += d[o * 4 + 2]! / 4;
      }
      out[u++] = Math.max(0, Math.min(255, Math.round(-0.1687 * r - 0.3313 * g + 0.5 * b + 128)));
      out[v++] = Math.max(0, Math.min(255, Math.round(0.5 * r - 0.4187 * g - 0.0813 * b + 128)));
    }
  }
  return out;
}

/**
 * Writes a .y4m clip for Chromium's fake webcam (`--use-file-for-fake-video-capture`): each
 * picture repeated `count` frames. Chromium plays the clip in a loop.
 */
export function writeY4m(file: string, fps: number, parts: { picture: Picture; count: number }[]) {
  const first = parts[0]!.picture;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${first.width} H${first.height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (const { picture, count } of parts) {
      const frame = toYuv420(picture);
      for (let i = 0; i < count; i++) {
        writeSync(fd, 'FRAME\n');
        writeSync(fd, frame);
      }
    }
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------- corpus

/** Redeemable codes of the demo sandbox and a few more in the same shape. */
const SANDBOX_QR = ['178847660332', '101961725085', '219601691506', '124889505971'];
const SANDBOX_BAR = ['184204778342', '577290972999'];

function digits(rand: () => number, n: number): string {
  let s = String(1 + Math.floor(rand() * 9));
  while (s.length < n) s += String(Math.floor(rand() * 10));
  return s;
}

function withCheck(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += Number(body[i]) * w;
  return body + String((10 - (sum % 10)) % 10);
}

export interface Item {
  folder: string;
  name: string;
  spec: SceneSpec;
  format: 'png' | 'jpg';
  quality?: number;
}

function between(rand: () => number, a: number, b: number) {
  return a + (b - a) * rand();
}

/** The corpus: every picture's scene, from one seed per folder. */
export function corpusItems(): Item[] {
  const items: Item[] = [];
  const folder = (
    name: string,
    count: number,
    make: (rand: () => number, i: number) => Omit<SceneSpec, 'seed'> & { jpg?: number },
  ) => {
    const rand = prng(hashSeed(name));
    for (let i = 0; i < count; i++) {
      const { jpg, ...spec } = make(rand, i);
      items.push({
        folder: name,
        name: `${name}-${String(i + 1).padStart(2, '0')}`,
        spec: { ...spec, seed: hashSeed(`${name}/${i}`) },
        format: jpg === 0 ? 'png' : 'jpg',
        quality: jpg || 74,
      });
    }
  };
  // WeChat coupons: QR codes and Code 128 barcodes; every other kind of code now and then.
  const code = (rand: () => number, i: number, mix = false): SceneSpec['code'] => {
    if (mix && i % 6 === 5) {
      const k = (['ean13', 'code39', 'itf', 'pdf417'] as const)[Math.floor(rand() * 4)]!;
      if (k === 'ean13') return { kind: k, text: withCheck(digits(rand, 12)) };
      if (k === 'itf') return { kind: k, text: withCheck(digits(rand, 13)) };
      if (k === 'code39') return { kind: k, text: `CD${digits(rand, 6)}` };
      return { kind: k, text: digits(rand, 12) };
    }
    const qr = i % 2 === 0;
    const pool = qr ? SANDBOX_QR : SANDBOX_BAR;
    const text = rand() < 0.5 ? pool[Math.floor(rand() * pool.length)]! : digits(rand, 12);
    return { kind: qr ? 'qr' : 'code128', text };
  };
  // A phone held 15 to 30 cm from a 640x480 webcam: the screen's 360 units over 250-420 px.
  const place = (rand: () => number, c: SceneSpec['code'], extra: Partial<Placement> = {}) => ({
    scale:
      c && c.kind !== 'qr' && c.kind !== 'pdf417'
        ? between(rand, 0.9, 1.4)
        : between(rand, 0.6, 1.0),
    cx: between(rand, 0.42, 0.58),
    cy: between(rand, 0.42, 0.58),
    angle: between(rand, -6, 6),
    tiltX: between(rand, -10, 10),
    tiltY: between(rand, -10, 10),
    ...extra,
  });
  const base = { width: 640, height: 480, noise: 2 };

  folder('clean', 12, (rand, i) => {
    const c = code(rand, i, true);
    if (i >= 10) {
      // 1280x720 frames (a 720p webcam), to exercise downscaling
      return {
        ...base,
        width: 1280,
        height: 720,
        code: c,
        place: { ...place(rand, c), scale: place(rand, c).scale * 1.6 },
        jpg: 85,
      };
    }
    // one lossless picture, as a screenshot would be; the rest as a webcam's MJPEG
    if (i === 0) return { ...base, noise: 0.5, code: c, place: place(rand, c), jpg: 0 };
    return { ...base, code: c, place: place(rand, c), jpg: 85 };
  });
  folder('blur', 10, (rand, i) => {
    const c = code(rand, i);
    return {
      ...base,
      code: c,
      place: place(rand, c),
      blur: 0.9 + (i / 9) * 2.6,
      ...(i % 4 === 3 ? { motion: 4 + i / 2 } : {}),
    };
  });
  folder('noise', 10, (rand, i) => {
    const c = code(rand, i);
    return { ...base, code: c, place: place(rand, c), noise: 8 + (i / 9) * 30, jpg: 70 };
  });
  folder('rotated', 12, (rand, i) => {
    const c = code(rand, i);
    const qr = c!.kind === 'qr';
    // QR at any angle; barcodes a little off, sideways (either way) or upside down
    const angle = qr
      ? [20, 45, 135, 200, 290, -30, 75][(i >> 1) % 7]!
      : [8, -12, 90, -90, 180, 94, -15][(i >> 1) % 7]!;
    return { ...base, code: c, place: { ...place(rand, c), angle } };
  });
  folder('perspective', 10, (rand, i) => {
    const c = code(rand, i);
    const t = 25 + (i / 9) * 30;
    return {
      ...base,
      code: c,
      place: {
        ...place(rand, c),
        tiltX: i % 3 === 0 ? t : -t * 0.6,
        tiltY: i % 3 === 1 ? t : t * 0.5,
      },
    };
  });
  folder('low-contrast', 10, (rand, i) => {
    const c = code(rand, i);
    const gain = 0.45 - (i / 9) * 0.35; // down to a tenth of the range
    return {
      ...base,
      code: c,
      place: place(rand, c),
      screenLight: { ambient: 220 - gain * 255, gain },
      noise: 3,
    };
  });
  folder('inverted', 10, (rand, i) => {
    const c = code(rand, i);
    return { ...base, code: c, place: place(rand, c), dark: true, noise: 4 };
  });
  folder('small', 10, (rand, i) => {
    const c = code(rand, i);
    const s = place(rand, c).scale * (0.42 + (i / 9) * 0.18);
    return { ...base, code: c, place: { ...place(rand, c), scale: s }, jpg: 90 };
  });
  folder('glare', 10, (rand, i) => {
    const c = code(rand, i);
    const p = place(rand, c);
    return {
      ...base,
      code: c,
      place: p,
      glare: {
        x: p.cx + between(rand, -0.12, 0.12),
        y: p.cy + between(rand, -0.12, 0.12),
        r: between(rand, 25, 60),
        strength: 120 + (i / 9) * 160,
      },
    };
  });
  folder('moire', 10, (rand, i) => {
    const c = code(rand, i);
    return {
      ...base,
      code: c,
      place: place(rand, c),
      moire: {
        period: between(rand, 3, 9),
        angle: between(rand, 0, 180),
        amplitude: 0.2 + (i / 9) * 0.35,
      },
      blur: 0.6,
    };
  });
  folder('no-code', 14, (rand, i) => {
    const kinds: Omit<SceneSpec, 'seed' | 'width' | 'height'>[] = [
      { screen: 'text', place: place(rand, undefined) },
      { screen: 'photo', place: place(rand, undefined) },
      { screen: 'text', dark: true, place: place(rand, undefined) },
      { screen: 'card', place: { ...place(rand, undefined), scale: 0.5 }, background: 'stripes' },
      { screen: 'text', place: { ...place(rand, undefined), cx: 2, cy: 2 }, background: 'stripes' },
      {
        screen: 'text',
        place: { ...place(rand, undefined), cx: 2, cy: 2 },
        background: 'counter',
        noise: 20,
      },
      {
        screen: 'text',
        place: place(rand, undefined),
        moire: { period: 4, angle: 80, amplitude: 0.5 },
      },
      { screen: 'photo', place: { ...place(rand, undefined), angle: 90 }, noise: 12 },
    ];
    return { ...base, ...kinds[i % kinds.length]!, jpg: i < 8 ? 85 : 70 };
  });
  // What a till camera sees most of the day: no code. The counter, a hand, a receipt, a mat,
  // tiles, a sleeve, a phone showing something else, a dim shop, a noisy sensor; 480p and 720p.
  folder('empty', 72, (rand, i) => {
    const away = { ...place(rand, undefined), cx: 3, cy: 3 }; // no phone in view
    const hand = {
      x: between(rand, 0.2, 0.8),
      y: between(rand, 0.3, 0.9),
      angle: between(rand, -160, -20),
      size: between(rand, 0.8, 1.6),
    };
    const kinds: Omit<SceneSpec, 'seed' | 'width' | 'height'>[] = [
      { place: away, background: 'counter' },
      { place: away, background: 'counter', hand },
      { place: away, background: 'receipt' },
      { place: away, background: 'receipt', hand, motion: 6 },
      { place: away, background: 'weave' },
      { place: away, background: 'tiles', hand },
      { place: away, background: 'stripes', noise: 6 },
      { place: away, background: 'plain', exposure: 0.3, noise: 14 },
      { place: away, background: 'counter', noise: 30 },
      { screen: 'text', place: place(rand, undefined), hand },
      { screen: 'photo', place: place(rand, undefined), background: 'tiles' },
      { screen: 'text', place: { ...place(rand, undefined), angle: 90 }, background: 'receipt' },
      {
        screen: 'text',
        place: place(rand, undefined),
        moire: { period: between(rand, 3, 7), angle: between(rand, 0, 180), amplitude: 0.45 },
      },
      { screen: 'text', dark: true, place: place(rand, undefined), exposure: 0.6, noise: 10 },
      { place: away, background: 'weave', hand, blur: 1.2 },
      { screen: 'photo', place: { ...place(rand, undefined), scale: 0.5 }, hand },
      { place: away, background: 'counter', exposure: 0.5, noise: 8, motion: 10 },
      { screen: 'text', place: { ...place(rand, undefined), tiltX: 35 }, background: 'stripes' },
    ];
    const k = kinds[i % kinds.length]!;
    const hd = i % 4 === 3;
    return {
      ...base,
      ...(hd ? { width: 1280, height: 720 } : {}),
      ...k,
      ...(hd ? { place: { ...k.place, scale: k.place.scale * 1.6 } } : {}),
      jpg: [85, 74, 60][i % 3],
    };
  });
  // Harder, more photographic codes: several kinds of damage at once, as a real photo has.
  folder('photo', 18, (rand, i) => {
    const c = code(rand, i);
    const hd = i % 3 === 2;
    const p = place(rand, c, {
      angle: between(rand, -20, 20) + (i % 5 === 4 ? 180 : 0),
      tiltX: between(rand, -30, 30),
      tiltY: between(rand, -30, 30),
    });
    return {
      ...base,
      ...(hd ? { width: 1280, height: 720 } : {}),
      code: c,
      place: { ...p, scale: p.scale * between(rand, 0.55, 0.9) * (hd ? 1.6 : 1) },
      blur: between(rand, 0.5, 1.4),
      ...(i % 3 === 0 ? { motion: between(rand, 2, 6) } : {}),
      noise: between(rand, 4, 14),
      exposure: between(rand, 0.55, 1),
      ...(i % 4 === 1
        ? { glare: { x: p.cx + 0.05, y: p.cy - 0.04, r: between(rand, 20, 45), strength: 140 } }
        : {}),
      ...(i % 4 === 2
        ? { moire: { period: between(rand, 3, 8), angle: between(rand, 0, 180), amplitude: 0.3 } }
        : {}),
      ...(i % 2 === 0 ? { hand: { x: p.cx + 0.25, y: p.cy + 0.3, angle: -120, size: 0.9 } } : {}),
      background: (['counter', 'tiles', 'receipt', 'weave'] as const)[i % 4],
      dark: i % 6 === 5,
      jpg: 60 + Math.floor(rand() * 25),
    };
  });
  return items;
}

function main() {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'fixtures', 'decode'));
  rmSync(out, { recursive: true, force: true });
  let bytes = 0;
  const items = corpusItems();
  for (const item of items) {
    const dir = path.join(out, item.folder);
    mkdirSync(dir, { recursive: true });
    const pic = renderScene(item.spec);
    const file = path.join(dir, `${item.name}.${item.format}`);
    const buf = item.format === 'png' ? encodePng(pic) : encodeJpeg(pic, item.quality ?? 85);
    writeFileSync(file, buf);
    bytes += buf.length;
    if (item.spec.code) writeFileSync(path.join(dir, `${item.name}.txt`), item.spec.code.text);
  }
  console.log(`${items.length} pictures, ${(bytes / 1e6).toFixed(1)} MB in ${out}`);
}

if (process.argv[1] && /make-decode-corpus\.ts$/.test(process.argv[1])) main();
