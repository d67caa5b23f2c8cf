/**
 * Tells a USB barcode scanner (a "keyboard wedge": it types the code very fast and ends with
 * Enter or Tab) from a person typing, on `keydown`, wherever the focus is.
 *
 * Printable keys are held back while they come scanner-fast. A burst of at least `minLength`
 * characters ended by a suffix key is a scan, and nothing reaches the focused field. Scanners
 * jitter (USB hubs, busy machines): a single gap up to three times `maxInterKeyMs` is
 * tolerated as long as the burst's average stays scanner-fast. As soon as the rhythm is a
 * person's (two slow gaps in a row, or a slow average), the held-back characters are handed on
 * (use-wedge-scanner.ts types them into the field they were typed into, even if the focus has
 * moved on since) and the following keys pass straight through until the person pauses.
 */
export interface WedgeOptions {
  maxInterKeyMs: number;
  minLength: number;
  suffix: 'enter' | 'tab' | 'either';
  /** Characters some scanners send first; stripped from the scan. */
  prefix: string;
}

interface KeyLike {
  key: string;
  timeStamp: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  isComposing?: boolean;
  preventDefault(): void;
  stopPropagation?(): void;
}

interface WedgeCallbacks {
  onScan(code: string): void;
  /** Hands characters typed by a person on (to the field they were typed into). */
  onReplay(text: string): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** The clock of the keys' time stamps (performance.now in a page). */
  now?(): number;
  /** Keys are waiting to be dispatched (navigator.scheduling.isInputPending, where it exists). */
  inputPending?(): boolean;
}

/** After a person's rhythm is seen, keys pass through until a pause this long. */
const TYPING_PAUSE_MS = 400;

export class WedgeDetector {
  private buffer = '';
  private startAt = 0;
  private lastAt = 0;
  private lastGapSlow = false;
  private typingUntil = -Infinity;
  private timer: unknown;

  constructor(
    private options: WedgeOptions,
    private readonly cb: WedgeCallbacks,
  ) {}

  /** Keys are held back, waiting for the detector to tell a scan from a person. */
  get holding(): boolean {
    return this.buffer !== '';
  }

  setOptions(options: WedgeOptions) {
    this.options = options;
  }

  private get tolerance() {
    return this.options.maxInterKeyMs * 3;
  }

  private isSuffix(key: string): boolean {
    const { suffix } = this.options;
    return (
      (key === 'Enter' && (suffix === 'enter' || suffix === 'either')) ||
      (key === 'Tab' && (suffix === 'tab' || suffix === 'either'))
    );
  }

  private clearTimer() {
    if (this.timer !== undefined) this.cb.clearTimer(this.timer);
    this.timer = undefined;
  }

  private flush() {
    this.clearTimer();
    const text = this.buffer;
    this.buffer = '';
    this.lastGapSlow = false;
    if (text) this.cb.onReplay(text);
  }

  private arm() {
    this.clearTimer();
    this.timer = this.cb.setTimer(() => this.onTimer(false), this.tolerance + 1);
  }

  /**
   * The pause after the last held key is over: a person's keys, handed on. Unless the timer ran
   * late (the page was busy drawing a verdict, say) or keys are waiting: a scanner's next keys
   * may be queued behind this very timer, with time stamps that continue the burst. Handing the
   * held keys on now would split one scan in two ("178" typed into the code field, the other
   * nine digits looked up as a scan), so the queued keys are let in first.
   */
  private onTimer(deferred: boolean) {
    this.timer = undefined;
    const late = this.cb.now !== undefined && this.cb.now() - this.lastAt > this.tolerance * 2;
    if (!deferred && (late || this.cb.inputPending?.() === true)) {
      this.timer = this.cb.setTimer(() => this.onTimer(true), 0);
      return;
    }
    this.flush();
  }

  private averageGap(now: number) {
    return this.buffer.length > 0 ? (now - this.startAt) / this.buffer.length : 0;
  }

  /** Returns true when the event was taken (held back or recognised as a scan). */
  handle(e: KeyLike): boolean {
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) {
      this.flush();
      return false;
    }
    if (e.key === 'Shift' || e.key === 'CapsLock') return false;
    const now = e.timeStamp;
    const gap = now - this.lastAt;

    if (this.isSuffix(e.key)) {
      const scan =
        this.buffer.length >= this.options.minLength &&
        gap <= this.tolerance &&
        this.averageGap(now) <= this.options.maxInterKeyMs;
      if (!scan) {
        this.flush();
        return false;
      }
      let code = this.buffer;
      if (this.options.prefix && code.startsWith(this.options.prefix)) {
        code = code.slice(this.options.prefix.length);
      }
      this.buffer = '';
      this.lastGapSlow = false;
      this.clearTimer();
      e.preventDefault();
      e.stopPropagation?.();
      this.cb.onScan(code);
      return true;
    }
    if (e.key.length !== 1) {
      // Arrows, Backspace, Esc, F-keys...: hand on what was held. They say nothing about the
      // next keys' rhythm: a cashier presses Esc and scans the next customer at once.
      this.flush();
      return false;
    }
    if (now < this.typingUntil) {
      // A person is typing: straight through, no delay.
      this.flush();
      this.lastAt = now;
      this.typingUntil = now + TYPING_PAUSE_MS;
      return false;
    }
    if (this.buffer) {
      const slow = gap > this.options.maxInterKeyMs;
      const human =
        gap > this.tolerance ||
        (slow && this.lastGapSlow) ||
        (this.buffer.length >= 3 && this.averageGap(now) > this.options.maxInterKeyMs);
      if (human) {
        this.flush();
        this.lastAt = now;
        this.typingUntil = now + TYPING_PAUSE_MS;
        return false;
      }
      this.lastGapSlow = slow;
    } else {
      this.startAt = now;
    }
    this.buffer += e.key;
    this.lastAt = now;
    e.preventDefault();
    this.arm();
    return true;
  }

  /** Drops anything held back (e.g. when the window loses focus). */
  reset() {
    this.flush();
  }
}
