/** A crash (simulated SIGKILL) at each named step of a write, then a restart on the same folder. */
import { describe, expect, it } from 'vitest';
import type { CrashPoint } from '../../../electron/services/writes/crash-points';
import {
  applied,
  CODES,
  expectRowsMatchTruth,
  restart,
  settleTime,
  SimulatedCrash,
  sleep,
  terminal,
  type Rig,
} from './rig';

const FINAL = ['applied', 'settled', 'rejected', 'not_applied', 'cancelled'];

function finalResults(r: Rig, nonce: string) {
  return r.t.audit
    .byNonce(nonce)
    .filter((x) => ['redeem', 'invalidate'].includes(x.action) && x.outcome !== 'pending')
    .filter((x) => x.outcome !== 'unknown' && x.outcome !== 'queued');
}

async function settledEverything(r: Rig) {
  await expect
    .poll(() => r.rows().filter((x) => !FINAL.includes(x.state as string)).length, settleTime)
    .toBe(0);
  for (const row of r.rows()) {
    expect(finalResults(r, row.nonce as string), `one final result for ${row.nonce}`).toHaveLength(
      1,
    );
  }
  expect(r.t.audit.unsettledIntents()).toHaveLength(0);
}

const STEPS: CrashPoint[] = ['before_intent', 'after_intent', 'after_answer', 'before_result'];

describe.each(['redeem', 'invalidate'] as const)('attack: crash while a %s is written', (what) => {
  const op = (code: string): [string, Record<string, unknown>] =>
    what === 'redeem'
      ? ['redeemCode', { code }]
      : ['invalidateCode', { code, reason: 'customer_refund', confirmed: true }];

  it.each(STEPS)(
    'crash at %s, restart: at most once, and the record matches WeChat',
    async (step) => {
      const code = CODES[STEPS.indexOf(step) + (what === 'redeem' ? 0 : 8)]!;
      const r = await terminal({ crashAt: step });
      await r.fail(...op(code));
      const again = await restart(r);
      await settledEverything(again);
      expectRowsMatchTruth(again, code);
      // Whatever the crash left, the cashier/supervisor can finish the job exactly once.
      const last = again.rowsFor(code).at(-1);
      if (!last || last.state === 'not_applied') {
        await again.call(...op(code));
        await settledEverything(again);
      }
      expectRowsMatchTruth(again, code);
      const kind = what === 'redeem' ? 'consume' : 'unavailable';
      expect(applied(again.sandbox, code, kind)).toHaveLength(1);
    },
  );

  it('crash with the request out and WeChat applying it after the restart (late_apply)', async () => {
    const code = CODES[what === 'redeem' ? 4 : 12]!;
    // The client gives up at 1 s; the crash hits right then; WeChat applies at 1.3 s, inside the
    // restarted terminal's window (2 s, longer than any apply delay used here).
    const r = await terminal({ crashAt: 'after_answer', windowMs: 2_000 });
    const path = what === 'redeem' ? '/card/code/consume' : '/card/code/unavailable';
    r.sandbox.sim.faults.add({ path, kind: 'late_apply', ms: 1_300 });
    await r.fail(...op(code));
    const again = await restart(r, { windowMs: 2_000 });
    await settledEverything(again);
    expect(applied(again.sandbox, code)).toHaveLength(1);
    expectRowsMatchTruth(again, code);
  });

  it('terminal closed while the request hangs (request out, never applied): settled as not done', async () => {
    const code = CODES[what === 'redeem' ? 5 : 13]!;
    const r = await terminal();
    const path = what === 'redeem' ? '/card/code/consume' : '/card/code/unavailable';
    r.sandbox.sim.faults.add({ path, kind: 'hang' });
    const pending = r.raw(...op(code));
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('sending');
    const again = await restart(r);
    await pending;
    await settledEverything(again);
    expectRowsMatchTruth(again, code);
  });

  it('crash right after a settling read (after_settle_read), restart', async () => {
    const code = CODES[what === 'redeem' ? 6 : 14]!;
    let fired = false;
    const r = await terminal({
      crash: (p) => {
        if (p === 'after_settle_read' && !fired) {
          fired = true;
          throw new SimulatedCrash(p);
        }
      },
    });
    const path = what === 'redeem' ? '/card/code/consume' : '/card/code/unavailable';
    r.sandbox.sim.faults.add({ path, kind: 'lost_response' });
    await r.call(...op(code));
    await expect.poll(() => fired, settleTime).toBe(true);
    const again = await restart(r);
    await settledEverything(again);
    expect(applied(again.sandbox, code)).toHaveLength(1);
    expectRowsMatchTruth(again, code);
  });

  it('crash at after_intent twice in a row (two restarts), then a clean one', async () => {
    const code = CODES[what === 'redeem' ? 7 : 15]!;
    const r = await terminal({ crashAt: 'after_intent' });
    await r.fail(...op(code));
    const r2 = await restart(r, { crashAt: 'after_settle_read' });
    await sleep(300);
    const r3 = await restart(r2);
    await settledEverything(r3);
    const last = r3.rowsFor(code).at(-1);
    if (last?.state === 'not_applied') await r3.call(...op(code));
    await settledEverything(r3);
    expectRowsMatchTruth(r3, code);
  });
});
