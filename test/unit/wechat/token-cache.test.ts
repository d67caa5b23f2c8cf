/**
 * The persisted token cache: a restart (a new provider on the same file) reuses the token
 * without a fetch; with a protector the file holds no readable token; a damaged file, a
 * foreign key or another AppID's token all read as "fetch a new one".
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFileTokenCache,
  createMemoryTokenCache,
  createSandboxTokenProvider,
  type TokenCache,
  type TokenProtector,
} from '../../../electron/wechat';
import { FAST, useSandbox } from './sandbox-rig';

const rig = useSandbox();
const STABLE = '/cgi-bin/stable_token';
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'carddesk-token-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** AES-256-GCM with a key in memory: what the lead's key-file or safeStorage protector does. */
function testProtector(key = randomBytes(32)): TokenProtector {
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(b) {
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

function provider(cache: TokenCache, appid = rig.sb.app.appid) {
  return createSandboxTokenProvider({
    baseUrl: rig.sb.url,
    appid,
    secret: rig.sb.app.secret,
    cache,
    now: () => rig.sb.sim.clock.now(),
    ...FAST,
  });
}

describe('file token cache', () => {
  it('survives a restart: the new provider uses the saved token without a fetch', async () => {
    const file = path.join(dir, 'sub', 'token.json');
    const token = await provider(createFileTokenCache(file)).getToken();
    expect(rig.count(STABLE)).toBe(1);
    const restarted = provider(createFileTokenCache(file));
    expect(await restarted.getToken()).toBe(token);
    expect(rig.count(STABLE)).toBe(1);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('is encrypted when a protector is given, and readable only with it', async () => {
    const file = path.join(dir, 'token.json');
    const protector = testProtector();
    const token = await provider(createFileTokenCache(file, protector)).getToken();
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(token.slice(3, 30));
    expect(JSON.parse(raw)).toEqual({ v: 1, encrypted: expect.any(String) });

    expect(await provider(createFileTokenCache(file, protector)).getToken()).toBe(token);
    expect(rig.count(STABLE)).toBe(1);

    // Another key (a reset OS key store) or no protector: unreadable, so a fetch.
    expect(createFileTokenCache(file, testProtector()).load()).toBeUndefined();
    expect(createFileTokenCache(file).load()).toBeUndefined();
    await provider(createFileTokenCache(file, testProtector())).getToken();
    expect(rig.count(STABLE)).toBe(2);
  });

  it('ignores an expired token, a damaged file and a token of another AppID', async () => {
    const file = path.join(dir, 'token.json');
    await provider(createFileTokenCache(file)).getToken();
    expect(rig.count(STABLE)).toBe(1);

    rig.sb.sim.clock.advance(2 * 3_600_000 + 1_000);
    await provider(createFileTokenCache(file)).getToken();
    expect(rig.count(STABLE)).toBe(2);

    writeFileSync(file, '{"v":1,"plain":{"token":');
    await provider(createFileTokenCache(file)).getToken();
    expect(rig.count(STABLE)).toBe(3);

    const other = createFileTokenCache(file);
    const saved = other.load();
    expect(saved?.scope).toContain(rig.sb.app.appid);
    // A token saved for another AppID (the manager changed the AppID): not used.
    other.save({
      token: 'z'.repeat(40),
      expiresAt: rig.sb.sim.clock.now() + 3_600_000,
      scope: 'x',
    });
    expect(await provider(createFileTokenCache(file)).getToken()).not.toBe('z'.repeat(40));
    expect(rig.count(STABLE)).toBe(4);
  });

  it('is cleared when the platform rejects its token', async () => {
    const file = path.join(dir, 'token.json');
    const p = provider(createFileTokenCache(file));
    const token = await p.getToken();
    await p.invalidate(token);
    expect(existsSync(file)).toBe(false);
    await p.invalidate('another-token-entirely'); // not the current one: harmless
  });

  it('a cache that cannot be written does not stop the provider', async () => {
    const broken: TokenCache = {
      load: () => undefined,
      save: () => {
        throw new Error('disk full');
      },
    };
    const p = provider(broken);
    const token = await p.getToken();
    expect(await p.getToken()).toBe(token);
    expect(rig.count(STABLE)).toBe(1);
  });
});

describe('memory token cache', () => {
  it('keeps a copy, not the caller’s object', () => {
    const cache = createMemoryTokenCache();
    const t = { token: 'abc', expiresAt: 1 };
    cache.save(t);
    t.token = 'changed';
    expect(cache.load()).toEqual({ token: 'abc', expiresAt: 1 });
    cache.save(undefined);
    expect(cache.load()).toBeUndefined();
  });
});
