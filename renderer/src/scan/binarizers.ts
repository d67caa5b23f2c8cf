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
    const r = this.radius ?? Math.max(8, Math.round(Math.min(w, h) / 24));
    const W = w + 1;
    const sum = new Float64Array(W * (h + 1));
    const sq = new Float64Array(W * (h + 1));
    for (let y = 0; y < h; y++) {
      let rs = 0;
      let rq = 0;
      for (let x = 0; x < w; x++) {
        const v = lum[y * w + x]!;
        rs += v;
        rq += v * v;
        sum[(y + 1) * W + x + 1] = sum[y * W + x + 1]! + rs;
        sq[(y + 1) * W + x + 1] = sq[y * W + x + 1]! + rq;
      }
    }
    const matrix = new BitMatrix(w, h);
    for (let y = 0; y < h; y++) {
      const y0 = Math.max(0, y - r);
      const y1 = Math.min(h, y + r + 1);
      for (let x = 0; x < w; x++) {
        const x0 = Math.max(0, x - r);
        const x1 = Math.min(w, x + r + 1);
        const n = (y1 - y0) * (x1 - x0);
        const s = sum[y1 * W + x1]! - sum[y0 * W + x1]! - sum[y1 * W + x0]! + sum[y0 * W + x0]!;
        const q = sq[y1 * W + x1]! - sq[y0 * W + x1]! - sq[y1 * W + x0]! + sq[y0 * W + x0]!;
        const mean = s / n;
        const variance = q / n - mean * mean;
        // Flat: nothing to find here (sensor noise alone has a deviation of a few levels).
        if (variance < 36) continue;
        if (lum[y * w + x]! < mean - 0.2 * Math.sqrt(variance)) matrix.set(x, y);
      }
    }
    this.matrix = matrix;
    return matrix;
  }

  override createBinarizer(source: LuminanceSource): Binarizer {
    return new LocalMeanBinarizer(source, this.radius);
  }
}
