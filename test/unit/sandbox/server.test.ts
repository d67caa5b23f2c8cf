import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEMO_APPID, Simulator, demoSeed, startSandbox } from '../../../electron/sandbox';
import { APP, testSeed } from './fixtures';
import { TEST_NOW_MS } from './helpers';

describe('startSandbox', () => {
  it('defaults: demo seed, loopback, free port, a ticking clock', async () => {
    const sb = await startSandbox();
    try {
      expect(sb.url).toBe(`http://127.0.0.1:${sb.port}`);
      expect(sb.port).toBeGreaterThan(0);
      expect(sb.app.appid).toBe(DEMO_APPID);
      expect(sb.sim.clock.frozen).toBe(false);
      expect(Math.abs(sb.sim.clock.now() - Date.now())).toBeLessThan(5_000);
      const before = sb.sim.clock.now();
      await new Promise((r) => setTimeout(r, 30));
      expect(sb.sim.clock.now()).toBeGreaterThan(before);
      const res = await fetch(
        `${sb.url}/cgi-bin/token?grant_type=client_credential&appid=${sb.app.appid}&secret=${sb.app.secret}`,
      );
      expect(res.status).toBe(200);
    } finally {
      await sb.close();
      await sb.close(); // idempotent
    }
  });

  it('refuses an invalid seed with a readable message', async () => {
    const seed = testSeed();
    seed.codes[0]!.card_id = 'pGHOST';
    await expect(startSandbox({ seed })).rejects.toThrow(
      /invalid sandbox seed:\n.*codes\.0\.card_id: card pGHOST is not in cards/,
    );
  });

  it('reports a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startSandbox({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      blocker.close();
    }
  });
});

describe('Simulator without HTTP', () => {
  it('answers requests directly through handle()', () => {
    const sim = new Simulator(testSeed(), { startTime: TEST_NOW_MS, frozenClock: true });
    const q = new URLSearchParams({
      grant_type: 'client_credential',
      appid: APP.appid,
      secret: APP.secret,
    });
    const token = sim.handle({ method: 'GET', path: '/cgi-bin/token', query: q, body: '' });
    expect(token.status).toBe(200);
    const access = token.body.access_token as string;
    const consume = sim.handle({
      method: 'POST',
      path: '/card/code/consume',
      query: new URLSearchParams({ access_token: access }),
      body: JSON.stringify({ code: '100000000001' }),
    });
    expect(consume.body).toMatchObject({ errcode: 0, openid: 'oTESTuser0000000000000000001' });
    expect(sim.code('100000000001')!.status).toBe('CONSUMED');
  });

  it('builds from the demo seed; demo cards and codes are readable', () => {
    const sim = new Simulator(demoSeed(), { startTime: TEST_NOW_MS, frozenClock: true });
    expect(sim.cards()).toHaveLength(17);
    expect(sim.codes({ status: 'NORMAL' }).length).toBeGreaterThan(30);
  });
});
