/** The same operation fifty times at once, and mixes of them on one code. */
import { describe, expect, it } from 'vitest';
import {
  applied,
  CODES,
  expectRowsMatchTruth,
  redemptions,
  settleTime,
  sleep,
  terminal,
} from './rig';

describe('attack: concurrency on one code', () => {
  it('50 mixed redeems and invalidations of one code at once: one write reaches WeChat', async () => {
    const r = await terminal();
    const code = CODES[0]!;
    r.sandbox.sim.faults.add({ path: '*', kind: 'latency', ms: 30, count: 100 });
    const ops = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? r.raw('redeemCode', { code })
        : r.raw('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
    );
    const outs = (await Promise.all(ops)) as { ok: boolean; value?: { outcome: string } }[];
    expect(outs.every((o) => o.ok)).toBe(true);
    const wins = outs.filter((o) => ['redeemed', 'invalidated'].includes(o.value!.outcome));
    expect(wins).toHaveLength(1);
    const truth = r.sandbox.sim.appliedWrites().filter((w) => w.code === code);
    expect(truth).toHaveLength(1);
    expectRowsMatchTruth(r, code);
  });

  it('50 redeems at once while the first answer is lost: one consume, settled once, no second', async () => {
    const r = await terminal();
    const code = CODES[1]!;
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'lost_response' });
    const outs = await Promise.all(
      Array.from({ length: 50 }, () => r.call('redeemCode', { code })),
    );
    expect(outs.filter((o) => o.outcome === 'unknown')).toHaveLength(1);
    expect(outs.filter((o) => o.outcome === 'redeemed')).toHaveLength(0);
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('settled');
    // Now 50 more: all refused, the code is done here.
    const again = await Promise.all(
      Array.from({ length: 50 }, () => r.call('redeemCode', { code })),
    );
    expect(again.every((o) => o.outcome === 'rejected')).toBe(true);
    expect(applied(r.sandbox, code, 'consume')).toHaveLength(1);
    expect(redemptions(r, code)).toHaveLength(1);
    expectRowsMatchTruth(r, code);
  });

  it('50 invalidations at once (one with plain, others encrypted or with scanner noise)', async () => {
    const r = await terminal();
    const code = CODES[2]!;
    const enc = r.sandbox.sim.encryptCode(code);
    const variants = [code, enc, ` ${code}\u200b`, `${code.slice(0, 4)}\u200b${code.slice(4)}`];
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'latency', ms: 100 });
    const outs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        r.raw('invalidateCode', {
          code: variants[i % variants.length]!.slice(0, 64),
          reason: 'wrong_item',
          confirmed: true,
        }),
      ),
    );
    const ok = outs.filter((o) => (o as { ok: boolean }).ok) as {
      value: { outcome: string };
    }[];
    expect(ok.filter((o) => o.value.outcome === 'invalidated').length).toBeGreaterThanOrEqual(1);
    expect(r.sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
    expect(applied(r.sandbox, code, 'unavailable')).toHaveLength(1);
    expectRowsMatchTruth(r, code);
  });

  it('50 retries and 50 cancels of one queued refund at once: sent at most once, never both', async () => {
    const r = await terminal({ retryMinMs: 5_000, retryMaxMs: 5_000 });
    const code = CODES[3]!;
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'errcode', errcode: 45011 });
    const first = await r.call('invalidateCode', {
      code,
      reason: 'other',
      note: 'x',
      confirmed: true,
    });
    expect(first.outcome).toBe('queued');
    const id = (first.item as { id: number }).id;
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'latency', ms: 150 });
    const ops = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? r.raw('retryOutbox', { id })
        : r.raw('cancelOutbox', { id, why: 'changed mind' }),
    );
    const outs = (await Promise.all(ops)) as { ok: boolean }[];
    await sleep(600);
    const row = r.rowsFor(code)[0]!;
    const sends = r.sandbox.sim.callCount('/card/code/unavailable');
    const cancelledOk = outs.filter((o, i) => i % 2 === 1 && o.ok).length;
    expect(cancelledOk).toBeLessThanOrEqual(1);
    if (row.state === 'cancelled') {
      expect(sends).toBe(1);
      expect(r.sandbox.sim.code(code)?.status).toBe('NORMAL');
    } else {
      expect(cancelledOk).toBe(0);
      expect(sends).toBe(2);
    }
    expectRowsMatchTruth(r, code);
  });

  it('50 redeems from 50 signed-in tills of the same terminal, interleaved with lookups', async () => {
    const r = await terminal();
    const code = CODES[4]!;
    for (let i = 0; i < 5; i++)
      await r.call('signIn', { operatorId: 'ann', pin: '1357' }, `till-${i}`);
    const outs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 3 === 0
          ? r.call('lookupCode', { code }, `till-${i % 5}`)
          : r.call('redeemCode', { code }, `till-${i % 5}`),
      ),
    );
    expect(outs.filter((o) => o.outcome === 'redeemed')).toHaveLength(1);
    expect(applied(r.sandbox, code, 'consume')).toHaveLength(1);
    expect(redemptions(r, code)).toHaveLength(1);
  });

  it('50 retries of a settling refund at once (sent, answer lost, not applied): no second send inside the window', async () => {
    const r = await terminal({ windowMs: 1_500 });
    const code = CODES[5]!;
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'http_5xx' });
    const first = await r.call('invalidateCode', {
      code,
      reason: 'customer_refund',
      confirmed: true,
    });
    expect(first.outcome).toBe('unknown');
    const id = (first.item as { id: number }).id;
    const sentAt = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => r.raw('retryOutbox', { id })));
    await Promise.all(
      Array.from({ length: 50 }, () => r.raw('cancelOutbox', { id, why: 'try to cancel' })),
    );
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('applied');
    const second = r.sandbox.sim.requestLog().filter((e) => e.path === '/card/code/unavailable');
    expect(second).toHaveLength(2);
    expect(second[1]!.at - sentAt).toBeGreaterThanOrEqual(1_400);
    expectRowsMatchTruth(r, code);
  });

  it('the unique open-per-code rule holds in the database itself, and ids of the other kind are refused', async () => {
    const r = await terminal();
    const code = CODES[6]!;
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'hang' });
    const out = await r.call('redeemCode', { code });
    expect(out.outcome).toBe('unknown');
    const row = r.rowsFor(code)[0]!;
    // The database refuses a second open write of the same kind whatever the writer; one of
    // the other kind is refused by the engine's own transaction (below, through the contract).
    expect(() =>
      r.t.audit.db
        .prepare(
          `INSERT INTO writes (nonce, kind, code, state, created_at, updated_at)
           VALUES ('x', 'consume', ?, 'queued', 1, 1)`,
        )
        .run(code),
    ).toThrow(/UNIQUE/);
    expect(
      await r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
    ).toMatchObject({ outcome: 'busy' });
    expect(await r.fail('retryOutbox', { id: row.id })).toMatchObject({
      key: 'errors.outbox_unknown',
    });
    expect(await r.fail('cancelOutbox', { id: row.id, why: 'cancel a redeem' })).toMatchObject({
      key: 'errors.outbox_unknown',
    });
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('not_applied');
    expectRowsMatchTruth(r, code);
  });
});
