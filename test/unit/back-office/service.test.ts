/**
 * The back office's handlers through the contract, against the real sandbox: what the platform
 * would refuse is refused before a call, a lost answer is settled by reading back (never by
 * sending again), every call is in the audit log, and the counter sees changed cards at once.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';

const CASH_100 = 'pSBXrx-maWq86um_moXe_HJAlz_6';
const CASH_50 = 'pSBX697EoODa78tHncL8vrD2YgCL';
const MOVIE = 'pSBXkA665jVhKAg3cQ-t11avibIY';

let sandbox: RunningSandbox;
let services: TerminalServices;
let call: (
  name: string,
  input: unknown,
) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>;

beforeEach(async () => {
  sandbox = await startSandbox({ port: 0 });
  services = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'carddesk-office-')),
    osLocale: 'en',
    sandbox,
  });
  const dispatch = createDispatcher({ services: services.services, guard: services.guard });
  call = (name, input) => dispatch(name, input, { clientId: 'c1' });
  const setup = await call('completeSetup', {
    terminalName: 'Counter 1',
    terminalId: 'T-01',
    storeName: 'Store',
    language: 'en',
    mode: 'sandbox',
    manager: { id: 'boss', name: 'Boss', pin: '246810' },
  });
  expect(setup.ok).toBe(true);
});

afterEach(async () => {
  await services.close();
  await sandbox.close();
});

const records = (action: string) =>
  services.audit.search({}, { limit: 200 }).rows.filter((r) => r.action === action);

describe('refused before sending', () => {
  it('a card/update the platform would refuse', async () => {
    const r = await call('officeUpdateCard', {
      cardId: CASH_100,
      cardType: 'CASH',
      fields: { base_info: { notice: '一二三四五六七八九十一二三四五六七', title: 'x' } },
    });
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', key: 'office.errors.update_refused' },
    });
    expect(sandbox.sim.callCount('/card/update')).toBe(0);
    expect(records('card_update')[0]).toMatchObject({ outcome: 'rejected', errcode: null });
  });

  it('stock below zero or over 100,000,000, a wrong title, a batchget over 50', async () => {
    expect(
      await call('officeModifyStock', {
        cardId: CASH_50,
        direction: 'reduce',
        amount: 994,
        confirmed: true,
      }),
    ).toMatchObject({ ok: false, error: { key: 'office.errors.stock_below_zero' } });
    expect(
      await call('officeModifyStock', {
        cardId: CASH_50,
        direction: 'increase',
        amount: 99_999_001,
        confirmed: true,
      }),
    ).toMatchObject({ ok: false, error: { key: 'office.errors.stock_over_max' } });
    expect(await call('officeDeleteCard', { cardId: MOVIE, confirmTitle: '电影票' })).toMatchObject(
      { ok: false, error: { key: 'office.errors.title_mismatch' } },
    );
    expect(await call('officeListCards', { offset: 0, count: 51 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input' },
    });
    expect(sandbox.sim.callCount('/card/modifystock')).toBe(0);
    expect(sandbox.sim.callCount('/card/delete')).toBe(0);
    expect(sandbox.sim.callCount('/card/batchget')).toBe(0);
  });

  it('a report range the platform would refuse', async () => {
    for (const [begin, end, key] of [
      ['2025-03-01', '2025-05-02', 'dates_too_long'],
      ['2025-3-1', '2025-03-02', 'dates_begin_format'],
      ['2025-03-02', '2025-03-01', 'dates_end_before_begin'],
      ['2099-01-01', '2099-01-02', 'dates_not_before_today'],
    ] as const) {
      expect(await call('officeCouponSummary', { begin, end, condSource: 0 }), key).toMatchObject({
        ok: false,
        error: { key: `office.errors.${key}` },
      });
    }
    expect(sandbox.sim.callCount('/datacube/getcardbizuininfo')).toBe(0);
    const ok = await call('officeCouponSummary', {
      begin: '2025-03-01',
      end: '2025-04-30',
      condSource: 0,
    });
    expect(ok).toMatchObject({ ok: true });
    expect((ok.value as { rows: unknown[] }).rows).toHaveLength(61);
  });
});

describe('a lost answer is settled by reading back, never by sending again', () => {
  it('modifystock applied, answer lost: reported done, sent once', async () => {
    sandbox.sim.faults.add({ path: '/card/modifystock', kind: 'lost_response' });
    const r = await call('officeModifyStock', {
      cardId: CASH_50,
      direction: 'increase',
      amount: 5,
      confirmed: true,
    });
    expect(r).toMatchObject({
      ok: true,
      value: { settled: true, before: { total: 1000 }, after: { total: 1005 } },
    });
    expect(sandbox.sim.callCount('/card/modifystock')).toBe(1);
    expect(sandbox.sim.card(CASH_50)?.total_quantity).toBe(1005);
    expect(records('stock_change')[0]).toMatchObject({ outcome: 'settled' });
  });

  it('delete applied, answer lost: reported done', async () => {
    sandbox.sim.faults.add({ path: '/card/delete', kind: 'lost_response' });
    const r = await call('officeDeleteCard', { cardId: MOVIE, confirmTitle: '2D电影票' });
    expect(r).toMatchObject({ ok: true, value: { settled: true } });
    expect(sandbox.sim.card(MOVIE)?.status).toBe('CARD_STATUS_DELETE');
    expect(sandbox.sim.callCount('/card/delete')).toBe(1);
  });

  it('update not applied ("system busy"): outcome unknown, not resent', async () => {
    sandbox.sim.faults.add({ path: '/card/update', kind: 'errcode', errcode: -1 });
    const r = await call('officeUpdateCard', {
      cardId: CASH_100,
      cardType: 'CASH',
      fields: { base_info: { service_phone: '021-1' } },
    });
    expect(r).toMatchObject({ ok: false, error: { kind: 'outcome_unknown' } });
    expect(sandbox.sim.callCount('/card/update')).toBe(1);
    expect(records('card_update')[0]).toMatchObject({ outcome: 'unknown' });
  });
});

describe('after a change', () => {
  it('the counter sees the card as it is now, and the audit log has before and after', async () => {
    expect((await call('signIn', { operatorId: 'boss', pin: '246810' })).ok).toBe(true);
    const before = await call('lookupCode', { code: '178847660332' });
    expect(before).toMatchObject({ value: { card: { notice: '结账时出示二维码' } } });
    const r = await call('officeUpdateCard', {
      cardId: CASH_100,
      cardType: 'CASH',
      fields: { base_info: { notice: '请出示二维码' } },
    });
    expect(r).toMatchObject({ ok: true, value: { sendCheck: true } });
    const after = await call('lookupCode', { code: '178847660332' });
    expect(after).toMatchObject({ value: { card: { notice: '请出示二维码' } } });
    expect(records('card_update')[0]).toMatchObject({
      outcome: 'ok',
      errcode: 0,
      operator_id: 'boss',
      detail: {
        send_check: true,
        review: ['notice'],
        changes: { 'base_info.notice': { before: '结账时出示二维码', after: '请出示二维码' } },
        status_before: 'CARD_STATUS_VERIFY_OK',
        status_after: 'CARD_STATUS_NOT_VERIFY',
      },
    });
  });

  it('a card changed elsewhere since the form was filled is not overwritten', async () => {
    const got = (await call('officeGetCard', { cardId: CASH_100 })) as {
      value: { card: { cash: { base_info: { update_time: number } } } };
    };
    const basedOn = got.value.card.cash.base_info.update_time;
    sandbox.sim.clock.advance(60_000);
    await call('officeModifyStock', {
      cardId: CASH_100,
      direction: 'increase',
      amount: 1,
      confirmed: true,
    });
    const r = await call('officeUpdateCard', {
      cardId: CASH_100,
      cardType: 'CASH',
      fields: { base_info: { service_phone: '021-1' } },
      basedOn,
    });
    expect(r).toMatchObject({ ok: false, error: { key: 'office.errors.card_changed' } });
    expect(sandbox.sim.callCount('/card/update')).toBe(0);
  });
});
