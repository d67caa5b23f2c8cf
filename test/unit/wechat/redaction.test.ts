/**
 * No token or secret in any error: not in the message, the params, the errmsg, the cause or
 * the stack, whatever went wrong (axios errors carry the request URL with the token; the
 * client never attaches them).
 */
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import {
  createClassicTokenProvider,
  createMemoryTokenCache,
  createTokenServiceProvider,
  createWeChatClient,
} from '../../../electron/wechat';
import { redact } from '../../../electron/wechat/redact';
import { FAST, redeemable, rejection, useSandbox } from './sandbox-rig';

const rig = useSandbox();

function everything(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && depth < 5; depth++) {
    if (e instanceof Error) {
      parts.push(e.message, e.stack ?? '', JSON.stringify(e), JSON.stringify({ ...e }));
      e = e.cause;
    } else {
      parts.push(JSON.stringify(e) ?? String(e));
      e = undefined;
    }
  }
  return parts.join('\n');
}

describe('redact', () => {
  it('masks query and JSON secrets and known values', () => {
    expect(redact('POST /card/code/get?access_token=ABC.def-1&x=1')).toBe(
      'POST /card/code/get?access_token=***&x=1',
    );
    expect(redact('/cgi-bin/token?grant_type=g&appid=wx1&secret=s3cr3t')).toBe(
      '/cgi-bin/token?grant_type=g&appid=wx1&secret=***',
    );
    expect(redact('{"appid":"wx1","secret":"s3cr3t","access_token":"T"}')).toBe(
      '{"appid":"wx1","secret":"***","access_token":"***"}',
    );
    expect(redact('echo 0123456789abcdef here', ['0123456789abcdef'])).toBe('echo *** here');
  });

  it('masks Authorization: Basic values, tokenServiceAuth and secrets with spaces (issue 16)', () => {
    expect(redact('Authorization: Basic Ym9zczpzM2NyM3Q=\r\nHost: x')).toBe(
      'Authorization: ***\r\nHost: x',
    );
    expect(redact('{"tokenServiceAuth":"Bearer svc 42"}')).toBe('{"tokenServiceAuth":"***"}');
    expect(redact("{ appSecret: 'horse battery staple' }")).toBe("{ appSecret: '***' }");
    // A credential echoed back without its scheme is still a known secret.
    expect(redact('bad credentials Ym9zczpzM2NyM3Q=', ['Basic Ym9zczpzM2NyM3Q='])).toBe(
      'bad credentials ***',
    );
  });
});

describe('a token service that echoes the credential', () => {
  it('never puts it in the error', async () => {
    const credential = 'Basic Ym9zczpob3JzZSBiYXR0ZXJ5';
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          errcode: 40001,
          errmsg: `rejected Authorization: ${req.headers.authorization} (${req.headers.authorization?.slice(6)}) tokenServiceAuth=${req.headers.authorization?.slice(6)}`,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const tokens = createTokenServiceProvider({
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}/token`,
        headers: { Authorization: credential },
        cache: createMemoryTokenCache(),
        ...FAST,
      });
      const text = everything(await rejection(tokens.getToken()));
      expect(text).not.toContain('Ym9zczpob3JzZSBiYXR0ZXJ5');
      expect(text).toContain('***');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('errors never carry a token or a secret', () => {
  it.each([
    ['lost_response', { kind: 'lost_response' as const }, '/card/code/consume'],
    ['hang', { kind: 'hang' as const }, '/card/code/consume'],
    ['http_5xx', { kind: 'http_5xx' as const }, '/card/code/get'],
    ['malformed_json', { kind: 'malformed_json' as const }, '/card/code/get'],
    ['errcode', { kind: 'errcode' as const, errcode: 45011 }, '/card/code/get'],
  ])('after %s', async (_n, fault, path) => {
    const tokens = createClassicTokenProvider({
      baseUrl: rig.sb.url,
      ...rig.sb.app,
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    const client = createWeChatClient({
      baseUrl: rig.sb.url,
      tokens,
      ...FAST,
      timeouts: { totalMs: 200 },
      retry: { attempts: 1 },
    });
    const token = await tokens.getToken();
    const code = redeemable(rig.sb);
    rig.sb.sim.faults.add({ path, count: 1, ...fault });
    const err = await rejection(
      path === '/card/code/consume'
        ? client.codeConsume({ code: code.code })
        : client.codeGet({ code: code.code }),
    );
    const text = everything(err);
    expect(text).not.toContain(token);
    expect(text).not.toContain(rig.sb.app.secret);
    expect(text).not.toContain('access_token=');
    expect(text).not.toMatch(/config|AxiosError/);
  });

  it('from a failed token fetch', async () => {
    const secret = 'definitely-wrong-secret-value';
    const tokens = createClassicTokenProvider({
      baseUrl: 'http://127.0.0.1:1', // nothing listens on port 1
      appid: rig.sb.app.appid,
      secret,
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    const err = await rejection(tokens.getToken());
    expect(err).toMatchObject({ kind: 'unavailable', key: 'wechat.network' });
    expect(everything(err)).not.toContain(secret);
  });
});
