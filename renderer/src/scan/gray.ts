/**
 * Grey images for the decoder: one byte of luminance per pixel, row-major. Every function here
 * is pure and allocation-light (it returns a new image and never changes its input), with no
 * DOM dependency, so it runs the same in Node, in a Web Worker and in the benchmark.
 */

/** A camera frame or an image: RGBA (4 bytes a pixel) or luminance (1 byte a pixel). */
export interface Frame {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export interface Gray {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** Where its pixels are in the frame it was made from (undefined: the frame itself). */
  origin?: Origin | undefined;
}

/**
 * Pixel (x, y) of a grey image is at (origin.x + x * scale, origin.y + y * scale) in the frame,
 * or, transposed, at (origin.x + y * scale, origin.y + x * scale). Lets the 1D reader tell two
 * scan lines of one frame apart whatever view of the frame they were read in.
 */
export interface Origin {
  x: number;
  y: number;
  scale: number;
  transposed: boolean;
}

const FRAME: Origin = { x: 0, y: 0, scale: 1, transposed: false };

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A scan line of a grey image as a line of the frame: horizontal at y, or vertical at x. */
export function lineInFrame(g: Gray, row: number): { vertical: boolean; pos: number } {
  const o = g.origin ?? FRAME;
  const pos = (o.transposed ? o.x : o.y) + (row + 0.5) * o.scale;
  return { vertical: o.transposed, pos };
}

const same = (g: Gray, data: Uint8ClampedArray): Gray => ({
  data,
  width: g.width,
  height: g.height,
  origin: g.origin,
});

/** A rectangle in pixels. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A rectangle as fractions (0..1) of the frame's width and height. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function channelsOf(frame: Frame): 1 | 4 {
  const n = frame.width * frame.height;
  if (frame.data.length >= n * 4) return 4;
  if (frame.data.length >= n) return 1;
  throw new RangeError(`frame data too short for ${frame.width}x${frame.height}`);
}

/** A fractional rectangle in pixels, clamped to the frame; undefined if it is (nearly) empty. */
export function toPixels(rect: Rect, width: number, height: number): PixelRect | undefined {
  const x0 = Math.max(0, Math.min(width, Math.round(rect.x * width)));
  const y0 = Math.max(0, Math.min(height, Math.round(rect.y * height)));
  const x1 = Math.max(x0, Math.min(width, Math.round((rect.x + rect.width) * width)));
  const y1 = Math.max(y0, Math.min(height, Math.round((rect.y + rect.height) * height)));
  if (x1 - x0 < 16 || y1 - y0 < 16) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Luminance of a region of a frame, shrunk by an integer factor (box average), in one pass.
 * RGBA uses the usual Rec. 601 weights in fixed point.
 */
export function grayOf(frame: Frame, region?: PixelRect, factor = 1): Gray {
  const r = region ?? { x: 0, y: 0, width: frame.width, height: frame.height };
  const k = Math.max(1, Math.floor(factor));
  const w = Math.floor(r.width / k);
  const h = Math.floor(r.height / k);
  const out = new Uint8ClampedArray(w * h);
  const src = frame.data;
  const stride = frame.width;
  const rgba = channelsOf(frame) === 4;
  if (k === 1) {
    // RGBA a word at a time where the bytes allow (aligned, little-endian: R is the low byte):
    // one load a pixel instead of three (about 10% faster at 720p)
    const words = rgba && LITTLE_ENDIAN && src.byteOffset % 4 === 0;
    const u32 = words ? new Uint32Array(src.buffer, src.byteOffset, src.length >> 2) : undefined;
    for (let y = 0; y < h; y++) {
      let o = y * w;
      let i = (r.y + y) * stride + r.x;
      if (u32) {
        for (let x = 0; x < w; x++, i++) {
          const v = u32[i]!;
          out[o++] = ((v & 0xff) * 77 + ((v >>> 8) & 0xff) * 150 + ((v >>> 16) & 0xff) * 29) >> 8;
        }
      } else if (rgba) {
        let p = i * 4;
        for (let x = 0; x < w; x++, p += 4) {
          out[o++] = (src[p]! * 77 + src[p + 1]! * 150 + src[p + 2]! * 29) >> 8;
        }
      } else {
        out.set(src.subarray(i, i + w), o);
      }
    }
    return {
      data: out,
      width: w,
      height: h,
      origin: { x: r.x, y: r.y, scale: 1, transposed: false },
    };
  }
  if (k === 2 && !rgba) {
    // the common shrink (a 720p frame to 640x360), four loads a pixel and no inner loops
    for (let y = 0; y < h; y++) {
      let o = y * w;
      let a = (r.y + 2 * y) * stride + r.x;
      let b = a + stride;
      for (let x = 0; x < w; x++, a += 2, b += 2) {
        out[o++] = (src[a]! + src[a + 1]! + src[b]! + src[b + 1]!) / 4;
      }
    }
    return {
      data: out,
      width: w,
      height: h,
      origin: { x: r.x, y: r.y, scale: k, transposed: false },
    };
  }
  const area = k * k;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < k; dy++) {
        const i = (r.y + y * k + dy) * stride + r.x + x * k;
        if (rgba) {
          for (let dx = 0, p = i * 4; dx < k; dx++, p += 4) {
            sum += (src[p]! * 77 + src[p + 1]! * 150 + src[p + 2]! * 29) >> 8;
          }
        } else {
          for (let dx = 0; dx < k; dx++) sum += src[i + dx]!;
        }
      }
      out[y * w + x] = sum / area;
    }
  }
  return {
    data: out,
    width: w,
    height: h,
    origin: { x: r.x, y: r.y, scale: k, transposed: false },
  };
}

export function crop(g: Gray, r: PixelRect): Gray {
  const out = new Uint8ClampedArray(r.width * r.height);
  for (let y = 0; y < r.height; y++) {
    const from = (r.y + y) * g.width + r.x;
    out.set(g.data.subarray(from, from + r.width), y * r.width);
  }
  const o = g.origin ?? FRAME;
  const origin = o.transposed
    ? { ...o, x: o.x + r.y * o.scale, y: o.y + r.x * o.scale }
    : { ...o, x: o.x + r.x * o.scale, y: o.y + r.y * o.scale };
  return { data: out, width: r.width, height: r.height, origin };
}

/** Shrinks by an integer factor (box average). */
export function shrink(g: Gray, factor: number): Gray {
  if (factor <= 1) return g;
  const o = g.origin ?? FRAME;
  return { ...grayOf(g, undefined, factor), origin: { ...o, scale: o.scale * factor } };
}

/** Smallest integer factor that brings the image to at most `maxPixels` pixels. */
export function shrinkFactorFor(width: number, height: number, maxPixels: number): number {
  let k = 1;
  while ((width / k) * (height / k) > maxPixels) k++;
  return k;
}

/** Rows become columns: a barcode held sideways becomes upright (reading either way). */
export function transpose(g: Gray): Gray {
  const { width: w, height: h, data } = g;
  const out = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) out[x * h + y] = data[row + x]!;
  }
  const o = g.origin ?? FRAME;
  return { data: out, width: h, height: w, origin: { ...o, transposed: !o.transposed } };
}

/** Light on dark becomes dark on light. */
export function invert(g: Gray): Gray {
  const out = new Uint8ClampedArray(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = 255 - g.data[i]!;
  return same(g, out);
}

/**
 * Stretches the levels between the 1st and 99th percentile to the full range: a faint code on
 * a dim or washed-out screen gets the contrast the binarizers expect (the hybrid binarizer
 * treats blocks with less than 24 levels of range as flat).
 */
export function stretch(g: Gray): Gray {
  const hist = new Uint32Array(256);
  const d = g.data;
  const step = d.length > 200_000 ? 3 : 1;
  let n = 0;
  for (let i = 0; i < d.length; i += step, n++) hist[d[i]!]!++;
  const lowCount = n * 0.01;
  const highCount = n * 0.99;
  let lo = 0;
  let hi = 255;
  for (let v = 0, acc = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc > lowCount) {
      lo = v;
      break;
    }
  }
  for (let v = 0, acc = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= highCount) {
      hi = v;
      break;
    }
  }
  if (hi - lo < 4) return g;
  const lut = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) lut[v] = ((v - lo) * 255) / (hi - lo);
  const out = new Uint8ClampedArray(d.length);
  for (let i = 0; i < d.length; i++) out[i] = lut[d[i]!]!;
  return same(g, out);
}

/** 3x3 box blur: takes out sensor noise and the fine moiré of a photographed screen. */
export function blur(g: Gray): Gray {
  const { width: w, height: h, data } = g;
  const tmp = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const r = y * w;
    for (let x = 0; x < w; x++) {
      const l = x > 0 ? data[r + x - 1]! : data[r + x]!;
      const c = data[r + x]!;
      const rr = x < w - 1 ? data[r + x + 1]! : c;
      tmp[r + x] = l + c + rr;
    }
  }
  const out = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    const up = (y > 0 ? y - 1 : y) * w;
    const r = y * w;
    const dn = (y < h - 1 ? y + 1 : y) * w;
    for (let x = 0; x < w; x++) out[r + x] = (tmp[up + x]! + tmp[r + x]! + tmp[dn + x]!) / 9;
  }
  return same(g, out);
}

/** Doubles the size (bilinear): small codes get modules the detectors can measure. */
export function enlarge(g: Gray): Gray {
  const { width: w, height: h, data } = g;
  const W = w * 2;
  const H = h * 2;
  const out = new Uint8ClampedArray(W * H);
  for (let Y = 0; Y < H; Y++) {
    const { y0, y1, fy } = enlargedRow(Y, h);
    enlargeRow(
      data.subarray(y0 * w, y0 * w + w),
      data.subarray(y1 * w, y1 * w + w),
      fy,
      out,
      Y * W,
    );
  }
  return enlarged(g, out);
}

/** The two rows of the source that row Y of the image enlarged 2x is blended from, and how. */
function enlargedRow(Y: number, h: number): { y0: number; y1: number; fy: number } {
  const sy = Math.max(0, (Y - 0.5) / 2);
  const y0 = Math.min(h - 1, Math.floor(sy));
  return { y0, y1: Math.min(h - 1, y0 + 1), fy: sy - y0 };
}

/** One row of the image enlarged 2x, from source rows `r0` and `r1` (weight `fy` on r1). */
function enlargeRow(
  r0: Uint8ClampedArray,
  r1: Uint8ClampedArray,
  fy: number,
  out: Uint8ClampedArray,
  at: number,
) {
  const { x0s, x1s, fxs } = columnsFor(r0.length);
  const gy = 1 - fy;
  for (let X = 0, W = r0.length * 2; X < W; X++) {
    const x0 = x0s[X]!;
    const x1 = x1s[X]!;
    const fx = fxs[X]!;
    const a = r0[x0]! * (1 - fx) + r0[x1]! * fx;
    const b = r1[x0]! * (1 - fx) + r1[x1]! * fx;
    out[at + X] = a * gy + b * fy;
  }
}

/** Per column of a row enlarged 2x from `w` pixels: the two source columns and the blend. */
let columns = { w: -1, x0s: new Int32Array(0), x1s: new Int32Array(0), fxs: new Float64Array(0) };
function columnsFor(w: number) {
  if (columns.w !== w) {
    const x0s = new Int32Array(2 * w);
    const x1s = new Int32Array(2 * w);
    const fxs = new Float64Array(2 * w);
    for (let X = 0; X < 2 * w; X++) {
      const sx = Math.max(0, (X - 0.5) / 2);
      x0s[X] = Math.min(w - 1, Math.floor(sx));
      x1s[X] = Math.min(w - 1, x0s[X]! + 1);
      fxs[X] = sx - x0s[X]!;
    }
    columns = { w, x0s, x1s, fxs };
  }
  return columns;
}

function enlarged(g: Gray, data: Uint8ClampedArray): Gray {
  const o = g.origin ?? FRAME;
  return { data, width: g.width * 2, height: g.height * 2, origin: { ...o, scale: o.scale / 2 } };
}

/**
 * `enlarge(sharpen(g))` on the listed rows only (the same pixels there); every other row is 0.
 * For a 1D scan that reads a dozen rows of the enlarged image: the whole of it, at 4x the
 * pixels of `g`, costs about as much as a step.
 */
export function enlargeSharpenedRows(g: Gray, rows: Iterable<number>): Gray {
  const { width: w, height: h, data } = g;
  const W = w * 2;
  const H = h * 2;
  const out = new Uint8ClampedArray(W * H);
  const sharp = new Map<number, Uint8ClampedArray>();
  const blurred = new Uint8ClampedArray(w);
  const sharpRow = (y: number) => {
    let r = sharp.get(y);
    if (!r) {
      blurRow(g, y, blurred);
      r = new Uint8ClampedArray(w);
      for (let x = 0, o = y * w; x < w; x++) r[x] = data[o + x]! + (data[o + x]! - blurred[x]!);
      sharp.set(y, r);
    }
    return r;
  };
  for (const Y of rows) {
    if (Y < 0 || Y >= H) continue;
    const { y0, y1, fy } = enlargedRow(Y, h);
    enlargeRow(sharpRow(y0), sharpRow(y1), fy, out, Y * W);
  }
  return enlarged(g, out);
}

/** Row y of blur(g), into `out`. */
function blurRow(g: Gray, y: number, out: Uint8ClampedArray) {
  const { width: w, height: h, data } = g;
  const rows = [(y > 0 ? y - 1 : y) * w, y * w, (y < h - 1 ? y + 1 : y) * w];
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (const r of rows) {
      const c = data[r + x]!;
      s += (x > 0 ? data[r + x - 1]! : c) + c + (x < w - 1 ? data[r + x + 1]! : c);
    }
    out[x] = s / 9;
  }
}

/** Unsharp mask (the image plus its difference from a 3x3 blur): edges a defocus softened. */
export function sharpen(g: Gray, amount = 1): Gray {
  const b = blur(g);
  const out = new Uint8ClampedArray(g.data.length);
  for (let i = 0; i < out.length; i++) out[i] = g.data[i]! + amount * (g.data[i]! - b.data[i]!);
  return same(g, out);
}
