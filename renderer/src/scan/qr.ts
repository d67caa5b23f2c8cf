/**
 * QR codes, with a rescue for tilted phones. @zxing/library finds the three finder patterns,
 * then, for the smallest codes (version 1, which is what a 12-digit coupon code makes), guesses
 * the fourth corner as if the code were a parallelogram. A phone tilted 25° or more towards the
 * camera is a trapezoid: the guess is off by modules and the Reed-Solomon check fails.
 *
 * The rescue reuses the finder patterns the library reports (through its public result-point
 * callback), and tries fourth corners around the parallelogram guess, nearest first, sampling
 * the grid through each perspective transform; a grid that passes the library's own decoding
 * (format information, Reed-Solomon) is the code. A wrong corner fails that check, so a
 * misread stays as unlikely as in any QR read.
 */
import {
  BinaryBitmap,
  type BitMatrix,
  DecodeHintType,
  DefaultGridSampler,
  GlobalHistogramBinarizer,
  PerspectiveTransform,
  type QRCodeReader,
  ResultPoint,
  RGBLuminanceSource,
} from '@zxing/library';

interface FinderLike {
  getX(): number;
  getY(): number;
  getEstimatedModuleSize?: () => number;
}

const PURE = new Map<DecodeHintType, unknown>([[DecodeHintType.PURE_BARCODE, true]]);
const sampler = new DefaultGridSampler();

/** Decodes a QR code, with the tilted-phone rescue when the finder patterns were found. */
export function readQr(
  reader: QRCodeReader,
  bitmap: BinaryBitmap,
  opts: { harder?: boolean; rescue?: boolean } = {},
): string | undefined {
  const found: FinderLike[] = [];
  const hints = new Map<DecodeHintType, unknown>([
    [
      DecodeHintType.NEED_RESULT_POINT_CALLBACK,
      { foundPossibleResultPoint: (p: FinderLike) => found.push(p) },
    ],
  ]);
  if (opts.harder) hints.set(DecodeHintType.TRY_HARDER, true);
  try {
    const text = reader.decode(bitmap, hints).getText();
    if (text) return text;
  } catch {
    // fall through to the rescue
  } finally {
    reader.reset();
  }
  if (opts.rescue === false) return undefined;
  const finders = found.filter((p) => typeof p.getEstimatedModuleSize === 'function');
  if (finders.length < 3) return undefined;
  return rescue(reader, bitmap.getBlackMatrix(), finders);
}

function dist(a: FinderLike, b: FinderLike) {
  return Math.hypot(a.getX() - b.getX(), a.getY() - b.getY());
}

/** Three finder patterns that look like one code's: similar module sizes, a right angle. */
function triples(finders: FinderLike[]): FinderLike[][] {
  // merge repeated reports of one pattern
  const uniq: FinderLike[] = [];
  for (const f of finders) {
    const m = f.getEstimatedModuleSize!();
    if (!uniq.some((u) => dist(u, f) < m * 3)) uniq.push(f);
  }
  const list = uniq.slice(0, 8);
  const out: { t: FinderLike[]; score: number }[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      for (let k = j + 1; k < list.length; k++) {
        const t = [list[i]!, list[j]!, list[k]!];
        const ms = t.map((p) => p.getEstimatedModuleSize!());
        const mMin = Math.min(...ms);
        const mMax = Math.max(...ms);
        if (mMax > mMin * 1.8) continue;
        const pts = t.map((p) => new ResultPoint(p.getX(), p.getY()));
        ResultPoint.orderBestPatterns(pts);
        const [bl, tl, tr] = pts as [ResultPoint, ResultPoint, ResultPoint];
        const a = ResultPoint.distance(tl, tr);
        const b = ResultPoint.distance(tl, bl);
        const c = ResultPoint.distance(tr, bl);
        if (a < mMin * 8 || b < mMin * 8) continue;
        const sides = Math.abs(a - b) / Math.max(a, b);
        const hyp = Math.abs(c / Math.hypot(a, b) - 1);
        if (sides > 0.45 || hyp > 0.3) continue;
        out.push({ t: [bl, tl, tr], score: sides + hyp + (mMax - mMin) / mMax });
      }
    }
  }
  return out
    .sort((x, y) => x.score - y.score)
    .slice(0, 3)
    .map((x) => x.t);
}

function dimensions(tl: FinderLike, tr: FinderLike, bl: FinderLike, moduleSize: number): number[] {
  const d = Math.round((dist(tl, tr) / moduleSize + dist(tl, bl) / moduleSize) / 2) + 7;
  // QR dimensions are 17 + 4 v; try the nearest, then its neighbour
  const base = Math.max(21, Math.round((d - 17) / 4) * 4 + 17);
  const other = d >= base ? base + 4 : Math.max(21, base - 4);
  return other === base ? [base] : [base, other];
}

interface BitsDecoder {
  decodeBitMatrix(
    bits: BitMatrix,
    hints?: Map<DecodeHintType, unknown> | null,
  ): {
    getText(): string;
  };
}

function decodeBits(reader: QRCodeReader, bits: BitMatrix, dim: number): string | undefined {
  // The reader's own grid decoder (format information, Reed-Solomon, data) when it can be
  // reached; else the grid drawn as a clean picture and read as a "pure" code.
  const inner = (reader as unknown as { decoder?: Partial<BitsDecoder> }).decoder;
  if (typeof inner?.decodeBitMatrix === 'function') {
    try {
      return (inner as BitsDecoder).decodeBitMatrix(bits, null).getText() || undefined;
    } catch {
      return undefined;
    }
  }
  const quiet = 2;
  const size = dim + 2 * quiet;
  const lum = new Uint8ClampedArray(size * size).fill(255);
  for (let y = 0; y < dim; y++) {
    for (let x = 0; x < dim; x++) if (bits.get(x, y)) lum[(quiet + y) * size + quiet + x] = 0;
  }
  const bitmap = new BinaryBitmap(
    new GlobalHistogramBinarizer(new RGBLuminanceSource(lum, size, size)),
  );
  try {
    return reader.decode(bitmap, PURE).getText() || undefined;
  } catch {
    return undefined;
  } finally {
    reader.reset();
  }
}

/**
 * Errors in the timing patterns (row and column 6 alternate dark and light between the finder
 * patterns) of a grid sampled through `transform`: a cheap test that three points are a QR
 * code's finder patterns at all, before trying fourth corners.
 */
function timingErrors(image: BitMatrix, transform: PerspectiveTransform, dim: number): number {
  const n = dim - 16;
  const pts = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const m = 8.5 + i;
    pts[i * 4] = m;
    pts[i * 4 + 1] = 6.5;
    pts[i * 4 + 2] = 6.5;
    pts[i * 4 + 3] = m;
  }
  transform.transformPoints(pts);
  let errors = 0;
  for (let i = 0; i < n * 2; i++) {
    const x = Math.floor(pts[i * 2]!);
    const y = Math.floor(pts[i * 2 + 1]!);
    if (x < 0 || y < 0 || x >= image.getWidth() || y >= image.getHeight()) return n * 2;
    const dark = (i >> 1) % 2 === 0; // module 8 is dark in both
    if (image.get(x, y) !== dark) errors++;
  }
  return errors;
}

/** Offsets (in modules) of the fourth corner to try, nearest the parallelogram first. */
const OFFSETS: [number, number][] = (() => {
  const out: [number, number][] = [];
  for (let i = -4; i <= 4; i++) for (let j = -4; j <= 4; j++) out.push([i, j]);
  return out.sort((a, b) => a[0] ** 2 + a[1] ** 2 - (b[0] ** 2 + b[1] ** 2));
})();

function rescue(reader: QRCodeReader, image: BitMatrix, finders: FinderLike[]) {
  for (const [bl, tl, tr] of triples(finders) as [FinderLike, FinderLike, FinderLike][]) {
    const ms =
      finders
        .filter((f) => dist(f, tl) < 1 || dist(f, tr) < 1 || dist(f, bl) < 1)
        .reduce((s, f) => s + f.getEstimatedModuleSize!(), 0) / 3 || 1;
    for (const dim of dimensions(tl, tr, bl, ms)) {
      const n = dim - 7;
      const far = dim - 3.5;
      const base = PerspectiveTransform.quadrilateralToQuadrilateral(
        3.5,
        3.5,
        far,
        3.5,
        far,
        far,
        3.5,
        far,
        tl.getX(),
        tl.getY(),
        tr.getX(),
        tr.getY(),
        tr.getX() + bl.getX() - tl.getX(),
        tr.getY() + bl.getY() - tl.getY(),
        bl.getX(),
        bl.getY(),
      );
      // Not a code, or not this size: the timing patterns do not alternate.
      if (timingErrors(image, base, dim) > Math.max(2, (dim - 16) * 0.4)) continue;
      const ux = (tr.getX() - tl.getX()) / n;
      const uy = (tr.getY() - tl.getY()) / n;
      const vx = (bl.getX() - tl.getX()) / n;
      const vy = (bl.getY() - tl.getY()) / n;
      const bx = tr.getX() + bl.getX() - tl.getX();
      const by = tr.getY() + bl.getY() - tl.getY();
      for (const [i, j] of OFFSETS) {
        const brx = bx + i * ux + j * vx;
        const bry = by + i * uy + j * vy;
        const transform = PerspectiveTransform.quadrilateralToQuadrilateral(
          3.5,
          3.5,
          far,
          3.5,
          far,
          far,
          3.5,
          far,
          tl.getX(),
          tl.getY(),
          tr.getX(),
          tr.getY(),
          brx,
          bry,
          bl.getX(),
          bl.getY(),
        );
        let bits: BitMatrix;
        try {
          bits = sampler.sampleGridWithTransform(image, dim, dim, transform);
        } catch {
          continue;
        }
        const text = decodeBits(reader, bits, dim);
        if (text) return text;
      }
    }
  }
  return undefined;
}
