/**
 * The counter's host side against the real sandbox and a real audit log, through the
 * contract: decrypting encrypted codes, custom-code cards, the card cache, redemption at most
 * once, settlement after a restart, and the connection test's messages.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../electron/services';

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
const open: { t: TerminalServices; sb?: RunningSandbox }[] = [];

async function terminal(opts: { dir?: string; sandbox?: RunningSandbox } = {}) {
  const sandbox = opts.sandbox ?? (await startSandbox({ port: 0 }));
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'carddesk-counter-'));
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    sandbox,
    writeTimings: { retryMinMs: 50, retryMaxMs: 200, settleWindowMs: 300 },
  });
  open.push({ t, ...(opts.sandbox ? {} : { sb: sandbox }) });
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const call = async (name: string, input: unknown) => {
    const res = await dispatch(name, input, { clientId: 'till' });
    if (!res.ok) throw Object.assign(new Error(res.error.key), { info: res.error });
    return res.value as Record<string, unknown>;
  };
  if (!opts.dir) {
    await call('completeSetup', {
      terminalName: 'T',
      terminalId: 'T-9',
      storeName: 'S',
      language: 'en',
      mode: 'sandbox',
      manager: MANAGER,
    });
  } else {
    await call('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
  }
  return { t, sandbox, dir, call };
}

afterEach(async () => {
  for (const { t, sb } of open.splice(0)) {
    await t.close();
    await sb?.close();
  }
});

describe('lookup', () => {
  it('decrypts an encrypted code first', async () => {
    const { sandbox, call } = await terminal();
    const encrypted = sandbox.sim.encryptCode('178847660332');
    const v = await call('lookupCode', { code: encrypted, source: 'scanner' });
    expect(v).toMatchObject({ kind: 'redeemable', code: '178847660332' });
    expect(sandbox.sim.callCount('/card/code/decrypt')).toBe(1);
  });

  it('finds custom codes through the configured card ids', async () => {
    const { call } = await terminal();
    const CUSTOM = '428653249747';
    expect(await call('lookupCode', { code: CUSTOM })).toMatchObject({ kind: 'unknown_code' });
    await call('updateSettings', { customCodeCardIds: ['pSBXMYRCBl1ifCv12j1cNZuJGQq-'] });
    expect(await call('lookupCode', { code: CUSTOM })).toMatchObject({
      kind: 'redeemable',
      cardId: 'pSBXMYRCBl1ifCv12j1cNZuJGQq-',
    });
    // Redeeming sends the card id the custom code needs.
    expect(
      await call('redeemCode', { code: CUSTOM, cardId: 'pSBXMYRCBl1ifCv12j1cNZuJGQq-' }),
    ).toMatchObject({
      outcome: 'redeemed',
    });
  });

  it('a repeat scan of the same card costs one round trip (card/get is cached)', async () => {
    const { sandbox, call } = await terminal();
    await call('lookupCode', { code: '178847660332' });
    const gets = sandbox.sim.callCount('/card/get');
    await call('lookupCode', { code: '174551011028' });
    await call('lookupCode', { code: '616099591650' });
    expect(sandbox.sim.callCount('/card/get')).toBe(gets);
  });

  it('garbage never reaches WeChat and is still in the log', async () => {
    const { t, sandbox, call } = await terminal();
    expect(await call('lookupCode', { code: '<script>' })).toMatchObject({ kind: 'invalid_scan' });
    expect(sandbox.sim.callCount('/card/code/get')).toBe(0);
    expect(t.audit.search({ actions: ['lookup'] }).rows[0]).toMatchObject({
      outcome: 'rejected',
      detail: { verdict: 'invalid_scan' },
    });
  });

  it('garbage is shown as it was read, never as an empty code line (issue 18)', async () => {
    const { sandbox, call } = await terminal();
    expect(await call('lookupCode', { code: ' abc!! ' })).toMatchObject({
      kind: 'invalid_scan',
      code: '',
      read: 'abc!!',
    });
    const long = await call('lookupCode', { code: `x\u0007${'!'.repeat(100)}` });
    expect(long).toMatchObject({ kind: 'invalid_scan', read: `x\ufffd${'!'.repeat(62)}…` });
    expect(sandbox.sim.callCount('/card/code/get')).toBe(0);
  });
});

describe('redeem', () => {
  it('at most once: a second redeem of the same code is answered from WeChat, not resent blindly', async () => {
    const { sandbox, call } = await terminal();
    const [a, b] = await Promise.all([
      call('redeemCode', { code: '178847660332' }),
      call('redeemCode', { code: '178847660332' }),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(['busy', 'redeemed']);
    expect(sandbox.sim.callCount('/card/code/consume')).toBe(1);
    const again = await call('redeemCode', { code: '178847660332' });
    expect(again).toMatchObject({
      outcome: 'rejected',
      verdict: { kind: 'already_redeemed', redeemedHere: { operatorName: 'Boss' } },
    });
  });
});

describe('connection test', () => {
  it('reports success in Sandbox mode and the exact errcode for a wrong secret', async () => {
    const { sandbox, call } = await terminal();
    expect(await call('testConnection', { mode: 'sandbox' })).toMatchObject({
      ok: true,
      key: 'errors.connection_ok',
    });
    const wrong = await call('testConnection', {
      mode: 'live',
      live: {
        provider: 'stable_token',
        appId: sandbox.app.appid.padEnd(18, '0').slice(0, 18),
        tokenServiceUrl: '',
      },
      appSecret: 'not-the-secret',
      baseUrl: sandbox.url,
    });
    expect(wrong).toMatchObject({ ok: false });
    expect([40125, 40013]).toContain(wrong.errcode);
    expect(String(wrong.key)).toMatch(/^wechat\.errcode_/);
    expect(JSON.stringify(wrong)).not.toContain('not-the-secret');
  });
});
