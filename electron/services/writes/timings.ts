/**
 * The durable write engine's timings. The defaults are for WeChat; tests and the chaos suite
 * shorten them (the browser host reads CARDDESK_TIMINGS, see the README) so a run takes a
 * second or two.
 */
import { z } from 'zod';

export const WriteTimings = z
  .object({
    /**
     * A write whose answer was lost is settled as "not done" only from a code/get read taken at
     * least this long after it was sent. WeChat's servers and their front proxies give up on a
     * request after about 60 s (nginx's default proxy_read_timeout), so a write that arrived is
     * applied within about a minute or not at all; twice that leaves a margin for the network.
     * The built-in sandbox never applies a write later than 60 s after it arrived
     * (MAX_APPLY_DELAY_MS in electron/sandbox/faults.ts). Counted on a monotonic clock, from
     * before the request left, or from the start-up for writes a crash left open, so a clock
     * set forward never settles a write early.
     */
    settleWindowMs: z.number().int().min(10).max(3_600_000).default(120_000),
    /** Reads spread over the window (the first at once, the last after it ends). */
    settleReads: z.number().int().min(2).max(20).default(4),
    /** Backoff of sends and reads that failed for a passing reason: min, doubling to max. */
    retryMinMs: z.number().int().min(1).max(3_600_000).default(2_000),
    retryMaxMs: z.number().int().min(1).max(86_400_000).default(300_000),
    /** How long a settled redemption stays in the counter's notices. */
    keepSettledMs: z
      .number()
      .int()
      .min(0)
      .default(10 * 60_000),
  })
  .strict();
export type WriteTimings = z.output<typeof WriteTimings>;
export type WriteTimingsInput = z.input<typeof WriteTimings>;

export function backoffMs(t: WriteTimings, failures: number): number {
  return Math.min(t.retryMaxMs, t.retryMinMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}
