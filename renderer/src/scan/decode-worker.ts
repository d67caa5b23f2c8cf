/**
 * The decode Web Worker: frames in, reads out, so the counter's UI never waits for a decode.
 *
 * A frame arrives as an ImageBitmap (transferred, no copy on the main thread): the worker
 * draws it on its own OffscreenCanvas and reads the pixels here, off the main thread. Where a
 * worker has no OffscreenCanvas, the loop sends the pixels instead (an RGBA buffer, also
 * transferred). Each frame is one `Decoder.attempt` within the time budget the loop gives (and
 * at least one step past the first when the loop asks: `progress`).
 *
 * Where the page cannot tell new video frames from old ones (no requestVideoFrameCallback),
 * the loop asks the worker to drop repeats: a grab whose sampled pixels are exactly those of
 * the previous grab is the same frame, answered `repeat` without decoding.
 *
 * Loaded by camera-loop.ts with `new Worker(new URL('./decode-worker.ts', import.meta.url),
 * { type: 'module' })`: a same-origin script, as the Content-Security-Policy requires
 * (`worker-src 'self' blob:`, `script-src 'self'`, no eval).
 */
import { Decoder, type CodeFormat, type Decoded, type Rect } from './decoder';

export type ToWorker =
  | { type: 'config'; formats: CodeFormat[] }
  | {
      type: 'frame';
      id: number;
      bitmap?: ImageBitmap;
      pixels?: ArrayBuffer;
      width: number;
      height: number;
      roi: Rect;
      budgetMs: number;
      fromStep: number;
      /** At least one step past the first, whatever the budget. */
      progress: boolean;
      /** Drop the frame, undecoded, when its pixels are the previous frame's. */
      dropRepeat: boolean;
    };

export type FromWorker =
  | { type: 'ready'; offscreen: boolean }
  | {
      type: 'result';
      id: number;
      /** The frame was the previous one again (dropRepeat): nothing was decoded. */
      repeat?: boolean;
      result?: Decoded | undefined;
      candidate?: Decoded | undefined;
      next: number;
      steps: number;
      decodeMs: number;
      readMs: number;
    }
  | { type: 'failed'; id: number; reason: 'no-offscreen' | 'error'; message: string };

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = self as unknown as WorkerScope;
let decoder = new Decoder();
let canvas: OffscreenCanvas | undefined;
let ctx: OffscreenCanvasRenderingContext2D | undefined;
const hasOffscreen = typeof OffscreenCanvas !== 'undefined';
let lastPrint: number | undefined;

/** FNV-1a over about 4,000 pixels spread over the frame: equal for a repeated frame. */
export function fingerprint(data: Uint8ClampedArray): number {
  const pixels = data.length >> 2;
  const stride = Math.max(1, Math.floor(pixels / 4096)) * 4;
  let h = 2166136261;
  for (let i = 0; i < data.length; i += stride) {
    h = Math.imul(h ^ data[i]!, 16777619);
    h = Math.imul(h ^ data[i + 1]!, 16777619);
  }
  return h >>> 0;
}

function pixelsOf(bitmap: ImageBitmap, width: number, height: number): Uint8ClampedArray {
  if (!canvas || canvas.width !== width || canvas.height !== height) {
    canvas = new OffscreenCanvas(width, height);
    ctx = canvas.getContext('2d', { willReadFrequently: true }) ?? undefined;
  }
  if (!ctx) throw new Error('no 2d context on OffscreenCanvas');
  ctx.drawImage(bitmap, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'config') {
    decoder = new Decoder(msg.formats);
    return;
  }
  const t0 = performance.now();
  try {
    let data: Uint8ClampedArray;
    if (msg.bitmap) {
      if (!hasOffscreen) {
        msg.bitmap.close();
        scope.postMessage({ type: 'failed', id: msg.id, reason: 'no-offscreen', message: '' });
        return;
      }
      data = pixelsOf(msg.bitmap, msg.width, msg.height);
      msg.bitmap.close();
    } else if (msg.pixels) {
      data = new Uint8ClampedArray(msg.pixels);
    } else {
      throw new Error('frame without pixels');
    }
    const t1 = performance.now();
    if (msg.dropRepeat) {
      const print = fingerprint(data);
      const same = print === lastPrint;
      lastPrint = print;
      if (same) {
        scope.postMessage({
          type: 'result',
          id: msg.id,
          repeat: true,
          next: msg.fromStep,
          steps: 0,
          decodeMs: 0,
          readMs: t1 - t0,
        });
        return;
      }
    }
    const out = decoder.attempt(
      { data, width: msg.width, height: msg.height },
      { roi: msg.roi, budgetMs: msg.budgetMs, fromStep: msg.fromStep, progress: msg.progress },
    );
    scope.postMessage({
      type: 'result',
      id: msg.id,
      result: out.result,
      candidate: out.candidate,
      next: out.next,
      steps: out.steps.length,
      decodeMs: performance.now() - t1,
      readMs: t1 - t0,
    });
  } catch (err) {
    msg.bitmap?.close();
    scope.postMessage({
      type: 'failed',
      id: msg.id,
      reason: 'error',
      message: err instanceof Error ? err.message : String(err),
    });
  }
};

scope.postMessage({ type: 'ready', offscreen: hasOffscreen });
