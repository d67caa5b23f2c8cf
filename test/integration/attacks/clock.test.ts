/** The wall clock jumps (NTP, a manager fixing the time); the settling window is monotonic. */
import { describe, expect, it } from 'vitest';
import { applied, CODES, expectRowsMatchTruth, settleTime, sleep, terminal } from './rig';

function jumpyClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    jump: (ms: number) => {
      offset += ms;
    },
  };
}

describe('attack: wall clock jumps', () => {
  it('wall clock set a day forward right after a lost answer: a late apply is not settled as "not redeemed"', async () => {
    const clock = jumpyClock();
    const r = await terminal({ now: clock.now, windowMs: 1_600 });
    const code = CODES[0]!;
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'late_apply', ms: 1_200 });
    const out = r.call('redeemCode', { code });
    await sleep(100);
    clock.jump(24 * 3_600_000);
    expect(await out).toMatchObject({ outcome: 'unknown' });
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('settled');
    expectRowsMatchTruth(r, code);
  });

  it('wall clock set an hour back while a redemption settles: it still settles within seconds', async () => {
    const clock = jumpyClock();
    const r = await terminal({ now: clock.now });
    const code = CODES[1]!;
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'http_5xx' });
    expect(await r.call('redeemCode', { code })).toMatchObject({ outcome: 'unknown' });
    // The first settling read (at once) said NORMAL inside the window: the next one is
    // scheduled on the wall clock, a window-gap later.
    await expect.poll(() => r.rowsFor(code)[0]?.reads, settleTime).toBe(1);
    clock.jump(-3_600_000);
    // The window is 0.4 s and retries back off to 0.2 s at most: settled well within 5 s.
    await expect
      .poll(() => r.rowsFor(code)[0]?.state, { timeout: 5_000, interval: 50 })
      .toBe('not_applied');
    // Meanwhile the coupon is blocked at the counter ("outcome pending") for the customer.
  });

  it('wall clock set an hour back while a refund waits in the queue: it is still sent after its backoff', async () => {
    const clock = jumpyClock();
    const r = await terminal({ now: clock.now });
    const code = CODES[2]!;
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'errcode', errcode: 45011 });
    expect(
      await r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
    ).toMatchObject({ outcome: 'queued' });
    clock.jump(-3_600_000);
    await expect
      .poll(() => r.rowsFor(code)[0]?.state, { timeout: 5_000, interval: 50 })
      .toBe('applied');
    expect(applied(r.sandbox, code, 'unavailable')).toHaveLength(1);
  });

  it('monotonic clock frozen (suspended laptop): a lost answer is never settled as not done early', async () => {
    let mono = 0;
    const r = await terminal({ monoNow: () => mono, windowMs: 10_000 });
    const code = CODES[3]!;
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'hang' });
    expect(await r.call('redeemCode', { code })).toMatchObject({ outcome: 'unknown' });
    await sleep(800);
    expect(r.rowsFor(code)[0]!.state).toBe('settling');
    mono += 10_001;
    await r.call('retryOutbox', { id: r.rowsFor(code)[0]!.id }).catch(() => undefined);
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('not_applied');
    expectRowsMatchTruth(r, code);
  });
});
