/**
 * Fixes for @zxing/library 0.23's 1D readers, applied once when the decoder is loaded.
 *
 * A bug in the Code 128 reader: `Code128Reader.findStartPattern` slides a window of six
 * bar/space counters along the row until they match a start code. When the window moves on,
 * the port replaced the array with `counters.slice(2)`: a typed array of four, to which the
 * next two counters are never written. So the start code is found only when it is the very
 * first thing dark in the row; anything dark before it on the same row (the phone's bezel, a
 * logo, the edge of the screen, which is every camera frame) makes the window match garbage,
 * typically START_B where the code starts with START_C, and the row fails its checksum. This
 * is the Java original's behaviour (an in-place shift), written against the same static fields.
 *
 * The Code 39 reader's cost: its start search (`findAsteriskPattern`) walks the row a bit at a
 * time and, at every bar or space boundary, shifts its nine counters with `copyWithin` and
 * classifies them with `toNarrowWidePattern`, whose loops the port compiles to iterator
 * objects; on rows that show no Code 39 (almost all) it was the largest single cost of the 1D
 * scans (about half of the row readers' time on bench:decode's textured frames). The same
 * search run by run (a run's length from `getNextSet`/`getNextUnset`, which skip whole words)
 * and the same classification with plain loops: the same answers (tested against the
 * library's own on random and Code 39 rows, test/unit/scan/zxing-fixes.test.ts), with a cheap
 * test before the classification (the asterisk's three wide elements must each be longer than
 * all six others, which the classification requires). The Code 128 start search (the fix
 * above) also goes run by run, with the answers of its walk a bit at a time (tested). Both
 * together: the 1D part of the decoder's first step (16 rows, every format, both ways) about
 * 1.0 ms instead of 1.4 on a 640x480 frame with no code.
 */
import {
  type BitArray,
  Code128Reader,
  Code39Reader,
  NotFoundException,
  OneDReader,
} from '@zxing/library';

/** The Code 128 reader's statics the fix is written against (tests use them too). */
export interface Code128Statics {
  CODE_PATTERNS: Int32Array[];
  CODE_START_A: number;
  CODE_START_C: number;
  MAX_AVG_VARIANCE: number;
  MAX_INDIVIDUAL_VARIANCE: number;
  findStartPattern(row: BitArray): Int32Array;
}

interface Code39Statics {
  ASTERISK_ENCODING: number;
  findAsteriskPattern(row: BitArray, counters: Int32Array): number[];
  toNarrowWidePattern(counters: Int32Array): number;
}

/** The library's own functions that were replaced (for the tests that compare). */
export const replaced: Partial<Code39Statics> = {};

interface OneDStatics {
  patternMatchVariance(counters: Int32Array, pattern: Int32Array, maxVariance: number): number;
}

let applied = false;

export function applyZxingFixes() {
  if (applied) return;
  applied = true;
  const C = Code128Reader as unknown as Code128Statics;
  const O = OneDReader as unknown as OneDStatics;
  if (
    typeof C.findStartPattern !== 'function' ||
    !Array.isArray(C.CODE_PATTERNS) ||
    typeof O.patternMatchVariance !== 'function'
  ) {
    return; // a version of the library without the bug's shape: leave it alone
  }
  // Run by run (a run's length from getNextSet/getNextUnset, which skip whole words), as the
  // Code 39 search below: the same windows and answers as a walk a bit at a time.
  C.findStartPattern = function findStartPattern(row: BitArray): Int32Array {
    const width = row.getSize();
    const patternLength = 6;
    const counters = new Int32Array(patternLength);
    let i = row.getNextSet(0);
    let patternStart = i;
    let counterPosition = 0;
    let isWhite = false;
    while (i < width) {
      const end = isWhite ? row.getNextSet(i) : row.getNextUnset(i);
      counters[counterPosition] = end - i;
      if (end >= width) break; // the last run never closes: no pattern ends in it
      if (counterPosition === patternLength - 1) {
        let bestVariance = C.MAX_AVG_VARIANCE;
        let bestMatch = -1;
        for (let startCode = C.CODE_START_A; startCode <= C.CODE_START_C; startCode++) {
          const variance = O.patternMatchVariance(
            counters,
            C.CODE_PATTERNS[startCode]!,
            C.MAX_INDIVIDUAL_VARIANCE,
          );
          if (variance < bestVariance) {
            bestVariance = variance;
            bestMatch = startCode;
          }
        }
        // whitespace before the start pattern, at least half its width
        if (
          bestMatch >= 0 &&
          row.isRange(
            Math.max(0, Math.floor(patternStart - (end - patternStart) / 2)),
            patternStart,
            false,
          )
        ) {
          return Int32Array.from([patternStart, end, bestMatch]);
        }
        patternStart += counters[0]! + counters[1]!;
        counters.copyWithin(0, 2, patternLength);
        counters[counterPosition - 1] = 0;
        counters[counterPosition] = 0;
        counterPosition--;
      } else {
        counterPosition++;
      }
      isWhite = !isWhite;
      i = end;
    }
    throw new NotFoundException();
  };

  const C39 = Code39Reader as unknown as Code39Statics;
  if (
    typeof C39.findAsteriskPattern !== 'function' ||
    typeof C39.toNarrowWidePattern !== 'function' ||
    C39.ASTERISK_ENCODING !== 0x094
  ) {
    return;
  }
  replaced.findAsteriskPattern = C39.findAsteriskPattern;
  replaced.toNarrowWidePattern = C39.toNarrowWidePattern;
  C39.toNarrowWidePattern = toNarrowWidePattern;
  C39.findAsteriskPattern = function findAsteriskPattern(
    row: BitArray,
    counters: Int32Array,
  ): number[] {
    const width = row.getSize();
    const last = counters.length - 1;
    let i = row.getNextSet(0);
    let patternStart = i;
    let counterPosition = 0;
    let isWhite = false;
    while (i < width) {
      const end = isWhite ? row.getNextSet(i) : row.getNextUnset(i);
      counters[counterPosition] = end - i;
      if (end >= width) break; // the last run never closes: no pattern ends in it
      if (counterPosition === last) {
        // whitespace before the start pattern, at least half its width
        // The asterisk (0x094) is wide at elements 1, 4 and 6: the classification can give it
        // only when those three are each longer than all six others (a cheap test first)
        const wide = Math.min(counters[1]!, counters[4]!, counters[6]!);
        if (
          wide > counters[0]! &&
          wide > counters[2]! &&
          wide > counters[3]! &&
          wide > counters[5]! &&
          wide > counters[7]! &&
          wide > counters[8]! &&
          toNarrowWidePattern(counters) === C39.ASTERISK_ENCODING &&
          row.isRange(
            Math.max(0, patternStart - Math.floor((end - patternStart) / 2)),
            patternStart,
            false,
          )
        ) {
          return [patternStart, end];
        }
        patternStart += counters[0]! + counters[1]!;
        for (let k = 2; k <= last; k++) counters[k - 2] = counters[k]!;
        counters[last - 1] = 0;
        counters[last] = 0;
        counterPosition--;
      } else {
        counterPosition++;
      }
      isWhite = !isWhite;
      i = end;
    }
    throw new NotFoundException();
  };
}

/**
 * Code 39's classification of nine counters as narrow and wide: the pattern's bits (1 = wide)
 * when exactly three are wide and none is 1.5x their average or more, else -1. The library's
 * algorithm with plain loops.
 */
function toNarrowWidePattern(counters: Int32Array): number {
  const n = counters.length;
  let maxNarrowCounter = 0;
  let wideCounters: number;
  do {
    let minCounter = 0x7fffffff;
    for (let i = 0; i < n; i++) {
      const c = counters[i]!;
      if (c < minCounter && c > maxNarrowCounter) minCounter = c;
    }
    maxNarrowCounter = minCounter;
    wideCounters = 0;
    let totalWideCountersWidth = 0;
    let pattern = 0;
    for (let i = 0; i < n; i++) {
      const c = counters[i]!;
      if (c > maxNarrowCounter) {
        pattern |= 1 << (n - 1 - i);
        wideCounters++;
        totalWideCountersWidth += c;
      }
    }
    if (wideCounters === 3) {
      for (let i = 0; i < n && wideCounters > 0; i++) {
        const c = counters[i]!;
        if (c > maxNarrowCounter) {
          wideCounters--;
          if (c * 2 >= totalWideCountersWidth) return -1;
        }
      }
      return pattern;
    }
  } while (wideCounters > 3);
  return -1;
}
