/**
 * Issue 18: a stock change and a custom-code change cannot be undone, so the host, not only the
 * back office's confirm step, insists on `confirmed: true`. A manager (the right role) with an
 * otherwise valid request that skipped the review is refused in words and nothing reaches
 * WeChat; the same request confirmed goes through.
 */
import { describe, expect, it } from 'vitest';
import { CUSTOM_CARD, CUSTOM_CODES, terminal } from './attacks/rig';

const CASH_100 = 'pSBXrx-maWq86um_moXe_HJAlz_6';
const WRITES = ['/card/modifystock', '/card/code/update', '/card/code/get', '/card/get'];

describe('the host enforces the back office confirmation step', () => {
  it('a stock change without confirmed: true is refused, WeChat is never called', async () => {
    const r = await terminal();
    const before = r.sandbox.sim.card(CASH_100)!;
    r.sandbox.sim.resetCounters();
    const stock = { cardId: CASH_100, direction: 'increase', amount: 5 };
    for (const input of [stock, { ...stock, confirmed: false }, { ...stock, confirmed: 'yes' }]) {
      expect(await r.fail('officeModifyStock', input), JSON.stringify(input)).toEqual({
        kind: 'invalid_input',
        key: 'errors.confirmation_required',
        params: {},
      });
    }
    for (const p of WRITES) expect(r.sandbox.sim.callCount(p), p).toBe(0);
    expect(r.sandbox.sim.card(CASH_100)!.total_quantity).toBe(before.total_quantity);

    const done = await r.call('officeModifyStock', { ...stock, confirmed: true });
    expect(done).toMatchObject({ after: { total: (before.total_quantity ?? 0) + 5 } });
    expect(r.sandbox.sim.callCount('/card/modifystock')).toBe(1);
  });

  it('a custom-code change without confirmed: true is refused, the code keeps its value', async () => {
    const r = await terminal();
    const [code] = CUSTOM_CODES as [string];
    r.sandbox.sim.resetCounters();
    const change = { cardId: CUSTOM_CARD, code, newCode: '999000111444' };
    for (const input of [change, { ...change, confirmed: false }]) {
      expect(await r.fail('officeUpdateCode', input)).toEqual({
        kind: 'invalid_input',
        key: 'errors.confirmation_required',
        params: {},
      });
    }
    for (const p of WRITES) expect(r.sandbox.sim.callCount(p), p).toBe(0);
    expect(r.sandbox.sim.code(code)).toBeDefined();
    expect(r.sandbox.sim.code('999000111444')).toBeUndefined();

    expect(await r.call('officeUpdateCode', { ...change, confirmed: true })).toMatchObject({
      oldCode: code,
      newCode: '999000111444',
    });
    expect(r.sandbox.sim.callCount('/card/code/update')).toBe(1);
    expect(r.sandbox.sim.code('999000111444')).toBeDefined();
  });

  it('the refusal is said in both languages, without a schema path', async () => {
    const { resources } = await import('../../shared/i18n');
    const en = (resources.en.translation as unknown as { errors: Record<string, string> }).errors;
    const zh = (resources['zh-CN'].translation as unknown as { errors: Record<string, string> })
      .errors;
    expect(en.confirmation_required).toMatch(/confirm/);
    expect(zh.confirmation_required).toMatch(/确认/);
  });
});
