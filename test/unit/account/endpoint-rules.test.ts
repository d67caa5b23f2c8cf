/**
 * Where secrets and tokens may go (shared/settings.ts, electron/services/account/endpoint-rules.ts and
 * secret-endpoints.ts): https or this computer, WeChat's own base URL or a confirmed one, and a
 * stored secret only with the address it was entered for.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planEndpointChange } from '../../../electron/services/account/endpoint-rules';
import { withEndpoints } from '../../../electron/services/account/secret-endpoints';
import {
  createKeyFileProtector,
  createSecretStore,
} from '../../../electron/services/account/secret-store';
import {
  isSecureEndpoint,
  isWeChatBaseUrl,
  normalizeEndpoint,
  sameEndpoint,
  Settings,
} from '../../../shared/settings';

function secrets() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-endpoints-'));
  return withEndpoints(
    createSecretStore(
      path.join(dir, 'secrets.json'),
      createKeyFileProtector(path.join(dir, 'secret.key')),
    ),
  );
}

const base = Settings.parse({
  terminal: { name: 'T', id: 'T-1' },
  store: { name: 'S' },
  mode: 'live',
  live: { provider: 'stable_token', appId: 'wx1234567890abcdef' },
});
const withBase = (url: string): Settings => ({ ...base, api: { ...base.api, baseUrl: url } });

describe('addresses', () => {
  it('are compared in one spelling', () => {
    expect(normalizeEndpoint('HTTPS://Api.Weixin.QQ.com:443/')).toBe('https://api.weixin.qq.com');
    expect(sameEndpoint('https://proxy.example/wx/', 'https://proxy.example/wx')).toBe(true);
    expect(sameEndpoint('https://proxy.example/wx', 'https://proxy.example/wx2')).toBe(false);
    expect(sameEndpoint('https://proxy.example', 'https://proxy.example:8443')).toBe(false);
    expect(sameEndpoint(undefined, 'https://proxy.example')).toBe(false);
    expect(isWeChatBaseUrl('https://api.weixin.qq.com/')).toBe(true);
    expect(isWeChatBaseUrl('https://api.weixin.qq.com.evil.example')).toBe(false);
  });

  it('in Live mode are https, or plain http to this computer only', () => {
    for (const url of [
      'https://api.weixin.qq.com',
      'https://10.0.0.5:8443/wx',
      'http://127.0.0.1:8089',
      'http://localhost:8089',
      'http://LOCALHOST',
      'http://[::1]:8089',
    ]) {
      expect(isSecureEndpoint(url), url).toBe(true);
    }
    for (const url of [
      'http://api.weixin.qq.com',
      'http://10.0.0.5',
      'http://127.0.0.2',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'ftp://127.0.0.1',
      'not a url',
    ]) {
      expect(isSecureEndpoint(url), url).toBe(false);
    }
  });
});

describe('a change of the connection', () => {
  it('moving the base URL needs the stored AppSecret again and the confirmation', () => {
    const s = secrets();
    s.set('appSecret', 'S1', base.api.baseUrl);
    const move = (extra: { typed?: object; confirm?: boolean }) => () =>
      planEndpointChange({
        before: base,
        next: withBase('https://proxy.example'),
        typed: extra.typed ?? {},
        confirmCustomBaseUrl: extra.confirm ?? false,
        secrets: s,
      });
    expect(move({})).toThrow('errors.custom_base_url_unconfirmed');
    expect(move({ confirm: true })).toThrow('errors.app_secret_retype');
    expect(move({ typed: { appSecret: 'S2' } })).toThrow('errors.custom_base_url_unconfirmed');
    expect(move({ typed: { appSecret: 'S2' }, confirm: true })()).toEqual({
      store: [{ name: 'appSecret', value: 'S2', endpoint: 'https://proxy.example' }],
      confirmedBaseUrl: 'https://proxy.example',
    });
  });

  it('keeping a confirmed base URL needs no new confirmation; Sandbox mode needs nothing', () => {
    const s = secrets();
    const proxy = withBase('https://proxy.example');
    s.set('appSecret', 'S1', proxy.api.baseUrl);
    expect(
      planEndpointChange({
        before: proxy,
        next: { ...proxy, idleLockMinutes: 3 },
        typed: {},
        confirmCustomBaseUrl: false,
        secrets: s,
      }),
    ).toEqual({ store: [] });
    // A custom address saved in Sandbox mode is confirmed when Live mode starts using it.
    const sandbox = {
      ...proxy,
      mode: 'sandbox' as const,
      api: { ...proxy.api, baseUrl: 'https://x.example' },
    };
    expect(
      planEndpointChange({
        before: base,
        next: sandbox,
        typed: {},
        confirmCustomBaseUrl: false,
        secrets: s,
      }),
    ).toEqual({ store: [] });
    expect(() =>
      planEndpointChange({
        before: sandbox,
        next: { ...sandbox, mode: 'live' },
        typed: { appSecret: 'S3' },
        confirmCustomBaseUrl: false,
        secrets: s,
      }),
    ).toThrow('errors.custom_base_url_unconfirmed');
  });

  it('an unbound secret (saved before addresses were kept) is never handed out until adopted', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-endpoints-'));
    const raw = createSecretStore(
      path.join(dir, 'secrets.json'),
      createKeyFileProtector(path.join(dir, 'secret.key')),
    );
    raw.set('appSecret', 'OLD');
    const s = withEndpoints(raw);
    expect(s.has('appSecret')).toBe(true);
    expect(s.valueFor('appSecret', base.api.baseUrl)).toBeUndefined();
    s.adopt(base);
    expect(s.valueFor('appSecret', 'https://api.weixin.qq.com/')).toBe('OLD');
    expect(s.valueFor('appSecret', 'https://proxy.example')).toBeUndefined();
  });
});
