import { describe, expect, it } from 'vitest';
import { CONTROL_CARD_PATH, CONTROL_CODE_PATH } from '../../../electron/sandbox';
import { CASH, CUSTOM, MOVIE, TERM, testSeed } from './fixtures';
import { control, sandbox, TEST_NOW_MS, Wx, type Json } from './helpers';

async function setup() {
  const sb = await sandbox({ seed: testSeed() });
  const wx = new Wx(sb);
  await wx.fetchToken();
  return { sb, wx };
}

function consumeRequest(wx: Wx, code: string) {
  return fetch(`${wx.sb.url}/card/code/consume?access_token=${wx.token}`, {
    method: 'POST',
    body: JSON.stringify({ code }),
  });
}

async function writes(wx: Wx, query = ''): Promise<Json[]> {
  const r = await control(wx.sb, 'GET', `/state/writes${query}`);
  expect(r.status).toBe(200);
  return r.body.writes as Json[];
}

describe('applied-writes journal', () => {
  it('a consume whose answer was lost is in it; refused and faulted-unapplied calls are not', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'lost_response' });
    const before = Date.now();
    expect(await consumeRequest(wx, '100000000001').catch((e: unknown) => e)).toBeInstanceOf(
      TypeError,
    );
    // Refused by errcode: already consumed, unknown, wrong status; and faults that apply nothing.
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(40099);
    expect((await wx.post('/card/code/consume', { code: 'nope' })).errcode).toBe(40056);
    expect((await wx.post('/card/code/consume', { code: '100000000004' })).errcode).toBe(40127);
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'errcode' });
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'http_5xx' });
    expect((await wx.post('/card/code/consume', { code: '100000000002' })).errcode).toBe(-1);
    expect((await consumeRequest(wx, '100000000002')).status).toBe(503);
    expect(sb.sim.code('100000000002')!.status).toBe('NORMAL');

    const list = await writes(wx);
    expect(list).toEqual([
      {
        seq: 1,
        at: TEST_NOW_MS,
        wall: expect.any(Number),
        path: '/card/code/consume',
        code: '100000000001',
        card_id: CASH,
        via: 'api',
      },
    ]);
    expect(list[0]!.wall).toBeGreaterThanOrEqual(before);
    expect(list[0]!.wall).toBeLessThanOrEqual(Date.now());
    expect(sb.sim.appliedWrites()).toEqual(list);
  });

  it('records every kind of WeChat write, in order, with what it touched', async () => {
    const { wx } = await setup();
    const ok = async (path: string, body: unknown) =>
      expect((await wx.post(path, body)).errcode).toBe(0);
    await ok('/card/code/consume', { code: '100000000001' });
    await ok('/card/code/unavailable', { code: '100000000002', reason: 'refund' });
    await ok('/card/code/update', {
      code: 'CUSTOM-0001',
      card_id: CUSTOM,
      new_code: 'CUSTOM-0042',
    });
    await ok('/card/update', { card_id: TERM, discount: { base_info: { service_phone: '1' } } });
    await ok('/card/modifystock', { card_id: CASH, increase_stock_value: 5 });
    await ok('/card/delete', { card_id: MOVIE });
    // Reads are not writes.
    await ok('/card/code/get', { code: '100000000002', check_consume: false });
    await ok('/card/get', { card_id: CASH });
    expect(
      (await writes(wx)).map(({ seq, path, code, card_id, new_code, via }) => ({
        seq,
        path,
        code,
        card_id,
        new_code,
        via,
      })),
    ).toEqual([
      { seq: 1, path: '/card/code/consume', code: '100000000001', card_id: CASH, via: 'api' },
      { seq: 2, path: '/card/code/unavailable', code: '100000000002', card_id: CASH, via: 'api' },
      {
        seq: 3,
        path: '/card/code/update',
        code: 'CUSTOM-0001',
        card_id: CUSTOM,
        new_code: 'CUSTOM-0042',
        via: 'api',
      },
      { seq: 4, path: '/card/update', card_id: TERM, via: 'api' },
      { seq: 5, path: '/card/modifystock', card_id: CASH, via: 'api' },
      { seq: 6, path: '/card/delete', card_id: MOVIE, via: 'api' },
    ]);
  });

  it('writes applied under malformed_json and applied_5xx are in it', async () => {
    const { sb, wx } = await setup();
    sb.sim.faults.add({ path: '/card/code/consume', kind: 'malformed_json' });
    sb.sim.faults.add({ path: '/card/code/unavailable', kind: 'applied_5xx', status: 502 });
    expect((await consumeRequest(wx, '100000000001')).status).toBe(200);
    const res = await fetch(`${sb.url}/card/code/unavailable?access_token=${wx.token}`, {
      method: 'POST',
      body: JSON.stringify({ code: '100000000002' }),
    });
    expect(res.status).toBe(502);
    expect((await writes(wx)).map((w) => [w.path, w.code])).toEqual([
      ['/card/code/consume', '100000000001'],
      ['/card/code/unavailable', '100000000002'],
    ]);
  });

  it('control-API status changes are in it with via "control"', async () => {
    const { sb, wx } = await setup();
    sb.sim.clock.advance(1000);
    expect(
      (await control(sb, 'POST', '/state/codes/100000000001', { status: 'GIFTING' })).status,
    ).toBe(200);
    expect(
      (await control(sb, 'POST', `/state/cards/${CASH}`, { status: 'CARD_STATUS_NOT_VERIFY' }))
        .status,
    ).toBe(200);
    // Refused control calls change nothing and are not in it.
    expect((await control(sb, 'POST', '/state/codes/nope', { status: 'GIFTING' })).status).toBe(
      404,
    );
    expect((await control(sb, 'POST', `/state/cards/${CASH}`, { status: 'NOPE' })).status).toBe(
      400,
    );
    expect(await writes(wx)).toEqual([
      {
        seq: 1,
        at: TEST_NOW_MS + 1000,
        wall: expect.any(Number),
        path: CONTROL_CODE_PATH,
        code: '100000000001',
        card_id: CASH,
        status: 'GIFTING',
        via: 'control',
      },
      {
        seq: 2,
        at: TEST_NOW_MS + 1000,
        wall: expect.any(Number),
        path: CONTROL_CARD_PATH,
        card_id: CASH,
        status: 'CARD_STATUS_NOT_VERIFY',
        via: 'control',
      },
    ]);
    expect(CONTROL_CODE_PATH).toBe('/__sandbox/state/codes/:code');
    expect(CONTROL_CARD_PATH).toBe('/__sandbox/state/cards/:card_id');
  });

  it('?since=<seq> returns only later writes; reset clears it and restarts seq at 1', async () => {
    const { sb, wx } = await setup();
    for (const code of ['100000000001', '100000000002', '400000000001']) {
      expect((await wx.post('/card/code/consume', { code })).errcode).toBe(0);
    }
    expect((await writes(wx, '?since=1')).map((w) => w.seq)).toEqual([2, 3]);
    expect(await writes(wx, '?since=3')).toEqual([]);
    expect(sb.sim.appliedWrites(2).map((w) => w.code)).toEqual(['400000000001']);
    for (const bad of ['-1', 'x', '1.5', '']) {
      const r = await control(sb, 'GET', `/state/writes?since=${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/since/);
    }
    expect((await control(sb, 'GET', '/state/writes/1')).status).toBe(404);

    expect((await control(sb, 'POST', '/reset')).status).toBe(200);
    expect(await writes(wx)).toEqual([]);
    await wx.fetchToken();
    expect((await wx.post('/card/code/consume', { code: '100000000002' })).errcode).toBe(0);
    expect((await writes(wx)).map((w) => w.seq)).toEqual([1]);
  });

  it('the list is a copy: changing it does not change the journal', async () => {
    const { sb, wx } = await setup();
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
    const list = sb.sim.appliedWrites();
    list[0]!.code = 'changed';
    list.pop();
    expect(sb.sim.appliedWrites()).toEqual([expect.objectContaining({ code: '100000000001' })]);
  });
});
