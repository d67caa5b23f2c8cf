/**
 * Adversarial review of issue 16 (the built-in sandbox's control API): what a web page in a
 * browser on the till can send to the loopback sandbox, in spellings and methods the sandbox's
 * own tests do not try. Nothing may change, and the WeChat paths must refuse a browser page.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox';

const open: RunningSandbox[] = [];
afterEach(async () => {
  for (const sb of open.splice(0)) await sb.close();
});

function send(
  sb: RunningSandbox,
  method: string,
  p: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number> {
  const port = Number(new URL(sb.url).port);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const state = (sb: RunningSandbox) => ({
  now: sb.sim.clock.now(),
  faults: sb.sim.faults.list().length,
  code: sb.sim.code('178847660332')?.user_card_status,
  writes: sb.sim.appliedWrites().length,
});

describe('held: a page cannot drive the sandbox', () => {
  it('odd Origins, Hosts, methods and content types change nothing', async () => {
    const sb = await startSandbox({ port: 0, frozenClock: true });
    open.push(sb);
    const port = new URL(sb.url).port;
    const host = `127.0.0.1:${port}`;
    const before = state(sb);
    const body = JSON.stringify({ advance: 86_400_000 });
    const tries: [string, string, Record<string, string>][] = [];
    for (const origin of [
      `http://${host}.evil.example`,
      `http://evil.example#${host}`,
      `http://${host}/`,
      `HTTP://${host}`,
      `http://127.0.0.1:${Number(port) + 1}`, // the browser host on another port: same-site
      `http://[::1]:${port}`,
      `http://0.0.0.0:${port}`,
      `http://127.0.0.1:${port}, https://evil.example`,
    ]) {
      tries.push([
        'POST',
        '/__sandbox/clock',
        { host, origin, 'content-type': 'application/json' },
      ]);
    }
    for (const h of [
      `${host}.`,
      `127.0.0.1:${port}:80`,
      `0.0.0.0:${port}`,
      `[::1]:${port}`,
      `127.1:${port}`,
      `LOCALHOST:${port}`,
    ]) {
      tries.push(['POST', '/__sandbox/clock', { host: h, 'content-type': 'application/json' }]);
    }
    for (const type of [
      'text/plain',
      'text/plain; application/json',
      'application/x-www-form-urlencoded; x=application/json',
      'application/json-patch+json',
      '',
    ]) {
      for (const method of ['POST', 'PUT', 'PATCH']) {
        tries.push([method, '/__sandbox/clock', { host, 'content-type': type }]);
      }
    }
    for (const [method, p, headers] of [
      ...tries,
      [
        'POST',
        '/__sandbox/clock',
        { host, 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
      ],
    ] as [string, string, Record<string, string>][]) {
      await send(sb, method, p, headers, body);
    }
    // A browser page's POST to a WeChat path (no-cors text/plain), as the demo app.
    const wx = await send(
      sb,
      'POST',
      '/card/code/consume?access_token=x',
      {
        host,
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
        'content-type': 'text/plain',
      },
      JSON.stringify({ code: '178847660332' }),
    );
    expect(wx).toBe(403);
    expect(state(sb)).toEqual(before);
    // (control) the same request as the terminal's tools send it does change the clock.
    expect(
      await send(
        sb,
        'POST',
        '/__sandbox/clock',
        { host, 'content-type': 'application/json' },
        body,
      ),
    ).toBe(200);
    expect(state(sb).now).toBe(before.now + 86_400_000);
  });
});
