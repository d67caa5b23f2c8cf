/** Bounded exponential backoff with jitter, for the calls that may be repeated. */
export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

export function retryOptions(partial: Partial<RetryOptions> = {}): RetryOptions {
  const merged = { ...DEFAULT_RETRY, ...definedOnly(partial) };
  return {
    attempts: Math.max(1, Math.floor(merged.attempts)),
    baseDelayMs: Math.max(0, merged.baseDelayMs),
    maxDelayMs: Math.max(0, merged.maxDelayMs),
  };
}

/**
 * The pause before retry number `retry` (1 for the first retry): "equal jitter", half of the
 * exponential step fixed and half random, so terminals that failed together do not come back
 * together, yet none comes back at once.
 */
export function backoffDelay(retry: number, opts: RetryOptions, random: () => number): number {
  const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return step / 2 + (random() * step) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
