/**
 * The sandbox's own clock. Everything time-dependent in the simulator (token expiry, validity
 * windows, datacube's "today") reads this clock and never Date.now() directly, so a test can
 * move time by hours or years and get the same answers every run.
 */
export interface SandboxClockOptions {
  /** Unix ms the clock starts at. */
  startTime: number;
  /**
   * Frozen: time moves only through set()/advance() (tests, determinism).
   * Ticking (default): time also moves with the wall clock, like a real server (demos, the
   * embedded terminal), starting from startTime.
   */
  frozen?: boolean;
  /** Injected for tests of the clock itself. */
  wallClock?: () => number;
}

export class SandboxClock {
  readonly frozen: boolean;
  private readonly wall: () => number;
  private base: number;
  private wallAtBase: number;

  constructor(opts: SandboxClockOptions) {
    this.frozen = opts.frozen ?? false;
    this.wall = opts.wallClock ?? Date.now;
    this.base = opts.startTime;
    this.wallAtBase = this.wall();
  }

  /** Current sandbox time, unix ms. */
  now(): number {
    return this.frozen ? this.base : this.base + (this.wall() - this.wallAtBase);
  }

  /** Current sandbox time, whole unix seconds (what WeChat's timestamps use). */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('clock.set needs a finite unix ms value');
    this.base = Math.trunc(ms);
    this.wallAtBase = this.wall();
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('clock.advance needs a finite ms value');
    this.set(this.now() + ms);
  }
}
