import { describe, expect, it } from 'vitest';
import { WECHAT_PATHS, type RunningSandbox } from '../../../electron/sandbox';
import { CASH, testSeed } from './fixtures';
import { postRaw, sandbox, Wx, type Json } from './helpers';

const POST_PATHS = WECHAT_PATHS.filter((p) => p !== '/cgi-bin/token');
const AUTH_PATHS = POST_PATHS.filter((p) => p !== '/cgi-bin/stable_token');

function snapshot(sb: RunningSandbox): string {
  return JSON.stringify({ codes: sb.sim.codes(), cards: sb.sim.cards() });
}

async function setup() {
  const sb = await sandbox({ seed: testSeed() });
  const wx = new Wx(sb);
  await wx.fetchToken();
  return { sb, wx, before: snapshot(sb) };
}

async function raw(wx: Wx, path: string, text: string): Promise<{ status: number; body: Json }> {
  const res = await postRaw(`${wx.sb.url}${path}?access_token=${wx.token}`, text);
  return { status: res.status, body: (await res.json()) as Json };
}

describe('bad input', () => {
  it('malformed JSON, empty bodies and non-object JSON answer 47001 on every POST endpoint', async () => {
    const { sb, wx, before } = await setup();
    for (const path of POST_PATHS) {
      for (const text of ['{"code":', '', '[]', '"100000000001"', 'null', '42']) {
        const r = await raw(wx, path, text);
        expect(r.status, `${path} ${text}`).toBe(200);
        expect(r.body.errcode, `${path} ${text}`).toBe(47001);
        expect(r.body.errmsg).toMatch(/^data format error/);
      }
    }
    expect(snapshot(sb)).toBe(before);
  });

  it('wrong types answer 47001 and change nothing', async () => {
    const { sb, wx, before } = await setup();
    const cases: [string, unknown][] = [
      ['/card/code/get', { code: 100000000001 }],
      ['/card/code/get', { code: '100000000001', check_consume: 'false' }],
      ['/card/code/consume', { code: ['100000000001'] }],
      ['/card/code/consume', { code: '100000000001', card_id: 5 }],
      ['/card/code/unavailable', { code: '100000000001', reason: 5 }],
      [
        '/card/code/update',
        { code: 'CUSTOM-0001', card_id: 'pTESTcustom0000000000000001', new_code: 7 },
      ],
      ['/card/code/decrypt', { encrypt_code: {} }],
      ['/card/get', { card_id: null }],
      ['/card/batchget', { offset: '0', count: 1 }],
      ['/card/batchget', { offset: 0, count: 1, status_list: 'CARD_STATUS_VERIFY_OK' }],
      ['/card/modifystock', { card_id: CASH, reduce_stock_value: '5' }],
      ['/card/delete', { card_id: true }],
      ['/card/user/getcardlist', { openid: 1 }],
      ['/card/update', { card_id: CASH, cash: { base_info: { get_limit: 'many' } } }],
    ];
    for (const [path, body] of cases) {
      expect((await wx.post(path, body)).errcode, `${path} ${JSON.stringify(body)}`).toBe(47001);
    }
    expect(snapshot(sb)).toBe(before);
  });

  it('missing required fields answer 41011 (card_id 41012, openid 41009) and change nothing', async () => {
    const { sb, wx, before } = await setup();
    const cases: [string, unknown, number][] = [
      ['/card/code/get', {}, 41011],
      ['/card/code/consume', { card_id: CASH }, 41011],
      ['/card/code/unavailable', { reason: 'x' }, 41011],
      ['/card/code/update', { code: 'CUSTOM-0001' }, 41011],
      ['/card/code/decrypt', {}, 41011],
      ['/card/get', {}, 41012],
      ['/card/delete', {}, 41012],
      ['/card/modifystock', { increase_stock_value: 1 }, 41012],
      ['/card/update', {}, 41012],
      ['/card/batchget', { count: 1 }, 41011],
      ['/card/user/getcardlist', { card_id: CASH }, 41009],
      ['/datacube/getcardcardinfo', { begin_date: '2025-10-01', cond_source: 0 }, 41011],
    ];
    for (const [path, body, errcode] of cases) {
      const r = await wx.post(path, body);
      expect(r.errcode, `${path} ${JSON.stringify(body)}`).toBe(errcode);
      expect(r.errmsg).toMatch(/ rid: /);
    }
    expect(snapshot(sb)).toBe(before);
  });

  it('overlong strings answer 45021 and change nothing', async () => {
    const { sb, wx, before } = await setup();
    const long = (n: number) => '9'.repeat(n);
    const cases: [string, unknown][] = [
      ['/card/code/get', { code: long(65) }],
      ['/card/code/consume', { code: long(1000) }],
      ['/card/code/consume', { code: '100000000001', card_id: 'p'.repeat(33) }],
      ['/card/code/unavailable', { code: '100000000001', reason: 'r'.repeat(65) }],
      ['/card/get', { card_id: 'p'.repeat(100) }],
      ['/card/user/getcardlist', { openid: 'o'.repeat(65) }],
      ['/card/update', { card_id: CASH, cash: { base_info: { logo_url: 'u'.repeat(129) } } }],
    ];
    for (const [path, body] of cases) {
      expect((await wx.post(path, body)).errcode, path).toBe(45021);
    }
    expect(snapshot(sb)).toBe(before);
  });

  it('every authenticated endpoint checks access_token before the body', async () => {
    const { sb, before } = await setup();
    for (const path of AUTH_PATHS) {
      const missing = (await (await postRaw(`${sb.url}${path}`, '{bad')).json()) as Json;
      expect(missing.errcode, path).toBe(41001);
      const invalid = (await (
        await postRaw(`${sb.url}${path}?access_token=bad!`, '{}')
      ).json()) as Json;
      expect(invalid.errcode, path).toBe(40014);
    }
    expect(snapshot(sb)).toBe(before);
  });

  it('wrong method 43002, unknown path HTTP 404 with errcode 48001, oversized body 47001', async () => {
    const { sb, wx, before } = await setup();
    const get = await fetch(`${sb.url}/card/code/get?access_token=${wx.token}`);
    expect(get.status).toBe(200);
    expect(((await get.json()) as Json).errcode).toBe(43002);
    const unknown = await fetch(`${sb.url}/card/code/steal?access_token=${wx.token}`, {
      method: 'POST',
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).errcode).toBe(48001);
    const big = JSON.stringify({ code: '100000000001', pad: 'x'.repeat(1_100_000) });
    const r = await raw(wx, '/card/code/consume', big);
    expect(r.body.errcode).toBe(47001);
    expect(snapshot(sb)).toBe(before);
    // The sandbox still works after all of that.
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
  });

  it("answers with the platform's JSON content type", async () => {
    const { wx } = await setup();
    const res = await postRaw(
      `${wx.sb.url}/card/code/get?access_token=${wx.token}`,
      '{"code":"100000000001"}',
    );
    expect(res.headers.get('content-type')).toBe('application/json; encoding=utf-8');
  });
});
