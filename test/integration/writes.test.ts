/**
 * The money paths under faults: the durable write engine and the one lookup, through the
 * contract, against the real sandbox over HTTP and a real SQLite file. Each of issue 15's nine
 * defects has a named test here; crashes are simulated in-process by a crash hook that throws
 * at the named step (the row is left exactly as a SIGKILL would leave it) and a restart on the
 * same data folder. The chaos suite (npm run chaos) does the same with real SIGKILLs.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../electron/services';
import { crashHookFromEnv } from '../../electron/services/writes/crash-points';

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
const CASHIER = { id: 'ann', name: 'Ann', pin: '1357' };
/** Demo codes whose note is exactly "redeemable" (docs/sandbox.md), one per test. */
const CODES = ['178847660332', '174551011028', '616099591650'];
const WINDOW_MS = 400;

class SimulatedCrash extends Error {}

interface Rig {
  t: TerminalServices;
  sandbox: RunningSandbox;
  dir: string;
  call: (name: string, input: unknown, as?: string) => Promise<Record<string, unknown>>;
  fail: (name: string, input: unknown, as?: string) => Promise<Record<string, unknown>>;
  rows: () => Record<string, unknown>[];
}

const open: { t: TerminalServices; sb?: RunningSandbox }[] = [];

async function terminal(
  opts: {
    dir?: string;
    sandbox?: RunningSandbox;
    /** A step, and which time it is reached ("after_answer:2"): the hook throws there. */
    crashAt?: string;
    embedded?: boolean;
    windowMs?: number;
  } = {},
): Promise<Rig> {
  const sandbox = opts.embedded ? undefined : (opts.sandbox ?? (await startSandbox({ port: 0 })));
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'carddesk-writes-'));
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    ...(sandbox ? { sandbox } : {}),
    writeTimings: { retryMinMs: 40, retryMaxMs: 200, settleWindowMs: opts.windowMs ?? WINDOW_MS },
    ...(opts.crashAt
      ? {
          crash: crashHookFromEnv(opts.crashAt, () => {
            throw new SimulatedCrash(opts.crashAt);
          }),
        }
      : {}),
  });
  open.push({ t, ...(sandbox && !opts.sandbox ? { sb: sandbox } : {}) });
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const raw = (name: string, input: unknown, as = 'till') =>
    dispatch(name, input, { clientId: as });
  const call = async (name: string, input: unknown, as?: string) => {
    const res = await raw(name, input, as);
    if (!res.ok) throw Object.assign(new Error(res.error.key), { info: res.error });
    return res.value as Record<string, unknown>;
  };
  const fail = async (name: string, input: unknown, as?: string) => {
    const res = await raw(name, input, as);
    if (res.ok) throw new Error(`${name} should have failed`);
    return res.error as unknown as Record<string, unknown>;
  };
  if (!opts.dir) {
    await call('completeSetup', {
      terminalName: 'T',
      terminalId: 'T-9',
      storeName: 'S',
      language: 'en',
      mode: 'sandbox',
      manager: MANAGER,
    });
    await call('addOperator', { ...CASHIER, role: 'cashier' });
    // Short timeouts, so "latency beyond the timeout" takes a second, not eight.
    await call('updateSettings', {
      api: { baseUrl: 'https://api.weixin.qq.com', connectTimeoutMs: 500, totalTimeoutMs: 1_000 },
    });
  } else {
    await call('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
  }
  const rows = () =>
    t.audit.db.prepare('SELECT * FROM writes ORDER BY id').all() as Record<string, unknown>[];
  return { t, sandbox: sandbox ?? (await t.connection.ensureSandbox()), dir, call, fail, rows };
}

/** A restart on the same folder with other write timings. */
async function restartWith(r: Rig, writeTimings: Record<string, number>): Promise<Rig> {
  const i = open.findIndex((o) => o.t === r.t);
  if (i >= 0) open.splice(i, 1);
  await r.t.close();
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: r.dir,
    osLocale: 'en',
    sandbox: r.sandbox,
    writeTimings,
  });
  open.push({ t, sb: r.sandbox });
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const call = async (name: string, input: unknown) => {
    const res = await dispatch(name, input, { clientId: 'till' });
    if (!res.ok) throw Object.assign(new Error(res.error.key), { info: res.error });
    return res.value as Record<string, unknown>;
  };
  await call('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
  return {
    ...r,
    t,
    call,
    rows: () =>
      t.audit.db.prepare('SELECT * FROM writes ORDER BY id').all() as Record<string, unknown>[],
  };
}

/** Closes the services as a crash would leave the disk (the rows stay as they are). */
async function restart(r: Rig, opts: { crashAt?: string; embedded?: boolean } = {}) {
  const i = open.findIndex((o) => o.t === r.t);
  if (i >= 0) open.splice(i, 1);
  await r.t.close();
  return terminal({
    dir: r.dir,
    ...(opts.embedded ? { embedded: true } : { sandbox: r.sandbox }),
    ...opts,
  });
}

function redemptions(r: Rig, code: string) {
  return r.t.audit
    .search({ actions: ['redeem'], codePrefix: code })
    .rows.filter((x) => x.outcome === 'ok' || x.outcome === 'settled');
}

const settleTime = { timeout: 8_000, interval: 50 };

afterEach(async () => {
  for (const { t, sb } of open.splice(0)) {
    await t.close();
    await sb?.close();
  }
});

describe('issue 15, case 1: a cancelled refund never invalidates the code', () => {
  it('a refund in flight cannot be cancelled; the send finishes and is recorded once', async () => {
    const r = await terminal();
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'latency', ms: 300 });
    const sent = r.call('invalidateCode', {
      code: CODES[0],
      reason: 'customer_refund',
      confirmed: true,
    });
    await expect.poll(() => r.rows()[0]?.state, settleTime).toBe('sending');
    const id = r.rows()[0]!.id as number;
    const refused = await r.fail('cancelOutbox', { id, why: 'changed mind' });
    expect(refused).toMatchObject({ key: 'errors.write_in_flight' });
    expect(await sent).toMatchObject({ outcome: 'invalidated', item: { state: 'applied' } });
    expect(r.sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
    expect(r.sandbox.sim.code(CODES[0]!)?.status).toBe('UNAVAILABLE');
  });

  it('a queued refund that is cancelled is never sent, even when its retry is due at once', async () => {
    const r = await terminal();
    // WeChat refuses for the terminal's own reason (quota): certainly not done, back to queue.
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'errcode', errcode: 45009 });
    const first = await r.call('invalidateCode', {
      code: CODES[1],
      reason: 'order_cancelled',
      confirmed: true,
    });
    expect(first).toMatchObject({
      outcome: 'queued',
      item: { state: 'queued', cancellable: true },
    });
    const id = (first.item as { id: number }).id;
    // Retry and cancel race: the compare-and-set lets exactly one win.
    await r.call('retryOutbox', { id });
    const cancelled = await r
      .call('cancelOutbox', { id, why: 'customer kept it' })
      .catch(() => undefined);
    await new Promise((res) => setTimeout(res, 300));
    const unavailableCalls = r.sandbox.sim.callCount('/card/code/unavailable');
    const row = r.rows()[0]!;
    if (cancelled) {
      expect(row.state).toBe('cancelled');
      expect(unavailableCalls).toBe(1);
      expect(r.sandbox.sim.code(CODES[1]!)?.status).toBe('NORMAL');
    } else {
      expect(row.state).toBe('applied');
    }
  });

  it('fifty cancels of one queued refund at once: one wins, the rest are refused', async () => {
    const r = await terminal();
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'errcode', errcode: 45009 });
    const first = await r.call('invalidateCode', {
      code: CODES[2],
      reason: 'wrong_item',
      confirmed: true,
    });
    const id = (first.item as { id: number }).id;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => r.call('cancelOutbox', { id, why: 'duplicate' })),
    );
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const cancels = r.t.audit.search({ actions: ['invalidate'], outcomes: ['cancelled'] }).rows;
    expect(cancels).toHaveLength(1);
  });
});

describe('issue 15, case 2: a restart never resends an invalidation blindly', () => {
  it('crash after WeChat applied it: the restart settles it from code/get, sends nothing', async () => {
    const r = await terminal({ crashAt: 'after_answer' });
    await r.fail('invalidateCode', { code: CODES[0], reason: 'customer_refund', confirmed: true });
    expect(r.rows()[0]).toMatchObject({ state: 'sending' });
    expect(r.sandbox.sim.code(CODES[0]!)?.status).toBe('UNAVAILABLE');
    const again = await restart(r);
    await expect.poll(() => again.rows()[0]?.state, settleTime).toBe('settled');
    expect(again.sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
    const results = again.t.audit
      .byNonce(again.rows()[0]!.nonce as string)
      .map((x) => `${x.action}:${x.outcome}`);
    expect(results).toEqual([
      'invalidate:pending',
      'send:pending',
      'invalidate:unknown',
      'settle:ok',
      'invalidate:settled',
    ]);
  });

  it('crash before the status was read: nothing was sent, so it goes back to the queue and is sent once', async () => {
    const r = await terminal({ crashAt: 'after_intent' });
    await r.fail('invalidateCode', { code: CODES[1], reason: 'customer_refund', confirmed: true });
    expect(r.rows()[0]).toMatchObject({ state: 'checking' });
    expect(r.sandbox.sim.callCount('/card/code/unavailable')).toBe(0);
    const again = await restart(r);
    await expect.poll(() => again.rows()[0]?.state, settleTime).toBe('applied');
    expect(again.sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
    expect(again.t.audit.search({ actions: ['settle'] }).rows).toHaveLength(0);
  });

  it('crash with "sending" on disk but the request not out: settled after the window, then sent once', async () => {
    const r = await terminal({ crashAt: 'after_check' });
    await r.fail('invalidateCode', { code: CODES[2], reason: 'customer_refund', confirmed: true });
    expect(r.rows()[0]).toMatchObject({ state: 'sending' });
    expect(r.sandbox.sim.callCount('/card/code/unavailable')).toBe(0);
    const again = await restart(r);
    await expect.poll(() => again.rows()[0]?.state, settleTime).toBe('applied');
    expect(again.sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
    // It may have been out: settling reads came first, the last after the window.
    const reads = again.t.audit.search({ actions: ['settle'] }).rows;
    expect(reads.some((x) => x.detail.window_passed === true)).toBe(true);
  });
});

describe('settling keeps going whatever the timings', () => {
  it('reads spaced inside the window, with a long backoff, still settle right after the window', async () => {
    const r = await terminal({ windowMs: 1_000 });
    r.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'http_5xx' });
    const again = await restartWith(r, {
      retryMinMs: 60_000,
      retryMaxMs: 60_000,
      settleWindowMs: 1_000,
    });
    expect(
      await again.call('invalidateCode', {
        code: CODES[0],
        reason: 'customer_refund',
        confirmed: true,
      }),
    ).toMatchObject({ outcome: 'unknown' });
    // Not done (the 5xx came before WeChat applied it): back in the queue within a few seconds,
    // where it waits its minute of backoff and can be cancelled.
    await expect
      .poll(() => again.rows()[0]?.state, { timeout: 5_000, interval: 50 })
      .toBe('queued');
    expect(again.sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
  });
});

describe('issue 15, case 3: a Chinese refund note', () => {
  it('16 Chinese characters fit (63 bytes with the reason) and WeChat accepts them', async () => {
    const r = await terminal();
    const note = '顾客不想要了商品有破损要求退款谢谢'.slice(0, 16);
    const out = await r.call('invalidateCode', {
      code: CODES[0],
      reason: 'customer_refund',
      note,
      confirmed: true,
    });
    expect(out).toMatchObject({ outcome: 'invalidated' });
    expect(r.sandbox.sim.code(CODES[0]!)).toMatchObject({
      status: 'UNAVAILABLE',
      unavailable_reason: `顾客退款：${note}`,
    });
  });

  it('17 Chinese characters are refused at once: nothing queued, nothing sent', async () => {
    const r = await terminal();
    const err = await r.fail('invalidateCode', {
      code: CODES[1],
      reason: 'customer_refund',
      note: '顾客不想要了商品有破损要求退款谢谢',
      confirmed: true,
    });
    expect(err).toMatchObject({ kind: 'invalid_input' });
    expect(r.rows()).toHaveLength(0);
    expect(r.sandbox.sim.callCount('/card/code/unavailable')).toBe(0);
  });
});

describe('issue 15, case 4: one coupon is never recorded as redeemed twice', () => {
  it('while a consume is unsettled the code is blocked: grey "outcome pending", no second consume', async () => {
    const r = await terminal();
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'http_5xx', status: 502 });
    expect(await r.call('redeemCode', { code: CODES[0] })).toMatchObject({ outcome: 'unknown' });
    const v = await r.call('lookupCode', { code: CODES[0] });
    expect(v).toMatchObject({
      kind: 'write_pending',
      tone: 'neutral',
      pending: { action: 'redeem' },
    });
    const second = await r.call('redeemCode', { code: CODES[0] });
    expect(second).toMatchObject({ outcome: 'busy', verdict: { kind: 'write_pending' } });
    // The 502 came before WeChat applied anything: settled as not redeemed after the window.
    await expect.poll(() => r.rows()[0]?.state, settleTime).toBe('not_applied');
    expect(r.sandbox.sim.callCount('/card/code/consume')).toBe(1);
    // Now the cashier may try again, and it is redeemed once.
    expect(await r.call('redeemCode', { code: CODES[0] })).toMatchObject({ outcome: 'redeemed' });
    expect(redemptions(r, CODES[0]!)).toHaveLength(1);
  });

  it('fifty redeems of one code at once: one consume, one redemption in journal and totals', async () => {
    const r = await terminal();
    const outs = await Promise.all(
      Array.from({ length: 50 }, () => r.call('redeemCode', { code: CODES[1] }, 'till')),
    );
    expect(outs.filter((o) => o.outcome === 'redeemed')).toHaveLength(1);
    expect(outs.every((o) => ['redeemed', 'busy', 'rejected'].includes(o.outcome as string))).toBe(
      true,
    );
    expect(r.sandbox.sim.callCount('/card/code/consume')).toBe(1);
    expect(redemptions(r, CODES[1]!)).toHaveLength(1);
    // The shift totals count it once.
    const day = await r.call('auditSummary', {
      from: Date.now() - 3_600_000,
      to: Date.now() + 60_000,
    });
    const redeemed = (day.byActionOutcome as { action: string; outcome: string; count: number }[])
      .filter((x) => x.action === 'redeem' && (x.outcome === 'ok' || x.outcome === 'settled'))
      .reduce((a, x) => a + x.count, 0);
    expect(redeemed).toBe(1);
  });

  it('a 5xx after WeChat applied it settles as redeemed once; a later redeem is refused', async () => {
    const r = await terminal();
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'applied_5xx' });
    expect(await r.call('redeemCode', { code: CODES[2] })).toMatchObject({ outcome: 'unknown' });
    await expect.poll(() => r.rows()[0]?.state, settleTime).toBe('settled');
    const again = await r.call('redeemCode', { code: CODES[2] });
    expect(again).toMatchObject({
      outcome: 'rejected',
      verdict: { kind: 'already_redeemed', redeemedHere: { settled: true } },
    });
    expect(r.sandbox.sim.callCount('/card/code/consume')).toBe(1);
    expect(redemptions(r, CODES[2]!).map((x) => x.outcome)).toEqual(['settled']);
  });
});

describe('a code redeemed by another terminal is never recorded as ours', () => {
  it('redeemed elsewhere before our intent: the status read refuses it, nothing is sent', async () => {
    const r = await terminal();
    r.sandbox.sim.setCodeStatus(CODES[0]!, 'CONSUMED');
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'lost_response' });
    const out = await r.call('redeemCode', { code: CODES[0] });
    expect(out).toMatchObject({ outcome: 'rejected', verdict: { kind: 'already_redeemed' } });
    expect(r.sandbox.sim.callCount('/card/code/consume')).toBe(0);
    expect(redemptions(r, CODES[0]!)).toHaveLength(0);
  });

  it('and when we crash right after the intent, the restart does not claim it either', async () => {
    const r = await terminal({ crashAt: 'after_intent' });
    r.sandbox.sim.setCodeStatus(CODES[1]!, 'CONSUMED');
    await r.fail('redeemCode', { code: CODES[1] });
    const again = await restart(r);
    await expect.poll(() => again.rows()[0]?.state, settleTime).toBe('not_applied');
    expect(redemptions(again, CODES[1]!)).toHaveLength(0);
  });

  it('redeemed elsewhere while our answer was lost: settled as ours, marked not confirmed here', async () => {
    const r = await terminal();
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'hang' });
    const out = r.call('redeemCode', { code: CODES[2] });
    await expect.poll(() => r.rows()[0]?.state, settleTime).toBe('sending');
    r.sandbox.sim.setCodeStatus(CODES[2]!, 'CONSUMED'); // while our intent is open
    expect(await out).toMatchObject({ outcome: 'unknown' });
    await expect.poll(() => r.rows()[0]?.state, settleTime).toBe('settled');
    expect(redemptions(r, CODES[2]!).map((x) => [x.outcome, x.detail.confirmed_here])).toEqual([
      ['settled', false],
    ]);
  });
});

describe('issue 15, case 5: a consume applied late is recorded as redeemed', () => {
  it('applied after the client gave up: settled as redeemed, not "not redeemed"', async () => {
    // The client gives up after 1 s; WeChat applies it at 1.2 s, inside a 1.6 s window.
    const r = await terminal({ windowMs: 1_600 });
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'late_apply', ms: 1_200 });
    expect(await r.call('redeemCode', { code: CODES[0] })).toMatchObject({ outcome: 'unknown' });
    // Right after the timeout the code still reads NORMAL: that proves nothing yet.
    expect(r.sandbox.sim.code(CODES[0]!)?.status).toBe('NORMAL');
    await expect.poll(() => r.rows()[0]?.state, settleTime).toBe('settled');
    expect(redemptions(r, CODES[0]!)).toHaveLength(1);
  });
});

describe('issue 15, case 6: never green without the card details', () => {
  it('card/get failing leaves a redeemable code amber with "card details missing"', async () => {
    const r = await terminal();
    r.sandbox.sim.faults.add({ path: '/card/get', kind: 'errcode', errcode: -1, count: 10 });
    const v = await r.call('lookupCode', { code: CODES[0] });
    expect(v).toMatchObject({
      kind: 'redeemable',
      tone: 'warning',
      warnings: [{ kind: 'card_details_missing' }],
    });
  });
});

describe("issue 15, case 7: the terminal's own problems are grey, not a red refusal", () => {
  it.each([45009, 40164, 48001])(
    'code/get answering %i is "could not check", logged failed',
    async (errcode) => {
      const r = await terminal();
      r.sandbox.sim.faults.add({ path: '/card/code/get', kind: 'errcode', errcode, count: 5 });
      const v = await r.call('lookupCode', { code: CODES[0] });
      expect(v).toMatchObject({ kind: 'could_not_check', tone: 'neutral', error: { errcode } });
      const rec = r.t.audit.search({ actions: ['lookup'] }).rows[0];
      expect(rec).toMatchObject({
        outcome: 'failed',
        errcode,
        detail: { verdict: 'could_not_check' },
      });
    },
  );

  it('a network failure while trying the custom-code card ids is "could not check", not "unknown"', async () => {
    const r = await terminal();
    const CUSTOM = '428653249747';
    await r.call('updateSettings', { customCodeCardIds: ['pSBXMYRCBl1ifCv12j1cNZuJGQq-'] });
    // The first code/get (no card id) answers 40056 from the sandbox itself; every try with
    // a card id after it fails at the HTTP level.
    r.sandbox.sim.faults.add({ path: '/card/code/get', kind: 'http_5xx', after: 1, count: 10 });
    const v = await r.call('lookupCode', { code: CUSTOM });
    expect(v).toMatchObject({ kind: 'could_not_check', tone: 'neutral' });
  });
});

describe('issue 15, case 8: a success whose record cannot be written is never "failed"', () => {
  it('the redemption is reported unknown, recorded as ok once the disk takes it again', async () => {
    const r = await terminal();
    const db = r.t.audit.db;
    // A real failure of the real file's writes, from the moment the answer arrived.
    r.sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'latency', ms: 100 });
    const out = r.call('redeemCode', { code: CODES[0] });
    await expect.poll(() => r.rows()[0]?.state, settleTime).toBe('sending');
    db.exec(
      `CREATE TEMP TRIGGER disk_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`,
    );
    expect(await out).toMatchObject({
      outcome: 'unknown',
      error: { key: 'errors.result_not_saved' },
    });
    expect(r.rows()[0]).toMatchObject({ state: 'sending' });
    db.exec('DROP TRIGGER disk_full');
    await expect.poll(() => r.rows()[0]?.state, settleTime).toBe('applied');
    expect(redemptions(r, CODES[0]!).map((x) => x.outcome)).toEqual(['ok']);
    expect(r.t.audit.search({ actions: ['redeem'], outcomes: ['failed'] }).rows).toHaveLength(0);
  });

  it('and if the terminal dies before it could write it, the restart settles it as redeemed', async () => {
    const r = await terminal({ crashAt: 'before_result' });
    await r.fail('redeemCode', { code: CODES[1] });
    const again = await restart(r);
    await expect.poll(() => again.rows()[0]?.state, settleTime).toBe('settled');
    expect(redemptions(again, CODES[1]!)).toHaveLength(1);
  });
});

describe('issue 15, case 9: the built-in sandbox remembers across a restart', () => {
  it('a redeemed demo code stays redeemed, and an open intent settles against the same state', async () => {
    const r = await terminal({ embedded: true, crashAt: 'after_answer:2' });
    expect(await r.call('redeemCode', { code: CODES[0] })).toMatchObject({ outcome: 'redeemed' });
    await r.fail('redeemCode', { code: CODES[1] });
    const again = await restart(r, { embedded: true });
    // A fresh process of the sandbox, on the data folder's state file.
    expect(again.sandbox).not.toBe(r.sandbox);
    expect(await again.call('lookupCode', { code: CODES[0] })).toMatchObject({
      kind: 'already_redeemed',
      redeemedHere: { operatorName: 'Boss' },
    });
    await expect.poll(() => again.rows()[1]?.state, settleTime).toBe('settled');
  });
});

describe('the one lookup', () => {
  it('refunds decrypt encrypted codes too', async () => {
    const r = await terminal();
    const encrypted = r.sandbox.sim.encryptCode(CODES[0]!);
    const p = await r.call('refundPreview', { code: encrypted });
    expect(p).toMatchObject({ verdict: { kind: 'redeemable', code: CODES[0] } });
    const out = await r.call('invalidateCode', {
      code: encrypted,
      reason: 'customer_refund',
      confirmed: true,
    });
    expect(out).toMatchObject({ outcome: 'invalidated', item: { code: CODES[0] } });
  });

  it('writes exactly one lookup record per lookup, whatever the purpose', async () => {
    const r = await terminal();
    await r.call('lookupCode', { code: CODES[0] });
    await r.call('refundPreview', { code: CODES[0] });
    await r.call('officeCodeVerdict', { code: CODES[0] });
    await r.call('lookupCode', { code: 'abc!!' });
    const recs = r.t.audit.search({ actions: ['lookup', 'scan'] }).rows.reverse();
    expect(recs.map((x) => `${x.detail.purpose}:${x.outcome}`)).toEqual([
      'counter:ok',
      'refund:ok',
      'back_office:ok',
      'counter:rejected',
    ]);
  });
});
