/**
 * The retry rules, with the sandbox's fault injection: reads are retried on network errors,
 * 5xx and -1 with backoff; writes are sent once, and a write whose answer is lost is
 * OutcomeUnknownError, distinct from a failure where nothing left this machine.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  OutcomeUnknownError,
  WeChatUnavailableError,
  createWeChatClient,
  type TokenProvider,
} from '../../../electron/wechat';
import { FAST, redeemable, rejection, useSandbox } from './sandbox-rig';

const rig = useSandbox();
const GET = '/card/code/get';
const CONSUME = '/card/code/consume';

describe('reads', () => {
  it.each([
    ['http_5xx', { kind: 'http_5xx' as const, status: 502 }],
    ['errcode -1', { kind: 'errcode' as const, errcode: -1 }],
    ['lost_response', { kind: 'lost_response' as const }],
  ])('are retried after %s twice, and the third call answers', async (_name, fault) => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    await client.codeGet({ code: code.code }); // token fetched, socket warm
    rig.sb.sim.resetCounters();
    rig.sb.sim.faults.add({ path: GET, count: 2, ...fault });
    const r = await client.codeGet({ code: code.code, check_consume: true });
    expect(r.user_card_status).toBe('NORMAL');
    expect(rig.count(GET)).toBe(3);
    expect(rig.count('/cgi-bin/stable_token')).toBe(0);
  });

  it('are retried the same way when the fault comes through the HTTP control API', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    await client.codeGet({ code: code.code });
    const control = `${rig.sb.url}/__sandbox`;
    await fetch(`${control}/counters`, { method: 'DELETE' });
    const added = await fetch(`${control}/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path: GET, kind: 'errcode', errcode: -1, count: 2 }),
    });
    expect(added.status).toBe(200);
    await client.codeGet({ code: code.code });
    const counters = (await (await fetch(`${control}/counters`)).json()) as {
      counters: Record<string, number>;
    };
    expect(counters.counters[GET]).toBe(3);
  });

  it('give up after the configured attempts with an unavailable error', async () => {
    const { client } = rig.connect({
      client: { retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 } },
    });
    const code = redeemable(rig.sb);
    rig.sb.sim.faults.add({ path: GET, kind: 'http_5xx', count: 10 });
    const err = await rejection(client.codeGet({ code: code.code }));
    expect(err).toBeInstanceOf(WeChatUnavailableError);
    const e = err as WeChatUnavailableError;
    expect(e.kind).toBe('unavailable');
    expect(e.reason).toBe('http_status');
    expect(e.key).toBe('wechat.http_status');
    expect(e.params).toMatchObject({ status: 503, call: 'card/code/get' });
    expect(rig.count(GET)).toBe(4);
  });

  it('exhausted on -1 keep the errcode, as an unavailable error', async () => {
    const { client } = rig.connect();
    const card = rig.sb.sim.cards()[0];
    if (!card) throw new Error('no card');
    rig.sb.sim.faults.add({ path: '/card/get', kind: 'errcode', errcode: -1, count: 3 });
    const e = (await rejection(client.cardGet(card.card_id))) as WeChatUnavailableError;
    expect(e).toBeInstanceOf(WeChatUnavailableError);
    expect(e.toInfo()).toMatchObject({
      kind: 'unavailable',
      key: 'wechat.errcode_-1',
      errcode: -1,
    });
    expect(e.errmsg).toContain('system error');
    expect(rig.count('/card/get')).toBe(3);
  });

  it('are not retried on a final errcode (45009, daily quota)', async () => {
    const { client } = rig.connect();
    rig.sb.sim.faults.add({ path: '/card/batchget', kind: 'errcode', errcode: 45009, count: 3 });
    const e = await rejection(client.cardBatchGet({ offset: 0, count: 10 }));
    expect(e).toMatchObject({ kind: 'wechat', errcode: 45009 });
    expect(rig.count('/card/batchget')).toBe(1);
  });

  it('wait between retries with bounded exponential backoff', async () => {
    const retry = { attempts: 3, baseDelayMs: 60, maxDelayMs: 80 };
    // random() = 1: the longest jittered pause, 60 then min(120, 80) = 80 ms.
    const { client } = rig.connect({ client: { retry, random: () => 1 } });
    const code = redeemable(rig.sb);
    await client.codeGet({ code: code.code });
    rig.sb.sim.faults.add({ path: GET, kind: 'errcode', errcode: -1, count: 2 });
    const started = performance.now();
    await client.codeGet({ code: code.code });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(135);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('time out after the configured total time and are retried', async () => {
    const { client } = rig.connect({ client: { timeouts: { connectMs: 500, totalMs: 250 } } });
    const code = redeemable(rig.sb);
    await client.codeGet({ code: code.code });
    rig.sb.sim.faults.add({ path: GET, kind: 'hang', count: 1 });
    const started = performance.now();
    const r = await client.codeGet({ code: code.code });
    const elapsed = performance.now() - started;
    expect(r.user_card_status).toBe('NORMAL');
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(4_000); // the 250 ms set, not the 8 s default
    // The warm-up, the hung call and at least one retry (a loaded machine may time out a
    // plain answer too, and a read is retried again).
    expect(rig.count(GET)).toBeGreaterThanOrEqual(3);
  });

  it('that keep hanging end as a timeout error naming the seconds', async () => {
    const { client } = rig.connect({
      client: { timeouts: { totalMs: 200 }, retry: { attempts: 2, baseDelayMs: 1 } },
    });
    const code = redeemable(rig.sb);
    rig.sb.sim.faults.add({ path: GET, kind: 'hang', count: 2 });
    const started = performance.now();
    const e = (await rejection(client.codeGet({ code: code.code }))) as WeChatUnavailableError;
    const elapsed = performance.now() - started;
    expect(e).toBeInstanceOf(WeChatUnavailableError);
    expect(e.reason).toBe('timeout');
    expect(e.params).toMatchObject({ seconds: 0.2, call: 'card/code/get' });
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(4_000); // twice 200 ms, not the 8 s default
  });

  it('with a malformed answer fail at once with an error naming the call', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    rig.sb.sim.faults.add({ path: GET, kind: 'malformed_json', count: 1 });
    const e = (await rejection(client.codeGet({ code: code.code }))) as WeChatUnavailableError;
    expect(e).toBeInstanceOf(WeChatUnavailableError);
    expect(e.reason).toBe('malformed_response');
    expect(e.key).toBe('wechat.malformed_response');
    expect(e.params.call).toBe('card/code/get');
    expect(e.message).toContain('card/code/get');
    expect(e.params.detail).toBe('the answer is not JSON');
    expect(rig.count(GET)).toBe(1);
  });
});

describe('writes', () => {
  it('whose answer is lost are sent once and reported as outcome unknown; the state shows it applied', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    await client.codeGet({ code: code.code });
    rig.sb.sim.faults.add({ path: CONSUME, kind: 'lost_response', count: 1 });
    const err = await rejection(client.codeConsume({ code: code.code }));
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    const e = err as OutcomeUnknownError;
    expect(e.kind).toBe('outcome_unknown');
    expect(e.key).toBe('wechat.outcome_unknown');
    expect(e.reason).toBe('connection_lost');
    expect(e.call).toBe('card/code/consume');
    expect(rig.count(CONSUME)).toBe(1);
    expect(rig.sb.sim.code(code.code)?.status).toBe('CONSUMED');
    // How the caller settles it: the code's status says the redemption went through.
    await expect(client.codeGet({ code: code.code, check_consume: false })).resolves.toMatchObject({
      user_card_status: 'CONSUMED',
    });
  });

  it.each([
    ['http_5xx', { kind: 'http_5xx' as const }, 'http_status', undefined],
    ['errcode -1', { kind: 'errcode' as const, errcode: -1 }, 'system_busy', -1],
  ])('are not retried after %s: outcome unknown, sent once', async (_n, fault, reason, errcode) => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    rig.sb.sim.faults.add({ path: CONSUME, count: 3, ...fault });
    const e = (await rejection(client.codeConsume({ code: code.code }))) as OutcomeUnknownError;
    expect(e).toBeInstanceOf(OutcomeUnknownError);
    expect(e.reason).toBe(reason);
    expect(e.errcode).toBe(errcode);
    expect(rig.count(CONSUME)).toBe(1);
    expect(rig.sb.sim.code(code.code)?.status).toBe('NORMAL');
  });

  it('that hang end as outcome unknown after the total timeout, sent once', async () => {
    const { client } = rig.connect({ client: { timeouts: { totalMs: 250 } } });
    const code = redeemable(rig.sb);
    await client.codeGet({ code: code.code });
    rig.sb.sim.faults.add({ path: '/card/code/unavailable', kind: 'hang', count: 1 });
    const started = performance.now();
    const e = (await rejection(
      client.codeUnavailable({ code: code.code, reason: 'refund' }),
    )) as OutcomeUnknownError;
    const elapsed = performance.now() - started;
    expect(e).toBeInstanceOf(OutcomeUnknownError);
    expect(e.reason).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(4_000); // the 250 ms set, not the 8 s default
    expect(rig.count('/card/code/unavailable')).toBe(1);
  });

  it('with a malformed answer are outcome unknown (the sandbox applied it)', async () => {
    const { client } = rig.connect();
    const card = rig.sb.sim.cards().find((c) => c.card_type === 'CASH');
    if (!card) throw new Error('no cash card');
    rig.sb.sim.faults.add({ path: '/card/modifystock', kind: 'malformed_json', count: 1 });
    const e = (await rejection(
      client.cardModifyStock({ card_id: card.card_id, increase_stock_value: 3 }),
    )) as OutcomeUnknownError;
    expect(e).toBeInstanceOf(OutcomeUnknownError);
    expect(e.reason).toBe('malformed_response');
    expect(e.params.call).toBe('card/modifystock');
    expect(rig.count('/card/modifystock')).toBe(1);
    expect(rig.sb.sim.card(card.card_id)?.quantity).toBe(card.quantity + 3);
  });

  it('that cannot connect are unavailable, not outcome unknown', async () => {
    const base = `http://127.0.0.1:${await freePort()}`;
    const client = createWeChatClient({ baseUrl: base, tokens: cachedToken(), ...FAST });
    const e = (await rejection(
      client.codeConsume({ code: '123456789012' }),
    )) as WeChatUnavailableError;
    expect(e).toBeInstanceOf(WeChatUnavailableError);
    expect(e.kind).toBe('unavailable');
    expect(e.reason).toBe('network');
    expect(e.key).toBe('wechat.network');
    expect(String((e.cause as Error).message)).toContain('ECONNREFUSED');
  });

  it('whose connection is never established give up after connectMs, as unavailable', async () => {
    // A TCP server that never speaks TLS: the https connection never becomes usable.
    const accepted = new Set<Socket>();
    const silent = createTcpServer((socket) => accepted.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const base = `https://127.0.0.1:${port}`;
      const tokens = cachedToken();
      const client = createWeChatClient({
        baseUrl: base,
        tokens,
        timeouts: { connectMs: 200, totalMs: 2_000 },
      });
      const started = performance.now();
      const e = (await rejection(
        client.codeConsume({ code: '123456789012' }),
      )) as WeChatUnavailableError;
      const elapsed = performance.now() - started;
      expect(e).toBeInstanceOf(WeChatUnavailableError);
      expect(e.reason).toBe('network');
      expect(String((e.cause as Error).message)).toContain('ECONNECTTIMEOUT');
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(1_500); // connectMs (200), not totalMs (2 s)
    } finally {
      for (const socket of accepted) socket.destroy();
      await closeServer(silent);
    }
  });
});

/** A provider that already holds a token, so nothing but the call itself is attempted. */
function cachedToken(): TokenProvider {
  return { kind: 'sandbox', getToken: async () => 't'.repeat(40), invalidate: async () => {} };
}

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await closeServer(s);
  return port;
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}
