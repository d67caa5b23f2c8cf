import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WECHAT_PATHS, type RunningSandbox } from '../../../electron/sandbox';
import { createTerminalServices } from '../../../electron/services';
import { APP, CASH, CUSTOM, testSeed } from './fixtures';
import { control, sandbox, TEST_NOW_MS, Wx, type Json } from './helpers';

async function setup() {
  const sb = await sandbox({ seed: testSeed() });
  return { sb, wx: new Wx(sb) };
}

describe('control API /__sandbox/', () => {
  it('GET / describes the sandbox: apps, clock and endpoints', async () => {
    const { sb } = await setup();
    const r = await control(sb, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      apps: [APP.appid, 'wxtest00000000002'],
      clock: { now: TEST_NOW_MS, iso: new Date(TEST_NOW_MS).toISOString(), frozen: true },
      endpoints: WECHAT_PATHS,
    });
    expect(WECHAT_PATHS).toHaveLength(17);
  });

  it('counts calls per endpoint path, including refused and unknown ones; control calls are not counted', async () => {
    const { sb, wx } = await setup();
    await wx.post('/card/code/consume', { code: '100000000001' });
    await wx.post('/card/code/consume', { code: '100000000001' });
    await wx.post('/card/code/get', { code: 'nope' });
    await fetch(`${sb.url}/no/such/api`);
    await control(sb, 'GET', '/counters');
    const r = await control(sb, 'GET', '/counters');
    expect(r.body).toEqual({
      counters: {
        '/card/code/consume': 2,
        '/card/code/get': 1,
        '/cgi-bin/token': 1,
        '/no/such/api': 1,
      },
      total: 5,
    });
    expect(sb.sim.callCount('/card/code/consume')).toBe(2);
    expect((await control(sb, 'DELETE', '/counters')).body).toEqual({ ok: true });
    expect(sb.sim.counters()).toEqual({});
  });

  it('reads, sets and advances the clock', async () => {
    const { sb } = await setup();
    expect((await control(sb, 'GET', '/clock')).body.now).toBe(TEST_NOW_MS);
    expect((await control(sb, 'POST', '/clock', { advance: 60_000 })).body.now).toBe(
      TEST_NOW_MS + 60_000,
    );
    expect((await control(sb, 'POST', '/clock', { set: 1_800_000_000_000 })).body).toEqual({
      now: 1_800_000_000_000,
      iso: new Date(1_800_000_000_000).toISOString(),
      frozen: true,
    });
    expect(sb.sim.clock.now()).toBe(1_800_000_000_000);
    expect((await control(sb, 'POST', '/clock', { set: 'soon' })).status).toBe(400);
    expect((await control(sb, 'POST', '/clock', { set: 1, advance: 2 })).status).toBe(400);
    expect(sb.sim.clock.now()).toBe(1_800_000_000_000);
  });

  it('reset restores the seed state, clock, counters and faults, and forgets tokens', async () => {
    const { sb, wx } = await setup();
    await wx.post('/card/code/consume', { code: '100000000001' });
    await wx.post('/card/modifystock', { card_id: CASH, increase_stock_value: 5 });
    sb.sim.clock.advance(3_600_000);
    sb.sim.faults.add({ path: '*', kind: 'hang', count: 5 });
    expect((await control(sb, 'POST', '/reset')).body).toEqual({ ok: true });
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    expect(sb.sim.card(CASH)!.quantity).toBe(10);
    expect(sb.sim.clock.now()).toBe(TEST_NOW_MS);
    expect(sb.sim.counters()).toEqual({});
    expect(sb.sim.faults.list()).toEqual([]);
    expect(sb.sim.requestLog()).toEqual([]);
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(40001);
    await wx.fetchToken();
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(0);
  });

  it('reads codes and cards, lists them with filters, 404 for unknown ones', async () => {
    const { sb, wx } = await setup();
    await wx.post('/card/code/consume', { code: '100000000001' });
    const code = await control(sb, 'GET', '/state/codes/100000000001');
    expect(code.body).toMatchObject({
      code: '100000000001',
      card_id: CASH,
      card_type: 'CASH',
      appid: APP.appid,
      status: 'CONSUMED',
      user_card_status: 'CONSUMED',
      can_consume: false,
      status_at: Math.floor(TEST_NOW_MS / 1000),
    });
    expect((await control(sb, 'GET', '/state/codes/nope')).status).toBe(404);
    const consumed = await control(sb, 'GET', '/state/codes?status=CONSUMED');
    expect((consumed.body.codes as Json[]).map((c) => c.code)).toEqual([
      '100000000001',
      '100000000003',
    ]);
    const custom = await control(sb, 'GET', `/state/codes?card_id=${CUSTOM}`);
    expect((custom.body.codes as Json[]).map((c) => c.code)).toEqual([
      'CUSTOM-0001',
      'CUSTOM-0002',
    ]);
    expect((await control(sb, 'GET', '/state/codes?status=USED')).status).toBe(400);
    const card = await control(sb, 'GET', `/state/cards/${CASH}`);
    expect(card.body).toMatchObject({
      card_id: CASH,
      card_type: 'CASH',
      status: 'CARD_STATUS_VERIFY_OK',
      quantity: 10,
      total_quantity: 20,
      use_custom_code: false,
      title: '满100减10元代金券',
    });
    expect((card.body.card as Json).card_type).toBe('CASH');
    expect(((await control(sb, 'GET', '/state/cards')).body.cards as Json[]).length).toBe(6);
    expect((await control(sb, 'GET', '/state/cards/pNOPE')).status).toBe(404);
  });

  it("sets a code's or a card's status (e.g. a user gifts the coupon mid-test)", async () => {
    const { sb, wx } = await setup();
    const r = await control(sb, 'POST', '/state/codes/100000000002', { status: 'GIFTING' });
    expect(r.body).toMatchObject({ status: 'GIFTING' });
    expect((await wx.post('/card/code/consume', { code: '100000000002' })).errcode).toBe(40127);
    expect(
      (await control(sb, 'POST', '/state/codes/100000000002', { status: 'LOST' })).status,
    ).toBe(400);
    expect((await control(sb, 'POST', '/state/codes/nope', { status: 'NORMAL' })).status).toBe(404);
    const c = await control(sb, 'POST', `/state/cards/${CASH}`, {
      status: 'CARD_STATUS_NOT_VERIFY',
    });
    expect(c.body).toMatchObject({ status: 'CARD_STATUS_NOT_VERIFY' });
  });

  it('makes encrypt_codes that card/code/decrypt accepts', async () => {
    const { sb, wx } = await setup();
    const r = await control(sb, 'POST', '/encrypt', { code: '100000000001' });
    expect(r.body.encrypt_code).toBe(sb.sim.encryptCode('100000000001'));
    expect((await wx.post('/card/code/decrypt', { encrypt_code: r.body.encrypt_code })).code).toBe(
      '100000000001',
    );
    expect((await control(sb, 'POST', '/encrypt', { code: '1', appid: 'wxnobody' })).status).toBe(
      400,
    );
  });

  it('keeps a request log with status, errcode and faults', async () => {
    const { sb, wx } = await setup();
    await wx.post('/card/code/get', { code: 'nope' });
    const log = (await control(sb, 'GET', '/log')).body.log as Json[];
    expect(log.map((e) => [e.seq, e.method, e.path, e.status, e.errcode])).toEqual([
      [1, 'GET', '/cgi-bin/token', 200, 0],
      [2, 'POST', '/card/code/get', 200, 40056],
    ]);
  });

  it('answers 404 for unknown control endpoints and malformed bodies with 400', async () => {
    const { sb } = await setup();
    expect((await control(sb, 'GET', '/nothing')).status).toBe(404);
    expect((await control(sb, 'PUT', '/clock')).status).toBe(404);
    const res = await fetch(`${sb.url}/__sandbox/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{nope',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error).toMatch(/not valid JSON/);
  });
});

/** node:http, because fetch will not send a forged Host header. */
function raw(
  sb: RunningSandbox,
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: sb.port, method, path: urlPath, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') as Json }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Everything a web page could change through the control API, as it stands. */
function observable(sb: RunningSandbox) {
  return {
    now: sb.sim.clock.now(),
    faults: sb.sim.faults.list(),
    code: sb.sim.code('100000000001'),
    counters: sb.sim.counters(),
    log: sb.sim.requestLog().length,
  };
}

const CHANGES: [string, string, unknown][] = [
  ['POST', '/__sandbox/clock', { advance: 86_400_000 }],
  ['POST', '/__sandbox/faults', { path: '*', kind: 'hang', count: 100 }],
  ['POST', '/__sandbox/state/codes/100000000001', { status: 'CONSUMED' }],
  ['POST', '/__sandbox/reset', {}],
  ['DELETE', '/__sandbox/counters', undefined],
];

describe('control API: a web page cannot drive the sandbox', () => {
  it('refuses a foreign Origin, also the opaque "null" one, and changes nothing', async () => {
    const { sb, wx } = await setup();
    await wx.post('/card/code/get', { code: '100000000001' });
    const before = observable(sb);
    const host = `127.0.0.1:${sb.port}`;
    for (const origin of [
      'https://evil.example',
      'null',
      `https://${host}`,
      'http://127.0.0.1:1',
    ]) {
      for (const [method, p, body] of CHANGES) {
        const r = await raw(
          sb,
          method,
          p,
          { host, origin, 'content-type': 'application/json' },
          body === undefined ? undefined : JSON.stringify(body),
        );
        expect(r.status, `${method} ${p} from ${origin}`).toBe(403);
        expect(String(r.body.error)).toMatch(/foreign Origin/);
      }
    }
    expect(observable(sb)).toEqual(before);
  });

  it('refuses cross-site and same-site fetches that carry no Origin (reads included)', async () => {
    const { sb } = await setup();
    const host = `127.0.0.1:${sb.port}`;
    for (const site of ['cross-site', 'same-site']) {
      const read = await raw(sb, 'GET', '/__sandbox/state/codes', { host, 'sec-fetch-site': site });
      expect(read.status).toBe(403);
      expect(read.body.codes).toBeUndefined();
      const write = await raw(
        sb,
        'POST',
        '/__sandbox/clock',
        { host, 'sec-fetch-site': site, 'content-type': 'application/json' },
        JSON.stringify({ set: 1 }),
      );
      expect(write.status).toBe(403);
    }
    expect(sb.sim.clock.now()).toBe(TEST_NOW_MS);
  });

  it('refuses a foreign Host (DNS rebinding), for reads and changes, and changes nothing', async () => {
    const { sb } = await setup();
    const before = observable(sb);
    for (const host of [`evil.example:${sb.port}`, `127.0.0.1:1`, 'localhost', '127.0.0.1']) {
      // A rebound page is same-origin with itself: its Origin names the attacker's host.
      const origin = `http://${host}`;
      const read = await raw(sb, 'GET', '/__sandbox/state/codes', { host, origin });
      expect(read.status, host).toBe(421);
      expect(read.body.codes).toBeUndefined();
      for (const [method, p, body] of CHANGES) {
        const r = await raw(
          sb,
          method,
          p,
          { host, origin, 'content-type': 'application/json' },
          body === undefined ? undefined : JSON.stringify(body),
        );
        expect(r.status, `${method} ${p} for ${host}`).toBe(421);
      }
    }
    expect(observable(sb)).toEqual(before);
  });

  it('refuses text/plain, form and untyped bodies (what a page posts without a preflight)', async () => {
    const { sb } = await setup();
    const before = observable(sb);
    const host = `127.0.0.1:${sb.port}`;
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      undefined,
    ]) {
      for (const [method, p, body] of CHANGES.filter(([m]) => m === 'POST')) {
        const r = await raw(
          sb,
          method,
          p,
          { host, ...(type ? { 'content-type': type } : {}) },
          JSON.stringify(body),
        );
        expect(r.status, `${p} as ${type ?? 'no type'}`).toBe(415);
      }
    }
    expect(observable(sb)).toEqual(before);
  });

  it('still answers its own loopback names, with or without a same-origin Origin', async () => {
    const { sb } = await setup();
    for (const host of [`127.0.0.1:${sb.port}`, `localhost:${sb.port}`]) {
      const r = await raw(
        sb,
        'POST',
        '/__sandbox/clock',
        { host, origin: `http://${host}`, 'content-type': 'application/json; charset=utf-8' },
        JSON.stringify({ advance: 1_000 }),
      );
      expect(r.status, host).toBe(200);
      expect(
        (await raw(sb, 'GET', '/__sandbox/clock', { host, 'sec-fetch-site': 'same-origin' }))
          .status,
      ).toBe(200);
    }
    expect(sb.sim.clock.now()).toBe(TEST_NOW_MS + 2_000);
  });

  it('the WeChat paths refuse a cross-site browser request, and still serve SDKs as before', async () => {
    const { sb, wx } = await setup();
    const token = await wx.fetchToken();
    const host = `127.0.0.1:${sb.port}`;
    const consume = `/card/code/consume?access_token=${token}`;
    const counted = sb.sim.callCount('/card/code/consume');
    const page = await raw(
      sb,
      'POST',
      consume,
      { host, origin: 'https://evil.example', 'content-type': 'text/plain' },
      JSON.stringify({ code: '100000000001' }),
    );
    expect(page.status).toBe(403);
    const noCors = await raw(sb, 'GET', `/cgi-bin/token?grant_type=client_credential`, {
      host,
      'sec-fetch-site': 'cross-site',
    });
    expect(noCors.status).toBe(403);
    expect(sb.sim.code('100000000001')?.status).toBe('NORMAL');
    expect(sb.sim.callCount('/card/code/consume')).toBe(counted);
    // An SDK: no Origin, any Host it was given, text/plain or no type at all.
    const sdk = await raw(
      sb,
      'POST',
      consume,
      { host: `sandbox.internal:${sb.port}`, 'content-type': 'text/plain' },
      JSON.stringify({ code: '100000000001' }),
    );
    expect(sdk).toMatchObject({ status: 200, body: { errcode: 0 } });
    expect(sb.sim.code('100000000001')?.status).toBe('CONSUMED');
  });

  it('the sandbox the terminal starts in Sandbox mode refuses a web page too', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-embedded-'));
    const t = await createTerminalServices({
      host: 'browser',
      version: 't',
      dataDir: dir,
      osLocale: 'en',
    });
    try {
      const sb = await t.connection.ensureSandbox();
      const before = sb.sim.clock.now();
      const r = await raw(
        sb,
        'POST',
        '/__sandbox/clock',
        { host: `127.0.0.1:${sb.port}`, 'content-type': 'text/plain' },
        JSON.stringify({ advance: 86_400_000 }),
      );
      expect(r.status).toBe(415);
      const evil = await raw(
        sb,
        'POST',
        '/__sandbox/faults',
        { host: `evil.example:${sb.port}`, 'content-type': 'application/json' },
        JSON.stringify({ path: '*', kind: 'hang' }),
      );
      expect(evil.status).toBe(421);
      expect(sb.sim.faults.list()).toEqual([]);
      expect(sb.sim.clock.now() - before).toBeLessThan(60_000);
    } finally {
      await t.close();
    }
  });
});
