/**
 * Where every scan goes, whatever produced it (USB scanner, camera, typed code): one place
 * that applies the cool-down (the same code again within a few seconds is one scan) and hands
 * the scan to the screen that is listening (the counter, or the refund screen).
 */
export type ScanSource = 'scanner' | 'camera' | 'manual';
type ScanListener = (code: string, source: ScanSource) => void;

class ScanBus {
  private listener: ScanListener | undefined;
  private last: { code: string; at: number } | undefined;

  constructor(
    public cooldownMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The active screen takes the scans; returns a function that gives them back. */
  listen(listener: ScanListener): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  /** Returns false when the scan was a repeat inside the cool-down and was dropped. */
  submit(code: string, source: ScanSource): boolean {
    const now = this.now();
    // A code typed by hand is always meant: the cool-down is for scanners and cameras.
    if (
      source !== 'manual' &&
      this.last &&
      this.last.code === code &&
      now - this.last.at < this.cooldownMs
    ) {
      return false;
    }
    this.last = { code, at: now };
    this.listener?.(code, source);
    return true;
  }

  /**
   * A code just redeemed: its cool-down starts again now. The customer's phone is often still
   * in front of the scanner when the redemption's answer arrives, and the cashier's check and
   * Enter may have taken most of the cool-down since the first scan.
   */
  touch(code: string) {
    this.last = { code, at: this.now() };
  }

  /** Next customer: the same code may be scanned again at once (e.g. after Esc). */
  forget() {
    this.last = undefined;
  }
}

export const scanBus = new ScanBus(3_000);
