/** Backoff arithmetic and single-flight, without the network. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryOptions } from '../../../electron/wechat/retry';
import { singleFlight } from '../../../electron/wechat/single-flight';

describe('backoff', () => {
  const opts = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles per retry, capped, with half of each step jittered', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, opts, () => 0))).toEqual([
      50, 100, 200, 400, 500, 500,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, opts, () => 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3, opts, Math.random);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });

  it('fills in defaults and keeps the numbers sane', () => {
    expect(retryOptions()).toEqual({ attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 });
    expect(retryOptions({ attempts: 0, baseDelayMs: -5 })).toEqual({
      attempts: 1,
      baseDelayMs: 0,
      maxDelayMs: 2_000,
    });
    expect(retryOptions({ attempts: undefined }).attempts).toBe(3);
  });
});

describe('singleFlight', () => {
  it('runs once for concurrent callers, again after it settles, and shares failures', async () => {
    let runs = 0;
    let fail = false;
    const flight = singleFlight(async () => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 10));
      if (fail) throw new Error('boom');
      return runs;
    });
    const first = await Promise.all([flight.run(), flight.run(), flight.run()]);
    expect(first).toEqual([1, 1, 1]);
    expect(flight.pending).toBe(false);
    fail = true;
    const failed = await Promise.allSettled([flight.run(), flight.run()]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runs).toBe(2);
    fail = false;
    expect(await flight.run()).toBe(3);
  });
});
