/**
 * The empty-frame check: a till camera mostly sees no code (the counter, a hand, a receipt),
 * and the decoder's plan costs tens to hundreds of ms on a frame where it finds nothing. This
 * check looks at a sparse grid of scan lines (every 6th row and every 6th column of the frame
 * at about 640 px wide) and asks one question: is there a patch of the frame busy enough with
 * sharp light/dark alternations to be a code? Every code is one: a QR code's modules and a
 * barcode's bars make many transitions on short stretches of a line, in both directions for a
 * QR code and across the bars for a barcode, whatever its angle.
 *
 * A transition is counted with hysteresis: the line must move by `threshold` levels from its
 * last extreme, where the threshold follows the frame's sensor noise (estimated from the
 * lines' second differences), so a noisy dark frame is not busy and a faint screen still is.
 * A patch is busy when its stretches of line average enough transitions; a frame is a
 * candidate when two neighbouring patches are busy (a code is never smaller than that).
 *
 * Conservative by design: it only rejects frames with no textured patch at all (a plain or
 * wooden counter, a hand, a dim shop, a photo); textured frames (text, receipts, fabric) pass
 * and go to the plan. Its cost is about a tenth of the plan's first step. Tested over the whole
 * corpus: every frame the plan reads passes (test/unit/scan/precheck.test.ts).
 */
import type { Gray } from './gray';

/** Working width: frames are sampled at about 640 px wide (a 720p frame 2x2-averaged). */
const WORK_WIDTH = 640;
/** Lines sampled: every STEP-th row and column of the working image. */
const STEP = 6;
/** A patch is CELL x CELL working pixels. */
const CELL = 32;
/** Transitions a patch must average per stretch of line (CELL px) in one direction. */
const BUSY = 1.25;
/** The threshold never goes below this many levels (a faint screen still has 15 or more). */
const MIN_THRESHOLD = 14;
/** Noise multiple for the threshold: a transition is a move this many sigmas from the extreme. */
const NOISE_K = 4;

export interface PrecheckResult {
  /** There may be a code: run the plan. */
  candidate: boolean;
  /** Busy patches found, and the transition threshold used (levels). */
  busy: number;
  threshold: number;
}

/** Row y of the working image (the grey image averaged k x k), into `out`. */
function rowOf(g: Gray, k: number, y: number, out: Float32Array, w: number) {
  const d = g.data;
  const W = g.width;
  if (k === 1) {
    const o = y * W;
    for (let x = 0; x < w; x++) out[x] = d[o + x]!;
    return;
  }
  out.fill(0, 0, w);
  for (let dy = 0; dy < k; dy++) {
    let p = (y * k + dy) * W;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dx = 0; dx < k; dx++) s += d[p++]!;
      out[x]! += s;
    }
  }
  const area = k * k;
  for (let x = 0; x < w; x++) out[x]! /= area;
}

/** Column x of the working image, into `out`. */
function colOf(g: Gray, k: number, x: number, out: Float32Array, h: number) {
  const d = g.data;
  const W = g.width;
  if (k === 1) {
    for (let y = 0, p = x; y < h; y++, p += W) out[y] = d[p]!;
    return;
  }
  const area = k * k;
  for (let y = 0; y < h; y++) {
    let s = 0;
    for (let dy = 0; dy < k; dy++) {
      const p = (y * k + dy) * W + x * k;
      for (let dx = 0; dx < k; dx++) s += d[p + dx]!;
    }
    out[y] = s / area;
  }
}

/**
 * Counts the steep edges along one line into `cells` (one counter per patch along the line,
 * at `base` + patch index * `stride`): a jump of at least `threshold` levels within 4 px, each
 * edge counted once (a run of steep gradients of one sign is one edge).
 */
function countLine(
  line: Float32Array,
  n: number,
  threshold: number,
  cells: Uint16Array,
  base: number,
  stride: number,
) {
  let last = 0; // sign of the last edge counted
  for (let i = 2; i < n - 2; i++) {
    const g = line[i + 2]! - line[i - 2]!;
    const sign = g >= threshold ? 1 : g <= -threshold ? -1 : 0;
    if (sign !== 0 && sign !== last) {
      cells[base + Math.floor(i / CELL) * stride]!++;
      last = sign;
    }
  }
}

/** The factor a frame `width` px wide is averaged by for the check (about 640 px wide). */
export function precheckFactor(width: number): number {
  return Math.max(1, Math.round(width / WORK_WIDTH));
}

/** Is there anything in this frame that could be a code? */
export function precheck(g: Gray): PrecheckResult {
  const k = precheckFactor(g.width);
  const w = Math.floor(g.width / k);
  const h = Math.floor(g.height / k);
  const rows: Float32Array[] = [];
  const cols: Float32Array[] = [];
  for (let y = STEP >> 1; y < h; y += STEP) {
    const line = new Float32Array(w);
    rowOf(g, k, y, line, w);
    rows.push(line);
  }
  for (let x = STEP >> 1; x < w; x += STEP) {
    const line = new Float32Array(h);
    colOf(g, k, x, line, h);
    cols.push(line);
  }
  // Sensor noise: the median absolute second difference along the rows is about 0.83 sigma
  // for Gaussian noise (edges are too few to move the median).
  const hist = new Uint32Array(256);
  let n = 0;
  for (const line of rows) {
    for (let x = 1; x < w - 1; x += 2) {
      hist[Math.min(255, Math.round(Math.abs(line[x]! - (line[x - 1]! + line[x + 1]!) / 2)))]!++;
      n++;
    }
  }
  let median = 0;
  for (let v = 0, acc = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc * 2 >= n) {
      median = v + 0.5;
      break;
    }
  }
  const sigma = median / 0.83;
  const threshold = Math.max(MIN_THRESHOLD, NOISE_K * Math.SQRT2 * sigma);

  const cw = Math.ceil(w / CELL);
  const ch = Math.ceil(h / CELL);
  const across = new Uint16Array(cw * ch); // transitions along rows, per patch
  const down = new Uint16Array(cw * ch); // along columns
  rows.forEach((line, r) => {
    const cy = Math.floor(((STEP >> 1) + r * STEP) / CELL);
    countLine(line, w, threshold, across, cy * cw, 1);
  });
  cols.forEach((line, c) => {
    const cx = Math.floor(((STEP >> 1) + c * STEP) / CELL);
    countLine(line, h, threshold, down, cx, cw);
  });
  const perCell = CELL / STEP; // lines of each direction through a patch
  const need = BUSY * perCell;
  const busy = new Uint8Array(cw * ch);
  let count = 0;
  for (let i = 0; i < busy.length; i++) {
    if (across[i]! >= need || down[i]! >= need) {
      busy[i] = 1;
      count++;
    }
  }
  let candidate = false;
  for (let y = 0; y < ch && !candidate; y++) {
    for (let x = 0; x < cw; x++) {
      const i = y * cw + x;
      if (!busy[i]) continue;
      if ((x + 1 < cw && busy[i + 1]) || (y + 1 < ch && busy[i + cw])) {
        candidate = true;
        break;
      }
    }
  }
  return { candidate, busy: count, threshold };
}
