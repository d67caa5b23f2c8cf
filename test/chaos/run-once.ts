/**
 * One chaos run: a fresh terminal (browser host process, real SQLite file in a temporary data
 * folder) in Live mode against the standalone sandbox, the commands of the plan, then the faults
 * stop and the invariants are checked against the sandbox's ground truth.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkInvariants, type Ack, type Cancel, type Other, type Truth } from './invariants';
import type { ChaosFault, Cmd, Note, RunPlan, Who } from './model';
import { TerminalProcess, type CallResult, type Sandbox } from './processes';

/** Short timings so a run takes a second or two (documented in the README). */
export const CHAOS_TIMINGS = {
  settleWindowMs: 900,
  settleReads: 3,
  retryMinMs: 25,
  retryMaxMs: 150,
  keepSettledMs: 600_000,
  apiConnectMs: 150,
  apiTotalMs: 250,
};
/** Past the client's timeout, and applied well inside the settling window. */
const LATE_MS = 330;
/** The sandbox's own bound: a delayed write never lands later than this after it arrived. */
export const MAX_APPLY_DELAY_MS = 450;

const PINS: Record<Who, string> = { boss: '246810', ann: '1357', sue: '8642' };
const NOTES: Record<Note, string> = {
  none: '',
  short: '破损',
  long: '顾客不想要了商品有破损要求退款', // 15 characters: 12 + 3 + 45 = 60 bytes, fits
  too_long: '顾客不想要了商品有破损要求退款谢谢', // 17: 66 bytes, refused before anything is queued
};

export interface RunReport {
  operations: number;
  faults: number;
  crashes: number;
  violations: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function faultSpec(path: string, f: ChaosFault, count: number): Record<string, unknown> {
  switch (f.kind) {
    case 'latency_past_timeout':
      return { path, kind: 'latency', ms: LATE_MS, count };
    case 'late_apply':
      return { path, kind: 'late_apply', ms: LATE_MS, count };
    case 'errcode':
      return { path, kind: 'errcode', errcode: f.errcode, count };
    case 'http_5xx':
    case 'applied_5xx':
      return { path, kind: f.kind, status: 502, count };
    default:
      return { path, kind: f.kind, count };
  }
}

/**
 * A data folder of a terminal set up through the contract as the wizard would: Live mode
 * against the standalone sandbox, the manager, a cashier and a supervisor. Each run starts on
 * a copy of it (the folder is what a till's disk holds; copying it is cloning a till).
 */
export async function makeTemplate(sandbox: Sandbox): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-chaos-template-'));
  const term = new TerminalProcess(dir, { CARDDESK_TIMINGS: JSON.stringify(CHAOS_TIMINGS) });
  try {
    await term.start();
    await term.must('completeSetup', {
      terminalName: 'Chaos till',
      terminalId: 'CHAOS-1',
      storeName: 'Chaos store',
      language: 'en',
      mode: 'live',
      live: { provider: 'stable_token', appId: sandbox.appid },
      appSecret: sandbox.secret,
      manager: { id: 'boss', name: 'Boss', pin: PINS.boss },
    });
    // The sandbox's address is not WeChat's: the AppSecret is typed again for it, and the
    // address confirmed, in the same request (a stored secret only goes where it was entered).
    await term.must('updateSettings', {
      api: { baseUrl: sandbox.url, connectTimeoutMs: 500, totalTimeoutMs: 1_000 },
      appSecret: sandbox.secret,
      confirmCustomBaseUrl: true,
    });
    await term.must('addOperator', { id: 'ann', name: 'Ann', role: 'cashier', pin: PINS.ann });
    await term.must('addOperator', { id: 'sue', name: 'Sue', role: 'supervisor', pin: PINS.sue });
  } finally {
    await term.kill();
  }
  return dir;
}

export async function runOnce(
  sandbox: Sandbox,
  pool: string[],
  plan: RunPlan,
  template: string,
): Promise<RunReport> {
  await sandbox.control('POST', '/reset');
  const codes = Array.from({ length: 4 }, (_, i) => pool[(plan.offset + i * 7) % pool.length]!);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-chaos-'));
  const clockFile = path.join(dir, 'clock-offset');
  const term = new TerminalProcess(path.join(dir, 'data'), {
    CARDDESK_TIMINGS: JSON.stringify(CHAOS_TIMINGS),
    CARDDESK_CLOCK_OFFSET_FILE: clockFile,
  });
  let clockOffset = 0;
  const report: RunReport = { operations: 0, faults: 0, crashes: 0, violations: [] };
  const acks: Ack[] = [];
  const cancels: Cancel[] = [];
  const others: Other[] = [];
  let who: Who = 'boss';
  const violation = (v: string) => report.violations.push(v);

  /** Internal errors are bugs; a lost answer is what a crash looks like from outside. */
  const watch = (op: string, r: CallResult) => {
    if (!r.ok && r.error?.kind === 'internal') violation(`${op} answered an internal error`);
    return r;
  };
  const signIn = async () => {
    const r = await term.call('signIn', { operatorId: who, pin: PINS[who] });
    if (r.lost) {
      // It died under us (a crash point armed before): start it again and sign in there.
      await term.kill();
      await term.start();
      await term.must('signIn', { operatorId: who, pin: PINS[who] });
    } else if (!r.ok) throw new Error(`signIn failed: ${JSON.stringify(r.error)}`);
  };
  const ensureAlive = async (env: Record<string, string> = {}) => {
    if (term.alive && Object.keys(env).length === 0) return;
    if (term.alive) await term.kill();
    try {
      await term.start(env);
    } catch (err) {
      // An armed crash point can fire during start-up itself (settling what the last crash
      // left open): that is the crash; start again without it.
      if (!env.CARDDESK_CRASH_AT) throw err;
      await term.start();
    }
    await signIn();
  };

  const redeem = async (c: number) => {
    const r = watch('redeemCode', await term.call('redeemCode', { code: codes[c] }));
    if (r.ok) {
      const v = r.value as { outcome: string; nonce?: string; code: string };
      if (v.nonce)
        acks.push({
          nonce: v.nonce,
          code: v.code,
          kind: 'consume',
          done: v.outcome === 'redeemed',
        });
    }
  };
  const invalidate = async (c: number, note: Note) => {
    const r = watch(
      'invalidateCode',
      await term.call('invalidateCode', {
        code: codes[c],
        reason: 'customer_refund',
        note: NOTES[note],
        confirmed: true,
        ...(who === 'ann' ? { supervisor: { id: 'sue', pin: PINS.sue } } : {}),
      }),
    );
    if (!r.ok && note === 'too_long' && r.error?.kind !== 'invalid_input' && !r.lost) {
      violation(`a 66-byte refund reason was not refused at once: ${JSON.stringify(r.error)}`);
    }
    if (r.ok && note === 'too_long') violation('a 66-byte refund reason was accepted');
    if (r.ok) {
      const v = r.value as { outcome: string; item: { nonce: string; code: string } };
      if (v.outcome !== 'busy') {
        acks.push({
          nonce: v.item.nonce,
          code: v.item.code,
          kind: 'invalidate',
          done: v.outcome === 'invalidated',
        });
      }
    }
  };

  async function exec(cmd: Cmd) {
    report.operations += 1;
    await ensureAlive();
    switch (cmd.k) {
      case 'lookup':
        watch(
          'lookupCode',
          await term.call('lookupCode', { code: codes[cmd.c], source: 'scanner' }),
        );
        return;
      case 'redeem':
        await Promise.all(Array.from({ length: cmd.par }, () => redeem(cmd.c)));
        return;
      case 'invalidate':
        await Promise.all(Array.from({ length: cmd.par }, () => invalidate(cmd.c, cmd.note)));
        return;
      case 'cancel':
      case 'retry': {
        const list = await term.call('listOutbox', { includeClosed: false });
        if (!list.ok) {
          // Only a cashier is refused the queue: the host checks the role.
          if (who !== 'ann' && !(list as CallResult).lost)
            violation(`listOutbox refused for ${who}`);
          return;
        }
        const items = list.value as { id: number; nonce: string; code: string }[];
        if (items.length === 0) return;
        const item = items[cmd.i % items.length]!;
        if (cmd.k === 'retry') {
          watch('retryOutbox', await term.call('retryOutbox', { id: item.id }));
          return;
        }
        const r = watch(
          'cancelOutbox',
          await term.call('cancelOutbox', { id: item.id, why: 'chaos cancel' }),
        );
        if (r.ok) cancels.push({ nonce: item.nonce, code: item.code });
        return;
      }
      case 'switch':
        who = cmd.who;
        await signIn();
        return;
      case 'other': {
        // Another terminal on the same AppID redeems the code (only a NORMAL one can be).
        // Whether our terminal had a redemption of it open, just before and just after.
        const code = codes[cmd.c]!;
        const openHere = async () => {
          const w = await term.call('getPendingWork', {});
          return (
            w.ok &&
            (w.value as { unsettled: { code: string }[] }).unsettled.some((x) => x.code === code)
          );
        };
        const snap = await sandbox.control<{ user_card_status: string }>(
          'GET',
          `/state/codes/${code}`,
        );
        if (snap.user_card_status !== 'NORMAL') return;
        const before = await openHere();
        await sandbox.control('POST', `/state/codes/${code}`, { status: 'CONSUMED' });
        others.push({ code, openHere: before && (await openHere()) });
        return;
      }
      case 'jump':
        clockOffset += cmd.ms;
        writeFileSync(clockFile, String(clockOffset));
        return;
      case 'fault':
        report.faults += 1;
        await sandbox.control('POST', '/faults', faultSpec(cmd.path, cmd.fault, cmd.count));
        return;
      case 'crash':
        report.crashes += 1;
        if (cmd.point === 'request_out') {
          // Hold the write at WeChat long enough for the kill to land while it is out.
          for (const p of ['/card/code/consume', '/card/code/unavailable']) {
            await sandbox.control('POST', '/faults', {
              path: p,
              kind: 'latency',
              ms: 150,
              count: 1,
            });
          }
        }
        await ensureAlive({ CARDDESK_CRASH_AT: `${cmd.point}:1` });
        return;
      case 'kill': {
        report.crashes += 1;
        const op = cmd.op === 'redeem' ? redeem(cmd.c) : invalidate(cmd.c, 'short');
        await sleep(cmd.afterMs);
        await term.kill();
        await op;
        return;
      }
      case 'wait':
        await sleep(cmd.ms);
        return;
    }
  }

  try {
    // A copy of a terminal set up once through the contract (see makeTemplate): set-up with
    // its three PIN hashes would otherwise be a third of every run.
    cpSync(template, term.dataDir, { recursive: true });
    await term.start();
    await signIn();

    for (const cmd of plan.cmds) await exec(cmd);

    // The faults stop: every write must settle on its own.
    await sandbox.control('DELETE', '/faults');
    await ensureAlive();
    if (!term.alive || !(await term.call('getSession', {})).ok) await ensureAlive({});
    if (who !== 'boss') {
      who = 'boss';
      await signIn();
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (!term.alive) await ensureAlive();
      const pending = await term.call('getPendingWork', {});
      const outbox = await term.call('listOutbox', { includeClosed: false });
      const open =
        (pending.ok ? (pending.value as { unsettled: unknown[] }).unsettled.length : 1) +
        (outbox.ok ? (outbox.value as unknown[]).length : 1);
      if (open === 0) break;
      if (Date.now() > deadline) {
        violation(
          `writes still open ${Date.now() - deadline + 20_000} ms after the faults stopped: ${JSON.stringify({ pending: pending.value, outbox: outbox.value })}`,
        );
        break;
      }
      await sleep(100);
    }
    const truth: Truth = {
      writes: (await sandbox.control<{ writes: Truth['writes'] }>('GET', '/state/writes')).writes,
    };
    report.violations.push(...(await checkInvariants(term, truth, { acks, cancels, others })));
  } catch (err) {
    violation(`the run could not complete: ${(err as Error).message}`);
  } finally {
    await term.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}
