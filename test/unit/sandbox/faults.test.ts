import { describe, expect, it } from 'vitest';
import { testSeed } from './fixtures';
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
    sb.sim.faults.add({ path: '/card/code/get', kind: 'latency', ms: 500, count: 1 });
    let t = performance.now();
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(0);
    expect(performance.now() - t).toBeGreaterThanOrEqual(490);
    t = performance.now();
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(0);
    expect(performance.now() - t).toBeLessThan(400);
    expect(sb.sim.faults.list()).toEqual([]);
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
});
