/**
 * The camera's barcode decoder: pure (no DOM), so the same code runs in Node (tests,
 * benchmark) and in the decode Web Worker.
 *
 * Input: an RGBA or luminance frame. Output: `{ text, format }` or nothing. Not one call to
 * @zxing/library but a plan of steps:
 *
 * Before the plan, an empty-frame check (precheck.ts) skips frames with no patch busy enough
 * to be a code; after the QR and 1D parts of its first step, every part runs only where a
 * second check (candidates.ts) saw its kind of code: QR where it saw a finder pattern, 1D where
 * it saw bars, PDF417 where it saw a PDF417 guard pattern. The plan, ordered by reads per ms on
 * bench:decode's corpus:
 *
 *   roi        the scan box at full resolution: QR (hybrid binarizer), 1D rows and columns,
 *              PDF417
 *   full       the whole frame, shrunk to a working size for 2D; 1D rows at full resolution
 *   inverted   light-on-dark codes (dark-mode wallets), upright and sideways
 *   local      a local-mean binarizer for 2D (faint codes, glare); zxing's row threshold for 1D
 *   global     the global histogram binarizer for 2D; locally thresholded rows for 1D
 *   sideways   1D codes held sideways in the whole frame (turned 90°)
 *   enhanced   contrast stretched and smoothed: faint screens, moiré, sensor noise
 *   harder     TRY_HARDER for QR at full resolution (frames that were shrunk), dense 1D rows
 *   small      the scan box enlarged 2x and sharpened: small codes far away, soft focus (QR:
 *              without a scan box, only round each cluster of small codes' finder patterns)
 *
 * 1D rows are binarized by their edges to a quarter pixel (linear.ts); tilted QR codes get a
 * fourth-corner rescue (qr.ts); a bug in the library's Code 128 reader is fixed at load
 * (zxing-fixes.ts).
 *
 * `decode()` runs the whole plan on one image (the benchmark, tests). The live loop calls
 * `Decoder.attempt()` once per frame with a time budget: it always runs the first step on the
 * new frame, then goes on round the rest of the plan where the previous frame stopped, so the
 * strategies are spread over successive frames and no frame blows the budget.
 *
 * Misreads are worse than misses: QR and PDF417 carry Reed-Solomon error correction and stand
 * alone; a 1D read needs two agreeing scan lines far apart, whatever its format (a passing check
 * digit is not enough: see linear.ts), and a 1D read seen on one line only is returned as a
 * `candidate`, never as a result.
 */
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  GlobalHistogramBinarizer,
  PDF417Reader,
  QRCodeReader,
  RGBLuminanceSource,
  type Binarizer,
} from '@zxing/library';
import {
  blur,
  crop,
  enlarge,
  enlargeSharpenedRows,
  grayOf,
  sharpen,
  shrink,
  shrinkFactorFor,
  stretch,
  toPixels,
  transpose,
  type Frame,
  type Gray,
  type PixelRect,
  type Rect,
} from './gray';
import { FastHybridBinarizer, LocalMeanBinarizer } from './binarizers';
import { LinearReaders, rowsRead, scanRows, type RowScanOptions, type SeenLine } from './linear';
import { MAX_FINDERS, candidates, type Candidates, type Look } from './candidates';
import { precheck, precheckFactor } from './precheck';
import { readQr } from './qr';

export type { Frame, Rect } from './gray';

export const ALL_FORMATS = ['QR_CODE', 'CODE_128', 'EAN_13', 'CODE_39', 'ITF', 'PDF_417'] as const;
export type CodeFormat = (typeof ALL_FORMATS)[number];
/** What WeChat coupons use. */
const DEFAULT_FORMATS: readonly CodeFormat[] = ['QR_CODE', 'CODE_128'];

export interface Decoded {
  text: string;
  format: CodeFormat;
}

interface DecodeOptions {
  formats?: readonly CodeFormat[];
  /**
   * Skip the plan on a frame with no patch busy enough to be a code (precheck.ts). On by
   * default; off only to compare (tests, the benchmark).
   */
  precheck?: boolean | undefined;
  /** Called after each step with its name, its time and whether it read a code (profiling). */
  trace?: ((step: string, ms: number, hit: boolean) => void) | undefined;
  /** The scan box, as fractions of the frame; tried first. */
  roi?: Rect | undefined;
}

interface AttemptOptions extends DecodeOptions {
  /** Where in the plan the previous attempt stopped (its `next`). */
  fromStep?: number;
  /** No further step is started once this many ms have passed (a step runs to its end). */
  budgetMs?: number;
  /**
   * Run at least one step round the rest of the plan, whatever the budget (the live loop): on a
   * slow machine or a big frame the first step alone can spend the budget, and the plan must
   * still go round, or a code only a later step reads is never read.
   */
  progress?: boolean;
  /** The same picture as the previous attempt: its first step has been tried on it. */
  skipFirst?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

interface AttemptResult {
  /** A read that counts. */
  result?: Decoded | undefined;
  /** A 1D read seen on one scan line only: counts if the next frame reads the same. */
  candidate?: Decoded | undefined;
  /** Where the next attempt should go on in the plan. */
  next: number;
  /** Names of the steps run, in order. */
  steps: string[];
  ms: number;
}

/** Work size for 2D detection: about a 640x480 frame. Bigger frames are shrunk first. */
const WORK_PIXELS = 330_000;
/** The candidates check's working width (candidates.ts), and the biggest module, in its
 * pixels, of a QR code `small` enlarges. */
const WORK_WIDTH = 640;
const SMALL_MODULE = 4;
/** The scan box is kept at full resolution up to a 720p webcam's (about 920x520). */
const ROI_WORK_PIXELS = 520_000;

/** `hybrid-inverted`: the hybrid binarizer's bits on the image inverted (light-on-dark codes). */
type Bin = 'hybrid' | 'hybrid-inverted' | 'global' | 'local';

type Step = {
  name: string;
  run(ctx: FrameContext): Decoded | undefined;
};

const HARDER = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);

/** Lazily computed views of one frame, shared by the steps of one attempt. */
class FrameContext {
  private cache = new Map<string, Gray | undefined>();
  private bitmaps = new Map<string, BinaryBitmap>();
  readonly roiRect: PixelRect | undefined;
  /** 1D reads seen so far in this frame (key: format + text), with their scan lines. */
  readonly seen = new Map<string, SeenLine[]>();
  candidate: Decoded | undefined;
  private kinds: Candidates | undefined;

  constructor(
    readonly frame: Frame,
    roi: Rect | undefined,
    private readonly check = true,
    /** The kinds of code the decoder reads: the check looks for those only. */
    private readonly look?: Look,
  ) {
    const r = roi ? toPixels(roi, frame.width, frame.height) : undefined;
    // A scan box covering (almost) the whole frame is the whole frame.
    this.roiRect = r && r.width * r.height < frame.width * frame.height * 0.85 ? r : undefined;
  }

  gray(key: string, make: () => Gray | undefined): Gray | undefined {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key);
  }

  /** Full frame at full resolution. */
  get full(): Gray {
    return this.gray('full', () => grayOf(this.frame))!;
  }

  /** Full frame at working size for 2D detection. */
  get fullWork(): Gray {
    return this.gray('fullWork', () => {
      const k = this.workFactor;
      return k === 1 ? this.full : shrink(this.full, k);
    })!;
  }

  /**
   * What the empty-frame check samples: the working-size image where it is the size the check
   * works at (a 720p or 1080p frame's box averages, made once for the check and the first
   * step, instead of averaged again by the check), else the full frame (it averages itself).
   */
  get precheckImage(): Gray {
    return this.workFactor === precheckFactor(this.frame.width) ? this.fullWork : this.full;
  }

  /** What the full frame is shrunk by for `fullWork`. */
  get workFactor(): number {
    return shrinkFactorFor(this.frame.width, this.frame.height, WORK_PIXELS);
  }

  /** The candidates check, on first use (on `fullWork` where it is the size the check wants). */
  private get kindsSeen(): Candidates {
    this.kinds ??= candidates(
      this.full,
      { image: () => this.fullWork, factor: this.workFactor },
      this.look,
    );
    return this.kinds;
  }

  /** The scan box at full resolution (undefined without one). */
  get roi(): Gray | undefined {
    return this.gray('roi', () => (this.roiRect ? crop(this.full, this.roiRect) : undefined));
  }

  /** The scan box at working size. */
  get roiWork(): Gray | undefined {
    return this.gray('roiWork', () => {
      const g = this.roi;
      if (!g) return undefined;
      const k = shrinkFactorFor(g.width, g.height, ROI_WORK_PIXELS);
      return k === 1 ? g : shrink(g, k);
    });
  }

  /**
   * What kinds of code the frame may show (candidates.ts), computed on first use: every part
   * after the first step's QR and 1D parts runs only where its kind is seen (a finder pattern,
   * bars lined up, a PDF417 guard). Without the check (`check` false: tests, comparisons)
   * everything may be there.
   */
  may(kind: 'qr' | 'linear' | 'pdf417'): boolean {
    if (!this.check) return true;
    return this.kindsSeen[kind];
  }

  /**
   * The parts of `g` (a view of the whole frame, scaled) around the finder patterns of small
   * codes the candidates check saw (module at most SMALL_MODULE px at about 640 px wide): each
   * finder with 40 modules (at least 64 frame pixels) all round, enough for the whole of a code
   * up to version 6 whichever corner the finder is, boxes that overlap merged into one. `[]`:
   * no such finder (no small QR code to enlarge); `whole`: the whole image (no check, finders
   * everywhere, or the boxes cover half of it anyway).
   */
  finderBoxes(g: Gray): PixelRect[] | 'whole' {
    if (!this.check) return 'whole';
    const { finders } = this.kindsSeen;
    if (finders.length >= MAX_FINDERS) return 'whole';
    const toWork = Math.min(1, WORK_WIDTH / this.full.width);
    const s = g.width / this.full.width;
    let boxes: { x0: number; y0: number; x1: number; y1: number }[] = finders
      .filter((f) => f.module * toWork <= SMALL_MODULE)
      .map((f) => {
        const r = Math.max(64, 40 * f.module);
        return {
          x0: Math.max(0, Math.floor((f.x - r) * s)),
          y0: Math.max(0, Math.floor((f.y - r) * s)),
          x1: Math.min(g.width, Math.ceil((f.x + r) * s)),
          y1: Math.min(g.height, Math.ceil((f.y + r) * s)),
        };
      });
    // merge overlapping boxes until none overlap
    for (let merged = true; merged;) {
      merged = false;
      const out: typeof boxes = [];
      for (const b of boxes) {
        const o = out.find((a) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1);
        if (!o) {
          out.push({ ...b });
          continue;
        }
        o.x0 = Math.min(o.x0, b.x0);
        o.y0 = Math.min(o.y0, b.y0);
        o.x1 = Math.max(o.x1, b.x1);
        o.y1 = Math.max(o.y1, b.y1);
        merged = true;
      }
      boxes = out;
    }
    const area = boxes.reduce((a, b) => a + (b.x1 - b.x0) * (b.y1 - b.y0), 0);
    if (area * 2 > g.width * g.height) return 'whole';
    return boxes.map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 }));
  }

  bitmap(key: string, g: Gray, binarizer: Bin): BinaryBitmap {
    const id = `${key}/${binarizer}`;
    let b = this.bitmaps.get(id);
    if (!b) {
      const source = new RGBLuminanceSource(g.data, g.width, g.height);
      const bin: Binarizer =
        binarizer === 'hybrid' || binarizer === 'hybrid-inverted'
          ? new FastHybridBinarizer(source, binarizer === 'hybrid-inverted')
          : binarizer === 'local'
            ? new LocalMeanBinarizer(source)
            : new GlobalHistogramBinarizer(source);
      b = new BinaryBitmap(bin);
      this.bitmaps.set(id, b);
    }
    return b;
  }
}

export class Decoder {
  readonly formats: readonly CodeFormat[];
  private readonly qr: QRCodeReader | undefined;
  private readonly pdf: PDF417Reader | undefined;
  private readonly linear: LinearReaders;
  private readonly plan: Step[];
  private readonly look: Look;

  constructor(formats: readonly CodeFormat[] = DEFAULT_FORMATS) {
    this.formats = ALL_FORMATS.filter((f) => formats.includes(f));
    this.qr = this.formats.includes('QR_CODE') ? new QRCodeReader() : undefined;
    this.pdf = this.formats.includes('PDF_417') ? new PDF417Reader() : undefined;
    this.linear = new LinearReaders(this.formats);
    this.look = { qr: !!this.qr, linear: this.linear.any, pdf417: !!this.pdf };
    this.plan = this.makePlan();
  }

  /** Names of the plan's steps, in order. */
  get stepNames(): string[] {
    return this.plan.map((s) => s.name);
  }

  private qrCode(c: FrameContext, key: string, g: Gray | undefined, bin: Bin, harder = false) {
    if (!this.qr || !g) return undefined;
    const text = readQr(this.qr, c.bitmap(key, g, bin), { harder });
    return text ? { text, format: 'QR_CODE' as const } : undefined;
  }

  /** PDF417, only where the candidates check saw its guard pattern, unless `anywhere`. */
  private pdf417(
    c: FrameContext,
    key: string,
    g: Gray | undefined,
    bin: Bin,
    { harder = false, anywhere = false } = {},
  ) {
    if (!this.pdf || !g || !(anywhere || c.may('pdf417'))) return undefined;
    try {
      const r = this.pdf.decode(c.bitmap(key, g, bin), harder ? HARDER : undefined);
      if (r.getText() && r.getBarcodeFormat() === BarcodeFormat.PDF_417) {
        return { text: r.getText(), format: 'PDF_417' as const };
      }
    } catch {
      // no PDF417 here
    }
    return undefined;
  }

  private oneD(
    ctx: FrameContext,
    g: Gray | undefined,
    lines: number,
    binarizer: RowScanOptions['binarizer'] = 'edges',
    extra: { matrixKey?: string; smooth?: number; invert?: boolean } = {},
  ): Decoded | undefined {
    if (!g || !this.linear.any) return undefined;
    const read = scanRows(g, this.linear, {
      lines,
      binarizer,
      seen: ctx.seen,
      ...(extra.smooth !== undefined ? { smooth: extra.smooth } : {}),
      ...(extra.invert ? { invert: true } : {}),
      ...(binarizer === 'local' && extra.matrixKey
        ? { matrix: ctx.bitmap(extra.matrixKey, g, 'local').getBlackMatrix() }
        : {}),
    });
    if (!read) return undefined;
    if (read.confirmed) return { text: read.text, format: read.format };
    ctx.candidate ??= { text: read.text, format: read.format };
    return undefined;
  }

  private makePlan(): Step[] {
    const steps: Step[] = [];
    const add = (name: string, run: (c: FrameContext) => Decoded | undefined) =>
      steps.push({ name, run });
    const sideways = (c: FrameContext) => c.gray('fullT', () => transpose(c.full));
    const roiSideways = (c: FrameContext) => c.roi && c.gray('roiT', () => transpose(c.roi!));

    // The scan box: QR, 1D rows and columns (a barcode held sideways: a phone turned to
    // landscape is as common as upright, and the box's columns cost about as little as its
    // rows), PDF417. Without a scan box: the whole frame.
    add('roi', (c) => {
      if (!c.roiRect) return this.fullStep(c);
      return (
        this.qrCode(c, 'roiWork', c.roiWork, 'hybrid') ??
        this.oneD(c, c.roi, 12) ??
        this.oneD(c, roiSideways(c), 12) ??
        // the scan box at full resolution: the check sees the whole frame at about 640 px
        this.pdf417(c, 'roiWork', c.roiWork, 'hybrid', { anywhere: true })
      );
    });
    add('full', (c) => (c.roiRect ? this.fullStep(c) : undefined));
    // Ordered by reads per ms spent on bench:decode's corpus (see docs/camera.md).
    add('inverted', (c) => {
      const qr = c.may('qr');
      const linear = c.may('linear');
      // 2D: the working-size image binarized as if inverted (not made: binarizers.ts)
      // 1D: the rows (and columns) of the full frame read inverted, the same bits as on the
      // frame inverted, which is not made (the turned frame is the sideways step's)
      return (
        (qr ? this.qrCode(c, 'fullWork', c.fullWork, 'hybrid-inverted') : undefined) ??
        (linear ? this.oneD(c, c.full, 16, 'edges', { invert: true }) : undefined) ??
        (linear ? this.oneD(c, sideways(c), 16, 'edges', { invert: true }) : undefined) ??
        this.pdf417(c, 'fullWork', c.fullWork, 'hybrid-inverted')
      );
    });
    // The local-mean binarizer: faint codes, glare gradients; 1D with zxing's row threshold.
    add(
      'local',
      (c) =>
        (c.may('qr') ? this.qrCode(c, 'fullWork', c.fullWork, 'local') : undefined) ??
        (c.may('linear') ? this.oneD(c, c.full, 16, 'histogram') : undefined) ??
        this.pdf417(c, 'fullWork', c.fullWork, 'local'),
    );
    add(
      'global',
      (c) =>
        (c.may('qr') ? this.qrCode(c, 'fullWork', c.fullWork, 'global') : undefined) ??
        (c.may('linear')
          ? this.oneD(c, c.fullWork, 16, 'local', { matrixKey: 'fullWork' })
          : undefined) ??
        this.pdf417(c, 'fullWork', c.fullWork, 'global'),
    );
    if (this.linear.any) {
      // the whole frame turned (the scan box's columns are the first step's)
      add('sideways', (c) => (c.may('linear') ? this.oneD(c, sideways(c), 16) : undefined));
    }
    // Smoothed and stretched: sensor noise, moiré, a washed-out screen.
    add('enhanced', (c) => {
      const qr = c.may('qr');
      const g = qr ? c.gray('fullWorkEnh', () => stretch(blur(c.fullWork))) : undefined;
      const linear = c.may('linear');
      return (
        this.qrCode(c, 'fullWorkEnh', g, 'local') ??
        this.qrCode(c, 'fullWorkEnh', g, 'hybrid') ??
        (linear ? this.oneD(c, c.full, 24, 'edges', { smooth: 3 }) : undefined) ??
        (linear ? this.oneD(c, sideways(c), 24, 'edges', { smooth: 3 }) : undefined)
      );
    });
    add(
      'harder',
      (c) =>
        // TRY_HARDER at full resolution; at 640x480 or less the QR finder already looked at
        // every third row, so only frames that were shrunk gain from it
        (c.full !== c.fullWork && c.may('qr')
          ? this.qrCode(c, 'full', c.full, 'hybrid', true)
          : undefined) ??
        (c.may('linear') ? this.oneD(c, c.full, Math.min(96, c.full.height >> 2)) : undefined) ??
        this.pdf417(c, 'full', c.full, 'hybrid', { harder: true }),
    );
    add('small', (c) => {
      const base = c.roi ?? c.fullWork;
      if (base.width * base.height > WORK_PIXELS) return undefined; // not small then
      const qr = c.may('qr');
      const linear = c.may('linear');
      if (!qr && !linear) return undefined;
      // enlarged, and sharpened: small codes far away, and soft ones out of focus. QR only
      // around the finder patterns of small codes the check saw (module of at most 4 px: a
      // bigger code is as readable at working size as enlarged), box by box; the whole frame
      // when they are everywhere, and the whole scan box
      const whole = () => c.gray('big', () => enlarge(sharpen(base)));
      const boxes = !qr ? [] : c.roi ? 'whole' : c.finderBoxes(base);
      const qrIn = (key: string, g: Gray | undefined) =>
        this.qrCode(c, key, g, 'hybrid') ?? this.qrCode(c, key, g, 'local');
      const qrRead =
        boxes === 'whole'
          ? qrIn('big', whole())
          : boxes.reduce<Decoded | undefined>(
              (read, box, i) =>
                read ??
                qrIn(
                  `bigFinders${i}`,
                  c.gray(`bigFinders${i}`, () => enlarge(sharpen(crop(base, box)))),
                ),
              undefined,
            );
      // the 1D part reads 12 rows (and their neighbours): only those are made, unless the QR
      // part made the whole image anyway
      const rows = () =>
        c.gray('bigRows', () => enlargeSharpenedRows(base, rowsRead(base.height * 2, 12)));
      return (
        qrRead ?? (linear ? this.oneD(c, boxes === 'whole' ? whole() : rows(), 12) : undefined)
      );
    });
    return steps;
  }

  private fullStep(c: FrameContext): Decoded | undefined {
    return (
      this.qrCode(c, 'fullWork', c.fullWork, 'hybrid') ??
      this.oneD(c, c.full, 16) ??
      this.pdf417(c, 'fullWork', c.fullWork, 'hybrid')
    );
  }

  /**
   * One attempt on one frame: the first step, then the plan from `fromStep` on, until a read
   * counts, the budget is spent, or the plan has gone round once.
   */
  attempt(frame: Frame, opts: AttemptOptions = {}): AttemptResult {
    // @zxing/library says "nothing here" by throwing (NotFoundException, ChecksumException),
    // thousands of times a frame, and each throw captured a stack trace nobody reads: without
    // them the decoder took about 14% less CPU on bench:decode's corpus (1 Dec, contended).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return this.attemptSteps(frame, opts);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  private attemptSteps(frame: Frame, opts: AttemptOptions): AttemptResult {
    const now = opts.now ?? (() => performance.now());
    const t0 = now();
    const budget = opts.budgetMs ?? Infinity;
    const n = this.plan.length;
    const ctx = new FrameContext(frame, opts.roi, opts.precheck !== false, this.look);
    if (opts.precheck !== false) {
      // the grey frame it looks at is the plan's own (computed once, used by the steps)
      const t1 = opts.trace ? now() : 0;
      const { candidate } = precheck(ctx.precheckImage);
      opts.trace?.('precheck', now() - t1, false);
      if (!candidate) {
        return { next: opts.fromStep ?? 1, steps: ['precheck'], ms: now() - t0 };
      }
    }
    const order = opts.skipFirst && n > 1 ? [] : [0];
    const from = Math.max(1, (opts.fromStep ?? 1) % n || 1);
    for (let i = 0; i < n - 1; i++) order.push(1 + ((from - 1 + i) % (n - 1)));
    const steps: string[] = [];
    let next = from;
    const must = opts.progress && order[0] === 0 ? 2 : 1;
    for (const index of order) {
      if (steps.length >= must && now() - t0 >= budget) break;
      const step = this.plan[index]!;
      steps.push(step.name);
      if (index !== 0) next = index + 1 >= n ? 1 : index + 1;
      const t1 = opts.trace ? now() : 0;
      const found = step.run(ctx);
      opts.trace?.(step.name, now() - t1, !!found);
      if (found) return { result: found, next, steps, ms: now() - t0 };
    }
    return { candidate: ctx.candidate, next, steps, ms: now() - t0 };
  }
}

/** The grey image the decoder's empty-frame check samples for this frame (tests). */
export function precheckView(frame: Frame): Gray {
  return new FrameContext(frame, undefined).precheckImage;
}

const decoders = new Map<string, Decoder>();

/** The whole plan on one image: the code's text and format, or undefined. */
export function decode(frame: Frame, opts: DecodeOptions = {}): Decoded | undefined {
  const formats = opts.formats ?? DEFAULT_FORMATS;
  const key = [...formats].sort().join(',');
  let decoder = decoders.get(key);
  if (!decoder) decoders.set(key, (decoder = new Decoder(formats)));
  return decoder.attempt(frame, { roi: opts.roi, trace: opts.trace, precheck: opts.precheck })
    .result;
}
