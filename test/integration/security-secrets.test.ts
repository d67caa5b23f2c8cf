/**
 * Issue 16, secrets: a stored AppSecret or token-service credential goes only to the address it
 * was entered for. A manager (or a process holding the page's secret) tries to send it to a
 * server of theirs (a recorder on this computer) by testing a connection, by saving a new API
 * base URL or token-service URL, or by editing settings.json behind the terminal's back. Live
 * mode talks https, or plain http to this computer only; a base URL not WeChat's needs an
 * audited confirmation. The WeChat here is the built-in sandbox over HTTP on loopback.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../electron/services';
import {
  createKeyFileProtector,
  createSecretStore,
} from '../../electron/services/account/secret-store';
import { WeChatConnection } from '../../electron/services/wechat-connection';
import { withEndpoints } from '../../electron/services/account/secret-endpoints';
import { Settings } from '../../shared/settings';
import { startRecorder, type Recorder } from './security-recorder';

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
const CODE = '178847660332';
const open: TerminalServices[] = [];
const servers: { close(): Promise<unknown> }[] = [];

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  for (const s of servers.splice(0)) await s.close();
});

type Answer =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: { kind: string; key: string; params: Record<string, unknown> } };

async function start(dir: string, sandbox: RunningSandbox) {
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    sandbox,
  });
  open.push(t);
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const raw = (name: string, input: unknown, client = 'office') =>
    dispatch(name, input, { clientId: client }) as Promise<Answer>;
  const must = async (name: string, input: unknown, client?: string) => {
    const res = await raw(name, input, client);
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value;
  };
  return { t, raw, must };
}

/**
 * A Live terminal whose AppSecret was entered for `wechat` (the built-in sandbox standing in
 * for WeChat, on loopback), and the attacker's recorder.
 */
async function live() {
  const wechat = await startSandbox({ port: 0 });
  const evil = await startRecorder();
  servers.push(wechat, evil);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-secrets-'));
  const term = await start(dir, wechat);
  await term.must('completeSetup', {
    terminalName: 'Counter 1',
    terminalId: 'T-01',
    storeName: 'Xuhui',
    language: 'en',
    mode: 'live',
    live: { provider: 'stable_token', appId: wechat.app.appid },
    appSecret: wechat.app.secret,
    manager: MANAGER,
  });
  await term.must('updateSettings', {
    api: { baseUrl: wechat.url, connectTimeoutMs: 500, totalTimeoutMs: 1_000 },
    appSecret: wechat.app.secret,
    confirmCustomBaseUrl: true,
  });
  const secret = wechat.app.secret;
  return {
    wechat,
    evil,
    dir,
    term,
    secret,
    liveSettings: {
      provider: 'stable_token' as const,
      appId: wechat.app.appid,
      tokenServiceUrl: '',
    },
  };
}

const api = (baseUrl: string) => ({ baseUrl, connectTimeoutMs: 500, totalTimeoutMs: 1_000 });

function expectNothingReached(evil: Recorder, secret: string) {
  expect(evil.sawSecret(secret)).toBe(false);
  expect(evil.requests).toEqual([]);
}

describe('attack: sending the stored AppSecret to another host', () => {
  it('testConnection with another URL and no secret typed: the stored one is not sent', async () => {
    const { term, evil, secret, liveSettings, wechat } = await live();
    const answer = await term.must('testConnection', {
      mode: 'live',
      live: liveSettings,
      baseUrl: evil.url,
    });
    expect(answer).toMatchObject({ ok: false, key: 'errors.app_secret_other_endpoint' });
    expectNothingReached(evil, secret);
    // The address it was entered for still works with it; a secret typed for the new address
    // is the manager's own, and goes where they said.
    expect(
      await term.must('testConnection', { mode: 'live', live: liveSettings, baseUrl: wechat.url }),
    ).toMatchObject({ ok: true });
    await term.must('testConnection', {
      mode: 'live',
      live: liveSettings,
      baseUrl: evil.url,
      appSecret: 'typed-for-this-test',
    });
    expect(evil.sawSecret('typed-for-this-test')).toBe(true);
    expect(evil.sawSecret(secret)).toBe(false);
  });

  it('saving a new API base URL needs the AppSecret typed again in the same request', async () => {
    const { term, evil, secret, wechat, dir } = await live();
    expect(
      await term.raw('updateSettings', { api: api(evil.url), confirmCustomBaseUrl: true }),
    ).toMatchObject({
      ok: false,
      error: { key: 'errors.app_secret_retype', params: { url: evil.url } },
    });
    // Nothing changed: the counter still checks codes against WeChat with the secret.
    const saved = JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as Settings;
    expect(saved.api.baseUrl).toBe(wechat.url);
    expect(await term.must('lookupCode', { code: CODE })).toMatchObject({ kind: 'redeemable' });
    // A secret set separately is entered for the saved address, not for a later one.
    await term.must('setSecret', { name: 'appSecret', value: secret });
    expect(
      await term.raw('updateSettings', { api: api(evil.url), confirmCustomBaseUrl: true }),
    ).toMatchObject({ ok: false, error: { key: 'errors.app_secret_retype' } });
    expectNothingReached(evil, secret);
  });

  it('a base URL other than WeChat’s needs the confirmation, which is audited', async () => {
    const { term, evil, secret } = await live();
    const other = await startSandbox({ port: 0 });
    servers.push(other);
    expect(
      await term.raw('updateSettings', { api: api(other.url), appSecret: other.app.secret }),
    ).toMatchObject({
      ok: false,
      error: { key: 'errors.custom_base_url_unconfirmed', params: { url: other.url } },
    });
    await term.must('updateSettings', {
      api: api(other.url),
      appSecret: other.app.secret,
      confirmCustomBaseUrl: true,
    });
    const record = term.t.audit.search({ actions: ['settings_change'] }, { limit: 1 }).rows[0]!;
    expect(record.detail).toMatchObject({
      confirmed_base_url: other.url,
      typed_again: ['appSecret'],
      changes: { 'api.baseUrl': { before: expect.any(String), after: other.url } },
    });
    expect(JSON.stringify(record)).not.toContain(other.app.secret);
    // Back to WeChat's own address needs no confirmation (the secret is typed for it).
    await term.must('updateSettings', {
      api: api('https://api.weixin.qq.com'),
      appSecret: 'the-real-wechat-secret',
    });
    expectNothingReached(evil, secret);
  });

  it('Live mode refuses plain http except to this computer', async () => {
    const { term, liveSettings, secret, evil } = await live();
    for (const url of [
      'http://198.51.100.7',
      'http://api.weixin.qq.com',
      'http://127.0.0.2:8080',
    ]) {
      expect(
        await term.raw('updateSettings', {
          api: api(url),
          appSecret: secret,
          confirmCustomBaseUrl: true,
        }),
        url,
      ).toMatchObject({ ok: false, error: { key: 'errors.endpoint_not_secure', params: { url } } });
      expect(
        await term.must('testConnection', {
          mode: 'live',
          live: liveSettings,
          baseUrl: url,
          appSecret: 'typed',
        }),
      ).toMatchObject({ ok: false, key: 'errors.endpoint_not_secure' });
    }
    // Loopback by name and by IPv6 are this computer (the chaos suite's sandbox is one).
    for (const url of [
      evil.url.replace('127.0.0.1', 'localhost'),
      evil.url.replace('127.0.0.1', '[::1]'),
    ]) {
      expect(
        await term.raw('updateSettings', {
          api: api(url),
          appSecret: 'x',
          confirmCustomBaseUrl: true,
        }),
        url,
      ).toMatchObject({ ok: true });
    }
    // In Sandbox mode the address is not used: nothing to refuse.
    expect(
      await term.raw('updateSettings', { mode: 'sandbox', api: api('http://198.51.100.7') }),
    ).toMatchObject({ ok: true });
  });

  it('settings.json edited behind the terminal’s back: the stored secret is not sent to the new address', async () => {
    const { term, evil, secret, dir, wechat } = await live();
    open.splice(open.indexOf(term.t), 1);
    await term.t.close();
    const file = path.join(dir, 'settings.json');
    const s = JSON.parse(readFileSync(file, 'utf8')) as Settings;
    writeFileSync(file, JSON.stringify({ ...s, api: { ...s.api, baseUrl: evil.url } }));
    const again = await start(dir, wechat);
    await again.must('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
    // The cashier sees "could not check", with why: the secret belongs to another address.
    expect(await again.must('lookupCode', { code: CODE })).toMatchObject({
      kind: 'could_not_check',
      error: { key: 'errors.app_secret_other_endpoint', params: { url: evil.url } },
    });
    expectNothingReached(evil, secret);
    // The manager sees why, and which address the secret belongs to.
    expect(await again.must('getSettings', {})).toMatchObject({
      secrets: { appSecret: true },
      secretEndpoints: { appSecret: wechat.url },
    });
  });
});

describe('attack: sending the token-service credentials to another host', () => {
  it('a new token-service URL needs the credentials typed again; a test elsewhere does not send them', async () => {
    const { term, evil } = await live();
    const service = await startRecorder();
    servers.push(service);
    const AUTH = 'Basic c2VydmljZTpzM2NyZXQ=';
    const serviceLive = {
      provider: 'token_service',
      appId: '',
      tokenServiceUrl: `${service.url}/token`,
    };
    await term.must('updateSettings', { live: serviceLive, tokenServiceAuth: AUTH });
    expect(
      term.t.audit.search({ actions: ['settings_change'] }, { limit: 1 }).rows[0]!.detail,
    ).toMatchObject({
      typed_again: ['tokenServiceAuth'],
    });
    // The credentials are used with the service they were entered for...
    await term.must('testConnection', { mode: 'live', live: serviceLive });
    expect(service.sawSecret(AUTH)).toBe(true);
    // ...and not with another one, by test or by saving.
    const evilLive = { ...serviceLive, tokenServiceUrl: `${evil.url}/token` };
    expect(await term.must('testConnection', { mode: 'live', live: evilLive })).toMatchObject({
      ok: false,
      key: 'errors.token_service_auth_other_endpoint',
    });
    expect(await term.raw('updateSettings', { live: evilLive })).toMatchObject({
      ok: false,
      error: { key: 'errors.token_service_auth_retype' },
    });
    expect(evil.sawSecret(AUTH)).toBe(false);
    expect(evil.requests).toEqual([]);
  });
});

describe('the binding itself', () => {
  it('set-up never uses a stored secret, even for the address it was entered for', async () => {
    const wechat = await startSandbox({ port: 0 });
    servers.push(wechat);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-secrets-'));
    const secrets = createSecretStore(
      path.join(dir, 'secrets.json'),
      createKeyFileProtector(path.join(dir, 'secret.key')),
    );
    withEndpoints(secrets).set('appSecret', wechat.app.secret, wechat.url);
    const connection = new WeChatConnection({
      dataDir: dir,
      secrets,
      protector: createKeyFileProtector(path.join(dir, 'secret.key')),
      sandbox: wechat,
    });
    const input = {
      mode: 'live' as const,
      live: { provider: 'stable_token' as const, appId: wechat.app.appid, tokenServiceUrl: '' },
      baseUrl: wechat.url,
    };
    const settings = Settings.parse({ terminal: { name: 'x', id: 'x' }, store: { name: 'x' } });
    expect(await connection.test(input, settings, { stored: false })).toMatchObject({
      ok: false,
      key: 'errors.live_credentials_missing',
    });
    expect(wechat.sim.callCount('/cgi-bin/stable_token')).toBe(0);
    expect(await connection.test(input, settings, { stored: true })).toMatchObject({ ok: true });
    await connection.close();
  });

  it('a client is reused only while the settings and the secrets stay as they were', async () => {
    const wechat = await startSandbox({ port: 0 });
    const evil = await startRecorder();
    servers.push(wechat, evil);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-secrets-'));
    const protector = createKeyFileProtector(path.join(dir, 'secret.key'));
    const secrets = createSecretStore(path.join(dir, 'secrets.json'), protector);
    const bound = withEndpoints(secrets);
    bound.set('appSecret', wechat.app.secret, wechat.url);
    const connection = new WeChatConnection({ dataDir: dir, secrets, protector, sandbox: wechat });
    const settings = Settings.parse({
      terminal: { name: 'x', id: 'x' },
      store: { name: 'x' },
      mode: 'live',
      live: { provider: 'stable_token', appId: wechat.app.appid },
      api: api(wechat.url),
    });
    const first = await connection.client(settings);
    expect(await connection.client(settings)).toBe(first);
    expect(await first.codeGet({ code: CODE })).toMatchObject({ openid: expect.any(String) });

    // The same settings object, the secret now bound to another address: not the old client,
    // and the new one refuses rather than send it to WeChat's address.
    bound.set('appSecret', wechat.app.secret, evil.url);
    await expect(connection.client(settings)).rejects.toMatchObject({
      key: 'errors.app_secret_other_endpoint',
    });
    // Bound back to WeChat's address, with another value: a client built for it, then reused.
    bound.set('appSecret', `${wechat.app.secret}-new`, wechat.url);
    const third = await connection.client(settings);
    expect(third).not.toBe(first);
    expect(await connection.client(settings)).toBe(third);
    // Equal settings in a new object (a save): checked again, and the same configuration.
    expect(await connection.client(Settings.parse(settings))).toBe(third);
    expectNothingReached(evil, wechat.app.secret);
    await connection.close();
  });

  it('a secret saved by an earlier version is bound, at start-up, to where it was being sent', async () => {
    const { term, dir, wechat, evil, secret } = await live();
    open.splice(open.indexOf(term.t), 1);
    await term.t.close();
    // As an earlier CardDesk stored it: the value alone.
    createSecretStore(
      path.join(dir, 'secrets.json'),
      createKeyFileProtector(path.join(dir, 'secret.key')),
    ).set('appSecret', secret);
    const again = await start(dir, wechat);
    await again.must('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
    expect(await again.must('getSettings', {})).toMatchObject({
      secretEndpoints: { appSecret: wechat.url },
    });
    expect(await again.must('lookupCode', { code: CODE })).toMatchObject({ kind: 'redeemable' });
    expect(
      await again.raw('updateSettings', { api: api(evil.url), confirmCustomBaseUrl: true }),
    ).toMatchObject({ ok: false, error: { key: 'errors.app_secret_retype' } });
  });
});
