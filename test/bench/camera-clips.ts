/**
 * The scenes bench:camera plays through Chromium's fake webcam: clips of a counter where a
 * customer's hand brings a phone (or a printed barcode) into view, holds it, and takes it away,
 * with empty counter in between. Each clip is labelled with what a person would expect (the
 * code is readable, or it is not: too far, too blurred) and every appearance carries the index
 * of the frame where the code is first fully visible.
 *
 * Clips of one resolution are cut into one reel (a .y4m file: Chromium's fake camera plays one
 * file), `appearances` of each clip interleaved so no clip is seen twice in a row. Every frame
 * gets fresh sensor noise (two frames of a real camera never have the same pixels) and its
 * index in the reel, written in the chroma (U) plane of a 256x16 strip at the bottom left:
 * the page reads it back from the preview to know which frame it is looking at, while the
 * luminance the decoder reads there is a flat grey (a webcam's timestamp overlay, no pattern).
 *
 * Keyframes take seconds each to render (make-decode-corpus.ts's renderer, in JavaScript):
 * they are cached in the temp folder, keyed by their scene.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prng, renderScene, toYuv420, type Picture, type SceneSpec } from './make-decode-corpus';

export const FPS = 30;
/** Frames of empty counter before each appearance, hand in motion per keyframe, held, after. */
const EMPTY_BEFORE = 24;
const MOVE_FRAMES = 3;
const HELD = 45;
const EMPTY_AFTER = 9;
/** Empty counter at the start of a reel, while the page's probe starts. */
const LEAD_IN = 45;
const MARK_BITS = 16;
const MARK_W = 16; // luma pixels per bit
const MARK_H = 16;

export type Resolution = '480p' | '720p';
export const SIZES: Record<Resolution, { width: number; height: number }> = {
  '480p': { width: 640, height: 480 },
  '720p': { width: 1280, height: 720 },
};

type Scene = Omit<SceneSpec, 'width' | 'height' | 'seed'> & {
  /** Low light: the whole frame's exposure times gain, then the sensor's gain noise. */
  lowLight?: { gain: number; noise: number };
};

export interface ClipDef {
  name: string;
  res: Resolution;
  what: string;
  /** What a person would expect: the code can be read, it cannot, or there is none. */
  expect: 'read' | 'unreadable' | 'none';
  code?: { kind: 'qr' | 'code128'; text: string };
  /** The held picture(s), cycled frame by frame (two for a shaking hand). */
  held: Scene[];
  /** The hand bringing it in, in order (taken away in reverse). */
  moving: Scene[];
}

// Real WeChat code lengths: 12-digit codes (the sandbox's redeemable ones and others), and
// custom codes a merchant imports (letters and digits, up to 20 characters here).
const QR_CODE = '178847660332';
const QR_OTHER = '101961725085';
const BAR_CODE = '184204778342';
const BAR_OTHER = '577290972999';
const CUSTOM_QR = 'CDK8QW2M7T4X9B';
const CUSTOM_BAR = 'VIP2026A0B7X9Q4';

/** A phone at a place, and the hand bringing it from the right (motion-blurred). */
function moves(place: SceneSpec['place'], extra: Partial<Scene> = {}): Scene[] {
  return [
    { ...extra, place: { ...place, cx: place.cx + 0.55 }, motion: 14 },
    {
      ...extra,
      place: { ...place, cx: place.cx + 0.25, angle: (place.angle ?? 0) + 4 },
      motion: 9,
    },
  ];
}

function clip(
  name: string,
  res: Resolution,
  what: string,
  expect: ClipDef['expect'],
  code: ClipDef['code'],
  held: Scene,
  opts: { shake?: boolean } = {},
): ClipDef {
  const heldScenes = opts.shake
    ? [
        { ...held, code, motion: 5 },
        { ...held, code, place: { ...held.place, cx: held.place.cx - 0.01 }, motion: 6 },
      ]
    : [{ ...held, code }];
  const { place, ...rest } = held;
  return {
    name,
    res,
    what,
    expect,
    ...(code ? { code } : {}),
    held: heldScenes,
    moving: moves(place, { ...rest, code }),
  };
}

export const CLIPS: ClipDef[] = [
  clip(
    'qr-480',
    '480p',
    "QR, 12 digits, phone at arm's length, a little tilted",
    'read',
    { kind: 'qr', text: QR_CODE },
    { place: { scale: 0.7, cx: 0.5, cy: 0.52, angle: 4, tiltX: 8, tiltY: -6 }, noise: 3 },
  ),
  clip(
    'code128-480',
    '480p',
    'Code 128, 12 digits',
    'read',
    { kind: 'code128', text: BAR_CODE },
    { place: { scale: 1.1, cx: 0.5, cy: 0.5, angle: -3, tiltY: 8 }, noise: 3 },
  ),
  clip(
    'qr-small',
    '480p',
    'QR small in the frame (phone held back)',
    'read',
    { kind: 'qr', text: QR_OTHER },
    { place: { scale: 0.42, cx: 0.46, cy: 0.55, angle: 6 }, noise: 3 },
  ),
  clip(
    'code128-small-custom',
    '480p',
    'Code 128 custom code, 15 characters, small',
    'read',
    { kind: 'code128', text: CUSTOM_BAR },
    { place: { scale: 0.85, cx: 0.52, cy: 0.5, angle: 2 }, noise: 3 },
  ),
  clip(
    'qr-tilted',
    '480p',
    'QR tilted 35° towards the camera and turned 20°',
    'read',
    { kind: 'qr', text: QR_CODE },
    { place: { scale: 0.75, cx: 0.5, cy: 0.5, angle: 20, tiltX: 35, tiltY: 10 } },
  ),
  clip(
    'code128-upside-down',
    '480p',
    'Code 128 held upside down',
    'read',
    { kind: 'code128', text: BAR_OTHER },
    { place: { scale: 1.1, cx: 0.5, cy: 0.48, angle: 182 } },
  ),
  clip(
    'qr-shaking',
    '480p',
    'QR in a shaking hand: every frame motion-blurred 5-6 px',
    'read',
    { kind: 'qr', text: QR_OTHER },
    { place: { scale: 0.75, cx: 0.5, cy: 0.5, angle: -5 } },
    { shake: true },
  ),
  clip(
    'qr-glare',
    '480p',
    "QR under a ceiling light's reflection",
    'read',
    { kind: 'qr', text: QR_CODE },
    {
      place: { scale: 0.75, cx: 0.5, cy: 0.5, angle: 3 },
      glare: { x: 0.47, y: 0.45, r: 40, strength: 190 },
    },
  ),
  clip(
    'code128-moire',
    '480p',
    'Code 128 on a phone screen with moiré',
    'read',
    { kind: 'code128', text: BAR_CODE },
    {
      place: { scale: 1.1, cx: 0.5, cy: 0.5, angle: 1 },
      moire: { period: 5, angle: 70, amplitude: 0.4 },
      blur: 0.6,
    },
  ),
  clip(
    'qr-low-light',
    '480p',
    'QR at a dim counter: a third of the exposure, gain noise',
    'read',
    { kind: 'qr', text: QR_CODE },
    { place: { scale: 0.75, cx: 0.5, cy: 0.5, angle: 2 }, lowLight: { gain: 0.33, noise: 6 } },
  ),
  clip(
    'code128-defocused',
    '480p',
    'Code 128 held too close to a fixed-focus webcam (defocus 3.5 px)',
    'unreadable',
    { kind: 'code128', text: BAR_OTHER },
    { place: { scale: 1.0, cx: 0.5, cy: 0.5 }, blur: 3.5 },
  ),
  clip(
    'qr-too-far',
    '480p',
    'QR across the counter, about 50 px wide',
    'unreadable',
    { kind: 'qr', text: QR_OTHER },
    { place: { scale: 0.17, cx: 0.5, cy: 0.5 } },
  ),
  clip(
    'empty-counter',
    '480p',
    'no code: a phone with text, then a striped sleeve',
    'none',
    undefined,
    { place: { scale: 0.8, cx: 0.5, cy: 0.5, angle: 5 }, screen: 'text', background: 'stripes' },
  ),
  clip(
    'qr-720-custom',
    '720p',
    'QR custom code, 14 characters, 720p',
    'read',
    { kind: 'qr', text: CUSTOM_QR },
    { place: { scale: 1.1, cx: 0.5, cy: 0.5, angle: -4, tiltY: 10 } },
  ),
  clip(
    'code128-720',
    '720p',
    'Code 128, 12 digits, 720p, held sideways',
    'read',
    { kind: 'code128', text: BAR_CODE },
    { place: { scale: 1.5, cx: 0.5, cy: 0.5, angle: 88 } },
  ),
  clip(
    'qr-720-small',
    '720p',
    'QR small in a 720p frame',
    'read',
    { kind: 'qr', text: QR_CODE },
    { place: { scale: 0.5, cx: 0.45, cy: 0.55, angle: 8 } },
  ),
];

/** One appearance of a code in a reel, by frame index. */
export interface Appearance {
  clip: string;
  /** The hand starts bringing it in. */
  enter: number;
  /** First frame where the code is fully visible (and held). */
  first: number;
  /** Last frame it is held. */
  last: number;
  /** First frame after it is gone. */
  gone: number;
}

export interface Reel {
  file: string;
  res: Resolution;
  frames: number;
  appearances: Appearance[];
}

function cacheDir(): string {
  const d = path.join(os.tmpdir(), 'carddesk-bench-camera-cache');
  mkdirSync(d, { recursive: true });
  return d;
}

/** A keyframe as YUV 4:2:0 (cached). */
function keyframe(res: Resolution, scene: Scene, seed: number): Buffer {
  const { width, height } = SIZES[res];
  const key = createHash('sha256')
    .update(JSON.stringify({ v: 1, width, height, seed, scene }))
    .digest('hex')
    .slice(0, 24);
  const file = path.join(cacheDir(), `${key}.yuv`);
  if (existsSync(file)) return readFileSync(file);
  const { lowLight, ...spec } = scene;
  let pic: Picture = renderScene({ ...spec, width, height, seed });
  if (lowLight) {
    const rand = prng(seed ^ 0x5bd1e995);
    const data = new Uint8ClampedArray(pic.data.length);
    for (let i = 0; i < data.length; i += 4) {
      const n = (rand() - 0.5) * 2 * lowLight.noise * 1.7;
      for (let k = 0; k < 3; k++) data[i + k] = pic.data[i + k]! * lowLight.gain + n;
      data[i + 3] = 255;
    }
    pic = { data, width, height };
  }
  const yuv = toYuv420(pic);
  writeFileSync(file, yuv);
  return yuv;
}

/** Empty counters: the counter top alone, now and then with something on it. */
function emptyScenes(res: Resolution): Buffer[] {
  return [
    keyframe(res, { place: { scale: 1, cx: 3, cy: 3 } }, 7),
    keyframe(res, { place: { scale: 1, cx: 3, cy: 3 }, noise: 4 }, 8),
  ];
}

const NOISE = (() => {
  const rand = prng(20261130);
  const t = new Int8Array(1 << 21);
  // about 2 levels of sensor noise
  for (let i = 0; i < t.length; i++) t[i] = Math.round((rand() + rand() + rand() - 1.5) * 3.4);
  return t;
})();

/** Writes one frame: the keyframe with fresh noise and the frame index in the chroma strip. */
function writeFrame(fd: number, base: Buffer, res: Resolution, index: number, rand: () => number) {
  const { width: W, height: H } = SIZES[res];
  const out = Buffer.from(base);
  const off = Math.floor(rand() * (NOISE.length - W * H));
  for (let i = 0; i < W * H; i++) out[i] = Math.max(0, Math.min(255, out[i]! + NOISE[off + i]!));
  // the mark: flat grey luminance, the index's bits in U (high: 1), V neutral
  for (let y = H - MARK_H; y < H; y++) out.fill(128, y * W, y * W + MARK_BITS * MARK_W);
  const u0 = W * H;
  const v0 = u0 + (W * H) / 4;
  const cw = W / 2;
  for (let cy = (H - MARK_H) / 2; cy < H / 2; cy++) {
    for (let b = 0; b < MARK_BITS; b++) {
      const bit = (index >> b) & 1;
      const from = cy * cw + (b * MARK_W) / 2;
      out.fill(bit ? 180 : 76, u0 + from, u0 + from + MARK_W / 2);
      out.fill(128, v0 + from, v0 + from + MARK_W / 2);
    }
  }
  writeSync(fd, 'FRAME\n');
  writeSync(fd, out);
}

/** The page's reader of the mark (sent into the page as a string: no closures). */
export const MARK = { bits: MARK_BITS, w: MARK_W, h: MARK_H };

/**
 * Renders (or takes from the cache) every keyframe of `clips` and writes the reel: a lead-in,
 * then `appearances` rounds of every clip, each round in the clips' order.
 */
export function writeReel(
  dir: string,
  res: Resolution,
  clips: ClipDef[],
  appearances: number,
  log: (s: string) => void,
): Reel {
  const { width, height } = SIZES[res];
  const empty = emptyScenes(res);
  const keys = new Map<string, { held: Buffer[]; moving: Buffer[] }>();
  for (const c of clips) {
    const t0 = Date.now();
    const seed = [...c.name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 17);
    keys.set(c.name, {
      held: c.held.map((s, i) => keyframe(res, s, seed + i)),
      moving: c.moving.map((s, i) => keyframe(res, s, seed + 100 + i)),
    });
    log(`  keyframes of ${c.name}: ${Date.now() - t0} ms`);
  }
  const file = path.join(dir, `reel-${res}.y4m`);
  const fd = openSync(file, 'w');
  const rand = prng(99);
  let n = 0;
  const list: Appearance[] = [];
  const put = (b: Buffer) => writeFrame(fd, b, res, n++, rand);
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F${FPS}:1 Ip A1:1 C420jpeg\n`);
    for (let i = 0; i < LEAD_IN; i++) put(empty[0]!);
    for (let round = 0; round < appearances; round++) {
      for (const c of clips) {
        const k = keys.get(c.name)!;
        for (let i = 0; i < EMPTY_BEFORE; i++) put(empty[(round + (i >> 3)) % 2]!);
        const enter = n;
        for (const m of k.moving) for (let i = 0; i < MOVE_FRAMES; i++) put(m);
        const first = n;
        for (let i = 0; i < HELD; i++) put(k.held[i % k.held.length]!);
        const last = n - 1;
        for (const m of [...k.moving].reverse()) for (let i = 0; i < MOVE_FRAMES; i++) put(m);
        const gone = n;
        for (let i = 0; i < EMPTY_AFTER; i++) put(empty[0]!);
        list.push({ clip: c.name, enter, first, last, gone });
      }
    }
  } finally {
    closeSync(fd);
  }
  if (n >= 1 << MARK_BITS) throw new Error(`reel too long for its frame mark: ${n} frames`);
  return { file, res, frames: n, appearances: list };
}
