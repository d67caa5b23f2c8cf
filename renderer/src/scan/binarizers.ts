/**
 * A third binarizer beside @zxing/library's two. The hybrid binarizer takes 8x8 blocks with
 * less than 24 levels of range for flat, which breaks a faint code (a dim screen under shop
 * lights: dark modules at 170, light at 215) into holes; the global histogram one needs a
 * frame lit evenly. This one compares each pixel with the mean of a window a few modules wide
 * (an integral image makes it O(pixels)), so it follows glare gradients and reads faint codes;
 * windows without enough variation are left light, so flat areas do not turn into speckle.
 */
import {
  Binarizer,
  BitMatrix,
  HybridBinarizer,
  type BitArray,
  type LuminanceSource,
} from '@zxing/library';

export class LocalMeanBinarizer extends Binarizer {
  private matrix: BitMatrix | undefined;

  constructor(
    source: LuminanceSource,
    private readonly radius?: number,
  ) {
    super(source);
  }

  override getBlackRow(y: number, row: BitArray): BitArray {
    return this.getBlackMatrix().getRow(y, row);
  }

  override getBlackMatrix(): BitMatrix {
    if (this.matrix) return this.matrix;
    const source = this.getLuminanceSource();
    const w = source.getWidth();
    const h = source.getHeight();
    const lum = source.getMatrix();
    // (a window of at most MAX_WINDOW_PIXELS: 90 all round, reached past 2,000 px a side)
    const r = Math.min(90, this.radius ?? Math.max(8, Math.round(Math.min(w, h) / 24)));
    const { sum, sq } = integralImages(lum, w, h);
    const W = w + 1;
    // each column's window, clipped at the edges (computed once, not per pixel)
    const xs0 = new Int32Array(w);
    const xs1 = new Int32Array(w);
    for (let x = 0; x < w; x++) {
      xs0[x] = Math.max(0, x - r);
      xs1[x] = Math.min(w, x + r + 1);
    }
    const rowSize = (w + 31) >> 5;
    const bits = new Int32Array(rowSize * h);
    for (let y = 0; y < h; y++) {
      const y0 = Math.max(0, y - r);
      const y1 = Math.min(h, y + r + 1);
      const top = y0 * W;
      const bottom = y1 * W;
      const dy = y1 - y0;
      const row = y * w;
      const out = y * rowSize;
      for (let x = 0; x < w; x++) {
        const x0 = xs0[x]!;
        const x1 = xs1[x]!;
        const n = dy * (x1 - x0);
        const s = sum[bottom + x1]! - sum[top + x1]! - sum[bottom + x0]! + sum[top + x0]!;
        const mean = s / n;
        const v = lum[row + x]!;
        // light (or level) pixels are never dark, whatever the window's spread
        if (v >= mean) continue;
        const q = (sq[bottom + x1]! - sq[top + x1]! - sq[bottom + x0]! + sq[top + x0]!) | 0;
        const variance = q / n - mean * mean;
        // Flat: nothing to find here (sensor noise alone has a deviation of a few levels).
        if (variance < 36) continue;
        if (v < mean - 0.2 * Math.sqrt(variance)) bits[out + (x >> 5)]! |= 1 << (x & 31);
      }
    }
    this.matrix = new BitMatrix(w, h, rowSize, bits);
    return this.matrix;
  }

  override createBinarizer(source: LuminanceSource): Binarizer {
    return new LocalMeanBinarizer(source, this.radius);
  }
}

/** Per 8x8 block of an image (clamped inside it, as the hybrid binarizer's): sum, min, max. */
interface BlockStats {
  sum: Int32Array;
  min: Uint8Array;
  max: Uint8Array;
}

/**
 * The block statistics of a luminance array, made once and shared by both polarities. Keyed by
 * the array itself: a grey image's pixels never change once it is made (gray.ts), and a cropped
 * luminance source gives a fresh array each time.
 */
const blockStatsOf = new WeakMap<Uint8ClampedArray, BlockStats>();

function blockStats(lum: Uint8ClampedArray, width: number, height: number): BlockStats {
  let stats = blockStatsOf.get(lum);
  if (stats) return stats;
  const subW = (width + 7) >> 3;
  const subH = (height + 7) >> 3;
  const maxX = width - 8;
  const maxY = height - 8;
  stats = {
    sum: new Int32Array(subW * subH),
    min: new Uint8Array(subW * subH),
    max: new Uint8Array(subW * subH),
  };
  for (let by = 0; by < subH; by++) {
    const yo = Math.min(by << 3, maxY);
    for (let bx = 0; bx < subW; bx++) {
      const xo = Math.min(bx << 3, maxX);
      let sum = 0;
      let min = 255;
      let max = 0;
      for (let yy = 0, o = yo * width + xo; yy < 8; yy++, o += width) {
        for (let xx = 0; xx < 8; xx++) {
          const v = lum[o + xx]!;
          sum += v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
      }
      const i = by * subW + bx;
      stats.sum[i] = sum;
      stats.min[i] = min;
      stats.max[i] = max;
    }
  }
  blockStatsOf.set(lum, stats);
  return stats;
}

/**
 * @zxing/library's HybridBinarizer, the same bits (tested on every corpus frame and on noise),
 * faster: the library's port sets each dark pixel through `BitMatrix.set()` and keeps its block
 * black points in an array of arrays; here a block row's bits go into the matrix's words at
 * once and the black points are one array. With `inverted`, the bits the library's gives on the
 * image inverted (255 - each level), without making that image: the same block statistics
 * (shared with this polarity's binarizer of the same image), the sums, minima and maxima
 * mirrored. The decoder's first step binarizes every frame with it, and the `inverted` step
 * every frame that goes on, so it is on the counter's hot path.
 *
 * The algorithm, as the library's: 8x8 blocks; a block's black point is its mean, or, where its
 * range is 24 levels or less (flat), half its minimum, raised to its neighbours' average black
 * point (above, left twice, above-left) where its minimum is below that; each pixel is dark at
 * or below the mean of the 5x5 black points around its block (clamped at the edges). (The
 * library stops updating a block's range once it passes 24 levels; the decision is the same
 * with the whole block's.) Images under 40 px a side go to the global histogram binarizer, as
 * in the library.
 */
export class FastHybridBinarizer extends HybridBinarizer {
  private bits: BitMatrix | undefined;

  constructor(
    source: LuminanceSource,
    private readonly inverted = false,
  ) {
    super(source);
  }

  override getBlackMatrix(): BitMatrix {
    if (this.bits) return this.bits;
    const source = this.getLuminanceSource();
    const width = source.getWidth();
    const height = source.getHeight();
    if (width < 40 || height < 40) {
      this.bits = this.inverted
        ? new HybridBinarizer(source.invert()).getBlackMatrix()
        : super.getBlackMatrix();
      return this.bits;
    }
    const lum = source.getMatrix();
    const subW = (width + 7) >> 3;
    const subH = (height + 7) >> 3;
    const maxX = width - 8;
    const maxY = height - 8;
    const stats = blockStats(lum, width, height);
    const inverted = this.inverted;
    // block black points
    const bp = new Int32Array(subW * subH);
    for (let by = 0; by < subH; by++) {
      for (let bx = 0; bx < subW; bx++) {
        const i = by * subW + bx;
        let sum = stats.sum[i]!;
        let min = stats.min[i]!;
        let max = stats.max[i]!;
        if (inverted) {
          sum = 64 * 255 - sum;
          const m = min;
          min = 255 - max;
          max = 255 - m;
        }
        let average = sum >> 6;
        if (max - min <= 24) {
          average = min / 2;
          if (by > 0 && bx > 0) {
            const neighbours = (bp[i - subW]! + 2 * bp[i - 1]! + bp[i - subW - 1]!) / 4;
            if (min < neighbours) average = neighbours;
          }
        }
        bp[i] = average; // (truncated, as the library's Int32Array does)
      }
    }
    // thresholds: the mean of the 5x5 black points around each block
    const rowSize = (width + 31) >> 5;
    const bits = new Int32Array(rowSize * height);
    for (let by = 0; by < subH; by++) {
      const yo = Math.min(by << 3, maxY);
      const top = Math.min(Math.max(by, 2), subH - 3);
      for (let bx = 0; bx < subW; bx++) {
        const xo = Math.min(bx << 3, maxX);
        const left = Math.min(Math.max(bx, 2), subW - 3);
        let sum = 0;
        for (let z = -2; z <= 2; z++) {
          const r = (top + z) * subW + left;
          sum += bp[r - 2]! + bp[r - 1]! + bp[r]! + bp[r + 1]! + bp[r + 2]!;
        }
        const threshold = sum / 25;
        // dark at or below the threshold; inverted, 255 - v <= threshold
        const light = 255 - threshold;
        // a block row's 8 bits at once, into its word (and the next, where it straddles two)
        const word = xo >> 5;
        const shift = xo & 31;
        for (let y = yo, o = yo * width + xo; y < yo + 8; y++, o += width) {
          let m = 0;
          if (inverted) {
            for (let x = 0; x < 8; x++) if (lum[o + x]! >= light) m |= 1 << x;
          } else {
            for (let x = 0; x < 8; x++) if (lum[o + x]! <= threshold) m |= 1 << x;
          }
          if (m === 0) continue;
          const at = y * rowSize + word;
          bits[at]! |= m << shift;
          if (shift > 24) bits[at + 1]! |= m >>> (32 - shift);
        }
      }
    }
    this.bits = new BitMatrix(width, height, rowSize, bits);
    return this.bits;
  }

  override createBinarizer(source: LuminanceSource): Binarizer {
    return new FastHybridBinarizer(source, this.inverted);
  }
}

let sumBuf = new Int32Array(0);
let sqBuf = new Int32Array(0);

/**
 * The most pixels a window summed from these integral images may cover: the squares are kept
 * modulo 2^32 (in 32-bit integers, half the memory of doubles and faster to add), so a
 * window's sum of squares, `(sq[a] - sq[b] - sq[c] + sq[d]) | 0`, is exact while it is below
 * 2^31: 33,025 pixels of 255 (a 181x181 window). The sums themselves fit whole.
 */
export const MAX_WINDOW_PIXELS = Math.floor(2 ** 31 / (255 * 255));

/**
 * Integral images of the values and of their squares, (w + 1) x (h + 1), in buffers reused
 * from call to call (the decoder is synchronous; a frame needs several). Valid until the next
 * call. `sq` wraps modulo 2^32: take a window's sum of squares with `| 0`, and keep windows
 * within MAX_WINDOW_PIXELS.
 */
export function integralImages(
  values: Uint8Array | Uint8ClampedArray,
  w: number,
  h: number,
): { sum: Int32Array; sq: Int32Array } {
  const W = w + 1;
  const size = W * (h + 1);
  if (sumBuf.length < size) {
    sumBuf = new Int32Array(size);
    sqBuf = new Int32Array(size);
  }
  const sum = sumBuf;
  const sq = sqBuf;
  sum.fill(0, 0, W);
  sq.fill(0, 0, W);
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    const above = y * W;
    const here = above + W;
    sum[here] = 0;
    sq[here] = 0;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = values[row + x]!;
      rs += v;
      rq = (rq + v * v) | 0;
      sum[here + x + 1] = sum[above + x + 1]! + rs;
      sq[here + x + 1] = (sq[above + x + 1]! + rq) | 0;
    }
  }
  return { sum, sq };
}
