/**
 * A manager switches the terminal between Sandbox and Live (or another WeChat endpoint) while
 * writes are open. A write belongs to the WeChat it was made against: it must never be sent to,
 * nor settled from, another one.
 */
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../../electron/sandbox';
import {
  applied,
  CODE_GET,
  CODES,
  CONSUME,
  settleTime,
  sleep,
  terminal,
  trackSandbox,
  whenArrived,
  type Rig,
} from './rig';

async function goLive(r: Rig, url: string, appid: string, secret: string) {
  await r.call('updateSettings', {
    mode: 'live',
    live: { provider: 'classic', appId: appid },
    api: { baseUrl: url, connectTimeoutMs: 500, totalTimeoutMs: 1_000 },
    appSecret: secret,
    confirmCustomBaseUrl: true,
  });
}

describe('attack: switching WeChat under open writes', () => {
  it('a refund queued in Sandbox mode is not sent to the live WeChat: the switch waits until it is settled or cancelled', async () => {
    const r = await terminal();
    const live = trackSandbox(await startSandbox({ port: 0 }));
    const code = CODES[0]!;
    // Training in Sandbox mode: the refund waits in the queue (quota used up).
    r.sandbox.sim.faults.add({
      path: '/card/code/unavailable',
      kind: 'errcode',
      errcode: 45009,
      count: 1_000,
    });
    const queued = await r.call('invalidateCode', {
      code,
      reason: 'customer_refund',
      confirmed: true,
    });
    expect(queued).toMatchObject({ outcome: 'queued' });
    // Go-live day: the manager switches to the merchant's real account, and is told why not yet.
    await expect(goLive(r, live.url, live.app.appid, live.app.secret)).rejects.toMatchObject({
      info: { key: 'errors.writes_open_environment', params: { count: 1 } },
    });
    await sleep(500);
    expect(live.sim.callCount('/card/code/unavailable')).toBe(0);
    // Once the training refund is cancelled, the switch goes through, and sends nothing.
    // The queue retries the refund in the background; a cancel that meets a retry on the wire
    // is refused (errors.write_in_flight) and the supervisor tries again, as on screen.
    const id = (queued.item as { id: number }).id;
    await expect
      .poll(async () => {
        const res = (await r.raw('cancelOutbox', { id, why: 'training' })) as {
          ok: boolean;
          error?: { key: string };
        };
        return res.ok ? 'cancelled' : res.error?.key;
      }, settleTime)
      .toBe('cancelled');
    await goLive(r, live.url, live.app.appid, live.app.secret);
    await sleep(500);
    expect(applied(live, code)).toEqual([]);
    expect(live.sim.callCount('/card/code/unavailable')).toBe(0);
  });

  it('a live redemption whose answer was lost is not settled from the Sandbox: the switch is refused while it settles', async () => {
    const r = await terminal();
    const live = trackSandbox(await startSandbox({ port: 0 }));
    const code = CODES[1]!;
    await goLive(r, live.url, live.app.appid, live.app.secret);
    live.sim.faults.add({ path: CONSUME, kind: 'latency', ms: 200 });
    live.sim.faults.add({ path: CONSUME, kind: 'lost_response' });
    const out = r.call('redeemCode', { code });
    await whenArrived(live, CONSUME);
    live.sim.faults.add({ path: CODE_GET, kind: 'http_5xx', count: 1_000 });
    expect(await out).toMatchObject({ outcome: 'unknown' });
    expect(live.sim.code(code)?.status).toBe('CONSUMED');
    // A manager tries to flip to Sandbox mode (training) while it is still settling.
    await expect(r.call('updateSettings', { mode: 'sandbox' })).rejects.toMatchObject({
      info: { key: 'errors.writes_open_environment' },
    });
    await sleep(1_000);
    expect(r.rowsFor(code)[0]!.state).toBe('settling');
    live.sim.faults.clear();
    await expect.poll(() => r.rowsFor(code)[0]?.state, settleTime).toBe('settled');
  });
});
