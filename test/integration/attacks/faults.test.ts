/** Lost, late and refused answers while sending and while settling. */
import { describe, expect, it } from 'vitest';
import {
  applied,
  CODE_GET,
  CODES,
  CONSUME,
  lostWrite,
  UNAVAILABLE,
  expectRowsMatchTruth,
  redemptions,
  settleTime,
  sleep,
  terminal,
} from './rig';

const FINAL = ['applied', 'settled', 'rejected', 'not_applied', 'cancelled'];
const ERRCODES = [
  40056, 40099, 40127, 40079, 40075, 40116, 40073, 40078, 45030, 40001, 42001, 45009, 48001, 41012,
  47001, 45021, 40164, -1, 45011, 99999,
];

describe('attack: errcode answers of every class while sending', () => {
  it.each(ERRCODES)(
    'redeem answered %i: nothing applied, nothing recorded as redeemed, retry works once',
    async (errcode) => {
      const r = await terminal();
      const code = CODES[0]!;
      r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'errcode', errcode });
      const out = await r.call('redeemCode', { code });
      expect(['rejected', 'failed', 'unknown', 'redeemed']).toContain(out.outcome);
      await expect
        .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
        .toBe(true);
      expectRowsMatchTruth(r, code);
      // The coupon was never used: a second try by the cashier redeems it exactly once.
      if (r.rowsFor(code)[0]!.state !== 'applied') {
        const again = await r.call('redeemCode', { code });
        expect(again.outcome).toBe('redeemed');
      }
      expect(applied(r.sandbox, code, 'consume')).toHaveLength(1);
      expect(redemptions(r, code)).toHaveLength(1);
      expectRowsMatchTruth(r, code);
    },
  );

  it.each(ERRCODES)(
    'refund answered %i: applied at most once and recorded as WeChat has it',
    async (errcode) => {
      const r = await terminal();
      const code = CODES[1]!;
      r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'errcode', errcode });
      await r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true });
      await expect
        .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
        .toBe(true);
      expectRowsMatchTruth(r, code);
    },
  );
});

/** Every errcode but the two the engine reads as statuses (tested on their own below). */
const READ_ERRCODES = ERRCODES.filter((e) => e !== 40056 && e !== 40099);

describe('attack: errcode answers of every class during settling reads', () => {
  it.each(READ_ERRCODES)(
    'a consume that WeChat applied (answer lost), code/get answering %i for a while: settled as redeemed',
    async (errcode) => {
      const r = await terminal();
      const code = CODES[2]!;
      // Every settling read for about twice the window answers the errcode, then WeChat is fine.
      const out = await lostWrite(
        r,
        CONSUME,
        () => r.call('redeemCode', { code }),
        () => r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'errcode', errcode, count: 1_000 }),
      );
      expect(out).toMatchObject({ outcome: 'unknown' });
      expect(r.sandbox.sim.code(code)?.status).toBe('CONSUMED');
      await sleep(900);
      r.sandbox.sim.faults.clear();
      await expect
        .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
        .toBe(true);
      expect(r.rowsFor(code)[0]!.state).toBe('settled');
      expectRowsMatchTruth(r, code);
    },
  );

  it.each(READ_ERRCODES)(
    'a refund that WeChat applied (answer lost), code/get answering %i for a while: settled as invalidated',
    async (errcode) => {
      const r = await terminal();
      const code = CODES[3]!;
      await lostWrite(
        r,
        UNAVAILABLE,
        () => r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
        () => r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'errcode', errcode, count: 1_000 }),
      );
      await sleep(900);
      r.sandbox.sim.faults.clear();
      await expect
        .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
        .toBe(true);
      expect(r.rowsFor(code)[0]!.state).toBe('settled');
      expectRowsMatchTruth(r, code);
    },
  );
});

describe('attack: settling reads answered with the errcodes the engine takes as statuses', () => {
  it('a consume WeChat applied (answer lost) whose settling reads answer 40056 for a while is not closed "not redeemed"', async () => {
    const r = await terminal();
    const code = CODES[2]!;
    const out = await lostWrite(
      r,
      CONSUME,
      () => r.call('redeemCode', { code }),
      () =>
        r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'errcode', errcode: 40056, count: 1_000 }),
    );
    expect(out).toMatchObject({ outcome: 'unknown' });
    expect(r.sandbox.sim.code(code)?.status).toBe('CONSUMED');
    await sleep(900);
    r.sandbox.sim.faults.clear();
    await expect
      .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
      .toBe(true);
    expectRowsMatchTruth(r, code);
  });

  it.each([40056, 40099])(
    'a refund WeChat applied (answer lost) whose settling reads answer %i for a while is not resent and closed "rejected"',
    async (errcode) => {
      const r = await terminal();
      const code = CODES[3]!;
      await lostWrite(
        r,
        UNAVAILABLE,
        () => r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
        () => r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'errcode', errcode, count: 1_000 }),
      );
      await sleep(900);
      r.sandbox.sim.faults.clear();
      await expect
        .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
        .toBe(true);
      expectRowsMatchTruth(r, code);
    },
  );
});

describe('attack: lost, late and 5xx answers', () => {
  it.each(['lost_response', 'malformed_json', 'applied_5xx'] as const)(
    'redeem and refund with %i: applied once, settled once',
    async (kind) => {
      const r = await terminal();
      r.sandbox.sim.faults.add({ path: '/card/code/consume', kind });
      r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind });
      await r.call('redeemCode', { code: CODES[4]! });
      await r.call('invalidateCode', {
        code: CODES[5]!,
        reason: 'order_cancelled',
        confirmed: true,
      });
      await expect
        .poll(() => r.rows().map((x) => x.state), settleTime)
        .toEqual(['settled', 'settled']);
      expectRowsMatchTruth(r, CODES[4]!);
      expectRowsMatchTruth(r, CODES[5]!);
    },
  );

  it('refund 5xx before applying: settled not done, sent again once, applied once', async () => {
    const r = await terminal();
    const code = CODES[6]!;
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'http_5xx', status: 502 });
    expect(
      await r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
    ).toMatchObject({
      outcome: 'unknown',
    });
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('applied');
    expect(r.sandbox.sim.callCount('/card/code/unavailable')).toBe(2);
    expectRowsMatchTruth(r, code);
  });

  it('late_apply inside the window with the token fetched slowly first: settled as redeemed', async () => {
    // Same numbers as writes.test.ts "applied late" (client gives up at 1 s, applied 1.2 s after
    // the request arrived, 1.6 s window), except the access token takes 0.9 s to arrive first.
    // The window must be counted from when the consume left, not from before the token fetch.
    const r = await terminal({ windowMs: 1_600 });
    const code = CODES[7]!;
    r.sandbox.sim.faults.add({ path: '/cgi-bin/token', kind: 'latency', ms: 900 });
    r.sandbox.sim.faults.add({ path: '/cgi-bin/stable_token', kind: 'latency', ms: 900 });
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'late_apply', ms: 1_200 });
    // A fresh client, so the token is fetched as part of the redeem.
    await r.call('updateSettings', {
      api: { baseUrl: 'https://api.weixin.qq.com', connectTimeoutMs: 500, totalTimeoutMs: 1_000 },
      idleLockMinutes: 30,
    });
    r.t.connection.invalidate();
    expect(await r.call('redeemCode', { code })).toMatchObject({ outcome: 'unknown' });
    await expect
      .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
      .toBe(true);
    await sleep(1_500); // let any late apply land
    expect(applied(r.sandbox, code, 'consume')).toHaveLength(1);
    expectRowsMatchTruth(r, code);
  });
});
