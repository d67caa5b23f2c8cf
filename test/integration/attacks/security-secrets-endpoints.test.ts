/**
 * Adversarial review of issue 16 (secrets): a stored AppSecret goes only to the address it was
 * entered for, whatever the spelling of another address; and no secret value reaches the audit
 * log, the log files or an error text, whatever characters it holds.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redact } from '../../../electron/redact';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/host/dispatch';
import { LogFile } from '../../../electron/log-file';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';
import { startRecorder, type Recorder } from '../security-recorder';

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
  const log = new LogFile({ dir: path.join(dir, 'logs') });
  const dispatch = createDispatcher({
    services: t.services,
    guard: t.guard,
    onInternalError: (name, err) => log.error(`${name} failed`, err),
  });
  const raw = (name: string, input: unknown, client = 'office') =>
    dispatch(name, input, { clientId: client }) as Promise<Answer>;
  const must = async (name: string, input: unknown, client?: string) => {
    const res = await raw(name, input, client);
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value;
  };
  return { t, raw, must, log };
}

const api = (baseUrl: string) => ({ baseUrl, connectTimeoutMs: 500, totalTimeoutMs: 1_000 });

/** A Live terminal whose AppSecret was entered for `wechat` (the sandbox on loopback). */
async function live(appSecret?: string) {
  const wechat = await startSandbox({ port: 0 });
  const evil = await startRecorder();
  servers.push(wechat, evil);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-adv-secrets-'));
  const term = await start(dir, wechat);
  await term.must('completeSetup', {
    terminalName: 'Counter 1',
    terminalId: 'T-01',
    storeName: 'Xuhui',
    language: 'en',
    mode: 'live',
    live: { provider: 'stable_token', appId: wechat.app.appid },
    appSecret: appSecret ?? wechat.app.secret,
    manager: MANAGER,
  });
  await term.must('updateSettings', {
    api: api(wechat.url),
    appSecret: wechat.app.secret,
    confirmCustomBaseUrl: true,
  });
  const liveSettings = {
    provider: 'stable_token' as const,
    appId: wechat.app.appid,
    tokenServiceUrl: '',
  };
  return { wechat, evil, dir, term, secret: wechat.app.secret, liveSettings };
}

/** Other spellings that name the recorder (or nothing), never the sandbox the secret is for. */
function spellings(evil: Recorder, wechat: RunningSandbox): string[] {
  const e = new URL(evil.url);
  const w = new URL(wechat.url);
  const ep = e.port;
  const wp = w.port;
  return [
    `http://127.1:${ep}`,
    `http://0x7f.0.0.1:${ep}`,
    `http://2130706433:${ep}`,
    `http://LOCALHOST:${ep}`,
    `http://localhost.:${ep}`,
    `http://0.0.0.0:${ep}`,
    `http://[::ffff:127.0.0.1]:${ep}`,
    `HTTP://127.0.0.1:${ep}/`,
    `http://127.0.0.1:${wp}@127.0.0.1:${ep}`,
    `http://127.0.0.1:${ep}#@127.0.0.1:${wp}`,
    `http://127.0.0.1:${ep}\\@127.0.0.1:${wp}`,
    `http://127.0.0.1:${ep}/..;@127.0.0.1:${wp}`,
    `http://127.0.0.1:${ep}?@127.0.0.1:${wp}`,
    `http://127.0.0.1:${ep}/.${w.host}`,
    `http://${w.host}.localhost.evil.example:${ep}`,
    `http://127.0.0.1:${ep}/%2e%2e/`,
    `http://127.0.0.1\t:${ep}`,
  ];
}

describe('held: a stored AppSecret and other spellings of another address', () => {
  it('testConnection with each spelling, no secret typed: the recorder never sees the secret', async () => {
    const { term, evil, secret, liveSettings, wechat } = await live();
    for (const url of spellings(evil, wechat)) {
      await term.raw('testConnection', { mode: 'live', live: liveSettings, baseUrl: url });
    }
    expect(evil.sawSecret(secret)).toBe(false);
  });

  it('updateSettings to each spelling without the secret typed: refused, or the secret stays home', async () => {
    const { term, evil, secret, wechat } = await live();
    for (const url of spellings(evil, wechat)) {
      const res = await term.raw('updateSettings', { api: api(url), confirmCustomBaseUrl: true });
      if (res.ok) {
        // Accepted (it names the same address): a lookup must still not reach the recorder.
        await term.raw('lookupCode', { code: CODE });
        await term.must('updateSettings', {
          api: api(wechat.url),
          appSecret: secret,
          confirmCustomBaseUrl: true,
        });
      }
    }
    expect(evil.sawSecret(secret)).toBe(false);
  });
});

/** Every byte the terminal wrote to its data folder (the audit log, its WAL, the logs). */
function written(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!/^(secrets\.json|secret\.key|token-.*\.bin)$/.test(name)) {
        out.push(readFileSync(p).toString('latin1'), readFileSync(p).toString('utf8'));
      }
    }
  };
  walk(dir);
  return out.join('\n');
}

describe('attack: a credential inside a URL reaches the audit log', () => {
  // Credentials in an address are refused outright (settings.json is not a secret store), and
  // the redaction of any text that carries one masks all of its userinfo, up to the last "@".
  it('a token-service URL whose password holds an "@": refused, and no part of the password is stored', async () => {
    const { term, dir } = await live();
    const password = 'p@ss-Word-9f3k2LmQ';
    const url = `https://svc:${password}@tokens.example.com/token`;
    const res = (await term.raw('updateSettings', {
      live: { provider: 'token_service', appId: '', tokenServiceUrl: url },
      tokenServiceAuth: 'Bearer some-token-abcdefgh',
    })) as { ok: boolean; error?: { kind: string } };
    expect(res).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    const tail = password.slice(password.indexOf('@') + 1);
    expect(written(dir)).not.toContain(tail);
    expect(redact(`calling ${url} failed`)).not.toContain(tail);
  });

  it('an API key given as the user part of a URL (https://KEY@host) is refused, and masked in any text', async () => {
    const { term, dir } = await live();
    const key = 'k3y-9Qw8Er7Ty6Ui5Op4';
    const url = `https://${key}@tokens.example.com/token`;
    const res = (await term.raw('updateSettings', {
      live: { provider: 'token_service', appId: '', tokenServiceUrl: url },
      tokenServiceAuth: 'Bearer some-token-abcdefgh',
    })) as { ok: boolean };
    expect(res.ok).toBe(false);
    expect(written(dir)).not.toContain(key);
    expect(redact(`GET ${url}`)).not.toContain(key);
  });
});

/** A WeChat stand-in that echoes in its errmsg whatever secret it was sent, as received. */
async function echoServer() {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      let got = '';
      try {
        got = (JSON.parse(body) as { secret?: string }).secret ?? '';
      } catch {
        got = new URL(req.url ?? '/', 'http://x').searchParams.get('secret') ?? '';
      }
      const auth = req.headers.authorization ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ errcode: 40125, errmsg: `invalid appsecret [${got}] auth [${auth}]` }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const s = {
    url,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  servers.push(s);
  return s;
}

const ODD = [
  'quote"and\\backslash-0123456789',
  "single'quote and spaces here 42",
  'ünïcødé-秘密-ключ-🔑-abcdefgh',
  'new\nline-and\ttab-abcdefgh',
  'x'.repeat(200) + '-end-of-a-long-secret-value',
];

describe('held: odd secret values never reach the audit log, the log files or an error text', () => {
  it('set at set-up, with setSecret and with updateSettings, then echoed back by the server', async () => {
    for (const value of ODD) {
      const { term, dir, liveSettings } = await live(value);
      await term.must('setSecret', { name: 'appSecret', value });
      await term.must('setSecret', { name: 'tokenServiceAuth', value });
      const echo = await echoServer();
      await term.must('updateSettings', {
        api: api(echo.url),
        appSecret: value,
        confirmCustomBaseUrl: true,
      });
      // A lookup fails at the token (the server echoes the secret back in its errmsg).
      const verdict = await term.must('lookupCode', { code: CODE });
      const test = await term.must('testConnection', {
        mode: 'live',
        live: { ...liveSettings, provider: 'classic' },
        baseUrl: echo.url,
        appSecret: value,
      });
      const bad = await term.raw('setSecret', {
        name: 'appSecret',
        value: `${value}${' '.repeat(300)}x`,
      });
      term.log.error('a line', { appSecret: value }, `Authorization: ${value}`);
      // The echo did come back, masked, into the lookup's audit record.
      const lookup = term.t.audit.search({ actions: ['lookup'] }, { limit: 1 }).rows[0]!;
      expect(lookup.errmsg).toMatch(/^invalid appsecret \[\*\*\*\]/);
      const texts = JSON.stringify([verdict, test, bad]);
      const trimmed = value.trim();
      expect(texts.includes(trimmed), `error text holds ${JSON.stringify(value)}`).toBe(false);
      const disk = written(dir);
      expect(
        disk.includes(trimmed) || disk.includes(JSON.stringify(trimmed).slice(1, -1)),
        `the data folder holds ${JSON.stringify(value)}`,
      ).toBe(false);
      for (const t of open.splice(0)) await t.close();
      for (const s of servers.splice(0)) await s.close();
    }
  }, 60_000);
});

describe('attack: a structured credential echoed by the token service', () => {
  it('a tokenServiceAuth holding "name=value" parts is masked whole in the audit log', async () => {
    const { term, dir } = await live();
    const echo = await echoServer();
    // An HMAC-style header value: a secret name inside the secret (Credential=...).
    const auth = 'HMAC Credential=svc-42/2026, Signature=9f86d081884c7d659a2feaa0c55ad015';
    await term.must('updateSettings', {
      live: { provider: 'token_service', appId: '', tokenServiceUrl: `${echo.url}/token` },
      tokenServiceAuth: auth,
    });
    await term.must('lookupCode', { code: CODE });
    const lookup = term.t.audit.search({ actions: ['lookup'] }, { limit: 1 }).rows[0]!;
    // The service answered with the header it got; the terminal knows that value is a secret.
    expect(lookup.errmsg).toContain('auth [');
    expect(
      lookup.errmsg,
      `the audit record keeps the signature of the credential: ${lookup.errmsg}`,
    ).not.toContain('9f86d081884c7d659a2feaa0c55ad015');
    expect(written(dir)).not.toContain('9f86d081884c7d659a2feaa0c55ad015');
  });
});
