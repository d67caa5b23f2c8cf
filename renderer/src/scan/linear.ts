/**
 * Linear (1D) barcodes, read row by row with @zxing/library's row readers, with our own rules
 * for when a read counts. A single scan line through a barcode can misread (a smudge, a glare
 * streak, a bar merged by blur), so a read is accepted only when two scan lines at least
 * MIN_LINE_GAP apart agree on format and text (as zxing-cpp's `minLineCount = 2`), whatever the
 * format. A check digit is not enough on its own: a mod-10 digit passes one random digit string
 * in ten, and textures with regular strokes (a receipt's printing, a fabric) make rows the EAN-13
 * reader decodes, so a passing check digit on one line was a wrong read on bench:decode's corpus
 * (photo-11: a receipt's print read as EAN-13 1402026736366 beside the QR code; the EAN-13
 * reader still verifies the check digit, so one that fails is no read at all). A read seen on one line only is returned as a candidate: the live loop
 * confirms it when an attempt on another, distinct video frame reads the same (camera-loop.ts).
 */
import {
  BarcodeFormat,
  BitArray,
  Code128Reader,
  Code39Reader,
  type DecodeHintType,
  EAN13Reader,
  GlobalHistogramBinarizer,
  ITFReader,
  type BitMatrix,
  type OneDReader,
  RGBLuminanceSource,
} from '@zxing/library';
import { lineInFrame, type Gray } from './gray';
import { applyZxingFixes } from './zxing-fixes';

applyZxingFixes();

type LinearFormat = 'CODE_128' | 'EAN_13' | 'CODE_39' | 'ITF';

interface LinearRead {
  text: string;
  format: LinearFormat;
  confirmed: boolean;
}

const ZX_FORMAT: Partial<Record<BarcodeFormat, LinearFormat>> = {
  [BarcodeFormat.CODE_128]: 'CODE_128',
  [BarcodeFormat.EAN_13]: 'EAN_13',
  [BarcodeFormat.CODE_39]: 'CODE_39',
  [BarcodeFormat.ITF]: 'ITF',
};

export class LinearReaders {
  private readonly readers: OneDReader[] = [];

  constructor(formats: readonly string[]) {
    if (formats.includes('CODE_128')) this.readers.push(new Code128Reader());
    if (formats.includes('EAN_13')) this.readers.push(new EAN13Reader());
    if (formats.includes('CODE_39')) this.readers.push(new Code39Reader(false, false));
    if (formats.includes('ITF')) this.readers.push(new ITFReader());
  }

  get any(): boolean {
    return this.readers.length > 0;
  }

  /** Every reader on one row, forwards then backwards (a code upside down). */
  readRow(y: number, row: BitArray, out: (format: LinearFormat, text: string) => void) {
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) row.reverse();
      for (const reader of this.readers) {
        try {
          const r = reader.decodeRow(y, row, HINTS);
          const format = ZX_FORMAT[r.getBarcodeFormat()];
          const text = r.getText();
          if (format && text) out(format, text);
        } catch {
          // not this format on this row
        }
      }
    }
    row.reverse();
  }
}

const HINTS = new Map<DecodeHintType, unknown>();

/** Transitions between dark and light along a row: fewer than a barcode has means skip it. */
function transitions(row: BitArray, width: number): number {
  let n = 0;
  let i = row.getNextSet(0);
  while (i < width) {
    n++;
    i = row.getNextUnset(i);
    if (i >= width) break;
    n++;
    i = row.getNextSet(i);
  }
  return n;
}

/** The smallest linear code we read (Code 39 with one character, ITF-6) has more. */
const MIN_TRANSITIONS = 24;

/** Sub-pixel scale of rows made by `edgeRow`. */
const EDGE_SCALE = 4;

/**
 * A row binarized by its edges rather than a threshold: the row's light and dark extremes
 * (with hysteresis, so sensor noise does not count), and between each light and dark extreme
 * the point where the luminance crosses their midpoint, interpolated to a quarter pixel. Bars
 * keep their width whatever the exposure and blur (a fixed threshold makes bars grow or shrink
 * by a pixel, which for 3-pixel modules is a misread or a miss), and narrow elements a blur has
 * flattened still count as long as they stand out. The row is 4x as long as the image.
 */
function edgeRow(
  g: Gray,
  y: number,
  row: BitArray | undefined,
  smooth = 1,
  invert = false,
): BitArray | undefined {
  const { width: w, height: h, data } = g;
  const buf = rowBuffer(w);
  const y0 = Math.max(0, y - smooth);
  const y1 = Math.min(h - 1, y + smooth);
  const n = y1 - y0 + 1;
  let lo = 255;
  let hi = 0;
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let yy = y0; yy <= y1; yy++) s += data[yy * w + x]!;
    // inverted: the sum of 255 - p over the same pixels, as on the image inverted
    const v = (invert ? 255 * n - s : s) / n;
    buf[x] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi - lo < 16) return undefined;
  const delta = Math.max(6, (hi - lo) * 0.12);
  const size = w * EDGE_SCALE;
  const out = row && row.getSize() === size ? row : new BitArray(size);
  out.clear();
  // extremes, alternating
  let maxI = 0;
  let maxV = buf[0]!;
  let minI = 0;
  let minV = buf[0]!;
  let seeking = 0; // 0 unknown, 1 a maximum next, -1 a minimum next
  let prevI = -1;
  let prevV = 0;
  let prevIsMax = false;
  let darkFrom = -1; // sub-pixel position where the current dark run began
  const edge = (fromI: number, fromV: number, toI: number, toV: number) => {
    const t = (fromV + toV) / 2;
    const falling = toV < fromV;
    for (let x = fromI + 1; x <= toI; x++) {
      const a = buf[x - 1]!;
      const b = buf[x]!;
      if (falling ? b <= t : b >= t) {
        const f = a === b ? 0 : (a - t) / (a - b);
        return x - 1 + f + 0.5;
      }
    }
    return toI + 0.5;
  };
  const extreme = (i: number, v: number, isMax: boolean) => {
    if (prevI >= 0) {
      const p = edge(prevI, prevV, i, v);
      if (!isMax)
        darkFrom = p; // light to dark: a bar begins
      else if (darkFrom >= 0) {
        out.setRange(Math.round(darkFrom * EDGE_SCALE), Math.round(p * EDGE_SCALE));
        darkFrom = -1;
      }
    } else if (!isMax) {
      darkFrom = 0; // the row starts dark
    }
    prevI = i;
    prevV = v;
    prevIsMax = isMax;
  };
  for (let x = 1; x < w; x++) {
    const v = buf[x]!;
    if (v > maxV) {
      maxV = v;
      maxI = x;
    }
    if (v < minV) {
      minV = v;
      minI = x;
    }
    if (seeking >= 0 && v < maxV - delta) {
      extreme(maxI, maxV, true);
      seeking = -1;
      minV = v;
      minI = x;
    } else if (seeking <= 0 && v > minV + delta) {
      extreme(minI, minV, false);
      seeking = 1;
      maxV = v;
      maxI = x;
    }
  }
  if (!prevIsMax && darkFrom >= 0 && prevI >= 0)
    out.setRange(Math.round(darkFrom * EDGE_SCALE), size);
  return out;
}

let rowBuf = new Float32Array(0);
function rowBuffer(w: number): Float32Array {
  if (rowBuf.length < w) rowBuf = new Float32Array(w);
  return rowBuf;
}

export interface RowScanOptions {
  /** How many rows, from the middle outwards. */
  lines: number;
  /**
   * 'edges': sub-pixel edges between extremes (see edgeRow; the default);
   * 'histogram': a threshold per row, sharpened (zxing's 1D default);
   * 'local': rows of an already binarized matrix (follows glare gradients along the row).
   */
  binarizer: 'edges' | 'histogram' | 'local';
  /** The binarized matrix of the same image, for 'local'. */
  matrix?: BitMatrix;
  /** Rows averaged either side of the scan line for 'edges' (noise). */
  smooth?: number;
  /**
   * 'edges' only: read the image inverted (light on dark becomes dark on light), the same bits
   * as on `invert(g)` without making it.
   */
  invert?: boolean;
  /** Reads seen so far in this frame (by this and other strategies), with their lines. */
  seen?: Map<string, SeenLine[]>;
}

/** A scan line in frame coordinates: horizontal at y = pos, or vertical at x = pos. */
export interface SeenLine {
  vertical: boolean;
  pos: number;
}

/**
 * Two reads agree only from two different lines of the frame at least this far apart, in
 * frame pixels (after undoing any crop, shrink, enlargement or turn). Neighbouring rows see
 * the same smudge, glare streak or crease and, blurred together, the same pixels: they are one
 * opinion. 10 px is about a tenth of a Code 128's bars on a phone at counter distance (60 to
 * 150 px tall in a 640x480 frame), so a real barcode still has many lines that far apart.
 */
export const MIN_LINE_GAP = 10;

/** The rows `scanRows` reads of an image `height` rows tall, in order: from the middle out. */
export function scanLines(height: number, lines: number): number[] {
  const n = Math.max(1, Math.min(lines, height));
  const step = Math.max(1, Math.floor(height / (n + 1)));
  const middle = height >> 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const off = Math.trunc((i + 1) / 2) * step;
    const y = i % 2 === 0 ? middle - off : middle + off;
    if (y >= 0 && y < height) out.push(y);
  }
  return out;
}

/**
 * The pixel rows `scanRows` reads of an image `height` rows tall: its scan lines and, with the
 * edges binarizer, `smooth` rows either side of each.
 */
export function rowsRead(height: number, lines: number, smooth = 1): Set<number> {
  const rows = new Set<number>();
  for (const y of scanLines(height, lines)) {
    for (let d = -smooth; d <= smooth; d++) if (y + d >= 0 && y + d < height) rows.add(y + d);
  }
  return rows;
}

/**
 * Scans rows from the middle out. Returns a confirmed read as soon as there is one, else the
 * read seen on the most lines (a candidate), else undefined.
 */
export function scanRows(
  g: Gray,
  readers: LinearReaders,
  opts: RowScanOptions,
): LinearRead | undefined {
  if (!readers.any) return undefined;
  const { width, height } = g;
  const histogram =
    opts.binarizer === 'histogram' || (opts.binarizer === 'local' && !opts.matrix)
      ? new GlobalHistogramBinarizer(new RGBLuminanceSource(g.data, width, height))
      : undefined;
  const seen = opts.seen ?? new Map<string, SeenLine[]>();
  let row: BitArray | undefined = new BitArray(width);
  let found: LinearRead | undefined;
  let best: { key: string; n: number } | undefined;
  for (const y of scanLines(height, opts.lines)) {
    if (found) break;
    let bits: BitArray | undefined;
    try {
      if (opts.binarizer === 'edges') bits = edgeRow(g, y, row, opts.smooth ?? 1, opts.invert);
      else if (histogram) bits = histogram.getBlackRow(y, row!);
      else bits = opts.matrix!.getRow(y, row);
    } catch {
      continue;
    }
    if (!bits) continue;
    row = bits;
    if (transitions(bits, bits.getSize()) < MIN_TRANSITIONS) continue;
    const onThisRow = new Set<string>();
    readers.readRow(y, bits, (format, text) => {
      const key = `${format}\u0000${text}`;
      if (onThisRow.has(key) || found) return;
      onThisRow.add(key);
      // The same line read again (another binarizer, another view) is not a second opinion.
      const line = lineInFrame(g, y);
      const lines = seen.get(key) ?? [];
      const fresh = !lines.some(
        (l) => l.vertical === line.vertical && Math.abs(l.pos - line.pos) < MIN_LINE_GAP,
      );
      if (fresh) lines.push(line);
      seen.set(key, lines);
      if (lines.length >= 2) found = { format, text, confirmed: true };
      else if (!best || lines.length > best.n) best = { key, n: lines.length };
    });
  }
  if (found) return found;
  if (!best) return undefined;
  const [format, text] = best.key.split('\u0000') as [LinearFormat, string];
  return { format, text, confirmed: false };
}
