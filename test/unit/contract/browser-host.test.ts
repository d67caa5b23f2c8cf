import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  attachmentHeader,
  startBrowserHost,
  type RunningBrowserHost,
} from '../../../electron/host/browser-host';
import { createDispatcher } from '../../../electron/host/dispatch';
import { createTerminalServices } from '../../../electron/services';
import { WebSocket } from 'ws';

let host: RunningBrowserHost;

/** node:http instead of fetch, because fetch will not send a forged Host header. */
function request(opts: {
  port?: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: opts.port ?? host.port,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        headers: opts.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const api = (headers: Record<string, string>, body = '{}') =>
  request({ method: 'POST', path: '/api/getSetupState', headers, body });

function goodHeaders(): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-carddesk-secret': host.secret,
    'x-carddesk-client': 'client-0001',
  };
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-host-'));
  const staticDir = path.join(dir, 'static');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<html><head></head><body></body></html>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the static folder');
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
  });
  host = await startBrowserHost({
    port: 0,
    staticDir,
    dispatch: createDispatcher({ services: t.services, guard: t.guard }),
  });
});

afterAll(() => host.close());

describe('browser host', () => {
  it('listens on loopback and hands its own page the per-launch secret with a strict CSP', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    const page = await request({ headers: { host: `127.0.0.1:${host.port}` } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<meta name="carddesk-secret" content="${host.secret}">`);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(host.secret.length).toBeGreaterThanOrEqual(40);
  });

  it('answers a call that carries the secret', async () => {
    const res = await api({ ...goodHeaders(), host: `localhost:${host.port}` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: { needsSetup: true } });
  });

  it('refuses calls without the secret or with a wrong one', async () => {
    const { 'x-carddesk-secret': _drop, ...noSecret } = goodHeaders();
    expect((await api({ ...noSecret, host: `127.0.0.1:${host.port}` })).status).toBe(403);
    expect(
      (
        await api({
          ...goodHeaders(),
          'x-carddesk-secret': 'guess',
          host: `127.0.0.1:${host.port}`,
        })
      ).status,
    ).toBe(403);
  });

  it('refuses a foreign Host header, for the page and the API (DNS rebinding)', async () => {
    expect((await request({ headers: { host: `evil.example:${host.port}` } })).status).toBe(421);
    expect((await api({ ...goodHeaders(), host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await request({ headers: { host: `127.0.0.1:1` } })).status).toBe(421);
  });

  it('refuses a foreign Origin, other methods, other content types and malformed bodies', async () => {
    const h = { ...goodHeaders(), host: `127.0.0.1:${host.port}` };
    expect((await api({ ...h, origin: 'http://127.0.0.1:9999' })).status).toBe(403);
    expect((await api({ ...h, origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await request({ method: 'GET', path: '/api/lookupCode', headers: h })).status).toBe(
      405,
    );
    expect((await api({ ...h, 'content-type': 'text/plain' })).status).toBe(415);
    expect((await api(h, '{not json')).status).toBe(400);
    expect((await api({ ...h, 'x-carddesk-client': 'x' })).status).toBe(400);
  });

  it('serves built assets but nothing outside the static folder', async () => {
    const h = { host: `127.0.0.1:${host.port}` };
    expect((await request({ path: '/assets/app.js', headers: h })).body).toBe('console.log(1)');
    const escape = await request({ path: '/assets/..%2F..%2Fsecret.txt', headers: h });
    expect(escape.body).not.toContain('outside the static folder');
    const dotdot = await request({ path: '/../secret.txt', headers: h });
    expect(dotdot.body).not.toContain('outside the static folder');
  });
});

/** Paths this process holds open (Linux: /proc/self/fd); undefined where that cannot be read. */
function openFiles(): string[] | undefined {
  if (!existsSync('/proc/self/fd')) return undefined;
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });
}

describe('browser host: audit export downloads', () => {
  let dl: RunningBrowserHost;
  /** Added to the terminal's clock: tokens expire after ten minutes of it. */
  let clockOffset = 0;
  let terminal: Awaited<ReturnType<typeof createTerminalServices>>;
  let call: (name: string, input: unknown) => Promise<{ ok: boolean; value?: unknown }>;
  let dir: string;

  const get = (
    pathName: string,
    headers: Record<string, string> = {},
    method = 'GET',
  ): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: dl.port,
          method,
          path: pathName,
          headers: { host: `127.0.0.1:${dl.port}`, ...headers },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  /** A finished export's download address (the manager's, just set up). */
  async function exported(): Promise<{ url: string; exportId: string; token: string }> {
    const started = (await call('startExport', { filter: {}, format: 'csv' })) as {
      ok: true;
      value: { exportId: string };
    };
    let status: { state: string; downloadUrl?: string } = { state: 'running' };
    for (let i = 0; i < 200 && status.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (
        (await call('exportStatus', { exportId: started.value.exportId })) as {
          value: typeof status;
        }
      ).value;
    }
    expect(status.state).toBe('done');
    const url = status.downloadUrl!;
    return {
      url,
      exportId: started.value.exportId,
      token: new URL(url, 'http://x/').searchParams.get('token')!,
    };
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-host-dl-'));
    const staticDir = path.join(dir, 'static');
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(path.join(staticDir, 'index.html'), '<html><head></head><body></body></html>');
    const t = (terminal = await createTerminalServices({
      host: 'browser',
      version: 't',
      dataDir: dir,
      osLocale: 'en',
      now: () => Date.now() + clockOffset,
    }));
    const dispatch = createDispatcher({ services: t.services, guard: t.guard });
    call = (name, input) => dispatch(name, input, { clientId: 'browser:manager-tab' });
    await call('completeSetup', {
      terminalName: 'Counter 1',
      terminalId: 'T-01',
      storeName: 'Xuhui',
      language: 'en',
      mode: 'sandbox',
      manager: { id: 'boss', name: 'Boss', pin: '246810' },
    });
    dl = await startBrowserHost({ port: 0, staticDir, dispatch, downloads: t.exportDownloads });
  });

  afterAll(async () => {
    await dl.close();
    await terminal.close();
  });

  it('serves a finished export once, as an attachment with its name, then deletes it', async () => {
    const { url, exportId } = await exported();
    expect(readdirSync(path.join(dir, 'exports'))).toEqual([`${exportId}.csv`]);
    expect(url).toMatch(/^\/download\/[A-Za-z0-9_-]+\?token=[A-Za-z0-9_-]{43}$/);
    const res = await get(url, { 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="carddesk-audit_T-01_until_\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''carddesk-audit_T-01_until_/,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.startsWith('\uFEFFid,ts,')).toBe(true);
    // Single use, and the temporary file is gone.
    expect((await get(url)).status).toBe(410);
    await expect
      .poll(() => readdirSync(path.join(dir, 'exports')).filter((f) => f.startsWith(exportId)))
      .toEqual([]);
  });

  it('refuses a wrong token, a foreign Host, another site and other methods without using the token', async () => {
    const { url, exportId, token } = await exported();
    expect((await get(`/download/${exportId}?token=${'A'.repeat(43)}`)).status).toBe(410);
    expect((await get(`/download/${exportId}`)).status).toBe(410);
    expect((await get(url, { host: `evil.example:${dl.port}` })).status).toBe(421);
    expect((await get(url, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await get(url, {}, 'POST')).status).toBe(405);
    expect((await get(`/download/${exportId}?token=${token}`)).status).toBe(200);
  });

  it('hands out no download and no file path through the contract', async () => {
    const { exportId, token } = await exported();
    const res = await request({
      method: 'POST',
      path: '/api/takeExportDownload',
      headers: {
        host: `127.0.0.1:${dl.port}`,
        'content-type': 'application/json',
        'x-carddesk-secret': dl.secret,
        'x-carddesk-client': 'client-0001',
      },
      body: JSON.stringify({ exportId, token }),
      port: dl.port,
    });
    expect(res.status).toBe(200);
    const envelope = JSON.parse(res.body) as { ok: boolean; error?: { key: string } };
    expect(envelope).toMatchObject({ ok: false, error: { key: 'errors.unknown_operation' } });
    expect(res.body).not.toContain(dir);
    // The token was not spent by that call: the download itself still works, once.
    expect((await get(`/download/${exportId}?token=${token}`)).status).toBe(200);
  });

  it('a client that goes away mid-download leaves no file and no open handle', async () => {
    // A file much bigger than the socket buffers, so the transfer is cut in the middle.
    const filler = 'x'.repeat(60_000);
    terminal.audit.db.transaction(() => {
      for (let i = 0; i < 600; i++) {
        terminal.audit.append({
          action: 'scan',
          outcome: 'ok',
          operator_id: 'boss',
          detail: { filler },
        });
      }
    })();
    const { url, exportId } = await exported();
    const file = path.join(dir, 'exports', `${exportId}.csv`);
    expect(existsSync(file)).toBe(true);
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: dl.port, path: url, headers: { host: `127.0.0.1:${dl.port}` } },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(Number(res.headers['content-length'])).toBeGreaterThan(30_000_000);
          res.once('data', (chunk: Buffer) => {
            req.destroy(); // the cashier closed the tab
            resolve(chunk.length);
          });
        },
      );
      req.on('error', () => {});
      req.on('close', () => resolve(0));
      setTimeout(() => reject(new Error('no data')), 10_000).unref();
    });
    expect(received).toBeGreaterThan(0);
    await expect.poll(() => existsSync(file), { timeout: 10_000 }).toBe(false);
    const handles = openFiles();
    if (handles) {
      await expect
        .poll(() => openFiles()!.filter((f) => f.includes(path.join(dir, 'exports'))), {
          timeout: 10_000,
        })
        .toEqual([]);
    }
    // And the link is spent.
    expect((await get(url)).status).toBe(410);
  });

  it('an export nobody downloads is deleted when its link expires', async () => {
    const { url, exportId } = await exported();
    const file = path.join(dir, 'exports', `${exportId}.csv`);
    expect(existsSync(file)).toBe(true);
    clockOffset += 11 * 60_000;
    try {
      const late = await get(url);
      expect(late.status).toBe(410);
      expect(late.body).toContain('This download was already used or has expired.');
      expect(late.body).toContain('此下载已使用过或已过期。');
      await expect.poll(() => existsSync(file)).toBe(false);
    } finally {
      clockOffset -= 11 * 60_000;
    }
  });

  it('names the file safely for any character', () => {
    expect(attachmentHeader('审计 "x";.csv')).toBe(
      `attachment; filename="__ _x__.csv"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%20%22x%22%3B.csv`,
    );
  });
});

const call = async (name: string, input: unknown, client: string, token?: string) => {
  const res = await request({
    method: 'POST',
    path: `/api/${name}`,
    headers: {
      'content-type': 'application/json',
      'x-carddesk-secret': host.secret,
      'x-carddesk-client': client,
      ...(token !== undefined ? { 'x-carddesk-session': token } : {}),
    },
    body: JSON.stringify(input),
  });
  return {
    body: JSON.parse(res.body) as { ok: boolean; value?: unknown; error?: { key: string } },
    token: res.headers['x-carddesk-session'] as string | undefined,
  };
};

describe('session tokens: a client id alone is no session', () => {
  it('a sign-in issues a token; the same client id without it is a stranger; a new sign-in replaces it', async () => {
    const tab = 'till-tab-0001';
    const setup = await call(
      'completeSetup',
      {
        terminalName: 'Counter 1',
        terminalId: 'T-01',
        storeName: 'Xuhui',
        language: 'en',
        mode: 'sandbox',
        manager: { id: 'boss', name: 'Boss', pin: '246810' },
      },
      tab,
    );
    expect(setup.body).toMatchObject({ ok: true });
    expect(setup.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The page, with its token: the manager's session.
    expect((await call('getSession', {}, tab, setup.token)).body).toMatchObject({
      value: { operator: { id: 'boss' } },
    });
    // Someone who knows the tab's id (a log, a journal, a shoulder) but not the token: nothing,
    // not even who is signed in there.
    for (const token of [undefined, '', 'x'.repeat(43)]) {
      expect((await call('getSession', {}, tab, token)).body).toMatchObject({ ok: true });
      expect((await call('getSession', {}, tab, token)).body.value).not.toHaveProperty('operator');
      expect((await call('listOperators', {}, tab, token)).body).toMatchObject({
        ok: false,
        error: { key: 'errors.not_signed_in' },
      });
    }
    // A new sign-in in the tab rotates the token: the old one is worthless from then on.
    const again = await call('signIn', { operatorId: 'boss', pin: '246810' }, tab, setup.token);
    expect(again.token).toBeDefined();
    expect(again.token).not.toBe(setup.token);
    expect((await call('listOperators', {}, tab, setup.token)).body).toMatchObject({ ok: false });
    expect((await call('listOperators', {}, tab, again.token)).body).toMatchObject({ ok: true });
    // Signing out from a stranger's call signs nobody out.
    await call('signOut', {}, tab, 'forged');
    expect((await call('listOperators', {}, tab, again.token)).body).toMatchObject({ ok: true });
  });
});

describe('call socket: the counter hot calls over one WebSocket, under the POST rules', () => {
  const own = () => `http://127.0.0.1:${host.port}`;

  /** Opens a socket; resolves with the refusal's status when the upgrade is refused. */
  function open(headers: Record<string, string>, path = '/api/socket') {
    return new Promise<{ ws?: WebSocket; status?: number }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
      ws.once('open', () => resolve({ ws }));
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      ws.once('error', reject);
    });
  }

  /** A socket with a message queue: next() is the next message, or the close code. */
  async function session(hello: unknown) {
    const { ws } = await open({ origin: own() });
    const messages: unknown[] = [];
    const waiting: ((m: unknown) => void)[] = [];
    const deliver = (m: unknown) => {
      const w = waiting.shift();
      if (w) w(m);
      else messages.push(m);
    };
    ws!.on('message', (data) => deliver(JSON.parse(String(data))));
    ws!.on('close', (code) => deliver({ closed: code }));
    ws!.send(typeof hello === 'string' ? hello : JSON.stringify(hello));
    const next = () =>
      new Promise<unknown>((resolve) =>
        messages.length ? resolve(messages.shift()) : waiting.push(resolve),
      );
    return { ws: ws!, next };
  }

  let tab = '';
  let token = '';
  beforeAll(async () => {
    tab = 'socket-tab-0001';
    const setupState = await call('getSetupState', {}, tab);
    if ((setupState.body.value as { needsSetup: boolean }).needsSetup) {
      const setup = await call(
        'completeSetup',
        {
          terminalName: 'Counter 1',
          terminalId: 'T-01',
          storeName: 'Xuhui',
          language: 'en',
          mode: 'sandbox',
          manager: { id: 'boss', name: 'Boss', pin: '246810' },
        },
        tab,
      );
      expect(setup.body).toMatchObject({ ok: true });
    }
    const signed = await call('signIn', { operatorId: 'boss', pin: '246810' }, tab);
    expect(signed.body).toMatchObject({ ok: true });
    token = signed.token!;
  });

  it('refuses the upgrade for a foreign Host, a foreign or missing Origin and another path', async () => {
    expect((await open({ host: `evil.example:${host.port}`, origin: own() })).status).toBe(421);
    expect((await open({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await open({ origin: 'http://127.0.0.1:9999' })).status).toBe(403);
    // ws sends no Origin unless told to: a non-browser caller without one is refused too.
    expect((await open({})).status).toBe(403);
    expect((await open({ origin: own() }, '/api/lookupCode')).status).toBe(404);
    const ok = await open({ origin: own() });
    expect(ok.ws).toBeDefined();
    ok.ws!.close();
  });

  it('closes a socket whose first message is not the secret, and runs nothing sent before it', async () => {
    const call1 = { id: 1, name: 'lookupCode', input: { code: '123456789012' }, session: token };
    for (const hello of [
      { secret: 'guess', clientId: tab },
      { clientId: tab },
      { secret: host.secret, clientId: 'x' },
      call1,
    ]) {
      const s = await session(hello);
      expect(await s.next()).toEqual({ closed: 1008 });
    }
    expect(await (await session('{not json')).next()).toEqual({ closed: 1007 });
  });

  it('runs a hot call with the tab session, and as a stranger without the token', async () => {
    const s = await session({ secret: host.secret, clientId: tab });
    expect(await s.next()).toEqual({ ready: true });
    const input = { code: '000000000000' };
    s.ws.send(JSON.stringify({ id: 7, name: 'lookupCode', input, session: token }));
    const mine = (await s.next()) as { id: number; envelope: { ok: boolean; error?: unknown } };
    expect(mine.id).toBe(7);
    // Signed in: the lookup ran and gave its verdict on this code (whatever WeChat said of it).
    expect(mine.envelope).toMatchObject({ ok: true, value: { code: '000000000000' } });
    for (const forged of ['', 'x'.repeat(43)]) {
      s.ws.send(JSON.stringify({ id: 8, name: 'lookupCode', input, session: forged }));
      expect(await s.next()).toMatchObject({
        id: 8,
        envelope: { ok: false, error: { key: 'errors.not_signed_in' } },
      });
    }
    s.ws.close();
  });

  it('carries only the hot calls: any other operation is refused, not run', async () => {
    const s = await session({ secret: host.secret, clientId: tab });
    expect(await s.next()).toEqual({ ready: true });
    for (const name of ['getSettings', 'listOperators', 'signOut', 'signIn', 'constructor']) {
      s.ws.send(JSON.stringify({ id: 3, name, input: {}, session: token }));
      expect(await s.next()).toEqual({
        id: 3,
        envelope: {
          ok: false,
          error: { kind: 'internal', key: 'errors.host_refused', params: { status: 404 } },
        },
      });
    }
    // signOut was not run: the tab is still signed in.
    expect((await call('listOperators', {}, tab, token)).body).toMatchObject({ ok: true });
    s.ws.send(JSON.stringify({ name: 'lookupCode', input: {}, session: token }));
    expect(await s.next()).toEqual({ closed: 1007 });
  });

  it('answers fifty calls at once, each by its own id with its own answer', async () => {
    const s = await session({ secret: host.secret, clientId: tab });
    expect(await s.next()).toEqual({ ready: true });
    for (let i = 0; i < 50; i++) {
      const input = { code: `bad code #${i}` };
      s.ws.send(JSON.stringify({ id: 100 + i, name: 'lookupCode', input, session: token }));
    }
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = (await s.next()) as {
        id: number;
        envelope: { ok: boolean; value?: { kind: string; read?: string } };
      };
      // Garbage read by a scanner: the verdict says what was read, for this call's own input.
      expect(r.envelope).toMatchObject({ ok: true, value: { kind: 'invalid_scan' } });
      expect(r.envelope.value!.read).toBe(`bad code #${r.id - 100}`);
      ids.push(r.id);
    }
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    s.ws.close();
  });

  it('closes on a binary frame and on a message over the body limit', async () => {
    const s = await session({ secret: host.secret, clientId: tab });
    expect(await s.next()).toEqual({ ready: true });
    s.ws.send(Buffer.from([1, 2, 3]));
    expect(await s.next()).toEqual({ closed: 1003 });
    const big = await session({ secret: host.secret, clientId: tab });
    expect(await big.next()).toEqual({ ready: true });
    big.ws.send(
      JSON.stringify({ id: 1, name: 'lookupCode', input: { code: 'x'.repeat(1024 * 1024 + 1) } }),
    );
    expect(await big.next()).toEqual({ closed: 1009 });
  });
});
