/**
 * The second cheap check, after the empty-frame check (precheck.ts): a frame that has busy
 * patches (text, a receipt, fabric, tiles, or a code) is asked whether it shows what a QR code
 * or a barcode is made of, before the plan's steps after the first are spent on it. Two
 * questions, on the frame at about 640 px wide, binarized against the mean of a 41x41 window
 * around each pixel:
 *
 * - QR: a finder pattern. As zxing's FinderPatternFinder, but sparse (every 2nd row): a run of
 *   dark, light, dark, light, dark in the ratio 1:1:3:1:1 (or its inverse, light on dark, for a
 *   dark-mode code), whose centre column crosses the same ratio at about the same size and
 *   whose diagonal through the centre crosses it too. zxing reads no QR code without three.
 * - 1D: bars. On rows 8 px apart three at a time (and on columns, for a barcode held
 *   sideways), 19 edges one after another (two groups of 10, each at most 96 px long: modules
 *   of up to about 7 px) that line up across the three rows with the same tilt (a shift of up
 *   to 8 px from row to row, 45°), between elements of more than one width. Every barcode we
 *   read has that: the shortest (Code 39 with one character) has 29 edges, our 1D reads need
 *   two scan lines 10 px apart to agree (so bars at least that tall), and every symbology has
 *   narrow and wide elements, where stripes, weaves and tiles repeat one width.
 *
 * The finder patterns seen are listed (centre, module size): `small` enlarges only the part of
 * the frame around them.
 *
 * Conservative like the first check: the plan's first step still runs on every frame that
 * passed the first check; every later step runs its QR part only where a finder pattern was
 * seen, its 1D and PDF417 parts only where bars were. Every corpus picture with a code passes
 * for the kind of code it shows (test/unit/scan/precheck.test.ts, bench:decode).
 */
import { grayOf, type Gray } from './gray';
import { integralImages } from './binarizers';

const WORK_WIDTH = 640;
/** Half the window the binarizing threshold is the mean of. */
const R = 20;
/** A window with less spread than this (standard deviation, levels) is flat: all light. */
const MIN_STD = 4;
/** Row distance between the scan lines compared for bars, and the most a tilt may shift. */
const BAR_GAP = 8;
/** Edges in a group, the most px a group may span, and groups one after another. */
const BAR_EDGES = 10;
const BAR_SPAN = 96;
const BAR_GROUPS = 2;
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

/** The frame `g` shrunk (box average, `gray.ts`'s shrink) by an integer factor, on demand. */
export interface Shrunk {
  image: () => Gray;
  factor: number;
}

/** The frame at working size, binarized: 1 = dark. */
function binarize(g: Gray, shrunk?: Shrunk): { bin: Uint8Array; w: number; h: number; k: number } {
  const k = Math.max(1, Math.round(g.width / WORK_WIDTH));
  const w = Math.floor(g.width / k);
  const h = Math.floor(g.height / k);
  // at working size already (k 1): the frame itself, no copy; else shrunk (box average) to
  // the same kind of array, so the loops below see one type: the decoder's own working-size
  // image when it was shrunk by the same factor (the same pixels), else made here
  const img =
    k === 1 ? g.data : shrunk?.factor === k ? shrunk.image().data : grayOf(g, undefined, k).data;
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
      const total = sum[bottom + x1]! - sum[top + x1]! - sum[bottom + x0]! + sum[top + x0]!;
      // light: at or above the window's mean
      if (img[row + x]! * n >= total) continue;
      const squares = sq[bottom + x1]! - sq[top + x1]! - sq[bottom + x0]! + sq[top + x0]!;
      // dark where the window is not flat: variance n^2 = squares n - total^2
      if (squares * n - total * total >= minVar * n * n) bin[row + x] = 1;
    }
  }
  return { bin, w, h, k };
}

/**
 * Whether five run lengths are in the ratio 1:1:3:1:1, each within `tolerance` modules
 * (zxing's: half a module across a row or column, three quarters along a diagonal).
 */
function finderRatio(r: readonly number[], tolerance = 0.5): boolean {
  let total = 0;
  for (const n of r) {
    if (n === 0) return false;
    total += n;
  }
  if (total < 7) return false;
  const m = total / 7;
  const v = m * tolerance;
  return (
    Math.abs(m - r[0]!) < v &&
    Math.abs(m - r[1]!) < v &&
    Math.abs(3 * m - r[2]!) < 3 * v &&
    Math.abs(m - r[3]!) < v &&
    Math.abs(m - r[4]!) < v
  );
}

/**
 * The runs through (x, y) along the direction (dx, dy), whose colour is the centre's:
 * [far2, far1, centre, near1, near2] (backwards first), each outer run at most `maxRun` long.
 */
function crossRuns(
  bin: Uint8Array,
  w: number,
  h: number,
  x: number,
  y: number,
  dx: number,
  dy: number,
  maxRun: number,
): number[] | undefined {
  const c = bin[y * w + x]!;
  const r = [0, 0, 0, 0, 0];
  const inside = (i: number, j: number) => i >= 0 && j >= 0 && i < w && j < h;
  let i = x;
  let j = y;
  while (inside(i, j) && bin[j * w + i] === c) {
    r[2]!++;
    i -= dx;
    j -= dy;
  }
  for (const [slot, colour] of [
    [1, 1 - c],
    [0, c],
  ] as const) {
    while (inside(i, j) && bin[j * w + i] === colour && r[slot]! <= maxRun) {
      r[slot]!++;
      i -= dx;
      j -= dy;
    }
  }
  i = x + dx;
  j = y + dy;
  while (inside(i, j) && bin[j * w + i] === c) {
    r[2]!++;
    i += dx;
    j += dy;
  }
  for (const [slot, colour] of [
    [3, 1 - c],
    [4, c],
  ] as const) {
    while (inside(i, j) && bin[j * w + i] === colour && r[slot]! <= maxRun) {
      r[slot]!++;
      i += dx;
      j += dy;
    }
  }
  return r[2]! > 3 * maxRun ? undefined : r;
}

/**
 * Finder patterns: a run of 1:1:3:1:1 along a row whose centre column crosses the same ratio at
 * about the same size, and whose diagonal through the centre crosses it too (as zxing's
 * FinderPatternFinder checks before it accepts a centre: stripes, weaves and tiles make
 * 1:1:3:1:1 across and down, but not along the diagonal as well). One is enough (a QR code in
 * glare or blur may show only one clearly); asking for two lost a read the expensive steps make
 * (bench:decode's photo-10).
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
          const maxRun = Math.ceil((total / 7) * 2);
          const cx = Math.round(x - five[4]! - five[3]! - five[2]! / 2);
          const down = crossRuns(bin, w, h, cx, y, 0, 1, maxRun);
          if (down && finderRatio(down)) {
            const vt = down.reduce((a, b) => a + b, 0);
            // the diagonal goes through the middle of the centre's vertical run
            let up = 0;
            const c = bin[o + cx]!;
            while (y - up - 1 >= 0 && bin[(y - up - 1) * w + cx] === c) up++;
            const cy = y + Math.round((down[2]! - 1 - 2 * up) / 2);
            const diagonal = crossRuns(bin, w, h, cx, cy, 1, 1, maxRun);
            if (5 * Math.abs(vt - total) < 2 * total && diagonal && finderRatio(diagonal, 0.75)) {
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

/** Edge positions (where the colour changes) along row y of `bin`, into `out`; how many. */
function edgesOf(bin: Uint8Array, w: number, y: number, out: Int32Array): number {
  const o = y * w;
  let n = 0;
  let prev = bin[o]!;
  for (let x = 1; x < w; x++) {
    const v = bin[o + x]!;
    if (v !== prev) out[n++] = x;
    prev = v;
  }
  return n;
}

/** Edges of `e[from..from+count)` with an edge of `marks` within 1 px after shifting by s. */
function matched(e: Int32Array, from: number, count: number, marks: Uint8Array, s: number) {
  let m = 0;
  for (let i = from; i < from + count; i++) {
    const p = e[i]! + s;
    if (p >= 1 && p + 1 < marks.length && (marks[p - 1] || marks[p] || marks[p + 1])) m++;
  }
  return m;
}

/**
 * Bars along the rows of `bin` (w x h): on rows BAR_GAP apart three at a time, BAR_GROUPS
 * groups of BAR_EDGES edges one after another (whatever the module size: a group may span up
 * to BAR_SPAN px, a barcode's modules of up to about 7 px at 640 px wide), whose edges line
 * up on the rows BAR_GAP and 2 BAR_GAP below with the same tilt (a shift of up to BAR_GAP px a
 * row, 45°), and whose elements are of more than one width (the widest at least twice the
 * narrowest: every barcode symbology has narrow and wide bars and spaces, where a stripe,
 * weave or tile pattern repeats one width).
 */
function barsAlong(bin: Uint8Array, w: number, h: number): boolean {
  const e0 = new Int32Array(w);
  const e = new Int32Array(w);
  const m1 = new Uint8Array(w);
  const m2 = new Uint8Array(w);
  const ok = new Int8Array(w); // per group start: 0 unknown, 1 lined up, -1 not
  const need = Math.ceil(BAR_EDGES * 0.75);
  const aligned = (j: number) => {
    if (ok[j] === 0) {
      ok[j] = -1;
      for (let s = -BAR_GAP; s <= BAR_GAP; s++) {
        if (
          matched(e0, j, BAR_EDGES, m1, s) >= need &&
          matched(e0, j, BAR_EDGES, m2, 2 * s) >= need
        ) {
          ok[j] = 1;
          break;
        }
      }
    }
    return ok[j] === 1;
  };
  const span = BAR_GROUPS * (BAR_EDGES - 1);
  for (let y = 0; y + 2 * BAR_GAP < h; y += 4) {
    const n = edgesOf(bin, w, y, e0);
    if (n <= span) continue;
    m1.fill(0);
    m2.fill(0);
    for (let i = edgesOf(bin, w, y + BAR_GAP, e) - 1; i >= 0; i--) m1[e[i]!] = 1;
    for (let i = edgesOf(bin, w, y + 2 * BAR_GAP, e) - 1; i >= 0; i--) m2[e[i]!] = 1;
    ok.fill(0, 0, n);
    for (let j = 0; j + span < n; j++) {
      // cheap tests first: each group's span, the elements' widths
      let fits = true;
      for (let g = 0; g < BAR_GROUPS && fits; g++) {
        const a = j + g * (BAR_EDGES - 1);
        fits = e0[a + BAR_EDGES - 1]! - e0[a]! <= BAR_SPAN;
      }
      if (!fits) continue;
      let narrow = Infinity;
      let wide = 0;
      for (let i = j; i < j + span; i++) {
        const r = e0[i + 1]! - e0[i]!;
        if (r < narrow) narrow = r;
        if (r > wide) wide = r;
      }
      if (wide < 2 * narrow) continue;
      let all = true;
      for (let g = 0; g < BAR_GROUPS && all; g++) all = aligned(j + g * (BAR_EDGES - 1));
      if (all) return true;
    }
  }
  return false;
}

/** Rows become columns. */
function transposed(bin: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = bin[y * w + x]!;
  return out;
}

/**
 * What kinds of code this frame may show (both false: no step can read anything here).
 * `shrunk`: the same frame already shrunk, used if it is at the factor the check works at.
 */
export function candidates(g: Gray, shrunk?: Shrunk): Candidates {
  const { bin, w, h, k } = binarize(g, shrunk);
  const finders = findFinders(bin, w, h, k);
  return {
    qr: finders.length > 0,
    finders,
    // across the rows, and across the columns for a barcode held sideways
    linear: barsAlong(bin, w, h) || barsAlong(transposed(bin, w, h), h, w),
  };
}
