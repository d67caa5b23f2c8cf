import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/host/dispatch';
import { createTerminalServices } from '../../../electron/services';
import { OperatorStore } from '../../../electron/services/account/operators';
import { opNames, contract } from '../../../shared/contract';
import type { AuditRecord } from '../../../shared/audit';

const SETUP = {
  terminalName: 'Counter 1',
  terminalId: 'T-01',
  storeName: '徐汇店',
  language: 'zh-CN' as const,
  mode: 'live' as const,
  live: { provider: 'stable_token' as const, appId: 'wx1234567890abcdef', tokenServiceUrl: '' },
  appSecret: 'APPSECRET-0123456789abcdef',
  manager: { id: 'boss', name: '王经理', pin: '246810' },
};

/** Every record of the terminal's real audit log, oldest first. */
function auditRecords(t: {
  audit: { search(f: object, p: { limit: number }): { rows: AuditRecord[] } };
}) {
  return t.audit.search({}, { limit: 500 }).rows.reverse();
}

async function terminal(dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-acct-'))) {
  let clock = Date.parse('2026-11-25T10:00:00Z');
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    now: () => clock,
  });
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const call = (name: string, input: unknown, client = 'c1') =>
    dispatch(name, input, { clientId: client });
  return { t, dir, call, advance: (ms: number) => (clock += ms) };
}

async function setUp() {
  const env = await terminal();
  const res = await env.call('completeSetup', SETUP);
  expect(res).toMatchObject({ ok: true, value: { operator: { id: 'boss', role: 'manager' } } });
  await env.call('addOperator', { id: 'ann', name: 'Ann', role: 'cashier', pin: '1234' });
  await env.call('addOperator', { id: 'sue', name: 'Sue', role: 'supervisor', pin: '5678' });
  return env;
}

describe('first-run set-up', () => {
  it('is offered only while the terminal is not set up', async () => {
    const env = await terminal();
    expect(await env.call('getSetupState', {})).toEqual({ ok: true, value: { needsSetup: true } });
    await env.call('completeSetup', SETUP);
    expect(await env.call('getSetupState', {})).toEqual({ ok: true, value: { needsSetup: false } });
    // A second wizard run from another tab cannot create another manager.
    const again = await env.call(
      'completeSetup',
      { ...SETUP, manager: { id: 'evil', name: 'x', pin: '0000' } },
      'c2',
    );
    expect(again).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('refuses Live mode without credentials', async () => {
    const env = await terminal();
    const { appSecret: _s, ...noSecret } = SETUP;
    expect(await env.call('completeSetup', noSecret)).toMatchObject({
      ok: false,
      error: { key: 'errors.live_credentials_missing' },
    });
    expect(await env.call('getSetupState', {})).toEqual({ ok: true, value: { needsSetup: true } });
  });

  it('validates ids, PINs and AppIDs', async () => {
    const env = await terminal();
    for (const bad of [
      { ...SETUP, manager: { ...SETUP.manager, pin: '12' } },
      { ...SETUP, manager: { ...SETUP.manager, pin: '12ab' } },
      { ...SETUP, terminalId: 'has space' },
      { ...SETUP, live: { ...SETUP.live, appId: 'not-an-appid' } },
    ]) {
      expect(await env.call('completeSetup', bad)).toMatchObject({
        ok: false,
        error: { kind: 'invalid_input' },
      });
    }
  });
});

describe('roles are enforced by the host', () => {
  it('a cashier calling manager-only operations directly is refused', async () => {
    const env = await setUp();
    expect(await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till')).toMatchObject({
      ok: true,
    });
    for (const name of opNames.filter((n) => contract[n].access === 'manager')) {
      const res = await env.call(name, {}, 'till');
      expect(res.ok, name).toBe(false);
    }
    const direct = await env.call(
      'addOperator',
      { id: 'x', name: 'X', role: 'manager', pin: '1111' },
      'till',
    );
    expect(direct).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', key: 'errors.role_required_manager' },
    });
    const settings = await env.call('updateSettings', { mode: 'sandbox' }, 'till');
    expect(settings).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await env.call('lookupCode', { code: '123456789012' }, 'till')).toMatchObject({
      ok: true,
    });
  });

  it('a supervisor is not a manager', async () => {
    const env = await setUp();
    await env.call('signIn', { operatorId: 'sue', pin: '5678' }, 'desk');
    expect(await env.call('listOperators', {}, 'desk')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
  });

  it('the session locks after the idle minutes and a PIN unlocks it', async () => {
    const env = await setUp();
    await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till');
    env.advance(11 * 60_000);
    expect(await env.call('lookupCode', { code: '123456789012' }, 'till')).toMatchObject({
      ok: false,
      error: { key: 'errors.session_locked' },
    });
    expect(await env.call('getSession', {}, 'till')).toMatchObject({
      ok: true,
      value: { locked: true },
    });
    await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till');
    expect(await env.call('lookupCode', { code: '123456789012' }, 'till')).toMatchObject({
      ok: true,
    });
  });

  it('a disabled operator is signed out at the next call', async () => {
    const env = await setUp();
    await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till');
    await env.call('updateOperator', { id: 'ann', disabled: true });
    expect(await env.call('lookupCode', { code: '1' }, 'till')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till')).toMatchObject({
      ok: false,
      error: { key: 'errors.operator_disabled' },
    });
  });

  it('the last manager cannot be disabled or demoted', async () => {
    const env = await setUp();
    // Through the contract a manager cannot demote themselves at all...
    expect(await env.call('updateOperator', { id: 'boss', role: 'cashier' })).toMatchObject({
      ok: false,
      error: { key: 'errors.not_yourself' },
    });
    // ...and the store refuses to leave the terminal without an active manager.
    const store = new OperatorStore(path.join(env.dir, 'operators.json'));
    expect(() => store.update('boss', { disabled: true })).toThrow('errors.last_manager');
  });
});

describe('sign-in', () => {
  it('locks an operator for 5 minutes after 5 wrong PINs, and audits it', async () => {
    const env = await setUp();
    for (let i = 0; i < 4; i++) {
      expect(await env.call('signIn', { operatorId: 'ann', pin: '0000' }, 'till')).toMatchObject({
        ok: false,
        error: { key: 'errors.wrong_pin' },
      });
    }
    expect(await env.call('signIn', { operatorId: 'ann', pin: '0000' }, 'till')).toMatchObject({
      ok: false,
      error: { key: 'errors.operator_locked', params: { minutes: 5 } },
    });
    // Even the right PIN is refused while locked.
    expect(await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till')).toMatchObject({
      ok: false,
      error: { key: 'errors.operator_locked' },
    });
    env.advance(5 * 60_000 + 1);
    expect(await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till')).toMatchObject({
      ok: true,
    });
    const records = auditRecords(env.t).filter((e) => e.operator_id === 'ann');
    const actions = records.map((e) => e.action);
    // The six failures of that minute are one record, written once the minute was over.
    expect(records.filter((e) => e.action === 'sign_in_failed').map((e) => e.detail)).toEqual([
      expect.objectContaining({ count: 6, reasons: { mismatch: 5, locked: 1 } }),
    ]);
    expect(actions.filter((a) => a === 'lockout')).toHaveLength(1);
    expect(actions.at(-1)).toBe('sign_in');
  });

  it('an unknown operator gets the same answer as a wrong PIN', async () => {
    const env = await setUp();
    expect(await env.call('signIn', { operatorId: 'nobody', pin: '1234' })).toMatchObject({
      ok: false,
      error: { key: 'errors.wrong_pin' },
    });
  });

  it('stores PINs only as salted scrypt hashes', async () => {
    const env = await setUp();
    const file = readFileSync(path.join(env.dir, 'operators.json'), 'utf8');
    expect(file).not.toContain('246810');
    expect(file).not.toContain('"1234"');
    const ops = JSON.parse(file).operators as { pin: { salt: string; N: number } }[];
    expect(new Set(ops.map((o) => o.pin.salt)).size).toBe(ops.length);
    expect(ops[0]!.pin.N).toBeGreaterThanOrEqual(16384);
  });
});

describe('secrets', () => {
  it('never appear in any contract response, settings file or audit record', async () => {
    const env = await setUp();
    const responses: unknown[] = [];
    responses.push(await env.call('getSettings', {}));
    responses.push(
      await env.call('setSecret', { name: 'tokenServiceAuth', value: 'Bearer TOKEN-SVC-SECRET' }),
    );
    responses.push(await env.call('updateSettings', { idleLockMinutes: 3 }));
    for (const name of opNames.filter((n) => contract[n].input.safeParse({}).success)) {
      responses.push(await env.call(name, {}));
    }
    const everything = JSON.stringify(responses) + JSON.stringify(auditRecords(env.t));
    expect(everything).not.toContain('APPSECRET-0123456789abcdef');
    expect(everything).not.toContain('TOKEN-SVC-SECRET');
    expect(everything).not.toContain('246810');
    const view = (responses[0] as { value: { secrets: unknown } }).value.secrets;
    expect(view).toEqual({ appSecret: true, tokenServiceAuth: false, centralCredential: false });
    for (const f of readdirSync(env.dir)) {
      const text = readFileSync(path.join(env.dir, f), 'utf8');
      expect(text, f).not.toContain('APPSECRET-0123456789abcdef');
      expect(text, f).not.toContain('TOKEN-SVC-SECRET');
    }
    // The secret survives a restart (encrypted with the key file).
    const restarted = await terminal(env.dir);
    await restarted.call('signIn', { operatorId: 'boss', pin: '246810' });
    expect(await restarted.call('getSettings', {})).toMatchObject({
      ok: true,
      value: { secrets: { appSecret: true, tokenServiceAuth: true }, secretStorage: 'key-file' },
    });
  });

  it('audits settings changes with before and after, secrets masked', async () => {
    const env = await setUp();
    await env.call('updateSettings', { idleLockMinutes: 3 });
    await env.call('setSecret', { name: 'appSecret', value: 'NEW-SECRET-VALUE-1' });
    const changes = auditRecords(env.t).filter((e) => e.action === 'settings_change');
    expect(changes.at(-2)!.detail).toEqual({
      changes: { idleLockMinutes: { before: 10, after: 3 } },
    });
    // The secret is kept with the address it was entered for (the saved API base URL).
    expect(changes.at(-1)!.detail).toEqual({
      setting: 'appSecret',
      before: 'set',
      after: 'set',
      endpoint: 'https://api.weixin.qq.com',
    });
    expect(JSON.stringify(changes)).not.toContain('NEW-SECRET-VALUE-1');
  });
});

describe('a broken settings file', () => {
  it('is reported and the terminal starts in a safe state', async () => {
    const env = await setUp();
    writeFileSync(path.join(env.dir, 'settings.json'), '{"terminal": {"name": 5}, oops');
    const restarted = await terminal(env.dir);
    const state = await restarted.call('getSetupState', {});
    expect(state).toMatchObject({
      ok: true,
      value: { needsSetup: false, problem: expect.stringContaining('not valid JSON') },
    });
    const config = await restarted.call('getTerminalConfig', {});
    expect(config).toMatchObject({
      ok: true,
      value: { mode: 'sandbox', scan: { mode: 'check_only' } },
    });
    // A manager can still sign in and repair it by saving.
    await restarted.call('signIn', { operatorId: 'boss', pin: '246810' });
    await restarted.call('updateSettings', {
      terminal: { name: 'Counter 1', id: 'T-01' },
      store: { name: 'Shop' },
    });
    expect(await restarted.call('getSetupState', {})).toEqual({
      ok: true,
      value: { needsSetup: false },
    });
    expect(readdirSync(env.dir).some((f) => f.startsWith('settings.json.broken-'))).toBe(true);
  });

  it('a hand-edited file with a wrong value is reported with the field', async () => {
    const env = await setUp();
    const file = path.join(env.dir, 'settings.json');
    const s = JSON.parse(readFileSync(file, 'utf8'));
    s.idleLockMinutes = -5;
    writeFileSync(file, JSON.stringify(s));
    const restarted = await terminal(env.dir);
    expect(await restarted.call('getSetupState', {})).toMatchObject({
      ok: true,
      value: { problem: expect.stringContaining('idleLockMinutes') },
    });
  });
});

describe('host-side guards a UI could forget', () => {
  it('a damaged operators file does not reopen the wizard', async () => {
    const env = await setUp();
    writeFileSync(path.join(env.dir, 'operators.json'), '{broken');
    const restarted = await terminal(env.dir);
    expect(await restarted.call('getSetupState', {})).toMatchObject({
      ok: true,
      value: { needsSetup: false, problem: expect.stringContaining('not valid JSON') },
    });
    expect(await restarted.call('completeSetup', SETUP)).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
  });

  it('Live mode cannot be switched on, or left, without its credentials', async () => {
    const env = await terminal();
    await env.call('completeSetup', {
      ...SETUP,
      mode: 'sandbox',
      appSecret: undefined,
      live: undefined,
    });
    expect(await env.call('updateSettings', { mode: 'live' })).toMatchObject({
      ok: false,
      error: { key: 'errors.live_credentials_missing' },
    });
    const live = await setUp();
    expect(await live.call('setSecret', { name: 'appSecret', value: null })).toMatchObject({
      ok: false,
      error: { key: 'errors.live_credentials_missing' },
    });
  });

  it('a manager cannot disable or demote themselves', async () => {
    const env = await setUp();
    await env.call('addOperator', { id: 'boss2', name: 'B2', role: 'manager', pin: '9999' });
    expect(await env.call('updateOperator', { id: 'boss', disabled: true })).toMatchObject({
      ok: false,
      error: { key: 'errors.not_yourself' },
    });
    expect(await env.call('updateOperator', { id: 'boss2', role: 'cashier' })).toMatchObject({
      ok: true,
    });
  });

  it('timeouts must make sense together', async () => {
    const env = await setUp();
    const res = await env.call('updateSettings', {
      api: { baseUrl: 'https://api.weixin.qq.com', connectTimeoutMs: 9000, totalTimeoutMs: 5000 },
    });
    expect(res).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
  });
});
