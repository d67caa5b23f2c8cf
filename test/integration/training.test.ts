/**
 * Training in Sandbox mode (issue 18), through the real dispatcher, a real audit log and the
 * sandbox: only a manager arms a fault, never in Live mode; each fault gives the cashier the
 * verdict it is meant to and leaves the write in the state it must; the write engine still
 * settles a lost answer; what an exercise causes is marked as training, and summaries and
 * exports leave it out unless asked.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../electron/services';
import type { AuditRecord } from '../../shared/audit';
import {
  applied,
  CASHIER,
  CODES,
  expectRowsMatchTruth,
  MANAGER,
  settleTime,
  signInAs,
  SUPERVISOR,
  terminal,
  type Rig,
} from './attacks/rig';

const CODE = CODES[0]!;
const OTHER = CODES[1]!;

/** A rig with the cashier and the supervisor signed in on their own tills. */
async function rig(): Promise<Rig> {
  const r = await terminal();
  await signInAs(r, CASHIER, 'cashier-till');
  await signInAs(r, SUPERVISOR, 'supervisor-till');
  return r;
}

const arm = (r: Rig, input: Record<string, unknown>) => r.call('armTraining', input);
const asCashier = (r: Rig, name: string, input: unknown) => r.call(name, input, 'cashier-till');
const records = (r: Rig): AuditRecord[] =>
  r.t.audit.search({}, { limit: 500 }).rows.slice().reverse();
const trainingOf = (rec: AuditRecord) => rec.detail.training === true;

describe('who may arm a training fault', () => {
  it('a cashier and a supervisor are refused with a valid input; nothing is armed', async () => {
    const r = await rig();
    for (const till of ['cashier-till', 'supervisor-till']) {
      for (const op of ['armTraining', 'getTraining', 'disarmTraining']) {
        const input = op === 'armTraining' ? { fault: 'answer_lost', target: 'redeem' } : {};
        expect(await r.fail(op, input, till)).toMatchObject({
          kind: 'forbidden',
          key: 'errors.role_required_manager',
        });
      }
    }
    expect(r.sandbox.sim.faults.list()).toEqual([]);
    expect(await r.call('getTraining', {})).toEqual({ available: true });
    // The cashier's redemption is plain: redeemed, and nothing is marked.
    expect(await asCashier(r, 'redeemCode', { code: CODE })).toMatchObject({
      outcome: 'redeemed',
    });
    expect(records(r).filter(trainingOf)).toEqual([]);
  });

  it('bad input is refused and changes nothing', async () => {
    const r = await rig();
    for (const input of [
      { fault: 'errcode', target: 'redeem' }, // no errcode
      { fault: 'errcode', target: 'redeem', errcode: 40001 }, // not one of the list
      { fault: 'network', target: 'redeem', errcode: 40099 }, // errcode without its fault
      { fault: 'answer_lost', target: 'lookup' }, // a lookup has no answer to lose
      { fault: 'hang', target: 'redeem' },
    ]) {
      expect(await r.fail('armTraining', input)).toMatchObject({ kind: 'invalid_input' });
    }
    expect(await r.call('getTraining', {})).toEqual({ available: true });
  });
});

describe('Live mode', () => {
  const open: { t: TerminalServices; sb: RunningSandbox }[] = [];
  afterEach(async () => {
    for (const { t, sb } of open.splice(0)) {
      await t.close();
      await sb.close();
    }
  });

  it('refuses to arm with a clear error, shows no training, and no fault reaches WeChat', async () => {
    // The sandbox stands in for the real WeChat on loopback, as in the secrets tests.
    const wechat = await startSandbox({ port: 0 });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-training-live-'));
    const t = await createTerminalServices({
      host: 'browser',
      version: 't',
      dataDir: dir,
      osLocale: 'en',
      sandbox: wechat,
    });
    open.push({ t, sb: wechat });
    const dispatch = createDispatcher({ services: t.services, guard: t.guard });
    const call = (name: string, input: unknown) => dispatch(name, input, { clientId: 'till' });
    expect(
      await call('completeSetup', {
        terminalName: 'T',
        terminalId: 'T-1',
        storeName: 'S',
        language: 'en',
        mode: 'live',
        live: { provider: 'stable_token', appId: wechat.app.appid },
        appSecret: wechat.app.secret,
        manager: MANAGER,
      }),
    ).toMatchObject({ ok: true });
    expect(await call('getTraining', {})).toEqual({ ok: true, value: { available: false } });
    for (const input of [
      { fault: 'answer_lost', target: 'redeem' },
      { fault: 'network', target: 'lookup' },
      { fault: 'errcode', target: 'redeem', errcode: 40099 },
    ]) {
      expect(await call('armTraining', input)).toMatchObject({
        ok: false,
        error: { kind: 'forbidden', key: 'errors.training_live_mode' },
      });
    }
    expect(wechat.sim.faults.list()).toEqual([]);
    const marked = t.audit.search({ training: 'only' }).rows;
    expect(marked).toEqual([]);
  });
});

describe('each fault, at the next redemption', () => {
  it('answer lost: outcome unknown, then settled as redeemed; every record of it is training', async () => {
    const r = await rig();
    const armed = await arm(r, { fault: 'answer_lost' });
    expect(armed).toMatchObject({
      available: true,
      armed: { fault: 'answer_lost', target: 'redeem', armedBy: MANAGER.id },
    });
    // The lookup before the redemption is not the exercise: it shows the code as it is.
    expect(await asCashier(r, 'lookupCode', { code: CODE })).toMatchObject({ kind: 'redeemable' });
    expect(r.sandbox.sim.faults.list()).toEqual([]); // rules exist only during the redemption
    const out = await asCashier(r, 'redeemCode', { code: CODE });
    expect(out).toMatchObject({ outcome: 'unknown', code: CODE });
    expect(r.sandbox.sim.faults.list()).toEqual([]);
    // WeChat did apply it; the engine settles it from the code's status, never sends again.
    expect(applied(r.sandbox, CODE, 'consume')).toHaveLength(1);
    await expect.poll(() => r.rowsFor(CODE)[0]?.state, settleTime).toBe('settled');
    expectRowsMatchTruth(r, CODE);

    const state = await r.call('getTraining', {});
    expect(state.armed).toBeUndefined();
    expect(state.used).toMatchObject({ fault: 'answer_lost', code: CODE, shown: 'unknown' });

    // Marked: the arming, the lookup made while armed, the intent, its steps, its settlement.
    const nonce = String(out.nonce);
    const ofWrite = r.t.audit.byNonce(nonce);
    expect(ofWrite.map((x) => x.outcome)).toEqual(expect.arrayContaining(['pending', 'settled']));
    expect(ofWrite.every(trainingOf)).toBe(true);
    const all = records(r);
    expect(all.find((x) => x.action === 'training')).toMatchObject({
      operator_id: MANAGER.id,
      detail: { event: 'arm', fault: 'answer_lost', training: true },
    });
    expect(all.filter((x) => x.action === 'lookup').every(trainingOf)).toBe(true);

    // After the exercise: plain again, and nothing of it is marked.
    expect(await asCashier(r, 'redeemCode', { code: OTHER })).toMatchObject({
      outcome: 'redeemed',
    });
    const later = r.t.audit.search({ codePrefix: OTHER }).rows;
    expect(later.length).toBeGreaterThan(0);
    expect(later.some(trainingOf)).toBe(false);
    expect(await r.t.audit.verify()).toMatchObject({ ok: true });
  });

  it('network failure: not redeemed, nothing sent, the cashier may try again', async () => {
    const r = await rig();
    await arm(r, { fault: 'network', target: 'redeem' });
    const out = await asCashier(r, 'redeemCode', { code: CODE });
    expect(out).toMatchObject({ outcome: 'failed', error: { key: 'wechat.network' } });
    expect(r.rowsFor(CODE)[0]?.state).toBe('not_applied');
    expect(applied(r.sandbox, CODE, 'consume')).toHaveLength(0);
    expect((await r.call('getTraining', {})).used).toMatchObject({ shown: 'failed' });
    expect(r.t.audit.byNonce(String(out.nonce)).every(trainingOf)).toBe(true);
    // Once used, gone: the retry goes through.
    expect(await asCashier(r, 'redeemCode', { code: CODE })).toMatchObject({
      outcome: 'redeemed',
    });
    expectRowsMatchTruth(r, CODE);
  });

  it.each([
    [40099, 'rejected', 'already_redeemed', 'rejected'],
    [40127, 'rejected', 'not_allowed', 'rejected'],
    [40056, 'rejected', 'unknown_code', 'rejected'],
    [45009, 'failed', undefined, 'not_applied'],
  ] as const)(
    'WeChat answers %i: the redemption is %s (verdict %s), the write %s',
    async (errcode, outcome, verdict, state) => {
      const r = await rig();
      await arm(r, { fault: 'errcode', target: 'redeem', errcode });
      const out = await asCashier(r, 'redeemCode', { code: CODE });
      expect(out).toMatchObject({ outcome });
      if (verdict) expect(out.verdict).toMatchObject({ kind: verdict });
      if (outcome === 'failed') expect(out.error).toMatchObject({ errcode });
      expect(r.rowsFor(CODE)[0]?.state).toBe(state);
      expect(applied(r.sandbox, CODE, 'consume')).toHaveLength(0);
      expect(r.sandbox.sim.faults.list()).toEqual([]);
      expect((await r.call('getTraining', {})).used).toMatchObject({ errcode, shown: outcome });
      expectRowsMatchTruth(r, CODE);
    },
  );

  it('WeChat answers -1 (busy) to the redemption: outcome unknown, settled as not redeemed', async () => {
    const r = await rig();
    await arm(r, { fault: 'errcode', target: 'redeem', errcode: -1 });
    expect(await asCashier(r, 'redeemCode', { code: CODE })).toMatchObject({ outcome: 'unknown' });
    await expect.poll(() => r.rowsFor(CODE)[0]?.state, settleTime).toBe('not_applied');
    expectRowsMatchTruth(r, CODE);
  });

  it('a redemption that never reaches WeChat leaves the exercise for the next one', async () => {
    const r = await rig();
    await asCashier(r, 'redeemCode', { code: CODE });
    await arm(r, { fault: 'answer_lost' });
    // Redeemed here already: answered from this terminal's own record, nothing sent.
    expect(await asCashier(r, 'redeemCode', { code: CODE })).toMatchObject({
      outcome: 'rejected',
    });
    expect((await r.call('getTraining', {})).armed).toMatchObject({ fault: 'answer_lost' });
    expect(r.sandbox.sim.faults.list()).toEqual([]);
    expect(await asCashier(r, 'redeemCode', { code: OTHER })).toMatchObject({ outcome: 'unknown' });
  });
});

describe('each fault, at the next lookup', () => {
  it.each([
    [{ fault: 'network' }, 'could_not_check'],
    [{ fault: 'errcode', errcode: 40099 }, 'already_redeemed'],
    [{ fault: 'errcode', errcode: 40056 }, 'unknown_code'],
    [{ fault: 'errcode', errcode: -1 }, 'could_not_check'],
    [{ fault: 'errcode', errcode: 45009 }, 'could_not_check'],
  ] as const)('%j: the cashier sees %s, once', async (fault, kind) => {
    const r = await rig();
    await arm(r, { ...fault, target: 'lookup' });
    expect(await asCashier(r, 'lookupCode', { code: CODE })).toMatchObject({ kind });
    expect(r.sandbox.sim.faults.list()).toEqual([]);
    expect((await r.call('getTraining', {})).used).toMatchObject({ shown: kind, code: CODE });
    const [rec] = r.t.audit.search({ actions: ['lookup'] }).rows;
    expect(rec?.detail).toMatchObject({ verdict: kind, training: true });
    expect(await asCashier(r, 'lookupCode', { code: CODE })).toMatchObject({ kind: 'redeemable' });
    expect(r.t.audit.search({ actions: ['lookup'] }).rows[0]?.detail.training).toBeUndefined();
  });
});

describe('disarm', () => {
  it('takes the fault back, recorded; the next redemption is plain', async () => {
    const r = await rig();
    await arm(r, { fault: 'network', target: 'redeem' });
    expect(await r.call('disarmTraining', {})).toEqual({ available: true });
    expect(r.t.audit.search({ actions: ['training'] }).rows[0]?.detail).toMatchObject({
      event: 'disarm',
      training: true,
    });
    expect(await asCashier(r, 'redeemCode', { code: CODE })).toMatchObject({
      outcome: 'redeemed',
    });
    expect(r.t.audit.search({ codePrefix: CODE }).rows.some(trainingOf)).toBe(false);
  });
});

describe('totals and exports', () => {
  it('leave training records out by default and include them on request', async () => {
    const r = await rig();
    // One real redemption, one in a training exercise.
    await asCashier(r, 'redeemCode', { code: OTHER });
    await arm(r, { fault: 'answer_lost' });
    await asCashier(r, 'redeemCode', { code: CODE });
    await expect.poll(() => r.rowsFor(CODE)[0]?.state, settleTime).toBe('settled');

    const range = { from: 0, to: Date.now() + 60_000 };
    const redeemed = (s: Record<string, unknown>) =>
      (s.byActionOutcome as { action: string; outcome: string; count: number }[])
        .filter((x) => x.action === 'redeem' && (x.outcome === 'ok' || x.outcome === 'settled'))
        .reduce((n, x) => n + x.count, 0);
    const plain = await r.call('auditSummary', range);
    const all = await r.call('auditSummary', { ...range, includeTraining: true });
    expect(redeemed(plain)).toBe(1);
    expect(redeemed(all)).toBe(2);
    expect(plain.total as number).toBeLessThan(all.total as number);
    expect(
      (plain.byActionOutcome as { action: string }[]).some((x) => x.action === 'training'),
    ).toBe(false);

    // Exports through the contract (browser host: a one-time download), by default without.
    const exported = async (input: Record<string, unknown>) => {
      const started = await r.call('startExport', { filter: {}, format: 'jsonl', ...input });
      const id = String(started.exportId);
      await expect
        .poll(async () => (await r.call('exportStatus', { exportId: id })).state, settleTime)
        .toBe('done');
      const url = String((await r.call('exportStatus', { exportId: id })).downloadUrl);
      const token = new URL(url, 'http://x').searchParams.get('token') ?? '';
      const download = await r.t.exportDownloads.take(id, token);
      const chunks: Buffer[] = [];
      for await (const chunk of download!.stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks)
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditRecord);
    };
    const plainExport = await exported({});
    const fullExport = await exported({ includeTraining: true });
    expect(plainExport.some(trainingOf)).toBe(false);
    expect(plainExport.some((x) => x.code === OTHER && x.action === 'redeem')).toBe(true);
    expect(fullExport.filter(trainingOf).map((x) => x.code)).toContain(CODE);
    // The export's own record says what it left out.
    expect(r.t.audit.search({ actions: ['export'] }).rows[1]?.detail).toMatchObject({
      filter: { training: 'exclude' },
    });
    expect(await r.t.audit.verify()).toMatchObject({ ok: true });
  });
});
