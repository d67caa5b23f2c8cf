/**
 * The store's time zone, not the machine's: a terminal running on a machine set to New York
 * for a store in Shanghai computes the cashier's "today", the journal's days and a coupon's
 * weekday rule in Shanghai time; a manager's change of the zone applies at once, without a
 * restart, and is in the journal. Real services, real sandbox, real SQLite.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../electron/host/dispatch';
import { listDemoCodes, startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../electron/services';
import type { AuditRecord } from '../../shared/audit';

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
const CASHIER = { id: 'ann', name: 'Ann', pin: '1357' };
/** Friday 27 November 2026, 15:00 in Shanghai; 02:00 in New York; Thursday 23:00 in Los Angeles. */
const NOW = Date.parse('2026-11-27T07:00:00Z');
const SHANGHAI_MIDNIGHT = Date.parse('2026-11-26T16:00:00Z');
const LOS_ANGELES_MIDNIGHT = Date.parse('2026-11-26T08:00:00Z');

const machineZone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'America/New_York';
});
afterAll(() => {
  if (machineZone === undefined) delete process.env.TZ;
  else process.env.TZ = machineZone;
});

const open: { t: TerminalServices; sandbox: RunningSandbox }[] = [];
afterEach(async () => {
  for (const { t, sandbox } of open.splice(0)) {
    await t.close();
    await sandbox.close();
  }
});

async function terminal() {
  const sandbox = await startSandbox({ port: 0 });
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'carddesk-tz-')),
    osLocale: 'en',
    sandbox,
    now: () => NOW,
  });
  open.push({ t, sandbox });
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const call = async (name: string, input: unknown, client = 'office') => {
    const res = await dispatch(name, input, { clientId: client });
    if (!res.ok) throw Object.assign(new Error(res.error.key), { info: res.error });
    return res.value as Record<string, unknown>;
  };
  await call('completeSetup', {
    terminalName: 'T',
    terminalId: 'T-9',
    storeName: 'S',
    language: 'en',
    mode: 'sandbox',
    manager: MANAGER,
  });
  await call('addOperator', { ...CASHIER, role: 'cashier' });
  await call('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin }, 'till');
  return { t, call };
}

describe('the store time zone', () => {
  it('is the machine’s zone nowhere: today, day boundaries and weekday rules follow the setting', async () => {
    // The machine really is in New York for this test.
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/New_York');
    expect(new Date(NOW).getHours()).toBe(2);
    const { t, call } = await terminal();
    const weekdayOnly = listDemoCodes().find(
      (c) => c.redeemable && c.weekdays.length === 5 && !c.use_custom_code,
    );
    expect(weekdayOnly).toBeDefined();
    const code = weekdayOnly?.code ?? '';

    // Set up without a zone: Asia/Shanghai, told to every screen.
    expect(await call('getTerminalConfig', {})).toMatchObject({ timeZone: 'Asia/Shanghai' });
    const info = await call('reviewInfo', {}, 'till');
    expect(info).toMatchObject({ timeZone: 'Asia/Shanghai' });
    // The cashier's shift starts at midnight in Shanghai (not New York's 05:00 UTC).
    expect(info.scope).toMatchObject({ own: true, since: SHANGHAI_MIDNIGHT });
    const summary = await call('auditSummary', { from: SHANGHAI_MIDNIGHT, to: NOW }, 'till');
    expect(summary).toMatchObject({ timeZone: 'Asia/Shanghai' });
    // Friday 15:00 in Shanghai is inside Mon-Fri 10:00-22:00: no weekday warning (in New York
    // it is 02:00, outside the hours).
    const friday = await call('lookupCode', { code, source: 'manual' }, 'till');
    expect(friday).toMatchObject({ kind: 'redeemable' });
    expect((friday.warnings as { kind: string }[]).map((w) => w.kind)).not.toContain('weekday');

    // The manager moves the store to Los Angeles: no restart.
    await call('updateSettings', { timeZone: 'America/Los_Angeles' });
    expect(await call('getTerminalConfig', {})).toMatchObject({ timeZone: 'America/Los_Angeles' });
    const after = await call('reviewInfo', {}, 'till');
    expect(after).toMatchObject({
      timeZone: 'America/Los_Angeles',
      scope: { since: LOS_ANGELES_MIDNIGHT },
    });
    const thursday = await call('lookupCode', { code, source: 'manual' }, 'till');
    expect(thursday.warnings).toContainEqual(
      expect.objectContaining({ kind: 'weekday', today: 'THURSDAY' }),
    );

    // The change is in the journal, before and after.
    const changes = t.audit
      .search({ actions: ['settings_change'] }, { limit: 10 })
      .rows.map((r: AuditRecord) => r.detail as Record<string, unknown>);
    expect(changes).toContainEqual(
      expect.objectContaining({
        changes: { timeZone: { before: 'Asia/Shanghai', after: 'America/Los_Angeles' } },
      }),
    );
  });

  it('refuses a zone that does not exist, and saves nothing', async () => {
    const { t, call } = await terminal();
    const before = t.audit.search({ actions: ['settings_change'] }, { limit: 10 }).rows.length;
    for (const bad of ['Mars/Olympus', '+08:00', '', 'Asia/Shanghai; rm -rf /']) {
      const err = await call('updateSettings', { timeZone: bad }).catch(
        (e: { info: unknown }) => e.info,
      );
      expect(err, bad).toMatchObject({
        kind: 'invalid_input',
        params: { detail: 'timeZone: a time zone name such as Asia/Shanghai' },
      });
    }
    expect(await call('getTerminalConfig', {})).toMatchObject({ timeZone: 'Asia/Shanghai' });
    expect(t.audit.search({ actions: ['settings_change'] }, { limit: 10 }).rows).toHaveLength(
      before,
    );
  });
});
