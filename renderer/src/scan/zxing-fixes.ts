/**
 * A fix for a bug in @zxing/library 0.23's Code 128 reader, applied once when the decoder is
 * loaded.
 *
 * `Code128Reader.findStartPattern` slides a window of six bar/space counters along the row
 * until they match a start code. When the window moves on, the port replaced the array with
 * `counters.slice(2)`: a typed array of four, to which the next two counters are never
 * written. So the start code is found only when it is the very first thing dark in the row;
 * anything dark before it on the same row (the phone's bezel, a logo, the edge of the screen,
 * which is every camera frame) makes the window match garbage, typically START_B where the
 * code starts with START_C, and the row fails its checksum. This is the Java original's
 * behaviour (an in-place shift), written against the same static fields.
 */
import { type BitArray, Code128Reader, NotFoundException, OneDReader } from '@zxing/library';

interface Code128Statics {
  CODE_PATTERNS: Int32Array[];
  CODE_START_A: number;
  CODE_START_C: number;
  MAX_AVG_VARIANCE: number;
  MAX_INDIVIDUAL_VARIANCE: number;
  findStartPattern(row: BitArray): Int32Array;
}

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
  C.findStartPattern = function findStartPattern(row: BitArray): Int32Array {
    const width = row.getSize();
    const rowOffset = row.getNextSet(0);
    let counterPosition = 0;
    const counters = new Int32Array(6);
    let patternStart = rowOffset;
    let isWhite = false;
    const patternLength = 6;
    for (let i = rowOffset; i < width; i++) {
      if (row.get(i) !== isWhite) {
        counters[counterPosition]!++;
      } else {
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
              Math.max(0, Math.floor(patternStart - (i - patternStart) / 2)),
              patternStart,
              false,
            )
          ) {
            return Int32Array.from([patternStart, i, bestMatch]);
          }
          patternStart += counters[0]! + counters[1]!;
          counters.copyWithin(0, 2, patternLength);
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
  };
}
