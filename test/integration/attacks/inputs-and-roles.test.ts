/** Hostile and odd input through the contract, and a lower role with valid input. */
import { describe, expect, it } from 'vitest';
import {
  applied,
  CASHIER,
  CODES,
  CUSTOM_CARD,
  CUSTOM_CODES,
  expectRowsMatchTruth,
  MANAGER,
  settleTime,
  signInAs,
  SUPERVISOR,
  terminal,
} from './rig';

const SENDS = ['/card/code/consume', '/card/code/unavailable'];

describe('attack: a cashier with valid input', () => {
  it('cannot invalidate without a supervisor, nor with their own PIN, nor with a wrong PIN: nothing queued or sent', async () => {
    const r = await terminal();
    await signInAs(r, CASHIER, 'c');
    const base = { code: CODES[0], reason: 'customer_refund', confirmed: true };
    expect(await r.fail('invalidateCode', base, 'c')).toMatchObject({ kind: 'forbidden' });
    expect(
      await r.fail(
        'invalidateCode',
        { ...base, supervisor: { id: CASHIER.id, pin: CASHIER.pin } },
        'c',
      ),
    ).toMatchObject({ kind: 'forbidden' });
    for (let i = 0; i < 3; i++) {
      expect(
        await r.fail(
          'invalidateCode',
          { ...base, supervisor: { id: SUPERVISOR.id, pin: '0000' } },
          'c',
        ),
      ).toMatchObject({ kind: 'forbidden' });
    }
    expect(r.rows()).toHaveLength(0);
    for (const p of SENDS) expect(r.sandbox.sim.callCount(p)).toBe(0);
  });

  it('with a supervisor PIN on the spot the refund goes out once, recorded with both ids', async () => {
    const r = await terminal();
    await signInAs(r, CASHIER, 'c');
    const out = await r.call(
      'invalidateCode',
      {
        code: CODES[1],
        reason: 'customer_refund',
        confirmed: true,
        supervisor: { id: SUPERVISOR.id, pin: SUPERVISOR.pin },
      },
      'c',
    );
    expect(out).toMatchObject({
      outcome: 'invalidated',
      item: { operatorId: CASHIER.id, supervisorId: SUPERVISOR.id },
    });
    expectRowsMatchTruth(r, CODES[1]!);
  });

  it('cannot list, retry or cancel queued refunds, nor rename codes or change settings', async () => {
    const r = await terminal({ retryMinMs: 10_000, retryMaxMs: 10_000 });
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'errcode', errcode: 45009 });
    const q = await r.call('invalidateCode', {
      code: CODES[2],
      reason: 'other',
      note: 'x',
      confirmed: true,
    });
    const id = (q.item as { id: number }).id;
    await signInAs(r, CASHIER, 'c');
    for (const [op, input] of [
      ['listOutbox', {}],
      ['retryOutbox', { id }],
      ['cancelOutbox', { id, why: 'cashier says so' }],
      [
        'officeUpdateCode',
        { cardId: CUSTOM_CARD, code: CUSTOM_CODES[0], newCode: '999000111333', confirmed: true },
      ],
      ['updateSettings', { mode: 'live' }],
    ] as const) {
      expect(await r.fail(op, input, 'c'), op).toMatchObject({ kind: 'forbidden' });
    }
    expect(r.rowsFor(CODES[2]!)[0]!.state).toBe('queued');
  });

  it('an unauthenticated caller can do nothing that writes', async () => {
    const r = await terminal();
    expect(await r.fail('redeemCode', { code: CODES[3] }, 'stranger')).toMatchObject({
      kind: 'forbidden',
    });
    expect(
      await r.fail(
        'invalidateCode',
        {
          code: CODES[3],
          reason: 'customer_refund',
          confirmed: true,
          supervisor: { id: MANAGER.id, pin: MANAGER.pin },
        },
        'stranger',
      ),
    ).toMatchObject({ kind: 'forbidden' });
    for (const p of SENDS) expect(r.sandbox.sim.callCount(p)).toBe(0);
  });
});

describe('attack: inputs at each limit', () => {
  it.each([
    ['65 characters', 'A'.repeat(65)],
    ['empty', ''],
    ['full-width digits', '１７８８４７６６０３３２'],
    ['Chinese', '优惠券一二三'],
    ['emoji', '😀178847660332'],
    ['SQL', "178847660332' OR 1=1 --"],
    ['spaces only', '    '],
    ['a number, not a string', 178847660332],
    ['lone surrogate', '\ud800178847660332'],
  ])('redeem with %s: nothing is sent, nothing is left open', async (_name, code) => {
    const r = await terminal();
    const res = (await r.raw('redeemCode', { code })) as {
      ok: boolean;
      value?: { outcome: string };
    };
    if (res.ok) expect(['rejected', 'failed']).toContain(res.value!.outcome);
    expect(r.sandbox.sim.callCount('/card/code/consume')).toBe(0);
    expect(
      r.rows().filter((x) => ['queued', 'sending', 'settling'].includes(x.state as string)),
    ).toHaveLength(0);
  });

  it('a scanner-noisy copy of a code in flight is the same code: blocked, one consume', async () => {
    const r = await terminal();
    const code = CODES[4]!;
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'latency', ms: 200 });
    const outs = await Promise.all(
      [
        code,
        `${code}\r\n`,
        `\u200b${code}`,
        ` ${code.slice(0, 6)}\u00ad${code.slice(6)}`,
        `\ufeff${code}`,
      ].map((c) => r.raw('redeemCode', { code: c })),
    );
    expect(
      outs.filter(
        (o) => (o as { ok: boolean; value?: { outcome: string } }).value?.outcome === 'redeemed',
      ),
    ).toHaveLength(1);
    expect(applied(r.sandbox, code, 'consume')).toHaveLength(1);
  });

  it.each([
    [
      '64 bytes exactly (customer_refund 12 + sep 3 + 49 ASCII)',
      'customer_refund',
      'n'.repeat(49),
      true,
    ],
    ['65 bytes', 'customer_refund', 'n'.repeat(50), false],
    ['16 Chinese characters with other (6+3+48 bytes)', 'other', '一'.repeat(16), true],
    ['12 emoji (48 bytes) with customer_refund', 'customer_refund', '😀'.repeat(12), true],
    ['13 emoji', 'customer_refund', '😀'.repeat(13), false],
    ['padding spaces around a fitting note', 'customer_refund', `   ${'n'.repeat(49)}      `, true],
    ['a lone surrogate', 'customer_refund', 'ok\ud800', true],
    ['only spaces with other', 'other', '     ', false],
    ['control characters', 'wrong_item', 'a\u0000b\u0007c\nd', true],
  ] as const)(
    'refund note %s: refused before queueing, or accepted by WeChat as sent',
    async (_n, reason, note, fits) => {
      const r = await terminal();
      const code = CODES[5]!;
      const res = (await r.raw('invalidateCode', { code, reason, note, confirmed: true })) as {
        ok: boolean;
        value?: { outcome: string };
        error?: { kind: string };
      };
      if (!fits) {
        expect(res.ok).toBe(false);
        expect(r.rows()).toHaveLength(0);
        expect(r.sandbox.sim.callCount('/card/code/unavailable')).toBe(0);
        return;
      }
      // Accepted here means WeChat never refuses it for its length (45021) or form (47001).
      expect(res).toMatchObject({ ok: true, value: { outcome: 'invalidated' } });
      expect(
        Buffer.byteLength(r.sandbox.sim.code(code)!.unavailable_reason!, 'utf8'),
      ).toBeLessThanOrEqual(64);
    },
  );

  it('cardId of another card on a plain code: refused by WeChat, nothing applied, the code still redeems once', async () => {
    const r = await terminal();
    const code = CODES[6]!;
    expect(await r.call('redeemCode', { code, cardId: CUSTOM_CARD })).toMatchObject({
      outcome: 'rejected',
    });
    expect(r.sandbox.sim.code(code)?.status).toBe('NORMAL');
    expect(await r.call('redeemCode', { code })).toMatchObject({ outcome: 'redeemed' });
    expectRowsMatchTruth(r, code);
  });

  it('a 33-character cardId is refused by the contract', async () => {
    const r = await terminal();
    expect(await r.fail('redeemCode', { code: CODES[7], cardId: 'p'.repeat(33) })).toMatchObject({
      kind: 'invalid_input',
    });
    expect(r.rows()).toHaveLength(0);
  });
});

describe('attack: custom-code cards and encrypted codes', () => {
  it('a custom code redeemed without its card id is refused and not applied; with it, once', async () => {
    const r = await terminal();
    const code = CUSTOM_CODES[1]!;
    await r.call('updateSettings', { customCodeCardIds: [CUSTOM_CARD] });
    expect(await r.call('redeemCode', { code })).toMatchObject({ outcome: 'rejected' });
    expect(r.sandbox.sim.code(code)?.status).toBe('NORMAL');
    expect(await r.call('redeemCode', { code, cardId: CUSTOM_CARD })).toMatchObject({
      outcome: 'redeemed',
    });
    expectRowsMatchTruth(r, code);
  });

  it('a custom code whose consume answer is lost settles through the card id', async () => {
    const r = await terminal();
    const code = CUSTOM_CODES[2]!;
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'applied_5xx' });
    expect(await r.call('redeemCode', { code, cardId: CUSTOM_CARD })).toMatchObject({
      outcome: 'unknown',
    });
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('settled');
    expectRowsMatchTruth(r, code);
  });

  it('an encrypted code and its plain code at once: one consume', async () => {
    const r = await terminal();
    const code = CODES[8]!;
    const enc = r.sandbox.sim.encryptCode(code);
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'latency', ms: 150 });
    const outs = await Promise.all([
      r.raw('redeemCode', { code }),
      r.raw('invalidateCode', {
        code: enc.slice(0, 64),
        reason: 'customer_refund',
        confirmed: true,
      }),
      r.raw('redeemCode', { code }),
    ]);
    expect(outs.length).toBe(3);
    expect(r.sandbox.sim.appliedWrites().filter((w) => w.code === code)).toHaveLength(1);
    expectRowsMatchTruth(r, code);
  });
});
