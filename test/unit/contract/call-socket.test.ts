/**
 * The browser host's call socket under attack, against a dispatch that records what it ran
 * (browser-host.test.ts covers the same rules against the real services): what a refused or
 * misbehaving socket sends never reaches dispatch, the session rule holds through sign-in,
 * rotation and sign-out by POST, and the socket survives what a tab may throw at it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { callSocketRetryMs } from '../../../shared/contract-kit';
import { startBrowserHost, type RunningBrowserHost } from '../../../electron/host/browser-host';

let host: RunningBrowserHost;
/** What dispatch ran: the operation, its input and the caller's context id. */
const runs: { name: string; input: unknown; clientId: string }[] = [];
/** Calls of this name wait for release() before they answer. */
const held = new Map<string, () => void>();

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-socket-'));
  mkdirSync(path.join(dir, 'static'));
  writeFileSync(path.join(dir, 'static', 'index.html'), '<html><head></head><body></body></html>');
  host = await startBrowserHost({
    port: 0,
    staticDir: path.join(dir, 'static'),
    socketHelloMs: 300,
    dispatch: async (name, input, ctx) => {
      runs.push({ name, input, clientId: ctx.clientId });
      const code = (input as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && code.startsWith('hold')) {
        await new Promise<void>((resolve) => held.set(code, resolve));
      }
      return { ok: true, value: { ran: name } };
    },
  });
});
afterAll(() => host.close());
beforeEach(() => {
  runs.length = 0;
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POST /api/<name> as the page does; returns the session token a sign-in issues. */
function post(name: string, client: string, token?: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        method: 'POST',
        path: `/api/${name}`,
        headers: {
          'content-type': 'application/json',
          'x-carddesk-secret': host.secret,
          'x-carddesk-client': client,
          ...(token !== undefined ? { 'x-carddesk-session': token } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['x-carddesk-session'] as string | undefined));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

/** A socket with a message queue: next() is the next message, or { closed: code }. */
async function socket() {
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const w = new WebSocket(`ws://127.0.0.1:${host.port}/api/socket`, {
      headers: { origin: `http://127.0.0.1:${host.port}` },
    });
    w.once('open', () => resolve(w));
    w.once('error', reject);
  });
  const messages: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  const deliver = (m: unknown) => {
    const w = waiting.shift();
    if (w) w(m);
    else messages.push(m);
  };
  ws.on('message', (data) => deliver(JSON.parse(String(data))));
  ws.on('close', (code) => deliver({ closed: code }));
  const next = () =>
    new Promise<unknown>((resolve) =>
      messages.length ? resolve(messages.shift()) : waiting.push(resolve),
    );
  const send = (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  return { ws, next, send };
}

async function ready(clientId: string) {
  const s = await socket();
  s.send({ secret: host.secret, clientId });
  expect(await s.next()).toEqual({ ready: true });
  return s;
}

const lookup = (id: unknown, session = '', code = '123') => ({
  id,
  name: 'lookupCode',
  input: { code },
  session,
});

describe('call socket: what a closed socket is sent never runs', () => {
  it('a correct hello and a call right behind a wrong secret run nothing', async () => {
    const s = await socket();
    s.send({ secret: 'guess', clientId: 'tab-wrong-secret' });
    s.send({ secret: host.secret, clientId: 'tab-wrong-secret' });
    s.send({ id: 1, name: 'redeemCode', input: { code: '123' }, session: '' });
    expect(await s.next()).toEqual({ closed: 1008 });
    await wait(50);
    expect(runs).toEqual([]);
  });

  it.each([
    ['a binary frame', Buffer.from([1, 2, 3]), 1003],
    ['malformed JSON', '{oops', 1007],
    ['a call without an id', { name: 'lookupCode', input: {} }, 1007],
    ['JSON that is not an object', '42', 1007],
  ])('a call right behind %s runs nothing', async (_what, bad, code) => {
    const s = await ready('tab-bad-frame');
    s.ws.send(typeof bad === 'string' || Buffer.isBuffer(bad) ? bad : JSON.stringify(bad));
    s.send({ id: 2, name: 'redeemCode', input: { code: '123' }, session: '' });
    expect(await s.next()).toEqual({ closed: code });
    await wait(50);
    expect(runs).toEqual([]);
  });

  it('a socket that never says hello is closed (and the page may reconnect: not 1008)', async () => {
    const s = await socket();
    expect(await s.next()).toEqual({ closed: 4408 });
  });

  it('a socket that said hello in time is not closed by that deadline', async () => {
    const s = await ready('tab-in-time');
    await wait(500);
    s.send(lookup(1));
    expect(await s.next()).toMatchObject({ id: 1, envelope: { ok: true } });
    s.ws.close();
  });
});

describe('call socket: messages a tab should never send', () => {
  it('a second hello after ready is a call without an id: closed, nothing run', async () => {
    const s = await ready('tab-second-hello');
    s.send({ secret: host.secret, clientId: 'tab-other-0001' });
    expect(await s.next()).toEqual({ closed: 1007 });
    expect(runs).toEqual([]);
  });

  it('an id that is not a safe integer closes the socket unrun; a negative one is an id', async () => {
    for (const id of [1.5, '1', 2 ** 53, null, [1], { n: 1 }, Infinity]) {
      const s = await ready('tab-bad-ids');
      s.send(typeof id === 'number' && !Number.isFinite(id) ? '{"id":1e400}' : lookup(id));
      expect(await s.next()).toEqual({ closed: 1007 });
    }
    expect(runs).toEqual([]);
    const s = await ready('tab-bad-ids');
    s.send(lookup(-5));
    expect(await s.next()).toMatchObject({ id: -5, envelope: { ok: true } });
    s.ws.close();
  });

  it('names from the prototype, or none, are refused unrun', async () => {
    const s = await ready('tab-proto-names');
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'has', '', 42, null];
    for (const name of names) {
      s.send({ id: 9, name, input: {}, session: '' });
      expect(await s.next()).toEqual({
        id: 9,
        envelope: {
          ok: false,
          error: { kind: 'internal', key: 'errors.host_refused', params: { status: 404 } },
        },
      });
    }
    s.send('{"id":10,"name":"lookupCode","__proto__":{"name":"signOut"},"input":{"code":"1"}}');
    expect(await s.next()).toMatchObject({ id: 10, envelope: { value: { ran: 'lookupCode' } } });
    expect(runs.map((r) => r.name)).toEqual(['lookupCode']);
    s.ws.close();
  });

  it('a call without input runs with {}, and any other input reaches dispatch as sent', async () => {
    const s = await ready('tab-inputs-01');
    s.send({ id: 1, name: 'lookupCode', session: '' });
    s.send({ id: 2, name: 'lookupCode', input: 'text', session: '' });
    s.send({ id: 3, name: 'lookupCode', input: null, session: '' });
    for (let i = 0; i < 3; i++) await s.next();
    expect(runs.map((r) => r.input)).toEqual([{}, 'text', {}]);
    s.ws.close();
  });

  it('five hundred calls on one socket each get their own answer', async () => {
    const s = await ready('tab-many-calls');
    for (let i = 0; i < 500; i++) s.send(lookup(i, '', `c${i}`));
    const ids = new Set<number>();
    for (let i = 0; i < 500; i++) ids.add(((await s.next()) as { id: number }).id);
    expect(ids.size).toBe(500);
    expect(runs.map((r) => (r.input as { code: string }).code).sort()).toEqual(
      Array.from({ length: 500 }, (_, i) => `c${i}`).sort(),
    );
    s.ws.close();
  });

  it('a call that finishes after its socket closed is answered to nobody, and the host goes on', async () => {
    const s = await ready('tab-racing-01');
    s.send(lookup(1, '', 'hold-race'));
    await wait(50);
    s.ws.terminate();
    await wait(50);
    held.get('hold-race')!();
    await wait(50);
    const t = await ready('tab-racing-01');
    t.send(lookup(2));
    expect(await t.next()).toMatchObject({ id: 2, envelope: { ok: true } });
    t.ws.close();
  });
});

describe('call socket: the session rule, as by POST', () => {
  it('another tab’s id without its token is a stranger; with it, that tab', async () => {
    const victim = 'tab-victim-001';
    const token = await post('signIn', victim);
    expect(token).toBeDefined();
    const s = await ready(victim);
    for (const forged of ['', 'x'.repeat(43), token!.slice(0, -1)]) s.send(lookup(1, forged));
    s.send({ id: 2, name: 'lookupCode', input: { code: '1' } }); // no session at all
    s.send(lookup(3, token));
    for (let i = 0; i < 5; i++) await s.next();
    expect(runs.slice(1).map((r) => r.clientId.startsWith('browser:stranger:'))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(runs.at(-1)!.clientId).toBe(`browser:${victim}`);
    s.ws.close();
  });

  it('a sign-in by POST rotates the token: the socket’s old one makes a stranger', async () => {
    const tab = 'tab-rotation-01';
    const first = await post('signIn', tab);
    const s = await ready(tab);
    s.send(lookup(1, first));
    await s.next();
    const second = await post('signIn', tab, first);
    expect(second).not.toBe(first);
    s.send(lookup(2, first));
    s.send(lookup(3, second));
    await s.next();
    await s.next();
    const ctx = runs.filter((r) => r.name === 'lookupCode').map((r) => r.clientId);
    expect(ctx[0]).toBe(`browser:${tab}`);
    expect(ctx[1]).toMatch(/^browser:stranger:/);
    expect(ctx[2]).toBe(`browser:${tab}`);
    s.ws.close();
  });

  it('after sign-out by POST the socket reaches the same (signed-out) context as POST does', async () => {
    const tab = 'tab-signout-01';
    const token = await post('signIn', tab);
    await post('signOut', tab, token);
    const s = await ready(tab);
    s.send(lookup(1, token));
    await s.next();
    await post('lookupCode', tab, token);
    const ctx = runs.filter((r) => r.name === 'lookupCode').map((r) => r.clientId);
    expect(ctx).toEqual([`browser:${tab}`, `browser:${tab}`]);
    s.ws.close();
  });
});

describe('call socket: the page comes back, without knocking every second', () => {
  it('waits 1 s after a close, twice as long after each close in a row, at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(callSocketRetryMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
    // Before any close (the count is reset when a socket is ready): a second, never less.
    expect(callSocketRetryMs(0)).toBe(1_000);
  });
});
