/**
 * A third binarizer beside @zxing/library's two. The hybrid binarizer takes 8x8 blocks with
 * less than 24 levels of range for flat, which breaks a faint code (a dim screen under shop
 * lights: dark modules at 170, light at 215) into holes; the global histogram one needs a
 * frame lit evenly. This one compares each pixel with the mean of a window a few modules wide
 * (an integral image makes it O(pixels)), so it follows glare gradients and reads faint codes;
 * windows without enough variation are left light, so flat areas do not turn into speckle.
 */
import { Binarizer, BitMatrix, type BitArray, type LuminanceSource } from '@zxing/library';

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
