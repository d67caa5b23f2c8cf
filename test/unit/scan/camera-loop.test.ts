/**
 * The live loop (renderer/src/scan/camera-loop.ts) with the real decode worker module and the
 * real decoder on generated camera frames of real codes. Only the browser's primitives are
 * stood in for: the <video> (its frames are presented by the test, with
 * requestVideoFrameCallback, or without it), createImageBitmap (a handle on the presented
 * picture), OffscreenCanvas (reads that picture's pixels) and Worker (runs
 * decode-worker.ts's own message handler in this process, asynchronously).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CameraLoop as CameraLoopType } from '../../../renderer/src/scan/camera-loop';
import type { Decoded } from '../../../renderer/src/scan/decoder';
import type { FromWorker, ToWorker } from '../../../renderer/src/scan/decode-worker';
import { makeSymbol, renderScene, type Picture } from '../../bench/make-decode-corpus';

const QR = '178847660332'; // sandbox: 满100减10元代金券 (QR card)
const QR2 = '101961725085';
const BAR = '184204778342'; // sandbox: 50元无门槛券 (barcode card)
const W = 640;
const H = 480;
const ROI = { x: 0.14, y: 0.14, width: 0.72, height: 0.72 };

// ---------------------------------------------------------------- the browser, stood in for

interface Bitmap {
  picture: Picture;
  close(): void;
}

/** Pictures that make the worker's canvas fail (a lost GPU context, say). */
const broken = new WeakSet<Picture>();

class FakeCanvas2d {
  private picture: Picture | undefined;
  drawImage(b: Bitmap) {
    this.picture = b.picture;
  }
  getImageData() {
    return { data: Uint8ClampedArray.from(this.picture!.data) };
  }
}

class FakeOffscreenCanvas {
  private ctx = new FakeCanvas2d();
  constructor(
    public width: number,
    public height: number,
  ) {}
  getContext() {
    return this.ctx;
  }
}

/** The worker side: decode-worker.ts installs its handler on `self`. */
const scope: {
  onmessage: ((e: { data: ToWorker }) => void) | null;
  postMessage(m: FromWorker): void;
} = {
  onmessage: null,
  postMessage: (m) => current?.deliver(m),
};
let current: FakeWorker | undefined;

/** Every frame message the worker received: which picture, in order. */
let decodedPictures: Picture[] = [];

/** Extra ms before the worker's answer arrives (a slow machine, a big frame's grab). */
let workerDelayMs = 0;

class FakeWorker {
  onmessage: ((e: { data: FromWorker }) => void) | null = null;
  onerror: ((e: { message: string; preventDefault(): void }) => void) | null = null;
  terminated = false;
  postMessage(msg: ToWorker) {
    setTimeout(() => {
      if (this.terminated) return;
      if (msg.type === 'frame' && msg.bitmap) {
        const b = msg.bitmap as unknown as Bitmap;
        if (broken.has(b.picture)) {
          // the worker's canvas gives no context: decode-worker reports the error
          (msg as { bitmap?: unknown }).bitmap = { ...b, picture: undefined };
        } else decodedPictures.push(b.picture);
      }
      scope.onmessage!({ data: msg });
    }, 0);
  }
  deliver(m: FromWorker) {
    setTimeout(() => {
      if (!this.terminated) this.onmessage?.({ data: m });
    }, workerDelayMs);
  }
  fail(message: string) {
    this.onerror?.({ message, preventDefault() {} });
  }
  terminate() {
    this.terminated = true;
  }
}

type FrameCb = (now: number, meta: Record<string, number>) => void;

/** A <video> whose frames the test presents. */
class FakeVideo {
  readyState = 4;
  videoWidth = W;
  videoHeight = H;
  picture: Picture | undefined;
  private cbs = new Map<number, FrameCb>();
  private nextId = 1;
  requestVideoFrameCallback(cb: FrameCb) {
    const id = this.nextId++;
    this.cbs.set(id, cb);
    return id;
  }
  cancelVideoFrameCallback(id: number) {
    this.cbs.delete(id);
  }
  get waiting() {
    return this.cbs.size;
  }
  /** The camera delivers a new frame. */
  present(p: Picture) {
    this.picture = p;
    const cbs = [...this.cbs.values()];
    this.cbs.clear();
    for (const cb of cbs) cb(performance.now(), {});
  }
}

/** A browser without requestVideoFrameCallback: the picture just changes under the loop. */
class PlainVideo {
  readyState = 4;
  videoWidth = W;
  videoHeight = H;
  picture: Picture | undefined;
  present(p: Picture) {
    this.picture = p;
  }
}

let bitmapError: Error | undefined;

let CameraLoop: typeof CameraLoopType;

beforeAll(async () => {
  const g = globalThis as Record<string, unknown>;
  g.window = globalThis;
  g.self = scope;
  g.OffscreenCanvas = FakeOffscreenCanvas;
  g.createImageBitmap = (v: FakeVideo | PlainVideo) => {
    if (bitmapError) return Promise.reject(bitmapError);
    const picture = v.picture!;
    return Promise.resolve({ picture, close() {} } satisfies Bitmap);
  };
  await import('../../../renderer/src/scan/decode-worker');
  ({ CameraLoop } = await import('../../../renderer/src/scan/camera-loop'));
});

// ---------------------------------------------------------------- frames of real codes

/** The same scene with fresh sensor noise: another frame of a camera looking at it. */
function another(p: Picture, seed: number): Picture {
  const data = Uint8ClampedArray.from(p.data);
  let s = seed * 7919 + 1;
  for (let i = 0; i < data.length; i += 4) {
    s = (s * 1103515245 + 12345) >>> 0;
    const n = ((s >>> 16) % 7) - 3;
    data[i] = data[i]! + n;
    data[i + 1] = data[i + 1]! + n;
    data[i + 2] = data[i + 2]! + n;
  }
  return { data, width: p.width, height: p.height };
}

const scene = (code: { kind: 'qr' | 'code128'; text: string } | undefined, seed = 1) =>
  renderScene({
    width: W,
    height: H,
    seed,
    code,
    place: code
      ? { scale: code.kind === 'qr' ? 0.8 : 1.1, cx: 0.5, cy: 0.5, angle: 2 }
      : { scale: 1, cx: 3, cy: 3 },
  });

/**
 * A real Code 128 barcode showing through a 5-pixel slit (the rest of it hidden, as by a
 * finger or a band of glare): any scan line of any view of the frame that reads it is within
 * 5 px of any other, so one frame can only ever yield a candidate, never a confirmed read.
 */
function slitBarcode(text: string): Picture {
  const sym = makeSymbol('code128', text);
  if (sym.type !== 'linear') throw new Error('not linear');
  const module = 3;
  const x0 = Math.round((W - (sym.modules + 2 * sym.quiet) * module) / 2);
  const y0 = 238;
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = 120; // a grey counter
      if (y >= y0 && y < y0 + 5) {
        v = 235;
        const m = (x - x0) / module - sym.quiet;
        if (m >= 0 && m < sym.modules) {
          let k = 0;
          while (sym.edges[k]! <= m) k++;
          if (k % 2 === 0) v = 30;
        }
      }
      const o = (y * W + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = v;
      data[o + 3] = 255;
    }
  }
  return { data, width: W, height: H };
}

let QR_FRAME: Picture;
let QR2_FRAME: Picture;
let BAR_FRAME: Picture;
let EMPTY: Picture;
let SLIT: Picture;
let DARK_QR: Picture;

beforeAll(() => {
  QR_FRAME = scene({ kind: 'qr', text: QR });
  QR2_FRAME = scene({ kind: 'qr', text: QR2 }, 2);
  BAR_FRAME = scene({ kind: 'code128', text: BAR }, 3);
  EMPTY = scene(undefined, 4);
  SLIT = slitBarcode(BAR);
  DARK_QR = renderScene({
    width: W,
    height: H,
    seed: 5,
    code: { kind: 'qr', text: QR2 },
    dark: true,
    place: { scale: 0.8, cx: 0.5, cy: 0.5, angle: 2 },
  });
});

// ---------------------------------------------------------------- the rig

interface Rig {
  loop: CameraLoopType;
  video: FakeVideo;
  hits: Decoded[];
  pauses: (number | undefined)[];
  errors: string[];
}

const loops: CameraLoopType[] = [];

function rig(opts: { cooldownMs?: number; video?: FakeVideo | PlainVideo } = {}): Rig {
  decodedPictures = [];
  const video = opts.video ?? new FakeVideo();
  const hits: Decoded[] = [];
  const pauses: (number | undefined)[] = [];
  const errors: string[] = [];
  const loop = new CameraLoop({
    video: video as unknown as HTMLVideoElement,
    formats: ['QR_CODE', 'CODE_128'],
    roi: ROI,
    cooldownMs: opts.cooldownMs ?? 300,
    onHit: (r) => hits.push(r),
    onPause: (u) => pauses.push(u),
    onError: (m) => errors.push(m),
    createWorker: () => (current = new FakeWorker()) as unknown as Worker,
  });
  loops.push(loop);
  return { loop, video: video as FakeVideo, hits, pauses, errors };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the loop has finished `n` attempts and is idle (waiting for a frame). */
async function attempts(r: Rig, n: number) {
  await vi.waitFor(
    () => {
      expect(r.loop.stats.attempts).toBeGreaterThanOrEqual(n);
    },
    { timeout: 20_000, interval: 5 },
  );
  await sleep(20);
}

afterEach(() => {
  for (const l of loops.splice(0)) l.destroy();
  bitmapError = undefined;
  workerDelayMs = 0;
});

// ---------------------------------------------------------------- the tests

describe('CameraLoop: one attempt per distinct frame', () => {
  it('decodes each new video frame once and waits for the next, never re-decoding one', async () => {
    const r = rig();
    r.loop.start();
    r.video.present(another(EMPTY, 1));
    await attempts(r, 1);
    await sleep(300); // 6 grabs' worth at 20 a second: the same frame is not decoded again
    expect(r.loop.stats.attempts).toBe(1);
    for (let i = 2; i <= 4; i++) {
      r.video.present(another(EMPTY, i));
      await attempts(r, i);
    }
    await sleep(150);
    expect(r.loop.stats.attempts).toBe(4);
    expect(new Set(decodedPictures).size).toBe(decodedPictures.length);
    expect(decodedPictures.length).toBe(4);
    expect(r.loop.stats.frames).toBe(4);
    expect(r.hits).toEqual([]);
  });

  it('without frame callbacks, drops a grab of the same picture undecoded (a repeat)', async () => {
    const video = new PlainVideo();
    const r = rig({ video });
    video.present(another(EMPTY, 1));
    r.loop.start();
    await attempts(r, 1);
    await vi.waitFor(() => expect(r.loop.stats.repeats).toBeGreaterThanOrEqual(2), {
      timeout: 5_000,
    });
    expect(r.loop.stats.attempts).toBe(1);
    video.present(another(EMPTY, 2));
    await attempts(r, 2);
    expect(r.loop.stats.attempts).toBe(2);
  });

  it('waits for video before grabbing (readyState < 2 is not scanning)', async () => {
    const r = rig();
    r.video.readyState = 1;
    r.loop.start();
    r.video.present(another(EMPTY, 1));
    await sleep(200);
    expect(r.loop.stats.attempts).toBe(0);
    r.video.readyState = 4;
    r.video.present(another(EMPTY, 2));
    await attempts(r, 1);
  });
});

describe('CameraLoop: when a read counts', () => {
  it('takes a QR code at once, from one frame', async () => {
    const r = rig();
    r.loop.start();
    r.video.present(QR_FRAME);
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
    expect(r.hits[0]).toEqual({ text: QR, format: 'QR_CODE' });
    expect(r.loop.stats.attempts).toBe(1);
    expect(r.loop.stats.hits).toBe(1);
  });

  it('takes a whole Code 128 barcode from one frame (two scan lines far apart agree)', async () => {
    const r = rig();
    r.loop.start();
    r.video.present(BAR_FRAME);
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
    expect(r.hits[0]).toEqual({ text: BAR, format: 'CODE_128' });
  });

  it('a one-line 1D read needs a second, distinct frame; the same frame again never confirms', async () => {
    const r = rig();
    r.loop.start();
    const first = another(SLIT, 1);
    r.video.present(first);
    await attempts(r, 1);
    await sleep(300);
    expect(r.hits).toEqual([]);
    // The same picture delivered as a new frame is no new frame for a real camera, but the
    // loop only knows frame numbers: it is the next distinct frame's read that confirms.
    r.video.present(another(SLIT, 2));
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
    expect(r.hits[0]).toEqual({ text: BAR, format: 'CODE_128' });
    expect(r.loop.stats.attempts).toBe(2);
    expect(new Set(decodedPictures).size).toBe(2);
  });

  it('a one-line read that no other frame repeats is never taken', async () => {
    const r = rig();
    r.loop.start();
    r.video.present(another(SLIT, 1));
    await attempts(r, 1);
    for (let i = 2; i <= 4; i++) {
      r.video.present(another(EMPTY, i));
      await attempts(r, i);
    }
    expect(r.hits).toEqual([]);
  });
});

describe('CameraLoop: a starved budget', () => {
  it('when attempts are slow and the budget falls to 0, the plan still goes round: a dark-mode code is read', async () => {
    // Every answer comes 60 ms late, as at 720p on a busy machine: the budget adapts down to
    // 0 and the first step alone spends it. Before, every attempt then ran the first step
    // only, so a code only a later step reads (here 'inverted') was never read.
    workerDelayMs = 60;
    const r = rig();
    r.loop.start();
    let n = 0;
    while (r.loop.stats.budgetMs > 0 && n < 30) {
      r.video.present(another(EMPTY, ++n));
      await attempts(r, n);
    }
    expect(r.loop.stats.budgetMs).toBe(0);
    const before = r.loop.stats.attempts;
    for (let i = 1; i <= 8 && r.hits.length === 0; i++) {
      r.video.present(another(DARK_QR, i));
      await attempts(r, before + i);
    }
    expect(r.hits).toEqual([{ text: QR2, format: 'QR_CODE' }]);
    expect(r.loop.stats.budgetMs).toBe(0);
  });
});

describe('CameraLoop: cool-down, rearm, stop and start', () => {
  it('pauses for the cool-down after a hit, decodes nothing meanwhile, then resumes', async () => {
    const r = rig({ cooldownMs: 400 });
    r.loop.start();
    r.video.present(QR_FRAME);
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
    expect(r.loop.paused).toBe(true);
    expect(r.pauses).toHaveLength(1);
    expect(r.pauses[0]).toBeGreaterThan(performance.now());
    const during = r.loop.stats.attempts;
    r.video.present(another(QR2_FRAME, 1)); // another customer's code, during the pause
    await sleep(150);
    expect(r.loop.stats.attempts).toBe(during);
    expect(r.hits).toHaveLength(1);
    // after the pause: the frame is decoded and the other code counts
    await vi.waitFor(() => expect(r.hits).toHaveLength(2), { timeout: 10_000 });
    expect(r.hits[1]).toEqual({ text: QR2, format: 'QR_CODE' });
    expect(r.pauses).toContain(undefined);
  });

  it('does not take the same code again while it stays in view; rearm (Esc) takes it at once', async () => {
    const r = rig({ cooldownMs: 100 });
    r.loop.start();
    r.video.present(QR_FRAME);
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
    await sleep(150);
    for (let i = 1; i <= 3; i++) {
      const before = r.loop.stats.attempts;
      r.video.present(another(QR_FRAME, i));
      await attempts(r, before + 1);
    }
    expect(r.hits).toHaveLength(1); // still held up: the same customer
    r.loop.rearm();
    expect(r.loop.paused).toBe(false);
    r.video.present(another(QR_FRAME, 9));
    await vi.waitFor(() => expect(r.hits).toHaveLength(2), { timeout: 10_000 });
  });

  it('stop() decodes no more frames; start() takes the next new frame', async () => {
    const r = rig();
    r.loop.start();
    r.video.present(another(EMPTY, 1));
    await attempts(r, 1);
    r.loop.stop();
    expect(r.video.waiting).toBe(0); // its frame callback is cancelled
    r.video.present(QR_FRAME);
    await sleep(250);
    expect(r.loop.stats.attempts).toBe(1);
    expect(r.hits).toEqual([]);
    r.loop.start();
    r.video.present(another(QR_FRAME, 3));
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
    expect(r.loop.stats.attempts).toBe(2);
  });
});

describe('CameraLoop: errors', () => {
  it('a video gone between frames (InvalidStateError) is retried quietly', async () => {
    const r = rig();
    bitmapError = new DOMException('no frame', 'InvalidStateError');
    r.loop.start();
    r.video.present(another(EMPTY, 1));
    await sleep(250);
    expect(r.loop.stats.attempts).toBe(0);
    expect(r.errors).toEqual([]);
    bitmapError = undefined;
    r.video.present(QR_FRAME);
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
  });

  it('another grab failure is reported and retried', async () => {
    const r = rig();
    bitmapError = new Error('grab failed');
    r.loop.start();
    r.video.present(another(EMPTY, 1));
    await vi.waitFor(() => expect(r.errors).toContain('grab failed'), { timeout: 5_000 });
    bitmapError = undefined;
    r.video.present(QR_FRAME);
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
  });

  it("the worker's failure on a frame is reported and the loop goes on", async () => {
    const r = rig();
    r.loop.start();
    const bad = another(EMPTY, 1);
    broken.add(bad);
    r.video.present(bad);
    await vi.waitFor(() => expect(r.errors).toHaveLength(1), { timeout: 5_000 });
    expect(r.loop.stats.attempts).toBe(0);
    r.video.present(QR_FRAME);
    await vi.waitFor(() => expect(r.hits).toHaveLength(1), { timeout: 10_000 });
  });

  it('a crashed worker is reported', () => {
    const r = rig();
    current!.fail('worker died');
    expect(r.errors).toEqual(['worker died']);
  });
});
