/**
 * The Code 39 start search and classification replaced for speed (zxing-fixes.ts) give the
 * library's own answers: on random rows, on rows with Code 39 in them, and on random counters.
 * The Code 128 start search (fixed, then made run by run) gives the answers of the fix's walk a
 * bit at a time (kept here as the reference), on random rows and rows with Code 128 starts.
 */
import { describe, expect, it } from 'vitest';
import {
  BitArray,
  Code128Reader,
  Code39Reader,
  NotFoundException,
  OneDReader,
} from '@zxing/library';
import { replaced, type Code128Statics } from '../../../renderer/src/scan/zxing-fixes';
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

/**
 * A row of runs (odd ones dark): noise, then (sometimes) what `middle` adds, then noise, at an
 * offset of 0 to 2 bits.
 */
function runsRow(seed: number, middle: (rnd: () => number, runs: number[]) => void): BitArray {
  const rnd = prng(seed);
  const runs: number[] = [];
  const noise = () => {
    for (let n = Math.floor(rnd() * 40); n > 0; n--) runs.push(1 + Math.floor(rnd() * 12));
  };
  noise();
  if (rnd() < 0.7) middle(rnd, runs);
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

/** A row of runs: noise, then (sometimes) Code 39 characters, then noise. */
const row = (seed: number) =>
  runsRow(seed, (rnd, runs) => {
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
  });

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

const C128 = Code128Reader as unknown as Code128Statics;
const variance = (
  OneDReader as unknown as {
    patternMatchVariance(c: Int32Array, p: Int32Array, max: number): number;
  }
).patternMatchVariance;

/** The fixed start search as it was first written: a bit at a time (the Java original's walk). */
function startBitByBit(row: BitArray): Int32Array {
  const width = row.getSize();
  const rowOffset = row.getNextSet(0);
  let counterPosition = 0;
  const counters = new Int32Array(6);
  let patternStart = rowOffset;
  let isWhite = false;
  for (let i = rowOffset; i < width; i++) {
    if (row.get(i) !== isWhite) {
      counters[counterPosition]!++;
    } else {
      if (counterPosition === 5) {
        let bestVariance = C128.MAX_AVG_VARIANCE;
        let bestMatch = -1;
        for (let code = C128.CODE_START_A; code <= C128.CODE_START_C; code++) {
          const v = variance(counters, C128.CODE_PATTERNS[code]!, C128.MAX_INDIVIDUAL_VARIANCE);
          if (v < bestVariance) {
            bestVariance = v;
            bestMatch = code;
          }
        }
        if (
          bestMatch >= 0 &&
          row.isRange(
            Math.max(0, Math.floor(patternStart - (i - patternStart) / 2)),
            patternStart,
            false,
          )
        ) {
          return Int32Array.from([patternStart, i, bestMatch]);
        }
        patternStart += counters[0]! + counters[1]!;
        counters.copyWithin(0, 2, 6);
        counters[counterPosition - 1] = 0;
        counters[counterPosition] = 0;
        counterPosition--;
      } else {
        counterPosition++;
      }
      counters[counterPosition] = 1;
      isWhite = !isWhite;
    }
  }
  throw new NotFoundException();
}

/** A row of runs: noise, then (sometimes) a Code 128 start pattern after a quiet zone, noise. */
const row128 = (seed: number) =>
  runsRow(seed, (rnd, runs) => {
    const m = 1 + Math.floor(rnd() * 4);
    if (runs.length % 2 === 1) runs.push(1); // the quiet zone is a space
    runs.push(Math.round(m * 12 * rnd())); // quiet zone, sometimes too short
    const start = C128.CODE_PATTERNS[C128.CODE_START_A + Math.floor(rnd() * 3)]!;
    for (const w of start) {
      runs.push(Math.max(1, w * m + (rnd() < 0.2 ? (rnd() < 0.5 ? -1 : 1) : 0)));
    }
  });

describe('Code 128 start search (zxing-fixes.ts): run by run, the answers of a walk bit by bit', () => {
  it('finds the same start pattern, or none, on 3000 rows', () => {
    let found = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = row128(seed);
      const ours = outcome(() => Array.from(C128.findStartPattern(r)));
      const reference = outcome(() => Array.from(startBitByBit(r)));
      expect(ours, `row ${seed}`).toEqual(reference);
      if (Array.isArray(ours)) found++;
    }
    expect(found).toBeGreaterThan(300); // the rows do exercise the match
  });
});
