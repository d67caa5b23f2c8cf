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
