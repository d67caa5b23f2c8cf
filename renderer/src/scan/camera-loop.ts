/**
 * The live loop: frames from the <video> to the decode worker, reads back, hits out.
 *
 * - One frame in flight at a time, and only new frames: as soon as the worker answers, the
 *   next *new* video frame is grabbed (at most `maxRate`, 20, a second), so the rate follows
 *   the decode cost and the camera's frame rate: the same frame is never decoded twice. New
 *   frames are known from the video's requestVideoFrameCallback; where a browser has none,
 *   grabs are paced by a timer and the worker drops a grab whose pixels are the previous
 *   one's (a fingerprint of sampled pixels: a camera's sensor noise makes two real frames
 *   differ), so a repeat is never decoded nor counted.
 * - Each attempt has a time budget: the worker runs the decoder's first step on the new frame
 *   and goes on round the rest of its plan (other binarizer, sideways, inverted, ...) where the
 *   previous attempt stopped. The budget shrinks when attempts get slow (a busy machine) and
 *   grows back when they are quick, so the rate stays at 15 a second or more.
 *   When the first step alone spends the budget (a 720p frame, a slow machine), every other
 *   attempt still goes one step round the plan, whatever the budget: the plan always goes
 *   round, so a code only a later step reads (a dark-mode wallet, a faint screen) is read.
 * - A 1D read seen on one scan line only (a candidate) counts when an attempt on another,
 *   distinct frame reads the same within CONFIRM_MS; misreads are worse than misses. (Within
 *   one frame the decoder itself needs two scan lines far apart to agree: linear.ts.)
 * - After a hit the loop pauses for the scanner's cool-down, then resumes; the same code is
 *   not taken again while it stays in view (the customer still holding the phone up), only
 *   once it has left the picture for a moment, or at once after `rearm()` (Esc).
 * - Grabbing: `createImageBitmap(video)` is transferred to the worker, which reads the pixels
 *   itself; where the worker cannot (no OffscreenCanvas) the pixels are read here.
 */
import type { CodeFormat, Decoded, Rect } from './decoder';
import type { FromWorker, ToWorker } from './decode-worker';

export interface LoopStats {
  /** Decode attempts so far, each on a distinct video frame. */
  attempts: number;
  /** Grabs dropped by the worker as a repeat of the previous frame (no frame callback only). */
  repeats: number;
  /** New video frames the camera delivered while the loop ran (frame callback only). */
  frames: number;
  /** Time spent scanning (not paused after a hit, not waiting for video), ms. */
  activeMs: number;
  /** Attempts a second over the last two seconds of scanning. */
  rate: number;
  /** Mean decode time of recent attempts, ms. */
  decodeMs: number;
  /** Current per-attempt budget, ms. */
  budgetMs: number;
  hits: number;
}

interface CameraLoopOptions {
  video: HTMLVideoElement;
  formats: readonly CodeFormat[];
  /** The scan box, fractions of the frame. */
  roi: Rect;
  cooldownMs: number;
  onHit(read: Decoded): void;
  /** Paused after a hit until this time (performance.now()), or resumed (undefined). */
  onPause?(until: number | undefined): void;
  onError?(message: string): void;
  /** Attempts a second, at most (default 20). */
  maxRate?: number;
  createWorker?: () => Worker;
}

/** A code that has not been read for this long has left the picture. */
const ABSENT_MS = 1_200;
/** A one-line 1D read and its confirmation must be this close. */
const CONFIRM_MS = 1_500;
/** Largest frame sent to the decoder (a 720p webcam's); bigger ones are shrunk on grabbing. */
const MAX_WIDTH = 1280;
/**
 * The budget adapts to keep an attempt near this long: at 20 attempts a second the worker then
 * uses at most about 60% of one core, leaving the rest of a 2-core counter PC to the app.
 */
const TARGET_ATTEMPT_MS = 30;
/** Most time the decoder may start new steps in, per attempt. */
const MAX_BUDGET_MS = 20;

function createDecodeWorker(): Worker {
  return new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' });
}

export class CameraLoop {
  private readonly worker: Worker;
  private readonly opts: CameraLoopOptions;
  private running = false;
  private inFlight = false;
  private timer: number | undefined;
  private frameCallback: number | undefined;
  private id = 0;
  private next = 1;
  private budgetMs = 12;
  /** The last attempt ran the first step only: the next one goes one step round the plan. */
  private starved = false;
  /** New video frames seen (requestVideoFrameCallback); 0 where there is no callback. */
  private frameNo = 0;
  private lastFrameSent = -1;
  /** Waiting for the video's next frame before grabbing. */
  private waitingFrame = false;
  private readonly frameCallbacks: boolean;
  /** The frame each attempt in flight was grabbed from (frame number or grab number). */
  private frameOf = new Map<number, number>();
  private lastGrabAt = -Infinity;
  private pending: { read: Decoded; at: number; frame: number } | undefined;
  private lastHit: { text: string; seenAt: number } | undefined;
  private pausedUntil = 0;
  private useBitmaps = true;
  private canvas: HTMLCanvasElement | undefined;
  private attemptStarted = 0;
  private attemptMsAvg = TARGET_ATTEMPT_MS;
  private lastMark = 0;
  private recent: number[] = [];
  readonly stats: LoopStats = {
    attempts: 0,
    repeats: 0,
    frames: 0,
    activeMs: 0,
    rate: 0,
    decodeMs: 0,
    budgetMs: 12,
    hits: 0,
  };

  constructor(opts: CameraLoopOptions) {
    this.opts = opts;
    this.frameCallbacks = 'requestVideoFrameCallback' in opts.video;
    this.worker = (opts.createWorker ?? createDecodeWorker)();
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.onMessage(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.opts.onError?.(e.message || 'decode worker failed');
    };
    this.post({ type: 'config', formats: [...opts.formats] });
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.lastMark = performance.now();
    this.watchFrames();
    this.schedule(0);
  }

  stop() {
    this.running = false;
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
    const v = this.opts.video;
    if (this.frameCallback !== undefined && 'cancelVideoFrameCallback' in v) {
      v.cancelVideoFrameCallback(this.frameCallback);
    }
    this.frameCallback = undefined;
  }

  destroy() {
    this.stop();
    this.worker.terminate();
  }

  get paused(): boolean {
    return performance.now() < this.pausedUntil;
  }

  /** Next customer (Esc): scan at once, and the same code again counts. */
  rearm() {
    this.lastHit = undefined;
    this.pending = undefined;
    if (this.pausedUntil) {
      this.markActive();
      this.pausedUntil = 0;
      this.opts.onPause?.(undefined);
    }
    if (this.running && !this.inFlight) this.schedule(0);
  }

  setCooldown(ms: number) {
    this.opts.cooldownMs = ms;
  }

  private post(msg: ToWorker, transfer: Transferable[] = []) {
    this.worker.postMessage(msg, transfer);
  }

  /** Counts new video frames, to know whether a grab is a new picture. */
  private watchFrames() {
    const v = this.opts.video;
    if (!this.frameCallbacks) return;
    const onFrame = () => {
      this.frameNo++;
      this.stats.frames++;
      if (!this.running) return;
      this.frameCallback = v.requestVideoFrameCallback(onFrame);
      if (this.waitingFrame && !this.inFlight) {
        this.waitingFrame = false;
        const minInterval = 1000 / (this.opts.maxRate ?? 20);
        this.schedule(Math.max(0, this.lastGrabAt + minInterval - performance.now()));
      }
    };
    this.frameCallback = v.requestVideoFrameCallback(onFrame);
  }

  private schedule(delay: number) {
    if (!this.running) return;
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delay);
  }

  private markActive() {
    const now = performance.now();
    if (this.running && !this.paused) this.stats.activeMs += now - this.lastMark;
    this.lastMark = now;
  }

  private async tick() {
    if (!this.running || this.inFlight) return;
    const now = performance.now();
    if (now < this.pausedUntil) {
      this.schedule(this.pausedUntil - now);
      return;
    }
    if (this.pausedUntil) {
      this.pausedUntil = 0;
      this.lastMark = now;
      this.opts.onPause?.(undefined);
    }
    const v = this.opts.video;
    if (v.readyState < 2 || v.videoWidth === 0) {
      this.lastMark = performance.now(); // waiting for video is not scanning
      this.schedule(50);
      return;
    }
    if (this.frameCallbacks && this.frameNo === this.lastFrameSent) {
      // This frame has been decoded: wait for the camera's next one (watchFrames).
      this.waitingFrame = true;
      return;
    }
    this.waitingFrame = false;
    this.inFlight = true;
    this.attemptStarted = now;
    this.lastGrabAt = now;
    const scale = Math.min(1, MAX_WIDTH / v.videoWidth);
    const width = Math.round(v.videoWidth * scale);
    const height = Math.round(v.videoHeight * scale);
    this.lastFrameSent = this.frameNo;
    const id = ++this.id;
    // Without frame callbacks each grab is its own frame number; the worker drops repeats.
    this.frameOf.clear();
    this.frameOf.set(id, this.frameCallbacks ? this.frameNo : -id);
    const frame = {
      type: 'frame' as const,
      id,
      width,
      height,
      roi: this.opts.roi,
      budgetMs: this.budgetMs,
      fromStep: this.next,
      progress: this.starved,
      dropRepeat: !this.frameCallbacks,
    };
    try {
      if (this.useBitmaps) {
        const bitmap = await createImageBitmap(
          v,
          scale < 1 ? { resizeWidth: width, resizeHeight: height, resizeQuality: 'low' } : {},
        );
        if (!this.running) {
          bitmap.close();
          this.inFlight = false;
          return;
        }
        this.post({ ...frame, bitmap }, [bitmap]);
      } else {
        const pixels = this.readPixels(v, width, height);
        this.post({ ...frame, pixels }, [pixels]);
      }
    } catch (err) {
      // The video went away between frames (unplugged, stopped): try again shortly.
      this.inFlight = false;
      if (err instanceof DOMException && err.name === 'InvalidStateError') this.schedule(100);
      else {
        this.opts.onError?.(err instanceof Error ? err.message : String(err));
        this.schedule(500);
      }
    }
  }

  private readPixels(v: HTMLVideoElement, width: number, height: number): ArrayBuffer {
    this.canvas ??= document.createElement('canvas');
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(v, 0, 0, width, height);
    return ctx.getImageData(0, 0, width, height).data.buffer as ArrayBuffer;
  }

  private onMessage(msg: FromWorker) {
    if (msg.type === 'ready') {
      this.useBitmaps = msg.offscreen;
      return;
    }
    if (msg.id !== this.id) return;
    this.inFlight = false;
    const now = performance.now();
    if (msg.type === 'failed') {
      if (msg.reason === 'no-offscreen') this.useBitmaps = false;
      else this.opts.onError?.(msg.message);
      this.schedule(msg.reason === 'no-offscreen' ? 0 : 500);
      return;
    }
    const took = now - this.attemptStarted;
    const minInterval = 1000 / (this.opts.maxRate ?? 20);
    if (msg.repeat) {
      // The same picture as the last grab (no frame callbacks): nothing decoded, try again.
      this.stats.repeats++;
      this.schedule(Math.max(0, minInterval - took));
      return;
    }
    this.markActive();
    this.stats.attempts++;
    this.next = msg.next;
    // steps 1: the first step only (or the empty-frame check that skipped the plan)
    this.starved = msg.steps === 1 && !this.starved;
    this.recent.push(now);
    while (this.recent.length && this.recent[0]! < now - 2_000) this.recent.shift();
    this.stats.rate = this.recent.length / 2;
    this.stats.decodeMs = this.stats.decodeMs * 0.8 + msg.decodeMs * 0.2;
    // Adapt the budget to keep attempts near their target length.
    this.attemptMsAvg = this.attemptMsAvg * 0.8 + took * 0.2;
    if (this.attemptMsAvg > TARGET_ATTEMPT_MS * 1.3) this.budgetMs = Math.max(0, this.budgetMs - 5);
    else if (this.attemptMsAvg < TARGET_ATTEMPT_MS * 0.8) {
      this.budgetMs = Math.min(MAX_BUDGET_MS, this.budgetMs + 2);
    }
    this.stats.budgetMs = this.budgetMs;

    const frameNo = this.frameOf.get(msg.id) ?? -msg.id;
    const read = msg.result ?? this.confirm(msg.candidate, now, frameNo);
    if (read) this.consider(read, now);
    else if (this.lastHit && now - this.lastHit.seenAt > ABSENT_MS) this.lastHit = undefined;

    if (!this.running) return;
    this.schedule(Math.max(0, minInterval - took));
  }

  /**
   * A one-line 1D read counts when an attempt on another frame, within CONFIRM_MS, read the
   * same. Two attempts on one frame are never two opinions (and the loop sends no frame twice).
   */
  private confirm(candidate: Decoded | undefined, now: number, frame: number): Decoded | undefined {
    if (!candidate) return undefined;
    const p = this.pending;
    if (
      p &&
      p.frame !== frame &&
      p.read.text === candidate.text &&
      p.read.format === candidate.format &&
      now - p.at < CONFIRM_MS
    ) {
      this.pending = undefined;
      return candidate;
    }
    if (!p || p.frame !== frame) this.pending = { read: candidate, at: now, frame };
    return undefined;
  }

  private consider(read: Decoded, now: number) {
    if (this.lastHit && this.lastHit.text === read.text) {
      this.lastHit.seenAt = now; // still held up: the same customer, not a new scan
      return;
    }
    // Held up through the pause too: it must leave the picture after the pause to count again.
    this.lastHit = { text: read.text, seenAt: now + this.opts.cooldownMs };
    this.pending = undefined;
    this.stats.hits++;
    this.markActive();
    this.pausedUntil = now + this.opts.cooldownMs;
    this.opts.onPause?.(this.pausedUntil);
    this.opts.onHit(read);
  }
}
