/**
 * The Code 39 start search and classification replaced for speed (zxing-fixes.ts) give the
 * library's own answers: on random rows, on rows with Code 39 in them, and on random counters.
 */
import { describe, expect, it } from 'vitest';
import { BitArray, Code39Reader } from '@zxing/library';
import { replaced } from '../../../renderer/src/scan/zxing-fixes';
import '../../../renderer/src/scan/linear'; // applies the fixes
import { prng } from '../../bench/make-decode-corpus';

interface Code39Statics {
  CHARACTER_ENCODINGS: number[];
  ASTERISK_ENCODING: number;
  findAsteriskPattern(row: BitArray, counters: Int32Array): number[];
  toNarrowWidePattern(counters: Int32Array): number;
}
const C39 = Code39Reader as unknown as Code39Statics;

/** The library's own search, with the library's own classification. */
const original = (row: BitArray, counters: Int32Array) =>
  replaced.findAsteriskPattern!.call(
    { toNarrowWidePattern: replaced.toNarrowWidePattern },
    row,
    counters,
  );

const outcome = (f: () => number[]) => {
  try {
    return f();
  } catch (e) {
    return (e as Error).constructor.name;
  }
};

/** A row of runs: noise, then (sometimes) Code 39 characters, then noise. */
function row(seed: number): BitArray {
  const rnd = prng(seed);
  const runs: number[] = [];
  const noise = () => {
    for (let n = Math.floor(rnd() * 40); n > 0; n--) runs.push(1 + Math.floor(rnd() * 12));
  };
  noise();
  if (rnd() < 0.7) {
    const narrow = 1 + Math.floor(rnd() * 4);
    const wide = Math.round(narrow * (2 + rnd()));
    runs.push(Math.round(narrow * 10 * rnd())); // quiet zone, sometimes too short
    const chars = [C39.ASTERISK_ENCODING];
    for (let n = 1 + Math.floor(rnd() * 5); n > 0; n--) {
      chars.push(C39.CHARACTER_ENCODINGS[Math.floor(rnd() * C39.CHARACTER_ENCODINGS.length)]!);
    }
    chars.push(C39.ASTERISK_ENCODING);
    for (const c of chars) {
      for (let b = 8; b >= 0; b--) {
        const w = (c >> b) & 1 ? wide : narrow;
        runs.push(Math.max(1, w + (rnd() < 0.2 ? Math.round(rnd() * 2 - 1) : 0)));
      }
      runs.push(narrow); // gap between characters
    }
  }
  noise();
  const size = runs.reduce((a, b) => a + b, 0) + Math.floor(rnd() * 3);
  const bits = new BitArray(Math.max(1, size));
  let x = Math.floor(rnd() * 3);
  runs.forEach((n, i) => {
    if (i % 2 === 1 && x < size) bits.setRange(x, Math.min(size, x + n));
    x += n;
  });
  return bits;
}

describe('Code 39 start search (zxing-fixes.ts): the library’s answers, faster', () => {
  it('finds the same start pattern, or none, on 3000 rows', () => {
    let found = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = row(seed);
      const ours = outcome(() => C39.findAsteriskPattern(r, new Int32Array(9)));
      const theirs = outcome(() => original(r, new Int32Array(9)));
      expect(ours, `row ${seed}`).toEqual(theirs);
      if (Array.isArray(ours)) found++;
    }
    expect(found).toBeGreaterThan(300); // the rows do exercise the match
  });

  it('classifies counters as the library does', () => {
    const rnd = prng(7);
    for (let n = 0; n < 20000; n++) {
      const c = Int32Array.from({ length: 9 }, () => 1 + Math.floor(rnd() * (n % 2 ? 4 : 12)));
      expect(C39.toNarrowWidePattern(c)).toBe(replaced.toNarrowWidePattern!(c));
    }
  });
});
