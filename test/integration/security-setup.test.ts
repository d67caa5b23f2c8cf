/**
 * Issue 16, set-up: the wizard hands out a manager session, so it must be offered only to a
 * terminal that was never set up (no operator, no stored secret) and never use what an earlier
 * set-up left behind. Attacks through the contract on real data folders; recovery through the
 * reset tool, which keeps the audit log and its chain.
 */
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../electron/services';
import { resetTerminal } from '../../electron/services/account/terminal-reset';
import { startRecorder } from './security-recorder';

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
const open: TerminalServices[] = [];
const servers: { close(): Promise<unknown> }[] = [];

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  for (const s of servers.splice(0)) await s.close();
});

/** A terminal on `dir`, driven through the contract; nobody is signed in. */
async function start(dir: string, sandbox?: RunningSandbox) {
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    ...(sandbox ? { sandbox } : {}),
  });
  open.push(t);
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const raw = (name: string, input: unknown, client = 'till') =>
    dispatch(name, input, { clientId: client }) as Promise<
      { ok: true; value: Record<string, unknown> } | { ok: false; error: Record<string, unknown> }
    >;
  const must = async (name: string, input: unknown, client?: string) => {
    const res = await raw(name, input, client);
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value;
  };
  return { t, raw, must };
}

async function stop(t: TerminalServices) {
  open.splice(open.indexOf(t), 1);
  await t.close();
}

/** A terminal set up in Live mode, its AppSecret entered for the WeChat `sandbox` stands for. */
async function liveTerminal() {
  const sandbox = await startSandbox({ port: 0 });
  servers.push(sandbox);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-setup-'));
  const term = await start(dir, sandbox);
  await term.must('completeSetup', {
    terminalName: 'Counter 1',
    terminalId: 'T-01',
    storeName: 'Xuhui',
    language: 'en',
    mode: 'live',
    live: { provider: 'stable_token', appId: sandbox.app.appid },
    appSecret: sandbox.app.secret,
    manager: MANAGER,
  });
  await term.must('updateSettings', {
    api: { baseUrl: sandbox.url, connectTimeoutMs: 500, totalTimeoutMs: 1_000 },
    appSecret: sandbox.app.secret,
    confirmCustomBaseUrl: true,
  });
  await term.must('addOperator', { id: 'ann', name: 'Ann', role: 'cashier', pin: '1357' });
  return { sandbox, dir, term };
}

const SETUP_AS_BOSS = {
  terminalName: 'Mine now',
  terminalId: 'EVIL-1',
  storeName: 'x',
  language: 'en',
  mode: 'sandbox',
  manager: { id: MANAGER.id, name: 'Not the boss', pin: '0000' },
};

describe('attack: a missing settings.json reopens the wizard', () => {
  it('completeSetup naming the existing manager with any PIN is refused, and hands out no session', async () => {
    const { dir, term, sandbox } = await liveTerminal();
    await stop(term.t);
    renameSync(path.join(dir, 'settings.json'), path.join(dir, 'settings.json.moved'));
    const again = await start(dir, sandbox);

    expect(await again.must('getSetupState', {})).toEqual({
      needsSetup: false,
      recovery: 'settings_missing',
      problem: expect.stringContaining('settings.json is missing'),
    });
    expect(await again.raw('completeSetup', SETUP_AS_BOSS, 'attacker')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(await again.must('getSession', {}, 'attacker')).not.toHaveProperty('operator');
    // Nor a second manager under a new id.
    const newId = { ...SETUP_AS_BOSS, manager: { id: 'mallory', name: 'M', pin: '0000' } };
    expect(await again.raw('completeSetup', newId, 'attacker')).toMatchObject({ ok: false });
    // Even the signed-in manager is told set-up is over, and how to recover.
    await again.must('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin }, 'office');
    expect(await again.raw('completeSetup', SETUP_AS_BOSS, 'office')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', key: 'errors.already_set_up', params: { dataDir: dir } },
    });
    const ops = (await again.must('listOperators', {}, 'office')) as unknown as { id: string }[];
    expect(ops.map((o) => o.id)).toEqual([MANAGER.id, 'ann']);
    expect(await again.raw('signIn', { operatorId: MANAGER.id, pin: '0000' }, 'x')).toMatchObject({
      ok: false,
    });

    // The way out: the manager saves the settings again.
    await again.must('updateSettings', { terminal: { name: 'Counter 1', id: 'T-01' } }, 'office');
    expect(await again.must('getSetupState', {})).toEqual({ needsSetup: false });
  });

  it('testConnection is no longer open to everyone, and never carries the stored AppSecret to a URL in the request', async () => {
    const { dir, term, sandbox } = await liveTerminal();
    const evil = await startRecorder();
    servers.push(evil);
    await stop(term.t);
    renameSync(path.join(dir, 'settings.json'), path.join(dir, 'settings.json.moved'));
    const again = await start(dir, sandbox);
    const probe = {
      mode: 'live',
      live: { provider: 'stable_token', appId: sandbox.app.appid, tokenServiceUrl: '' },
      baseUrl: evil.url,
    };
    expect(await again.raw('testConnection', probe, 'attacker')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    // A manager may test, but the stored secret stays with the address it was entered for.
    await again.must('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin }, 'office');
    expect(await again.must('testConnection', probe, 'office')).toMatchObject({
      ok: false,
      key: 'errors.app_secret_other_endpoint',
    });
    expect(evil.requests).toEqual([]);
    expect(evil.sawSecret(sandbox.app.secret)).toBe(false);
  });

  it('a terminal with no operator left but its secrets stored is not offered the wizard either', async () => {
    const { dir, term, sandbox } = await liveTerminal();
    await stop(term.t);
    rmSync(path.join(dir, 'operators.json'));
    const again = await start(dir, sandbox);
    expect(await again.must('getSetupState', {})).toEqual({
      needsSetup: false,
      recovery: 'no_operators',
    });
    expect(await again.raw('completeSetup', SETUP_AS_BOSS, 'attacker')).toMatchObject({
      ok: false,
      error: { kind: 'forbidden' },
    });
    expect(
      await again.raw('testConnection', { mode: 'live', baseUrl: sandbox.url }, 'attacker'),
    ).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('two set-ups at once make one manager', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-setup-'));
    const term = await start(dir);
    const setup = (id: string) => ({
      ...SETUP_AS_BOSS,
      manager: { id, name: id, pin: '1234' },
    });
    const answers = await Promise.all([
      term.raw('completeSetup', setup('first'), 'tab-1'),
      term.raw('completeSetup', setup('second'), 'tab-2'),
    ]);
    expect(answers.map((a) => a.ok)).toEqual([true, false]);
    expect(answers[1]).toMatchObject({ ok: false, error: { key: 'errors.already_set_up' } });
    expect(await term.must('getSession', {}, 'tab-2')).not.toHaveProperty('operator');
  });
});

describe('recovery: npm run reset-terminal', () => {
  it('starts over with the wizard, and the audit log keeps its chain and says it was reset', async () => {
    const { dir, term, sandbox } = await liveTerminal();
    const head = term.t.audit.head()!;
    await stop(term.t);

    const done = resetTerminal(dir, { by: 'it@till' });
    expect(done.removed).toEqual(
      expect.arrayContaining(['operators.json', 'settings.json', 'secrets.json', 'secret.key']),
    );
    for (const f of ['operators.json', 'settings.json', 'secrets.json', 'secret.key']) {
      expect(existsSync(path.join(dir, f)), f).toBe(false);
    }

    const fresh = await start(dir, sandbox);
    expect(await fresh.must('getSetupState', {})).toEqual({ needsSetup: true });
    // The old records are all there, the reset after them, the chain intact.
    const reset = fresh.t.audit.get(done.recordId)!;
    expect(reset).toMatchObject({
      action: 'terminal_reset',
      outcome: 'ok',
      detail: expect.objectContaining({ kept: ['audit.db'], by: 'it@till' }),
    });
    expect(done.recordId).toBeGreaterThan(head.id);
    expect(fresh.t.audit.get(head.id)?.hash).toBe(head.hash);
    expect(await fresh.t.audit.verify()).toMatchObject({ ok: true });
    // Set-up works again, and the new terminal has no secret from before.
    await fresh.must('completeSetup', { ...SETUP_AS_BOSS, manager: MANAGER }, 'tab');
    expect(await fresh.must('getSettings', {}, 'tab')).toMatchObject({
      secrets: { appSecret: false, tokenServiceAuth: false },
    });
  });
});
