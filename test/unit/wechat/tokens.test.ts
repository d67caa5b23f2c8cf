/**
 * Token providers against the sandbox: single-flight across a burst, refresh ahead of expiry,
 * recovery from a superseded token with exactly one resend, and the token fetch's own
 * errcodes as errors a manager can act on.
 */
import { describe, expect, it } from 'vitest';
import {
  WeChatApiError,
  createClassicTokenProvider,
  createMemoryTokenCache,
  createStableTokenProvider,
  createWeChatClient,
  type TokenProvider,
} from '../../../electron/wechat';
import { FAST, redeemable, rejection, useSandbox } from './sandbox-rig';

const rig = useSandbox();
const STABLE = '/cgi-bin/stable_token';
const CLASSIC = '/cgi-bin/token';
const GET = '/card/code/get';
const HOUR = 3_600_000;

function classic(now?: () => number): TokenProvider {
  return createClassicTokenProvider({
    baseUrl: rig.sb.url,
    ...rig.sb.app,
    cache: createMemoryTokenCache(),
    now: now ?? (() => rig.sb.sim.clock.now()),
    ...FAST,
  });
}

/** What another machine on the same AppID does with the classic endpoint. */
async function fetchClassicElsewhere(): Promise<string> {
  const q = new URLSearchParams({ grant_type: 'client_credential', ...rig.sb.app });
  const res = await fetch(`${rig.sb.url}/cgi-bin/token?${q.toString()}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

describe('single-flight', () => {
  it('50 concurrent callers on a cold provider cause one fetch', async () => {
    const { tokens } = rig.connect();
    const got = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    expect(new Set(got).size).toBe(1);
    expect(rig.count(STABLE)).toBe(1);
    await tokens.getToken();
    expect(rig.count(STABLE)).toBe(1);
  });

  it('a burst of 50 calls across a token expiry causes exactly one token fetch', async () => {
    const { tokens, client } = rig.connect();
    const code = redeemable(rig.sb);
    const before = await tokens.getToken();
    expect(rig.count(STABLE)).toBe(1);
    rig.sb.sim.clock.advance(2 * HOUR + 1_000); // past the 7200 s lifetime
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.codeGet({ code: code.code })),
    );
    expect(results.every((r) => r.user_card_status === 'NORMAL')).toBe(true);
    expect(rig.count(STABLE)).toBe(2);
    expect(rig.count(GET)).toBe(50); // the provider knew: no call went out with the old token
    expect(await tokens.getToken()).not.toBe(before);
  });

  it('a burst of 50 calls rejected with 42001 (provider unaware of the expiry) causes one fetch', async () => {
    // The provider runs on the wall clock, so only the platform knows the token ran out.
    const { client } = rig.connect({ now: Date.now });
    const code = redeemable(rig.sb);
    await client.codeGet({ code: code.code });
    rig.sb.sim.resetCounters();
    const mark = rig.sb.sim.requestLog().at(-1)?.seq ?? 0;
    rig.sb.sim.clock.advance(2 * HOUR + 1_000);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => client.codeGet({ code: code.code })),
    );
    expect(results).toHaveLength(50);
    expect(rig.count(STABLE)).toBe(1);
    expect(rig.count(GET)).toBe(100); // each call: one 42001, one resend
    const log = rig.sb.sim.requestLog().filter((e) => e.path === GET && e.seq > mark);
    expect(log.filter((e) => e.errcode === 42001)).toHaveLength(50);
    expect(log.filter((e) => e.errcode === 0)).toHaveLength(50);
  });
});

describe('refresh ahead of expiry', () => {
  it('answers with the current token at once and renews it in the background, once', async () => {
    const { tokens } = rig.connect();
    const first = await tokens.getToken();
    rig.sb.sim.clock.advance(2 * HOUR - 90_000); // inside the 2-minute margin, not its last minute
    const calls = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
    expect(calls.every((t) => t === first)).toBe(true);
    // The sandbox counts the fetch when it arrives; the provider holds the answer a moment later.
    let renewed = first;
    await waitForAsync(async () => (renewed = await tokens.getToken()) !== first);
    expect(renewed).not.toBe(first); // stable_token renews in its last 5 minutes
    expect(rig.count(STABLE)).toBe(2);
  });

  it('never hands out a token in its last minute: the caller waits for the new one', async () => {
    const { tokens } = rig.connect();
    const first = await tokens.getToken();
    // No call came during the margin (a quiet till), so no refresh has started yet.
    rig.sb.sim.clock.advance(2 * HOUR - 30_000);
    const calls = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
    expect(new Set(calls).size).toBe(1);
    expect(calls[0]).not.toBe(first);
    expect(rig.count(STABLE)).toBe(2);
  });
});

describe('a rejected token', () => {
  it('superseded by another machine is recovered with exactly one resend', async () => {
    const tokens = classic();
    const client = createWeChatClient({ baseUrl: rig.sb.url, tokens, ...FAST });
    const code = redeemable(rig.sb);
    const mine = await tokens.getToken();
    await fetchClassicElsewhere(); // knocks ours out after the grace period
    rig.sb.sim.clock.advance(5 * 60_000 + 1_000);
    const r = await client.codeGet({ code: code.code });
    expect(r.user_card_status).toBe('NORMAL');
    expect(rig.count(CLASSIC)).toBe(3); // mine, the other machine's, my refresh
    expect(rig.count(GET)).toBe(2); // 40001, then the resend
    const log = rig.sb.sim.requestLog().filter((e) => e.path === GET);
    expect(log.map((e) => e.errcode)).toEqual([40001, 0]);
    expect(await tokens.getToken()).not.toBe(mine);
  });

  it('is safe to resend for a write: the platform refused it before acting', async () => {
    const tokens = classic();
    const client = createWeChatClient({ baseUrl: rig.sb.url, tokens, ...FAST });
    const code = redeemable(rig.sb);
    await tokens.getToken();
    await fetchClassicElsewhere();
    rig.sb.sim.clock.advance(5 * 60_000 + 1_000);
    const r = await client.codeConsume({ code: code.code });
    expect(r.card?.card_id).toBe(code.card_id);
    const log = rig.sb.sim.requestLog().filter((e) => e.path === '/card/code/consume');
    expect(log.map((e) => e.errcode)).toEqual([40001, 0]);
    expect(rig.sb.sim.code(code.code)?.status).toBe('CONSUMED');
  });

  it('is dropped only while it is still the current one', async () => {
    const tokens = classic();
    const t1 = await tokens.getToken();
    await tokens.invalidate(t1);
    const t2 = await tokens.getToken();
    expect(t2).not.toBe(t1);
    expect(rig.count(CLASSIC)).toBe(2);
    await tokens.invalidate(t1); // a slow caller reporting the old token: nothing happens
    expect(await tokens.getToken()).toBe(t2);
    expect(rig.count(CLASSIC)).toBe(2);
  });

  it('50 callers rejected together cause one refresh', async () => {
    const tokens = classic();
    const client = createWeChatClient({ baseUrl: rig.sb.url, tokens, ...FAST });
    const code = redeemable(rig.sb);
    await tokens.getToken();
    await fetchClassicElsewhere();
    rig.sb.sim.clock.advance(5 * 60_000 + 1_000);
    await Promise.all(Array.from({ length: 50 }, () => client.codeGet({ code: code.code })));
    expect(rig.count(CLASSIC)).toBe(3);
    expect(rig.count(GET)).toBe(100);
  });
});

describe('token fetch errors', () => {
  const wrongCredentials: [string, { secret?: string; appid?: string }, number][] = [
    ['a wrong AppSecret', { secret: 'not-the-secret-at-all' }, 40125],
    ['an unknown AppID', { appid: 'wx0000000000000000' }, 40013],
  ];
  it.each(wrongCredentials)(
    '%s is a WeChatApiError a manager can act on',
    async (_n, override, errcode) => {
      const secret = override.secret ?? rig.sb.app.secret;
      const tokens = createStableTokenProvider({
        baseUrl: rig.sb.url,
        ...rig.sb.app,
        ...override,
        cache: createMemoryTokenCache(),
        ...FAST,
      });
      const e = (await rejection(tokens.getToken())) as WeChatApiError;
      expect(e).toBeInstanceOf(WeChatApiError);
      expect(e.toInfo()).toMatchObject({
        kind: 'wechat',
        key: `wechat.errcode_${errcode}`,
        errcode,
        params: { call: 'cgi-bin/stable_token' },
      });
      expect(rig.count(STABLE)).toBe(1); // not retried
      expect(JSON.stringify(e.toInfo())).not.toContain(secret);
      expect(e.message).not.toContain(secret);
    },
  );

  it('reaches the caller of an API call, and nothing is sent', async () => {
    const tokens = createClassicTokenProvider({
      baseUrl: rig.sb.url,
      ...rig.sb.app,
      secret: 'wrong-secret-for-this-app',
      cache: createMemoryTokenCache(),
      ...FAST,
    });
    const client = createWeChatClient({ baseUrl: rig.sb.url, tokens, ...FAST });
    const e = (await rejection(client.codeConsume({ code: '123456789012' }))) as WeChatApiError;
    expect(e).toMatchObject({ kind: 'wechat', errcode: 40125, call: 'cgi-bin/token' });
    expect(rig.count('/card/code/consume')).toBe(0);
  });

  it('a busy token endpoint is retried like a read', async () => {
    const { tokens } = rig.connect();
    rig.sb.sim.faults.add({ path: STABLE, kind: 'errcode', errcode: -1, count: 2 });
    expect(await tokens.getToken()).toMatch(/^\d\d_/);
    expect(rig.count(STABLE)).toBe(3);
  });
});

async function waitForAsync(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
