/**
 * Tells a USB barcode scanner (a "keyboard wedge": it types the code very fast and ends with
 * Enter or Tab) from a person typing, on `keydown`, wherever the focus is.
 *
 * Every printable key is held back for at most `maxInterKeyMs`. If the next key comes that
 * fast, the burst grows; if a suffix key ends a burst of at least `minLength` characters, it is
 * a scan and nothing reaches the focused field. If the keys stop (or a slow key comes), the
 * held-back characters were typed by a person and are handed on to the focused field, about
 * one gap late (35 ms by default), which nobody notices.
 */
export interface WedgeOptions {
  maxInterKeyMs: number;
  minLength: number;
  suffix: 'enter' | 'tab' | 'either';
  /** Characters some scanners send first; stripped from the scan. */
  prefix: string;
}

export interface KeyLike {
  key: string;
  timeStamp: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  isComposing?: boolean;
  preventDefault(): void;
  stopPropagation?(): void;
}

export interface WedgeCallbacks {
  onScan(code: string): void;
  /** Hands characters typed by a person on to whatever has the focus. */
  onReplay(text: string): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export class WedgeDetector {
  private buffer = '';
  private lastAt = 0;
  private timer: unknown;

  constructor(
    private options: WedgeOptions,
    private readonly cb: WedgeCallbacks,
  ) {}

  setOptions(options: WedgeOptions) {
    this.options = options;
  }

  private isSuffix(key: string): boolean {
    const { suffix } = this.options;
    return (
      (key === 'Enter' && (suffix === 'enter' || suffix === 'either')) ||
      (key === 'Tab' && (suffix === 'tab' || suffix === 'either'))
    );
  }

  private flush() {
    if (this.timer !== undefined) this.cb.clearTimer(this.timer);
    this.timer = undefined;
    const text = this.buffer;
    this.buffer = '';
    if (text) this.cb.onReplay(text);
  }

  private arm() {
    if (this.timer !== undefined) this.cb.clearTimer(this.timer);
    this.timer = this.cb.setTimer(() => {
      this.timer = undefined;
      this.flush();
    }, this.options.maxInterKeyMs + 1);
  }

  /** Returns true when the event was taken (held back or recognised as a scan). */
  handle(e: KeyLike): boolean {
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) {
      this.flush();
      return false;
    }
    if (e.key === 'Shift' || e.key === 'CapsLock') return false;
    const gap = e.timeStamp - this.lastAt;
    const fast = this.buffer.length > 0 && gap <= this.options.maxInterKeyMs;

    if (this.isSuffix(e.key)) {
      if (fast && this.buffer.length >= this.options.minLength) {
        let code = this.buffer;
        if (this.options.prefix && code.startsWith(this.options.prefix)) {
          code = code.slice(this.options.prefix.length);
        }
        this.buffer = '';
        if (this.timer !== undefined) this.cb.clearTimer(this.timer);
        this.timer = undefined;
        e.preventDefault();
        e.stopPropagation?.();
        this.cb.onScan(code);
        return true;
      }
      this.flush();
      return false;
    }
    if (e.key.length !== 1) {
      // Arrows, Backspace, F-keys...: a person is editing.
      this.flush();
      return false;
    }
    if (this.buffer && !fast) this.flush();
    this.buffer += e.key;
    this.lastAt = e.timeStamp;
    e.preventDefault();
    this.arm();
    return true;
  }

  /** Drops anything held back (e.g. when the window loses focus). */
  reset() {
    this.flush();
  }
}
