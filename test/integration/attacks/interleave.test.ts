/** Another terminal (or the platform) changes the code while a write of ours is open, and vice versa. */
import { describe, expect, it } from 'vitest';
import {
  applied,
  CODE_GET,
  CODES,
  CONSUME,
  lostWrite,
  UNAVAILABLE,
  CUSTOM_CARD,
  CUSTOM_CODES,
  expectRowsMatchTruth,
  invalidations,
  redemptions,
  settleTime,
  sleep,
  terminal,
} from './rig';

const FINAL = ['applied', 'settled', 'rejected', 'not_applied', 'cancelled'];

describe('attack: the code changes elsewhere while our write is open', () => {
  // code/get cannot say who consumed a code. Issue 15's rule: a code CONSUMED when our lost
  // answer is settled is recorded as ours, "settled, not confirmed here" (counted in totals and
  // exports, marked as such; the chain's central journal flags a code two terminals claim).
  it('another terminal redeems the coupon while our consume (which never arrived) is unsettled: settled, marked not confirmed here, counted once', async () => {
    const r = await terminal();
    const code = CODES[0]!;
    // Our consume dies at a proxy before WeChat (502, nothing applied), and the first settling
    // reads fail, so the other till gets in first.
    const out = await lostWrite(
      r,
      CONSUME,
      () => r.call('redeemCode', { code }),
      () => r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'http_5xx', count: 3 }),
      'http_5xx',
    );
    expect(out).toMatchObject({ outcome: 'unknown' });
    r.sandbox.sim.setCodeStatus(code, 'CONSUMED'); // the customer's coupon, redeemed at another till
    await expect
      .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
      .toBe(true);
    expect(applied(r.sandbox, code, 'consume')).toHaveLength(0);
    const done = redemptions(r, code);
    expect(done.map((x) => [x.outcome, x.detail.confirmed_here])).toEqual([['settled', false]]);
  });

  it('another terminal redeemed it before we did: refused, nothing recorded as ours', async () => {
    const r = await terminal();
    const code = CODES[1]!;
    r.sandbox.sim.setCodeStatus(code, 'CONSUMED');
    expect(await r.call('redeemCode', { code })).toMatchObject({
      outcome: 'rejected',
      verdict: { kind: 'already_redeemed' },
    });
    expect(redemptions(r, code)).toHaveLength(0);
  });

  it('the code is invalidated elsewhere while our consume is unsettled: settled as not redeemed', async () => {
    const r = await terminal();
    const code = CODES[2]!;
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'hang' });
    expect(await r.call('redeemCode', { code })).toMatchObject({ outcome: 'unknown' });
    r.sandbox.sim.setCodeStatus(code, 'UNAVAILABLE');
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('not_applied');
    expectRowsMatchTruth(r, code);
  });

  it('a refund whose send failed (5xx) while another till redeems the code: rejected, no invalidation claimed', async () => {
    const r = await terminal();
    const code = CODES[3]!;
    await lostWrite(
      r,
      UNAVAILABLE,
      () => r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
      () => r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'http_5xx', count: 3 }),
      'http_5xx',
    );
    r.sandbox.sim.setCodeStatus(code, 'CONSUMED');
    await expect
      .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
      .toBe(true);
    expect(invalidations(r, code)).toHaveLength(0);
    expectRowsMatchTruth(r, code);
  });

  it('our consume applied (answer lost): a refund of the code meanwhile is busy, later refused 40099', async () => {
    const r = await terminal();
    const code = CODES[4]!;
    await lostWrite(
      r,
      CONSUME,
      () => r.call('redeemCode', { code }),
      () => r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'http_5xx', count: 3 }),
    );
    expect(
      await r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
    ).toMatchObject({ outcome: 'busy' });
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('settled');
    expect(
      await r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true }),
    ).toMatchObject({ outcome: 'rejected' });
    expectRowsMatchTruth(r, code);
  });

  it('a queued refund blocks redeeming the code; once cancelled the code redeems exactly once', async () => {
    const r = await terminal({ retryMinMs: 5_000, retryMaxMs: 5_000 });
    const code = CODES[5]!;
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'errcode', errcode: 45009 });
    const q = await r.call('invalidateCode', { code, reason: 'customer_refund', confirmed: true });
    expect(q.outcome).toBe('queued');
    expect(await r.call('redeemCode', { code })).toMatchObject({ outcome: 'busy' });
    await r.call('cancelOutbox', { id: (q.item as { id: number }).id, why: 'customer kept it' });
    expect(await r.call('redeemCode', { code })).toMatchObject({ outcome: 'redeemed' });
    await sleep(200);
    expectRowsMatchTruth(r, code);
  });
});

describe('attack: a back-office write to a code with an open write here', () => {
  it('a manager renames a custom code while its refund is settling: the refund is still recorded as done', async () => {
    const r = await terminal({ retryMinMs: 1_500, retryMaxMs: 1_500 });
    const code = CUSTOM_CODES[0]!;
    await r.call('updateSettings', { customCodeCardIds: [CUSTOM_CARD] });
    // The refund reaches WeChat and is applied, but the answer is lost; the first settling read
    // fails (system busy), so the next one is a retry-interval later.
    const out = await lostWrite(
      r,
      UNAVAILABLE,
      () =>
        r.call('invalidateCode', {
          code,
          cardId: CUSTOM_CARD,
          reason: 'customer_refund',
          confirmed: true,
        }),
      () => r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'errcode', errcode: -1, count: 3 }),
    );
    expect(out).toMatchObject({ outcome: 'unknown' });
    await expect.poll(() => r.rowsFor(code)[0]?.reads, settleTime).toBe(1);
    // Meanwhile the back office changes the code (the code has an open write here: it should
    // be refused, as a redeem or a second refund would be).
    const renamed = await r.raw('officeUpdateCode', {
      cardId: CUSTOM_CARD,
      code,
      newCode: '999000111222',
      confirmed: true,
    });
    await expect
      .poll(() => FINAL.includes(r.rowsFor(code)[0]?.state as string), settleTime)
      .toBe(true);
    const truth = applied(r.sandbox, code, 'unavailable');
    expect(truth).toHaveLength(1);
    // Either the rename was refused, or the refund (which WeChat applied) is recorded as done.
    expect({ renamed: (renamed as { ok: boolean }).ok, state: r.rowsFor(code)[0]!.state }).toEqual(
      expect.objectContaining({ state: 'settled' }),
    );
  });
});

describe('attack: a custom code renamed here, and its name given to another coupon', () => {
  it('a refund of the name now on another coupon is sent, not answered with the old refund', async () => {
    const r = await terminal();
    const [p, q] = [CUSTOM_CODES[0]!, CUSTOM_CODES[1]!];
    const old = '700000000001';
    await r.call('updateSettings', { customCodeCardIds: [CUSTOM_CARD] });
    const refund = { cardId: CUSTOM_CARD, reason: 'customer_refund', confirmed: true };
    expect(await r.call('invalidateCode', { code: p, ...refund })).toMatchObject({
      outcome: 'invalidated',
    });
    // The refunded coupon takes another name; its old name goes to another, live coupon.
    await r.call('officeUpdateCode', {
      cardId: CUSTOM_CARD,
      code: p,
      newCode: old,
      confirmed: true,
    });
    await r.call('officeUpdateCode', { cardId: CUSTOM_CARD, code: q, newCode: p, confirmed: true });
    expect(r.sandbox.sim.code(p)?.status).toBe('NORMAL');
    // This terminal's refund went with the coupon it was made for.
    expect(r.rowsFor(p)).toHaveLength(0);
    expect(r.rowsFor(old)).toMatchObject([{ kind: 'invalidate', state: 'applied' }]);
    // The coupon now called p is refunded for real: sent, applied, recorded once.
    const second = await r.call('invalidateCode', { code: p, ...refund });
    expect(second).toMatchObject({ outcome: 'invalidated' });
    expect(r.sandbox.sim.code(p)?.status).toBe('UNAVAILABLE');
    expect(applied(r.sandbox, p, 'unavailable')).toHaveLength(2); // one per coupon
    expect(r.rowsFor(p)).toMatchObject([{ kind: 'invalidate', state: 'applied' }]);
    // And the counter no longer redeems it.
    expect(await r.call('redeemCode', { code: p, cardId: CUSTOM_CARD })).toMatchObject({
      outcome: 'rejected',
    });
    expect(applied(r.sandbox, p, 'consume')).toHaveLength(0);
  });

  it('the same when the rename applied but its answer was lost and could not be confirmed', async () => {
    const r = await terminal();
    const [p, q] = [CUSTOM_CODES[0]!, CUSTOM_CODES[1]!];
    const old = '700000000001';
    await r.call('updateSettings', { customCodeCardIds: [CUSTOM_CARD] });
    const refund = { cardId: CUSTOM_CARD, reason: 'customer_refund', confirmed: true };
    await r.call('invalidateCode', { code: p, ...refund });
    await r.call('lookupCode', { code: q }); // the card's details cached
    // WeChat applies the rename; its answer is lost, and so is every read that would confirm it.
    r.sandbox.sim.faults.add({ path: '/card/code/update', kind: 'lost_response', count: 1 });
    r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'http_5xx', after: 1, count: 20 });
    const rename = await r.fail('officeUpdateCode', {
      cardId: CUSTOM_CARD,
      code: p,
      newCode: old,
      confirmed: true,
    });
    expect(rename).toMatchObject({ key: expect.stringMatching(/unknown/) });
    r.sandbox.sim.faults.clear();
    expect(r.sandbox.sim.code(old)?.status).toBe('UNAVAILABLE'); // it did apply
    expect(r.rowsFor(p)).toHaveLength(0);
    // The name p goes to another coupon, which is then refunded for real and cannot be redeemed.
    await r.call('officeUpdateCode', { cardId: CUSTOM_CARD, code: q, newCode: p, confirmed: true });
    expect(await r.call('invalidateCode', { code: p, ...refund })).toMatchObject({
      outcome: 'invalidated',
    });
    expect(r.sandbox.sim.code(p)?.status).toBe('UNAVAILABLE');
    expect(await r.call('redeemCode', { code: p, cardId: CUSTOM_CARD })).toMatchObject({
      outcome: 'rejected',
    });
    expect(applied(r.sandbox, p, 'consume')).toHaveLength(0);
  });

  it('a rename WeChat refuses takes its move back: the coupon keeps its "refunded here"', async () => {
    const r = await terminal();
    const p = CUSTOM_CODES[0]!;
    await r.call('updateSettings', { customCodeCardIds: [CUSTOM_CARD] });
    await r.call('invalidateCode', {
      code: p,
      cardId: CUSTOM_CARD,
      reason: 'customer_refund',
      confirmed: true,
    });
    r.sandbox.sim.faults.add({ path: '/card/code/update', kind: 'errcode', errcode: 40056 });
    await r.fail('officeUpdateCode', {
      cardId: CUSTOM_CARD,
      code: p,
      newCode: '700000000003',
      confirmed: true,
    });
    expect(r.rowsFor(p)).toMatchObject([{ kind: 'invalidate', state: 'applied' }]);
    expect(r.rowsFor('700000000003')).toHaveLength(0);
  });

  it('a redemption scanned while a rename of the code is under way is refused, not left unsettled', async () => {
    const r = await terminal();
    const code = CUSTOM_CODES[2]!;
    const renamedTo = '700000000002';
    await r.call('updateSettings', { customCodeCardIds: [CUSTOM_CARD] });
    await r.call('lookupCode', { code }); // the card's details cached: the rename's next call is code/get
    // The rename's read of the code is slow: the cashier scans the code meanwhile.
    r.sandbox.sim.faults.add({ path: CODE_GET, kind: 'latency', ms: 600, count: 1 });
    const rename = r.call('officeUpdateCode', {
      cardId: CUSTOM_CARD,
      code,
      newCode: renamedTo,
      confirmed: true,
    });
    await sleep(150);
    const redeems = await Promise.all(
      [code, renamedTo].map((c) => r.fail('redeemCode', { code: c, cardId: CUSTOM_CARD })),
    );
    for (const e of redeems) expect(e).toMatchObject({ key: 'errors.code_renaming' });
    expect(await rename).toMatchObject({ oldCode: code, newCode: renamedTo });
    expect(r.sandbox.sim.callCount('/card/code/consume')).toBe(0);
    expect(r.rows()).toHaveLength(0);
    // Over: the coupon redeems under its new name, once.
    expect(await r.call('redeemCode', { code: renamedTo, cardId: CUSTOM_CARD })).toMatchObject({
      outcome: 'redeemed',
    });
    expect(applied(r.sandbox, renamedTo, 'consume')).toHaveLength(1);
  });
});

describe('attack: fifty renames of one custom code at once', () => {
  it('one applies, the rest and a redemption meanwhile are refused as "being changed"; then the code redeems under its new name', async () => {
    const r = await terminal();
    const p = CUSTOM_CODES[3]!;
    await r.call('updateSettings', { customCodeCardIds: [CUSTOM_CARD] });
    await r.call('lookupCode', { code: p });
    const answers = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) =>
        r.raw('officeUpdateCode', {
          cardId: CUSTOM_CARD,
          code: p,
          newCode: `80000000${String(i).padStart(4, '0')}`,
          confirmed: true,
        }),
      ),
      r.raw('redeemCode', { code: p, cardId: CUSTOM_CARD }),
    ]);
    const keys = (answers as ({ ok: true } | { ok: false; error: { key: string } })[]).map((a) =>
      a.ok ? 'ok' : a.error.key,
    );
    expect(keys.filter((k) => k === 'ok')).toHaveLength(1);
    expect(keys.filter((k) => k === 'errors.code_renaming')).toHaveLength(50);
    const renamed = r.sandbox.sim
      .codes({ card_id: CUSTOM_CARD })
      .filter((c) => c.code.startsWith('8000'));
    expect(renamed).toHaveLength(1);
    expect(r.sandbox.sim.callCount('/card/code/consume')).toBe(0);
    expect(
      await r.call('redeemCode', { code: renamed[0]!.code, cardId: CUSTOM_CARD }),
    ).toMatchObject({ outcome: 'redeemed' });
    expect(r.rowsFor(renamed[0]!.code)).toMatchObject([{ kind: 'consume', state: 'applied' }]);
  });
});
