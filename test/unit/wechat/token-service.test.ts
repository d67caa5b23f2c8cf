/** The token-service provider against a tiny HTTP server started by the test. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  WeChatApiError,
  WeChatUnavailableError,
  createMemoryTokenCache,
  createTokenServiceProvider,
} from '../../../electron/wechat';
import { FAST, rejection } from './sandbox-rig';

interface Served {
  url: string;
  hits: number;
  headers: IncomingHttpHeaders[];
  server: Server;
}

type Answer = { status?: number; body: string; delayMs?: number };

let running: Served | undefined;
afterEach(async () => {
  const s = running;
  running = undefined;
  if (s) {
    s.server.closeAllConnections();
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
  }
});

async function serve(answer: (hit: number) => Answer): Promise<Served> {
  const served: Served = { url: '', hits: 0, headers: [], server: createServer() };
  served.server.on('request', (req, res) => {
    served.hits += 1;
    served.headers.push(req.headers);
    const a = answer(served.hits);
    setTimeout(() => {
      res.writeHead(a.status ?? 200, { 'Content-Type': 'application/json' });
      res.end(a.body);
    }, a.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
  served.url = `http://127.0.0.1:${(served.server.address() as { port: number }).port}/token`;
  running = served;
  return served;
}

const TOKEN = 'svc_' + 'T'.repeat(60);

describe('token service provider', () => {
  it('fetches once for 20 concurrent callers, sends its headers, and caches with the expiry', async () => {
    let now = 1_000_000;
    const s = await serve(() => ({
      body: JSON.stringify({ access_token: TOKEN, expires_in: 600 }),
      delayMs: 30,
    }));
    const tokens = createTokenServiceProvider({
      url: s.url,
      headers: { Authorization: 'Bearer shop-42-credential' },
      cache: createMemoryTokenCache(),
      now: () => now,
      ...FAST,
    });
    expect(tokens.kind).toBe('token_service');
    const got = await Promise.all(Array.from({ length: 20 }, () => tokens.getToken()));
    expect(got.every((t) => t === TOKEN)).toBe(true);
    expect(s.hits).toBe(1);
    expect(s.headers[0]?.authorization).toBe('Bearer shop-42-credential');

    now += 599_000; // past the refresh point (min(2 min, half the life) before expiry)
    expect(await tokens.getToken()).toBe(TOKEN); // at once, renewal in the background
    now += 2_000; // expired: the next caller waits for a fetch
    expect(await tokens.getToken()).toBe(TOKEN);
    expect(s.hits).toBe(2); // the expired caller joined the background refresh
  });

  it('retries a 5xx like a read, then reports the HTTP status', async () => {
    const s = await serve(() => ({ status: 503, body: 'busy' }));
    const tokens = createTokenServiceProvider({
      url: s.url,
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    const e = (await rejection(tokens.getToken())) as WeChatUnavailableError;
    expect(e).toBeInstanceOf(WeChatUnavailableError);
    expect(e.toInfo()).toMatchObject({
      kind: 'unavailable',
      key: 'wechat.token_service_http',
      params: { status: 503, call: 'token_service' },
    });
    expect(s.hits).toBe(3);
  });

  it('does not retry a refusal (401)', async () => {
    const s = await serve(() => ({ status: 401, body: '{"error":"who are you"}' }));
    const tokens = createTokenServiceProvider({
      url: s.url,
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    const e = (await rejection(tokens.getToken())) as WeChatUnavailableError;
    expect(e.toInfo()).toMatchObject({ key: 'wechat.token_service_http', params: { status: 401 } });
    expect(s.hits).toBe(1);
  });

  it('reports an unreadable answer and an unreachable service in their own words', async () => {
    const s = await serve(() => ({ body: '<html>captive portal</html>' }));
    const bad = createTokenServiceProvider({
      url: s.url,
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    expect(await rejection(bad.getToken())).toMatchObject({
      kind: 'unavailable',
      key: 'wechat.token_service_malformed',
    });
    const noToken = await serve(() => ({ body: '{"expires_in":7200}' }));
    const missing = createTokenServiceProvider({
      url: noToken.url,
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    const e = (await rejection(missing.getToken())) as WeChatUnavailableError;
    expect(e.key).toBe('wechat.token_service_malformed');
    expect(e.params.detail).toContain('access_token');
    await new Promise<void>((resolve) => noToken.server.close(() => resolve()));
    const gone = createTokenServiceProvider({
      url: noToken.url,
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    expect(await rejection(gone.getToken())).toMatchObject({
      kind: 'unavailable',
      key: 'wechat.token_service_network',
    });
  });

  it('passes on a WeChat errcode the service relays, e.g. 40164 with the refused IP', async () => {
    const s = await serve(() => ({
      body: JSON.stringify({
        errcode: 40164,
        errmsg: 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 1',
      }),
    }));
    const tokens = createTokenServiceProvider({
      url: s.url,
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    const e = (await rejection(tokens.getToken())) as WeChatApiError;
    expect(e).toBeInstanceOf(WeChatApiError);
    expect(e.toInfo()).toMatchObject({
      kind: 'wechat',
      key: 'wechat.errcode_40164',
      errcode: 40164,
      params: { ip: '203.0.113.7', call: 'token_service' },
    });
  });
});
