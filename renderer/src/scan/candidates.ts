/**
 * The second cheap check, after the empty-frame check (precheck.ts): a frame that has busy
 * patches (text, a receipt, fabric, tiles, or a code) is asked whether it shows what a QR code
 * or a barcode is made of, before the plan's expensive steps (`enhanced`, `harder`, `small`:
 * whole-frame work at full or double resolution) are spent on it. Two questions, on the frame
 * at about 640 px wide, binarized against the mean of a 41x41 window around each pixel:
 *
 * - QR: a finder pattern. As zxing's FinderPatternFinder, but sparse (every 2nd row): a run of
 *   dark, light, dark, light, dark in the ratio 1:1:3:1:1 (or its inverse, light on dark), whose
 *   centre column crosses the same ratio vertically at about the same size.
 * - 1D: bars. On rows 8 px apart three at a time (and on columns, for a barcode held
 *   sideways), a 32 px stretch with six or more edges whose edges line up across the three
 *   rows, allowing for a tilt (a shift of up to 8 px from row to row); two such stretches side
 *   by side. Text lines rarely stand 16 px tall at 640 px wide; a barcode's bars always do.
 *
 * The finder patterns seen are listed (centre, module size): `small` enlarges only the part of
 * the frame around them.
 *
 * Conservative like the first check: it only lets the decoder skip its expensive steps (the
 * cheap ones still run on every frame that passed the first check), and every corpus picture
 * with a code that the expensive steps read passes it (test/unit/scan/precheck.test.ts).
 */
import type { Gray } from './gray';
import { integralImages } from './binarizers';

const WORK_WIDTH = 640;
/** Half the window the binarizing threshold is the mean of. */
const R = 20;
/** A window with less spread than this (standard deviation, levels) is flat: all light. */
const MIN_STD = 4;
/** Row distance between the scan lines compared for bars, and the most a tilt may shift. */
const BAR_GAP = 8;
const BAR_CELL = 32;
const BAR_MIN_EDGES = 6;
/** Barred cells side by side. */
const BAR_CELLS = 2;
/** Finder patterns listed; the search stops at this many (a textured frame has finders all over). */
export const MAX_FINDERS = 32;

/** A finder pattern seen: its centre and module size, in pixels of the image checked. */
export interface Finder {
  x: number;
  y: number;
  module: number;
}

export interface Candidates {
  /** A finder pattern was seen: a QR code may be there. */
  qr: boolean;
  /** The finder patterns seen (at most MAX_FINDERS: more means everywhere). */
  finders: Finder[];
  /** Bars lined up across rows (or columns) were seen: a barcode may be there. */
  linear: boolean;
}

/** The frame at working size, binarized: 1 = dark. */
function binarize(g: Gray): { bin: Uint8Array; w: number; h: number; k: number } {
  const k = Math.max(1, Math.round(g.width / WORK_WIDTH));
  const w = Math.floor(g.width / k);
  const h = Math.floor(g.height / k);
  const src = g.data;
  const W = g.width;
  // at working size already (k 1): the frame itself, no copy
  const img: ArrayLike<number> = k === 1 ? src : new Float32Array(w * h);
  const area = k * k;
  for (let y = 0; y < h && k > 1; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = 0; dy < k; dy++) {
        const p = (y * k + dy) * W + x * k;
        for (let dx = 0; dx < k; dx++) s += src[p + dx]!;
      }
      (img as Float32Array)[y * w + x] = s / area;
    }
  }
  // integral images of the values and their squares
  const { sum, sq } = integralImages(img, w, h);
  const W1 = w + 1;
  const xs0 = new Int32Array(w);
  const xs1 = new Int32Array(w);
  for (let x = 0; x < w; x++) {
    xs0[x] = Math.max(0, x - R);
    xs1[x] = Math.min(w, x + R + 1);
  }
  const bin = new Uint8Array(w * h);
  const minVar = MIN_STD * MIN_STD;
  for (let y = 0; y < h; y++) {
    const top = Math.max(0, y - R) * W1;
    const bottom = Math.min(h, y + R + 1) * W1;
    const dy = (bottom - top) / W1;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const x0 = xs0[x]!;
      const x1 = xs1[x]!;
      const n = dy * (x1 - x0);
      const mean = (sum[bottom + x1]! - sum[top + x1]! - sum[bottom + x0]! + sum[top + x0]!) / n;
      const v = img[row + x]!;
      if (v >= mean) continue; // light
      const variance =
        (sq[bottom + x1]! - sq[top + x1]! - sq[bottom + x0]! + sq[top + x0]!) / n - mean * mean;
      if (variance >= minVar) bin[row + x] = 1;
    }
  }
  return { bin, w, h, k };
}

/** Whether five run lengths are in the ratio 1:1:3:1:1 (zxing's tolerance: half a module). */
function finderRatio(r: readonly number[]): boolean {
  let total = 0;
  for (const n of r) {
    if (n === 0) return false;
    total += n;
  }
  if (total < 7) return false;
  const m = total / 7;
  const v = m / 2;
  return (
    Math.abs(m - r[0]!) < v &&
    Math.abs(m - r[1]!) < v &&
    Math.abs(3 * m - r[2]!) < 3 * v &&
    Math.abs(m - r[3]!) < v &&
    Math.abs(m - r[4]!) < v
  );
}

/** The vertical runs through (x, y), whose colour is the centre's: [up2, up1, centre, ...]. */
function crossVertical(
  bin: Uint8Array,
  w: number,
  h: number,
  x: number,
  y: number,
  maxRun: number,
): number[] | undefined {
  const c = bin[y * w + x]!;
  const r = [0, 0, 0, 0, 0];
  let i = y;
  // centre run, upwards then downwards
  while (i >= 0 && bin[i * w + x] === c) {
    r[2]!++;
    i--;
  }
  for (const [slot, colour] of [
    [1, 1 - c],
    [0, c],
  ] as const) {
    while (i >= 0 && bin[i * w + x] === colour && r[slot]! <= maxRun) {
      r[slot]!++;
      i--;
    }
  }
  i = y + 1;
  while (i < h && bin[i * w + x] === c) {
    r[2]!++;
    i++;
  }
  for (const [slot, colour] of [
    [3, 1 - c],
    [4, c],
  ] as const) {
    while (i < h && bin[i * w + x] === colour && r[slot]! <= maxRun) {
      r[slot]!++;
      i++;
    }
  }
  return r[2]! > 3 * maxRun ? undefined : r;
}

/**
 * A finder pattern: a run of 1:1:3:1:1 along a row whose centre column crosses the same ratio at
 * about the same size. One is enough (a QR code in glare or blur may show only one clearly);
 * asking for two lost a read the expensive steps make (bench:decode's photo-10).
 */
function findFinders(bin: Uint8Array, w: number, h: number, k: number): Finder[] {
  const found: Finder[] = [];
  const runs: number[] = [];
  for (let y = 1; y < h; y += 2) {
    runs.length = 0;
    const o = y * w;
    let colour = bin[o]!;
    let n = 0;
    for (let x = 0; x <= w; x++) {
      const v = x < w ? bin[o + x]! : 2;
      if (v === colour) {
        n++;
        continue;
      }
      runs.push(n);
      // the last five runs, ending with the run that just closed (of `colour`)
      if (runs.length >= 5) {
        const five = runs.slice(-5);
        if (finderRatio(five)) {
          const total = five.reduce((a, b) => a + b, 0);
          const cx = Math.round(x - five[4]! - five[3]! - five[2]! / 2);
          const down = crossVertical(bin, w, h, cx, y, Math.ceil((total / 7) * 2));
          if (down && finderRatio(down)) {
            const vt = down.reduce((a, b) => a + b, 0);
            if (5 * Math.abs(vt - total) < 2 * total) {
              found.push({ x: cx * k, y: y * k, module: (total / 7) * k });
              if (found.length >= MAX_FINDERS) return found;
            }
          }
        }
      }
      colour = v;
      n = 1;
    }
  }
  return found;
}

/** Edge positions (where the colour changes) along row y, or column x when `vertical`. */
function edgesOf(bin: Uint8Array, w: number, h: number, i: number, vertical: boolean): number[] {
  const out: number[] = [];
  const n = vertical ? h : w;
  const at = vertical ? (t: number) => bin[t * w + i]! : (t: number) => bin[i * w + t]!;
  let prev = at(0);
  for (let t = 1; t < n; t++) {
    const v = at(t);
    if (v !== prev) out.push(t);
    prev = v;
  }
  return out;
}

/** Edges of `a` within [from, to) that have an edge of `b` within 1 px after shifting by s. */
function matched(a: number[], b: Uint8Array, from: number, to: number, s: number): number {
  let m = 0;
  for (const e of a) {
    if (e < from || e >= to) continue;
    const p = e + s;
    if (p < 1 || p + 1 >= b.length) continue;
    if (b[p - 1] || b[p] || b[p + 1]) m++;
  }
  return m;
}

function hasBars(bin: Uint8Array, w: number, h: number, vertical: boolean): boolean {
  const lines = vertical ? w : h;
  const len = vertical ? h : w;
  const cells = Math.floor(len / BAR_CELL);
  const mark = (edges: number[]) => {
    const m = new Uint8Array(len);
    for (const e of edges) m[e] = 1;
    return m;
  };
  for (let i = 0; i + 2 * BAR_GAP < lines; i += 4) {
    const e0 = edgesOf(bin, w, h, i, vertical);
    if (e0.length < BAR_MIN_EDGES * 2) continue;
    const m1 = mark(edgesOf(bin, w, h, i + BAR_GAP, vertical));
    const m2 = mark(edgesOf(bin, w, h, i + 2 * BAR_GAP, vertical));
    let run = 0;
    for (let c = 0; c < cells; c++) {
      const from = c * BAR_CELL;
      const to = from + BAR_CELL;
      let n = 0;
      for (const e of e0) if (e >= from && e < to) n++;
      let ok = false;
      if (n >= BAR_MIN_EDGES) {
        const need = Math.ceil(n * 0.75);
        for (let s = -BAR_GAP; s <= BAR_GAP && !ok; s++) {
          // the same tilt from the 1st row to the 2nd and from the 2nd to the 3rd
          ok = matched(e0, m1, from, to, s) >= need && matched(e0, m2, from, to, 2 * s) >= need;
        }
      }
      run = ok ? run + 1 : 0;
      if (run >= BAR_CELLS) return true;
    }
  }
  return false;
}

/** What kinds of code this frame may show (both false: the expensive steps can be skipped). */
export function candidates(g: Gray): Candidates {
  const { bin, w, h, k } = binarize(g);
  const finders = findFinders(bin, w, h, k);
  return {
    qr: finders.length > 0,
    finders,
    linear: hasBars(bin, w, h, false) || hasBars(bin, w, h, true),
  };
}
