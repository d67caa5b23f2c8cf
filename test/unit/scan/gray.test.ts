/**
 * Grey-image helpers whose shortcuts must give the same pixels as the long way round.
 */
import { describe, expect, it } from 'vitest';
import {
  enlarge,
  enlargeSharpenedRows,
  grayOf,
  invert,
  sharpen,
  shrink,
  transpose,
  type Gray,
} from '../../../renderer/src/scan/gray';
import { LinearReaders, rowsRead, scanRows } from '../../../renderer/src/scan/linear';
import { candidates } from '../../../renderer/src/scan/candidates';
import { FastHybridBinarizer, LocalMeanBinarizer } from '../../../renderer/src/scan/binarizers';
import { HybridBinarizer, RGBLuminanceSource } from '@zxing/library';
import { prng, renderScene } from '../../bench/make-decode-corpus';

function noise(width: number, height: number, seed: number): Gray {
  const rnd = prng(seed);
  const data = new Uint8ClampedArray(width * height);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
  return { data, width, height };
}

/** A camera frame, grey, with a code in the middle (renderScene's). */
function scene(
  width: number,
  height: number,
  seed: number,
  code: { kind: 'code128' | 'qr'; text: string },
  more: { scale?: number; dark?: boolean } = {},
): Gray {
  return grayOf(
    renderScene({
      width,
      height,
      seed,
      code,
      ...(more.dark ? { dark: true } : {}),
      place: { scale: more.scale ?? 0.9, cx: 0.5, cy: 0.5, angle: 2 },
    }),
  );
}

const rowOf = (g: Gray, y: number) => Array.from(g.data.subarray(y * g.width, (y + 1) * g.width));
/** The first index where two images' pixels differ, or -1. */
const firstDifference = (a: Gray, b: Gray) => a.data.findIndex((v, i) => v !== b.data[i]);

describe('enlargeSharpenedRows: enlarge(sharpen(g)) on the rows a 1D scan reads', () => {
  it.each([
    [640, 480],
    [37, 23],
    [5, 3],
  ])('the same pixels as the whole image on the rows %ix%i', (w, h) => {
    const g = noise(w, h, w * 31 + h);
    const whole = enlarge(sharpen(g));
    const rows = rowsRead(whole.height, 12);
    const part = enlargeSharpenedRows(g, rows);
    expect([part.width, part.height, part.origin]).toEqual([
      whole.width,
      whole.height,
      whole.origin,
    ]);
    for (const y of rows) expect(rowOf(part, y)).toEqual(rowOf(whole, y));
    // and on every row, when asked for every row
    const all = enlargeSharpenedRows(
      g,
      Array.from({ length: whole.height }, (_, y) => y),
    );
    expect(firstDifference(all, whole)).toBe(-1);
  });

  it('a 1D scan of the rows reads what a scan of the whole image reads', () => {
    const g = scene(320, 240, 3, { kind: 'code128', text: '184204778342' });
    const readers = new LinearReaders(['CODE_128']);
    const whole = scanRows(enlarge(sharpen(g)), readers, { lines: 12, binarizer: 'edges' });
    const part = scanRows(enlargeSharpenedRows(g, rowsRead(g.height * 2, 12)), readers, {
      lines: 12,
      binarizer: 'edges',
    });
    expect(whole?.text).toBe('184204778342');
    expect(part).toEqual(whole);
  });
});

describe('scanRows with invert: the image read inverted without making it', () => {
  it('reads a light-on-dark barcode as a scan of the inverted image does, rows and columns', () => {
    const g = scene(320, 240, 5, { kind: 'code128', text: '184204778342' }, { dark: true });
    const readers = new LinearReaders(['CODE_128']);
    for (const view of [g, transpose(g)]) {
      const made = scanRows(invert(view), readers, { lines: 16, binarizer: 'edges' });
      const read = scanRows(view, readers, { lines: 16, binarizer: 'edges', invert: true });
      expect(read).toEqual(made);
    }
    expect(scanRows(g, readers, { lines: 16, binarizer: 'edges', invert: true })?.text).toBe(
      '184204778342',
    );
  });
});

describe("candidates on the decoder's working-size image: what it sees on the frame", () => {
  it('the same finders and bars at 720p, from the image shrunk by the same factor', () => {
    const g = scene(1280, 720, 9, { kind: 'qr', text: '178847660332' }, { scale: 0.8 });
    let used = false;
    const seen = candidates(g, {
      factor: 2,
      image: () => {
        used = true;
        return shrink(g, 2);
      },
    });
    expect(used).toBe(true);
    expect(seen).toEqual(candidates(g));
    expect(seen.qr).toBe(true);
  });
});

describe('grayOf and shrink: the fast paths give the pixels of the formulas', () => {
  it('RGBA to grey, a word at a time or a byte at a time (unaligned), the Rec. 601 sum', () => {
    const rnd = prng(11);
    const w = 33;
    const h = 7;
    const bytes = new Uint8ClampedArray(w * h * 4 + 1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
    const aligned = { data: bytes.subarray(0, w * h * 4), width: w, height: h };
    const unaligned = { data: bytes.subarray(1), width: w, height: h };
    for (const frame of [aligned, unaligned]) {
      const g = grayOf(frame);
      const d = frame.data;
      const expected = Array.from({ length: w * h }, (_, i) =>
        Math.floor((d[4 * i]! * 77 + d[4 * i + 1]! * 150 + d[4 * i + 2]! * 29) / 256),
      );
      expect(Array.from(g.data)).toEqual(expected);
    }
  });

  it.each([
    [640, 480],
    [37, 23],
  ])('shrink by 2 (%ix%i): each pixel the mean of its 2x2 block, rounded', (w, h) => {
    const g = noise(w, h, w + h);
    const s = shrink(g, 2);
    const expected = new Uint8ClampedArray(Math.floor(w / 2) * Math.floor(h / 2));
    for (let y = 0; y < s.height; y++) {
      for (let x = 0; x < s.width; x++) {
        const at = (dx: number, dy: number) => g.data[(2 * y + dy) * w + 2 * x + dx]!;
        expected[y * s.width + x] = (at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4;
      }
    }
    expect([s.width, s.height]).toEqual([Math.floor(w / 2), Math.floor(h / 2)]);
    expect(firstDifference(s, { ...s, data: expected })).toBe(-1);
  });
});

describe('LocalMeanBinarizer: 32-bit integral images, the bits of the sums done in full', () => {
  it('a 640x480 frame whose sums of squares pass 2^31 (they wrap, the windows do not)', () => {
    const g = noise(640, 480, 5);
    const r = 20;
    const m = new LocalMeanBinarizer(new RGBLuminanceSource(g.data, 640, 480), r).getBlackMatrix();
    const rnd = prng(6);
    for (let i = 0; i < 400; i++) {
      const x = Math.floor(rnd() * 640);
      const y = Math.floor(rnd() * 480);
      let s = 0;
      let q = 0;
      let n = 0;
      for (let yy = Math.max(0, y - r); yy < Math.min(480, y + r + 1); yy++) {
        for (let xx = Math.max(0, x - r); xx < Math.min(640, x + r + 1); xx++) {
          const v = g.data[yy * 640 + xx]!;
          s += v;
          q += v * v;
          n++;
        }
      }
      const mean = s / n;
      const variance = q / n - mean * mean;
      const v = g.data[y * 640 + x]!;
      const dark = v < mean && variance >= 36 && v < mean - 0.2 * Math.sqrt(variance);
      expect(m.get(x, y), `${x},${y}`).toBe(dark);
    }
  });
});

describe("FastHybridBinarizer: @zxing/library's HybridBinarizer, bit for bit", () => {
  // both polarities: `inverted` gives the library's bits on the image inverted, without it
  const same = (g: Gray) => {
    const source = new RGBLuminanceSource(g.data, g.width, g.height);
    const theirs = new HybridBinarizer(source).getBlackMatrix();
    const ours = new FastHybridBinarizer(source).getBlackMatrix();
    const inverted = invert(g);
    const theirsInverted = new HybridBinarizer(
      new RGBLuminanceSource(inverted.data, g.width, g.height),
    ).getBlackMatrix();
    const oursInverted = new FastHybridBinarizer(source, true).getBlackMatrix();
    return ours.equals(theirs) && oursInverted.equals(theirsInverted);
  };

  it.each([
    [640, 480],
    [643, 357], // blocks at the right and bottom edges overlap the ones before
    [41, 40],
    [39, 200], // under 40 px a side: the global histogram binarizer, as the library does
  ])('noise, %ix%i', (w, h) => {
    expect(same(noise(w, h, w * 7 + h))).toBe(true);
  });

  it('camera scenes: a QR code, a barcode, dark mode, flat areas beside busy ones', () => {
    for (const [i, code] of [
      { kind: 'qr' as const, text: '178847660332' },
      { kind: 'code128' as const, text: '184204778342' },
    ].entries()) {
      for (const dark of [false, true]) {
        const g = scene(640, 480, 20 + i, code, { dark, scale: 0.6 });
        expect(same(g)).toBe(true);
        expect(same(shrink(g, 3))).toBe(true);
      }
    }
  });
});
