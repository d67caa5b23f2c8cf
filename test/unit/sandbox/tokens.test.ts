import { describe, expect, it } from 'vitest';
import { APP, APP2, testSeed } from './fixtures';
import { getJson, postJson, sandbox, Wx, type Json } from './helpers';
import type { RunningSandbox } from '../../../electron/sandbox';

const MIN = 60_000;

async function token(sb: RunningSandbox, app = APP): Promise<Json> {
  const q = new URLSearchParams({
    grant_type: 'client_credential',
    appid: app.appid,
    secret: app.secret,
  });
  return getJson(`${sb.url}/cgi-bin/token?${q.toString()}`);
}

async function stable(sb: RunningSandbox, force?: boolean, app = APP): Promise<Json> {
  return postJson(`${sb.url}/cgi-bin/stable_token`, {
    grant_type: 'client_credential',
    appid: app.appid,
    secret: app.secret,
    ...(force === undefined ? {} : { force_refresh: force }),
  });
}

/** errcode of a harmless authenticated call made with `t`. */
async function check(sb: RunningSandbox, t: string): Promise<unknown> {
  const body = await postJson(`${sb.url}/card/batchget?access_token=${encodeURIComponent(t)}`, {
    offset: 0,
    count: 1,
  });
  return body.errcode;
}

describe('/cgi-bin/token', () => {
  it("issues a token shaped like the platform's, with expires_in 7200 and no errcode", async () => {
    const sb = await sandbox({ seed: testSeed() });
    const body = await token(sb);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in']);
    expect(body.expires_in).toBe(7200);
    expect(body.access_token).toMatch(/^\d{2}_[A-Za-z0-9_-]{150}$/);
    expect(await check(sb, body.access_token as string)).toBe(0);
  });

  it('answers the real errcodes for bad credentials', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const q = (p: Record<string, string>) =>
      getJson(`${sb.url}/cgi-bin/token?${new URLSearchParams(p).toString()}`);
    const g = 'client_credential';
    expect((await q({ grant_type: g, appid: APP.appid, secret: 'wrong' })).errcode).toBe(40125);
    expect((await q({ grant_type: g, appid: 'wxunknown', secret: APP.secret })).errcode).toBe(
      40013,
    );
    expect((await q({ grant_type: g, secret: APP.secret })).errcode).toBe(41002);
    expect((await q({ grant_type: g, appid: APP.appid })).errcode).toBe(41004);
    expect(
      (await q({ grant_type: 'password', appid: APP.appid, secret: APP.secret })).errcode,
    ).toBe(40002);
    const wrong = await q({ grant_type: g, appid: APP.appid, secret: 'wrong' });
    expect(wrong.errmsg).toMatch(/^invalid appsecret rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  });

  it('rejects POST with 43001 (the endpoint is GET only)', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const body = await postJson(
      `${sb.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appid}&secret=${APP.secret}`,
      {},
    );
    expect(body.errcode).toBe(43001);
  });

  it('a new token supersedes the previous one after a 5-minute grace period (40001)', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const first = (await token(sb)).access_token as string;
    sb.sim.clock.advance(10 * MIN);
    const second = (await token(sb)).access_token as string;
    expect(second).not.toBe(first);
    // Both work inside the grace period.
    sb.sim.clock.advance(5 * MIN - 1000);
    expect(await check(sb, first)).toBe(0);
    expect(await check(sb, second)).toBe(0);
    sb.sim.clock.advance(1000);
    expect(await check(sb, first)).toBe(40001);
    expect(await check(sb, second)).toBe(0);
  });

  it('tokens expire after 7200 s (42001)', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const t = (await token(sb)).access_token as string;
    sb.sim.clock.advance(7200 * 1000 - 1);
    expect(await check(sb, t)).toBe(0);
    sb.sim.clock.advance(1);
    expect(await check(sb, t)).toBe(42001);
  });

  it('a token superseded within its last 5 minutes runs out as expired (42001), not 40001', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const t = (await token(sb)).access_token as string;
    sb.sim.clock.advance(7200 * 1000 - 2 * MIN);
    await token(sb);
    sb.sim.clock.advance(3 * MIN);
    expect(await check(sb, t)).toBe(42001);
  });

  it('missing 41001, malformed 40014, well-formed but never issued 40001', async () => {
    const sb = await sandbox({ seed: testSeed() });
    expect((await postJson(`${sb.url}/card/batchget`, { offset: 0, count: 1 })).errcode).toBe(
      41001,
    );
    expect(await check(sb, 'not a token!')).toBe(40014);
    expect(await check(sb, 'short')).toBe(40014);
    expect(await check(sb, `86_${'A'.repeat(150)}`)).toBe(40001);
  });

  it('tokens of the two apps are separate: each sees its own app', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const w1 = new Wx(sb, APP);
    const w2 = new Wx(sb, APP2);
    const l1 = await w1.post('/card/batchget', { offset: 0, count: 50 });
    const l2 = await w2.post('/card/batchget', { offset: 0, count: 50 });
    expect(l1.total_num).toBe(5);
    expect(l2.total_num).toBe(1);
  });
});

describe('/cgi-bin/stable_token', () => {
  it('normal mode returns the same token while it is valid, with the remaining expires_in', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const a = await stable(sb);
    expect(a.expires_in).toBe(7200);
    sb.sim.clock.advance(60 * MIN);
    const b = await stable(sb, false);
    expect(b.access_token).toBe(a.access_token);
    expect(b.expires_in).toBe(3600);
  });

  it('is independent of /cgi-bin/token: calling it does not supersede a plain token', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const plain = (await token(sb)).access_token as string;
    const s = (await stable(sb)).access_token as string;
    expect(s).not.toBe(plain);
    sb.sim.clock.advance(30 * MIN);
    expect(await check(sb, plain)).toBe(0);
    await token(sb);
    sb.sim.clock.advance(6 * MIN);
    expect(await check(sb, s)).toBe(0);
  });

  it('renews in the last 5 minutes; the old token still works until its own expiry', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const old = (await stable(sb)).access_token as string;
    sb.sim.clock.advance(7200 * 1000 - 5 * MIN);
    const renewed = await stable(sb);
    expect(renewed.access_token).not.toBe(old);
    expect(renewed.expires_in).toBe(7200);
    expect(await check(sb, old)).toBe(0);
    sb.sim.clock.advance(5 * MIN);
    expect(await check(sb, old)).toBe(42001);
    expect(await check(sb, renewed.access_token as string)).toBe(0);
  });

  it('force_refresh replaces the token at once (old one 40001), at most every 30 s (45011)', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const old = (await stable(sb)).access_token as string;
    const forced = (await stable(sb, true)).access_token as string;
    expect(forced).not.toBe(old);
    expect(await check(sb, old)).toBe(40001);
    expect(await check(sb, forced)).toBe(0);
    sb.sim.clock.advance(29_000);
    expect((await stable(sb, true)).errcode).toBe(45011);
    sb.sim.clock.advance(1_000);
    expect((await stable(sb, true)).access_token).toEqual(expect.any(String));
  });

  it('force_refresh is limited to 20 a day (45009), counted per Shanghai day', async () => {
    const sb = await sandbox({ seed: testSeed() });
    // Start at 00:00 Shanghai so 20 refreshes 31 s apart stay inside one day.
    sb.sim.clock.set(Date.UTC(2026, 0, 15, 16, 0, 0));
    for (let i = 0; i < 20; i++) {
      expect((await stable(sb, true)).expires_in).toBe(7200);
      sb.sim.clock.advance(31_000);
    }
    const refused = await stable(sb, true);
    expect(refused.errcode).toBe(45009);
    expect(refused.errmsg).toMatch(/^reach max api daily quota limit/);
    sb.sim.clock.set(Date.UTC(2026, 0, 16, 16, 0, 0));
    expect((await stable(sb, true)).expires_in).toBe(7200);
  });

  it('checks credentials and body: 40125, 40013, 41002, 40002, 47001', async () => {
    const sb = await sandbox({ seed: testSeed() });
    const post = (b: unknown) => postJson(`${sb.url}/cgi-bin/stable_token`, b);
    expect((await stable(sb, false, { appid: APP.appid, secret: 'nope' })).errcode).toBe(40125);
    expect((await stable(sb, false, { appid: 'wxnobody', secret: 'x' })).errcode).toBe(40013);
    expect((await post({ grant_type: 'client_credential', secret: 's' })).errcode).toBe(41002);
    expect((await post({ appid: APP.appid, secret: APP.secret })).errcode).toBe(40002);
    const wrongType = await post({
      grant_type: 'client_credential',
      appid: APP.appid,
      secret: APP.secret,
      force_refresh: 'yes',
    });
    expect(wrongType.errcode).toBe(47001);
    const res = await fetch(`${sb.url}/cgi-bin/stable_token`, { method: 'POST', body: '{oops' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).errcode).toBe(47001);
  });
});
