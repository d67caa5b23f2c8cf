import { describe, expect, it } from 'vitest';
import { MAX_APPLY_DELAY_MS } from '../../../electron/sandbox';
import { FaultInjector } from '../../../electron/sandbox/faults';
import { CASH, testSeed } from './fixtures';
import { control, sandbox, Wx, type Json } from './helpers';

async function setup(faultRandomSeed?: number) {
  const sb = await sandbox({
    seed: testSeed(),
    ...(faultRandomSeed !== undefined ? { faultRandomSeed } : {}),
  });
  const wx = new Wx(sb);
  await wx.fetchToken();
  return { sb, wx };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function consumeRequest(wx: Wx, code: string, signal?: AbortSignal) {
  return fetch(`${wx.sb.url}/card/code/consume?access_token=${wx.token}`, {
    method: 'POST',
    body: JSON.stringify({ code }),
    ...(signal ? { signal } : {}),
  });
}

describe('fault injection', () => {
  it('latency: delays the answer by ms, then answers normally; only the next N calls', async () => {
    const { sb, wx } = await setup();
    // Held: each call's time at the sandbox, from its arrival to its answer (a loaded machine
    // slows the client's side, not what the fault holds).
    const held: number[] = [];
    sb.server.prependListener('request', (req, res) => {
      if (!(req.url ?? '').startsWith('/card/code/get')) return;
      const t = performance.now();
      res.once('finish', () => held.push(performance.now() - t));
    });
    sb.sim.faults.add({ path: '/card/code/get', kind: 'latency', ms: 500, count: 1 });
    const t = performance.now();
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(0);
    expect(performance.now() - t).toBeGreaterThanOrEqual(490);
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(0);
    expect(held).toHaveLength(2);
    expect(held[0]).toBeGreaterThanOrEqual(500);
    expect(held[1]).toBeLessThan(500); // the rule was used up: not held again
    expect(sb.sim.faults.list()).toEqual([]);
  });

  it('latency: never shorter than asked, measured at the server from request to answer', async () => {
    // a Node timer may fire up to a millisecond early against the clock: the wait is re-armed
    const { sb, wx } = await setup();
    const held: number[] = [];
    sb.server.prependListener('request', (req, res) => {
      if (!(req.url ?? '').startsWith('/card/code/get')) return;
      const t = performance.now();
      res.once('finish', () => held.push(performance.now() - t));
    });
    sb.sim.faults.add({ path: '/card/code/get', kind: 'latency', ms: 7, count: 40 });
    for (let i = 0; i < 40; i++) {
      expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(0);
    }
    expect(held).toHaveLength(40);
    expect(Math.min(...held)).toBeGreaterThanOrEqual(7);
  });

  it('hang: never answers and changes nothing, until the client gives up', async () => {
    const { sb, wx } = await setup();
    await control(sb, 'POST', '/faults', { path: '/card/code/consume', kind: 'hang' });
    const err = await consumeRequest(wx, '100000000001', AbortSignal.timeout(300)).catch(
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('TimeoutError');
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    expect(sb.sim.callCount('/card/code/consume')).toBe(1);
    // The sandbox keeps serving, and the rule was used up.
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
  });

  it('hang: closing the sandbox ends a hung request', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '/card/code/get', kind: 'hang' });
    const pending = wx.post('/card/code/get', { code: '100000000001' }).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 50));
    await sb.close();
    expect(await pending).toBe('failed');
  });

  it('http_5xx: answers the status with an HTML body and changes nothing', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'http_5xx', status: 502 });
    const res = await consumeRequest(wx, '100000000001');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<h1>502<\/h1>/);
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'http_5xx' });
    expect((await consumeRequest(wx, '100000000001')).status).toBe(503);
  });

  it('errcode -1 (system busy) and 45009 (quota): HTTP 200, nothing changes', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'errcode' });
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'errcode', errcode: 45009 });
    const busy = await consumeRequest(wx, '100000000001');
    expect(busy.status).toBe(200);
    const busyBody = (await busy.json()) as Json;
    expect(busyBody.errcode).toBe(-1);
    expect(busyBody.errmsg).toMatch(/^system error rid: /);
    const quota = await wx.post('/card/code/consume', { code: '100000000001' });
    expect(quota.errcode).toBe(45009);
    expect(quota.errmsg).toMatch(/^reach max api daily quota limit/);
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
  });

  it('malformed_json: the call is applied, the body is truncated JSON', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'malformed_json' });
    const res = await consumeRequest(wx, '100000000001');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{"errcode":0')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(sb.sim.code('100000000001')!.status).toBe('CONSUMED');
  });

  it('lost_response: the consume is applied, the connection drops; the retry answers 40099', async () => {
    const { sb, wx } = await setup();
    await control(sb, 'POST', '/faults', {
      path: '/card/code/consume',
      kind: 'lost_response',
      count: 1,
    });
    const err = await consumeRequest(wx, '100000000001').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(sb.sim.code('100000000001')!.status).toBe('CONSUMED');
    expect(sb.sim.callCount('/card/code/consume')).toBe(1);
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(40099);
    expect(
      sb.sim
        .requestLog()
        .filter((e) => e.path === '/card/code/consume')
        .map((e) => [e.faults, e.errcode]),
    ).toEqual([
      [['lost_response'], undefined],
      [[], 40099],
    ]);
  });

  it('count N fires exactly N times; "*" matches every endpoint; latency stacks with an outcome', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '*', kind: 'errcode', count: 3 });
    sb.sim.faults.add({ path: '/card/get', kind: 'latency', ms: 150, count: 1 });
    const t = performance.now();
    expect((await wx.post('/card/get', { card_id: 'x' })).errcode).toBe(-1);
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    expect((await wx.post('/card/batchget', { offset: 0, count: 1 })).errcode).toBe(-1);
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(-1);
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(0);
  });

  it('probability faults follow the seeded PRNG: same seed, same failures', async () => {
    async function pattern(seed: number): Promise<string> {
      const { sb, wx } = await setup(seed);
      sb.sim.faults.add({ path: '/card/code/get', kind: 'errcode', probability: 0.4 });
      let out = '';
      for (let i = 0; i < 25; i++) {
        out +=
          (await wx.post('/card/code/get', { code: '100000000001' })).errcode === -1 ? 'x' : '.';
      }
      return out;
    }
    const a = await pattern(7);
    expect(await pattern(7)).toBe(a);
    expect(a).toMatch(/x/);
    expect(a).toMatch(/\./);
    expect(await pattern(8)).not.toBe(a);
  });

  it('rules can be listed and cleared over HTTP; invalid specs are refused with 400', async () => {
    const { sb } = await setup();
    const added = await control(sb, 'POST', '/faults', {
      path: '/card/code/get',
      kind: 'http_5xx',
      probability: 0.3,
    });
    expect(added.body.fault).toMatchObject({
      id: 1,
      path: '/card/code/get',
      kind: 'http_5xx',
      probability: 0.3,
      status: 503,
    });
    expect((await control(sb, 'GET', '/faults')).body.faults).toHaveLength(1);
    expect((await control(sb, 'DELETE', '/faults')).body).toEqual({ ok: true });
    expect((await control(sb, 'GET', '/faults')).body.faults).toEqual([]);
    for (const bad of [
      { path: '/x', kind: 'explode' },
      { path: '/x', kind: 'latency' },
      { path: '/x', kind: 'hang', count: 1, probability: 0.5 },
      { path: '/x', kind: 'http_5xx', status: 404 },
      { path: 'x', kind: 'hang' },
    ]) {
      const r = await control(sb, 'POST', '/faults', bad);
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual(expect.any(String));
    }
    expect(() => sb.sim.faults.add({ path: '/x', kind: 'latency' })).toThrow();
  });

  it('applied_5xx: the call is applied, then answered with a 5xx HTML page', async () => {
    const { sb, wx } = await setup();
    await control(sb, 'POST', '/faults', { path: '/card/code/consume', kind: 'applied_5xx' });
    const res = await consumeRequest(wx, '100000000001');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<h1>503<\/h1>.*nginx/);
    expect(sb.sim.code('100000000001')!.status).toBe('CONSUMED');
    expect((await control(sb, 'GET', '/state/codes/100000000001')).body.status).toBe('CONSUMED');
    // The retry cannot tell "it was applied" from "someone else did it".
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(40099);
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'applied_5xx', status: 504 });
    expect((await consumeRequest(wx, '100000000002')).status).toBe(504);
    expect(sb.sim.code('100000000002')!.status).toBe('CONSUMED');
    expect(sb.sim.requestLog().map((e) => [e.faults, e.status])).toContainEqual([
      ['applied_5xx'],
      504,
    ]);
  });

  it('late_apply: no answer; the call is applied ms later, then the connection drops', async () => {
    const { sb, wx } = await setup();
    await control(sb, 'POST', '/faults', {
      path: '/card/code/consume',
      kind: 'late_apply',
      ms: 400,
    });
    const t = performance.now();
    const outcome = consumeRequest(wx, '100000000001').then(
      (r) => r.status,
      (e: unknown) => e,
    );
    await sleep(100);
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    expect((await control(sb, 'GET', '/state/codes/100000000001')).body.status).toBe('NORMAL');
    expect(sb.sim.appliedWrites()).toEqual([]);
    // The connection ends without an answer, and by then the write has landed.
    expect(await outcome).toBeInstanceOf(TypeError);
    expect(performance.now() - t).toBeGreaterThanOrEqual(390);
    expect(sb.sim.code('100000000001')!.status).toBe('CONSUMED');
    expect(sb.sim.appliedWrites()).toEqual([
      expect.objectContaining({ path: '/card/code/consume', code: '100000000001', card_id: CASH }),
    ]);
    const entry = sb.sim.requestLog().find((e) => e.path === '/card/code/consume');
    expect(entry).toMatchObject({ faults: ['late_apply'], status: 0 });
  });

  it('late_apply: applied even when the client gave up first', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'late_apply', ms: 300 });
    const err = await consumeRequest(wx, '100000000001', AbortSignal.timeout(80)).catch(
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('TimeoutError');
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    await sleep(400);
    expect(sb.sim.code('100000000001')!.status).toBe('CONSUMED');
  });

  it('late_apply and latency: a sandbox closed before the delay ends never applies the call', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'late_apply', ms: 300 });
    sb.sim.faults.add({ path: '/card/code/unavailable', kind: 'latency', ms: 300 });
    const late = consumeRequest(wx, '100000000001').then(
      () => 'answered',
      () => 'failed',
    );
    const slow = wx.post('/card/code/unavailable', { code: '100000000002' }).then(
      () => 'answered',
      () => 'failed',
    );
    await sleep(80);
    await sb.close();
    expect(await late).toBe('failed');
    expect(await slow).toBe('failed');
    await sleep(400);
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    expect(sb.sim.code('100000000002')!.status).toBe('NORMAL');
    expect(sb.sim.appliedWrites()).toEqual([]);
  });

  it(`no call waits longer than MAX_APPLY_DELAY_MS (${MAX_APPLY_DELAY_MS} ms) before it is applied`, async () => {
    expect(MAX_APPLY_DELAY_MS).toBe(60_000);
    const { sb } = await setup();
    for (const kind of ['latency', 'late_apply']) {
      const over = await control(sb, 'POST', '/faults', { path: '*', kind, ms: 60_001 });
      expect(over.status).toBe(400);
      const max = await control(sb, 'POST', '/faults', { path: '*', kind, ms: 60_000 });
      expect(max.status).toBe(200);
    }
    const missing = await control(sb, 'POST', '/faults', { path: '*', kind: 'late_apply' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/late_apply needs ms/);

    // Delays that fire together add up, but only to the bound.
    const faults = new FaultInjector(1);
    faults.add({ path: '*', kind: 'latency', ms: 40_000 });
    faults.add({ path: '*', kind: 'latency', ms: 40_000 });
    faults.add({ path: '*', kind: 'late_apply', ms: 50_000 });
    expect(faults.plan('/card/code/consume')).toMatchObject({ latencyMs: 60_000, applyDelayMs: 0 });
    faults.add({ path: '*', kind: 'latency', ms: 10_000 });
    faults.add({ path: '*', kind: 'late_apply', ms: 55_000 });
    expect(faults.plan('/card/code/consume')).toMatchObject({
      latencyMs: 10_000,
      applyDelayMs: 50_000,
    });
  });
});

describe('after', () => {
  it('lets the first N matching calls through, then fires', () => {
    const f = new FaultInjector(1);
    f.add({ path: '/card/code/get', kind: 'errcode', errcode: 45009, after: 2, count: 1 });
    expect(f.plan('/card/get').outcome).toBeUndefined(); // another path does not count
    expect(f.plan('/card/code/get').outcome).toBeUndefined();
    expect(f.plan('/card/code/get').outcome).toBeUndefined();
    expect(f.plan('/card/code/get').outcome).toMatchObject({ kind: 'errcode', errcode: 45009 });
    expect(f.plan('/card/code/get').outcome).toBeUndefined();
  });
});

describe('maxApplyDelayMs', () => {
  it('drops a delayed write whose timer fires past the bound, instead of applying it late', async () => {
    const { startSandbox } = await import('../../../electron/sandbox');
    const sb = await startSandbox({ port: 0, maxApplyDelayMs: 50 });
    try {
      const token = (await (
        await fetch(
          `${sb.url}/cgi-bin/token?grant_type=client_credential&appid=${sb.app.appid}&secret=${sb.app.secret}`,
        )
      ).json()) as { access_token: string };
      const consume = (code: string) =>
        fetch(`${sb.url}/card/code/consume?access_token=${token.access_token}`, {
          method: 'POST',
          body: JSON.stringify({ code }),
        });
      // Latency past the bound: the platform gave up (504), nothing applied.
      sb.sim.faults.add({ path: '/card/code/consume', kind: 'latency', ms: 120 });
      expect((await consume('178847660332')).status).toBe(504);
      expect(sb.sim.code('178847660332')?.status).toBe('NORMAL');
      // late_apply past the bound: never lands.
      sb.sim.faults.add({ path: '/card/code/consume', kind: 'late_apply', ms: 120 });
      await consume('174551011028').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      expect(sb.sim.code('174551011028')?.status).toBe('NORMAL');
      expect(sb.sim.appliedWrites()).toEqual([]);
    } finally {
      await sb.close();
    }
  });
});
