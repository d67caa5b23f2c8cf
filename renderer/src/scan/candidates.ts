/**
 * The second cheap check, after the empty-frame check (precheck.ts): a frame that has busy
 * patches (text, a receipt, fabric, tiles, or a code) is asked whether it shows what a QR code,
 * a barcode or a PDF417 is made of, before the plan's steps after the first are spent on it.
 * Three questions, the first two on the frame at about 640 px wide, binarized against the mean
 * of a 44x44 window around each 4x4 block of pixels (flat windows all light):
 *
 * - QR: a finder pattern. As zxing's FinderPatternFinder, but sparse (every 3rd row): a run of
 *   dark, light, dark, light, dark in the ratio 1:1:3:1:1 (or its inverse, light on dark, for a
 *   dark-mode code), whose centre column crosses the same ratio at about the same size and
 *   whose diagonal through the centre crosses it too. zxing reads no QR code without three.
 * - 1D: bars. On rows 8 px apart three at a time, starting every 8 px (and on columns, every
 *   4th column in threes 8 px apart, starting every 8 px, for a barcode held
 *   sideways), 19 edges one after another (two groups of 10, each at most 96 px long: modules
 *   of up to about 7 px) that line up across the three rows with the same tilt (a shift of up
 *   to 8 px from row to row, 45°), between elements of more than one width. Every barcode we
 *   read has that: the shortest (Code 39 with one character) has 29 edges; a triple of rows
 *   falls within bars 24 px tall wherever they are (the symbologies' specifications recommend
 *   bars at least 15% of the code's width, and a phone shows them about a quarter: 24 px is a
 *   barcode of 160 px wide or less, hardly readable at 640 px); and every symbology has narrow
 *   and wide elements, where stripes, weaves and tiles repeat one width.
 * - PDF417: its start or stop pattern (8:1:1:1:1:1:1:3 and 7:1:1:3:1:1:1:2:1, either way round,
 *   either polarity) at about the same place on three rows 6 px apart (of the 640 px view), on
 *   the frame at full resolution (the PDF417 parts read full-resolution frames too), each row
 *   binarized on its own. @zxing/library's detector finds a PDF417 only by one of the two.
 *
 * The finder patterns seen are listed (centre, module size): `small` enlarges only the part of
 * the frame around the small ones.
 *
 * Conservative like the first check: the plan's first step still runs its QR and 1D parts on
 * every frame that passed the first check; every other part runs only where the check saw its
 * kind of code. Every corpus picture the plan reads is seen for the kind of code it shows, and
 * every generated PDF417 it reads (test/unit/scan/precheck.test.ts).
 */
import { grayOf, type Gray } from './gray';

const WORK_WIDTH = 640;
/** Half the window the binarizing threshold is the mean of (the PDF417 guards' rows). */
const R = 20;
/** Blocks of the 2D binarizing (px, a power of 2: `x >> 2` below), and blocks all round. */
const BLOCK = 4;
const BLOCK_WINDOW = 5;
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
  /** A PDF417 start or stop pattern was seen on two rows, one above the other. */
  pdf417: boolean;
}

/** The frame `g` shrunk (box average, `gray.ts`'s shrink) by an integer factor, on demand. */
export interface Shrunk {
  image: () => Gray;
  factor: number;
}

/**
 * Scratch bytes for one check at a time (the decoder is synchronous), zeroed, reused from frame
 * to frame: the check's binarized frame and its turned columns are about 0.4 MB a frame at
 * 640x480, which made as new arrays each time kept the garbage collector busy.
 */
const scratchBytes = new Map<string, Uint8Array>();
function scratch(name: string, size: number): Uint8Array {
  let buf = scratchBytes.get(name);
  if (!buf || buf.length < size) scratchBytes.set(name, (buf = new Uint8Array(size)));
  const out = buf.subarray(0, size);
  out.fill(0);
  return out;
}

/** The frame at working size, binarized: 1 = dark (in scratch: valid until the next check). */
function binarize(g: Gray, shrunk?: Shrunk): { bin: Uint8Array; w: number; h: number; k: number } {
  const k = Math.max(1, Math.round(g.width / WORK_WIDTH));
  const w = Math.floor(g.width / k);
  const h = Math.floor(g.height / k);
  // at working size already (k 1): the frame itself, no copy; else shrunk (box average) to
  // the same kind of array, so the loops below see one type: the decoder's own working-size
  // image when it was shrunk by the same factor (the same pixels), else made here
  const img =
    k === 1 ? g.data : shrunk?.factor === k ? shrunk.image().data : grayOf(g, undefined, k).data;
  // The window's mean and spread per block of BLOCK x BLOCK pixels (each pixel of a block
  // uses its block's window: BLOCK_WINDOW blocks all round, 44 px square), from the blocks'
  // sums: about three times faster than a window per pixel from integral images, and the same
  // finders and bars to within a pixel of where the window's edge falls.
  const bw = Math.ceil(w / BLOCK);
  const bh = Math.ceil(h / BLOCK);
  const bs = new Float64Array((bw + 1) * (bh + 1)); // integral of the blocks' sums
  const bq = new Float64Array((bw + 1) * (bh + 1)); // and of their squares
  const W1 = bw + 1;
  const rowS = new Int32Array(bw);
  const rowQ = new Int32Array(bw);
  const full = w >> 2; // whole blocks along a row
  for (let by = 0; by < bh; by++) {
    rowS.fill(0);
    rowQ.fill(0);
    for (let y = by * BLOCK; y < Math.min(h, by * BLOCK + BLOCK); y++) {
      let p = y * w;
      for (let bx = 0; bx < full; bx++, p += 4) {
        const a = img[p]!;
        const b = img[p + 1]!;
        const c = img[p + 2]!;
        const d = img[p + 3]!;
        rowS[bx]! += a + b + c + d;
        rowQ[bx]! += a * a + b * b + c * c + d * d;
      }
      for (let x = full * 4; x < w; x++, p++) {
        const v = img[p]!;
        rowS[full]! += v;
        rowQ[full]! += v * v;
      }
    }
    let s1 = 0;
    let s2 = 0;
    for (let bx = 0; bx < bw; bx++) {
      s1 += rowS[bx]!;
      s2 += rowQ[bx]!;
      bs[(by + 1) * W1 + bx + 1] = bs[by * W1 + bx + 1]! + s1;
      bq[(by + 1) * W1 + bx + 1] = bq[by * W1 + bx + 1]! + s2;
    }
  }
  // per block: the window's mean, or -1 where the window is flat (nothing dark there)
  const threshold = new Float64Array(bw * bh);
  const minVar = MIN_STD * MIN_STD;
  for (let by = 0; by < bh; by++) {
    const y0 = Math.max(0, by - BLOCK_WINDOW);
    const y1 = Math.min(bh, by + BLOCK_WINDOW + 1);
    const rows = Math.min(h, y1 * BLOCK) - y0 * BLOCK;
    for (let bx = 0; bx < bw; bx++) {
      const x0 = Math.max(0, bx - BLOCK_WINDOW);
      const x1 = Math.min(bw, bx + BLOCK_WINDOW + 1);
      const n = rows * (Math.min(w, x1 * BLOCK) - x0 * BLOCK);
      const total = bs[y1 * W1 + x1]! - bs[y0 * W1 + x1]! - bs[y1 * W1 + x0]! + bs[y0 * W1 + x0]!;
      const squares = bq[y1 * W1 + x1]! - bq[y0 * W1 + x1]! - bq[y1 * W1 + x0]! + bq[y0 * W1 + x0]!;
      const mean = total / n;
      threshold[by * bw + bx] = squares / n - mean * mean >= minVar ? mean : -1;
    }
  }
  const bin = scratch('bin', w * h);
  for (let y = 0; y < h; y++) {
    const t = (y >> 2) * bw;
    let p = y * w;
    // dark: below the window's mean
    for (let bx = 0; bx < bw; bx++) {
      const m = threshold[t + bx]!;
      if (m < 0) {
        p += 4;
        continue;
      }
      for (const end = Math.min(p + 4, y * w + w); p < end; p++) if (img[p]! < m) bin[p] = 1;
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
  const five = [0, 0, 0, 0, 0]; // the last five runs, the one that just closed last
  for (let y = 1; y < h; y += 3) {
    const o = y * w;
    let colour = bin[o]!;
    let n = 0;
    let closed = 0; // runs closed so far on this row
    for (let x = 0; x <= w; x++) {
      const v = x < w ? bin[o + x]! : 2;
      if (v === colour) {
        n++;
        continue;
      }
      five[0] = five[1]!;
      five[1] = five[2]!;
      five[2] = five[3]!;
      five[3] = five[4]!;
      five[4] = n;
      closed++;
      // (the centre run is the longest in any 1:1:3:1:1, within the tolerance: a cheap test
      // first, as most runs of a textured row fail it)
      const c = five[2]!;
      if (
        closed >= 5 &&
        c > five[0]! &&
        c > five[1]! &&
        c > five[3]! &&
        c > five[4]! &&
        finderRatio(five)
      ) {
        const total = five[0]! + five[1]! + five[2]! + five[3]! + five[4]!;
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
            // the same finder crossed again a row or two further down is listed once: its
            // centre within a module and a half of one listed
            const f = { x: cx * k, y: cy * k, module: (total / 7) * k };
            const near = 1.5 * f.module;
            if (!found.some((o) => Math.abs(o.x - f.x) <= near && Math.abs(o.y - f.y) <= near)) {
              found.push(f);
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
function barsAlong(bin: Uint8Array, w: number, h: number, step = 4, gap = BAR_GAP): boolean {
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
  for (let y = 0; y + 2 * gap < h; y += step) {
    const n = edgesOf(bin, w, y, e0);
    if (n <= span) continue;
    m1.fill(0);
    m2.fill(0);
    for (let i = edgesOf(bin, w, y + gap, e) - 1; i >= 0; i--) m1[e[i]!] = 1;
    for (let i = edgesOf(bin, w, y + 2 * gap, e) - 1; i >= 0; i--) m2[e[i]!] = 1;
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

/**
 * PDF417's guard patterns in module widths, starting with a bar: the start pattern, the stop
 * pattern, and each read backwards (a code upside down, which @zxing/library's detector also
 * reads, turning the image 180°). The detector finds a code only by one of the two.
 */
const GUARDS: readonly (readonly number[])[] = [
  [8, 1, 1, 1, 1, 1, 1, 3],
  [3, 1, 1, 1, 1, 1, 1, 8],
  [7, 1, 1, 3, 1, 1, 1, 2, 1],
  [1, 2, 1, 1, 1, 3, 1, 1, 7],
];
/**
 * Rows apart the guard is looked for, on how many rows one after another it must be seen, and
 * the most it may shift (px) from one to the next.
 */
const GUARD_GAP = 6;
const GUARD_ROWS = 3;
const GUARD_SHIFT = 4;
/**
 * How far runs may be from the pattern, in modules: each, and on average (as a fraction of the
 * whole). Looser than @zxing/library's detector (0.8 and 0.42): this check sees the frame at
 * about 640 px, binarized its own way, and must not turn away a code the detector would read.
 */
const GUARD_EACH = 1.2;
const GUARD_AVERAGE = 0.5;

/** Module widths in each guard pattern, and where its widest element is. */
const GUARD_MODULES = GUARDS.map((p) => p.reduce((a, b) => a + b, 0));
const GUARD_WIDEST = GUARDS.map((p) => p.indexOf(Math.max(...p)));
/** The guards whose widest element comes first, and those where it comes last. */
const WIDE_FIRST = GUARDS.flatMap((_, p) => (GUARD_WIDEST[p] === 0 ? [p] : []));
const WIDE_LAST = GUARDS.flatMap((p, i) => (GUARD_WIDEST[i] === p.length - 1 ? [i] : []));

/**
 * Whether the runs `r[from..]` match guard pattern `p` (any scale) within the tolerances above;
 * `ends[i]` is where run i ends (the runs' running total), for the whole in one step.
 */
function guardMatch(r: Int32Array, ends: Int32Array, from: number, p: number): boolean {
  const pattern = GUARDS[p]!;
  const total = ends[from + pattern.length - 1]! - (from > 0 ? ends[from - 1]! : 0);
  const modules = GUARD_MODULES[p]!;
  if (total < modules) return false; // under a pixel a module: nothing reads that
  const unit = total / modules;
  const each = GUARD_EACH * unit;
  // the wide bar first: it turns away almost every stretch of a line
  const widest = GUARD_WIDEST[p]!;
  if (Math.abs(r[from + widest]! - pattern[widest]! * unit) > each) return false;
  let off = 0;
  for (let i = 0; i < pattern.length; i++) {
    const d = Math.abs(r[from + i]! - pattern[i]! * unit);
    if (d > each) return false;
    off += d;
  }
  return off < GUARD_AVERAGE * total;
}

/**
 * Marks guard pattern (at `base` in the arrays) seen at x on this row (`now`) with one more row
 * than the most it was seen on, one row after another, within `shift` px of x up to the row
 * before (`before`); returns that count.
 */
function guardStreak(
  before: Uint8Array,
  now: Uint8Array,
  base: number,
  x: number,
  shift: number,
  w: number,
): number {
  let streak = 0;
  for (let s = Math.max(0, x - shift); s <= Math.min(w, x + shift); s++) {
    streak = Math.max(streak, before[base + s]!);
  }
  now[base + x] = streak + 1;
  return streak + 1;
}

/**
 * A PDF417 guard pattern (start or stop, either way round, either polarity: the inverted step
 * reads light-on-dark codes) at about the same place on GUARD_ROWS rows GUARD_GAP apart: the
 * guards run down the whole height of the symbol, at least three rows of codewords. On the
 * frame at full resolution, every GUARD_GAP-th row of the 640 px view (the PDF417 parts read
 * frames at full resolution too), each row binarized on its own against the mean of the
 * R px either side (as wide as the 2D check's window), light where that stretch is flat.
 */
function guardsAlong(g: Gray): boolean {
  const { width: w, height: h, data } = g;
  const k = Math.max(1, Math.round(w / WORK_WIDTH));
  const gap = GUARD_GAP * k;
  const shift = GUARD_SHIFT * k;
  const r = R * k;
  const runs = new Int32Array(w + 1);
  const ends = new Int32Array(w + 1);
  // the row's running sums (of squares too: below 2^31 for rows up to 33,000 px)
  const ps = new Int32Array(w + 1);
  const pq = new Int32Array(w + 1);
  // each pixel's window, clipped to the row
  const xs0 = new Int32Array(w);
  const xs1 = new Int32Array(w);
  for (let x = 0; x < w; x++) {
    xs0[x] = Math.max(0, x - r);
    xs1[x] = Math.min(w, x + r + 1);
  }
  // per pattern and x: on how many rows checked one after another, ending with the previous
  // one, the pattern was seen there (give or take `shift` px a row)
  let before = new Uint8Array(GUARDS.length * (w + 1));
  let now = new Uint8Array(GUARDS.length * (w + 1));
  const minVar = MIN_STD * MIN_STD;
  for (let y = 0; y < h; y += gap) {
    const o = y * w;
    for (let x = 0, s1 = 0, s2 = 0; x < w; x++) {
      const v = data[o + x]!;
      s1 += v;
      s2 += v * v;
      ps[x + 1] = s1;
      pq[x + 1] = s2;
    }
    // binarized (dark: below the window's mean, the window not flat) into runs as it goes
    let n = 0;
    let colour = -1;
    for (let x = 0; x < w; x++) {
      const x0 = xs0[x]!;
      const x1 = xs1[x]!;
      const m = x1 - x0;
      const total = ps[x1]! - ps[x0]!;
      let dark = 0;
      if (data[o + x]! * m < total) {
        const squares = pq[x1]! - pq[x0]!;
        if (squares * m - total * total >= minVar * m * m) dark = 1;
      }
      if (dark === colour) {
        runs[n - 1]!++;
      } else {
        runs[n] = 1;
        n++;
        colour = dark;
      }
      ends[n - 1] = x + 1;
    }
    now.fill(0);
    // guard p seen starting at x: on one more row than was seen near x on the row before
    const seen = (p: number, x: number) =>
      guardStreak(before, now, p * (w + 1), x, shift, w) >= GUARD_ROWS;
    // Each guard's widest element (7 or 8 modules) lies beside a 1-module one, so within the
    // tolerance it is at least 2.6 times as long (5.8 against 2.2 modules): a cheap test of
    // each run first, in the direction of the patterns that start or end with it.
    for (let j = 0; j < n; j++) {
      const wide = 2 * runs[j]!;
      if (j + 1 < n && wide >= 5 * runs[j + 1]!) {
        for (const p of WIDE_FIRST) {
          if (
            j + GUARDS[p]!.length <= n &&
            guardMatch(runs, ends, j, p) &&
            seen(p, ends[j]! - runs[j]!)
          )
            return true;
        }
      }
      if (j >= 1 && wide >= 5 * runs[j - 1]!) {
        for (const p of WIDE_LAST) {
          const i = j - GUARDS[p]!.length + 1;
          if (i >= 0 && guardMatch(runs, ends, i, p) && seen(p, ends[i]! - runs[i]!)) return true;
        }
      }
    }
    [before, now] = [now, before];
  }
  return false;
}

function barsAlongColumns(bin: Uint8Array, w: number, h: number): boolean {
  const { cols, n } = columns(bin, w, h);
  return barsAlong(cols, h, n, 2, BAR_GAP / 4);
}

/** Every 4th column (0, 4, 8, ...) as a row: the columns `barsAlong` reads, turned. */
function columns(bin: Uint8Array, w: number, h: number): { cols: Uint8Array; n: number } {
  const n = Math.ceil(w / 4);
  const cols = scratch('cols', n * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let j = 0; j < n; j++) cols[j * h + y] = bin[row + 4 * j]!;
  }
  return { cols, n };
}

/** Which kinds of code to look for (the formats the decoder reads): not looked for, not seen. */
export interface Look {
  qr: boolean;
  linear: boolean;
  pdf417: boolean;
}
const EVERYTHING: Look = { qr: true, linear: true, pdf417: true };

/**
 * What kinds of code this frame may show (all false: no step can read anything here).
 * `shrunk`: the same frame already shrunk, used if it is at the factor the check works at.
 */
export function candidates(g: Gray, shrunk?: Shrunk, look: Look = EVERYTHING): Candidates {
  const seen: Candidates = { qr: false, finders: [], linear: false, pdf417: false };
  if (look.qr || look.linear) {
    const { bin, w, h, k } = binarize(g, shrunk);
    if (look.qr) {
      seen.finders = findFinders(bin, w, h, k);
      seen.qr = seen.finders.length > 0;
    }
    // across the rows, and across the columns for a barcode held sideways
    // (the columns: every 4th, turned, one after another, 8 px apart two rows of them); a
    // triple of rows (or columns) starts every 8 px: a barcode we read stands taller than that
    if (look.linear) seen.linear = barsAlong(bin, w, h, 8) || barsAlongColumns(bin, w, h);
  }
  // rows only: the PDF417 reader turns a frame 180° but never 90°
  if (look.pdf417) seen.pdf417 = guardsAlong(g);
  return seen;
}
