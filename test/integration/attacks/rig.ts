/**
 * Shared rig for the adversarial tests: a terminal driven in-process through the contract
 * (createTerminalServices + createDispatcher) against a real sandbox over HTTP and a real
 * SQLite file, with a crash hook that throws at a named step (the row stays as a SIGKILL would
 * leave it) and restarts on the same data folder. Modelled on test/integration/writes.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { createDispatcher } from '../../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';
import { crashHookFromEnv, type CrashHook } from '../../../electron/services/writes/crash-points';

export const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
export const CASHIER = { id: 'ann', name: 'Ann', pin: '1357' };
export const SUPERVISOR = { id: 'sue', name: 'Sue', pin: '8642' };
export const CUSTOM_CARD = 'pSBXMYRCBl1ifCv12j1cNZuJGQq-';
export const CUSTOM_CODES = ['428653249747', '476043292094', '518056123817', '920298562667'];
/** Redeemable demo codes (docs/sandbox.md), plain cards. */
export const CODES = [
  '178847660332',
  '174551011028',
  '616099591650',
  '428804976813',
  '536912177862',
  '627204411067',
  '522927897087',
  '940223249206',
  '184204778342',
  '923853837872',
  '293222552527',
  '649651737694',
  '410809533638',
  '828219445059',
  '690888315558',
  '717137617252',
];
export const WINDOW_MS = 400;

export class SimulatedCrash extends Error {}

export interface Rig {
  t: TerminalServices;
  sandbox: RunningSandbox;
  dir: string;
  call: (name: string, input: unknown, as?: string) => Promise<Record<string, unknown>>;
  fail: (name: string, input: unknown, as?: string) => Promise<Record<string, unknown>>;
  raw: (name: string, input: unknown, as?: string) => Promise<unknown>;
  rows: () => Record<string, unknown>[];
  rowsFor: (code: string) => Record<string, unknown>[];
}

export interface RigOptions {
  /** An existing data folder: a restart on it (no set-up). */
  dir?: string;
  /** Where a fresh data folder is made (the system's temp folder by default). */
  parent?: string;
  sandbox?: RunningSandbox;
  /** A step, and which time it is reached ("after_answer:2"): the hook throws there. */
  crashAt?: string;
  crash?: CrashHook;
  embedded?: boolean;
  windowMs?: number;
  now?: () => number;
  monoNow?: () => number;
  retryMinMs?: number;
  retryMaxMs?: number;
  keepSettledMs?: number;
  /** Extra operators to add at set-up. */
  extraOperators?: { id: string; name: string; pin: string; role: string }[];
}

const open: { t: TerminalServices; sb?: RunningSandbox }[] = [];
const extraSandboxes: RunningSandbox[] = [];

export function trackSandbox(sb: RunningSandbox) {
  extraSandboxes.push(sb);
  return sb;
}

export async function terminal(opts: RigOptions = {}): Promise<Rig> {
  const sandbox = opts.embedded ? undefined : (opts.sandbox ?? (await startSandbox({ port: 0 })));
  const dir = opts.dir ?? mkdtempSync(path.join(opts.parent ?? os.tmpdir(), 'carddesk-attacks-'));
  const crash =
    opts.crash ??
    (opts.crashAt
      ? crashHookFromEnv(opts.crashAt, () => {
          throw new SimulatedCrash(opts.crashAt);
        })
      : undefined);
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    ...(sandbox ? { sandbox } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.monoNow ? { monoNow: opts.monoNow } : {}),
    writeTimings: {
      retryMinMs: opts.retryMinMs ?? 40,
      retryMaxMs: opts.retryMaxMs ?? 200,
      settleWindowMs: opts.windowMs ?? WINDOW_MS,
      ...(opts.keepSettledMs !== undefined ? { keepSettledMs: opts.keepSettledMs } : {}),
    },
    ...(crash ? { crash } : {}),
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
    if (res.ok) throw new Error(`${name} should have failed: ${JSON.stringify(res.value)}`);
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
    await call('addOperator', { ...SUPERVISOR, role: 'supervisor' });
    for (const o of opts.extraOperators ?? []) await call('addOperator', o);
    await call('updateSettings', {
      api: { baseUrl: 'https://api.weixin.qq.com', connectTimeoutMs: 500, totalTimeoutMs: 1_000 },
    });
  } else {
    await call('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
  }
  const rows = () =>
    t.audit.db.prepare('SELECT * FROM writes ORDER BY id').all() as Record<string, unknown>[];
  const rowsFor = (code: string) =>
    t.audit.db.prepare('SELECT * FROM writes WHERE code = ? ORDER BY id').all(code) as Record<
      string,
      unknown
    >[];
  return {
    t,
    sandbox: sandbox ?? (await t.connection.ensureSandbox()),
    dir,
    call,
    fail,
    raw,
    rows,
    rowsFor,
  };
}

/** Closes a terminal's services now, not after the test. */
export async function closeTerminal(r: Rig) {
  const i = open.findIndex((o) => o.t === r.t);
  if (i >= 0) open.splice(i, 1);
  await r.t.close();
}

/** Closes the services as a crash would leave the disk (the rows stay as they are). */
export async function restart(r: Rig, opts: RigOptions = {}) {
  await closeTerminal(r);
  return terminal({
    ...opts,
    dir: r.dir,
    ...(opts.embedded ? { embedded: true } : { sandbox: r.sandbox }),
  });
}

/** Writes the sandbox really applied to a code through the API (the ground truth). */
export function applied(sb: RunningSandbox, code: string, kind?: 'consume' | 'unavailable') {
  return sb.sim
    .appliedWrites()
    .filter(
      (w) =>
        w.code === code &&
        w.via === 'api' &&
        (kind === undefined || w.path === `/card/code/${kind}`),
    );
}

/** The terminal's redemption records of a code ('ok' or 'settled'). */
export function redemptions(r: Rig, code: string) {
  return r.t.audit
    .search({ actions: ['redeem'], codePrefix: code })
    .rows.filter((x) => x.code === code && (x.outcome === 'ok' || x.outcome === 'settled'));
}

export function invalidations(r: Rig, code: string) {
  return r.t.audit
    .search({ actions: ['invalidate'], codePrefix: code })
    .rows.filter((x) => x.code === code && (x.outcome === 'ok' || x.outcome === 'settled'));
}

/** Every intent has at most one final result, and the row's state matches it. */
export function resultsByNonce(r: Rig, nonce: string) {
  return r.t.audit.byNonce(nonce).map((x) => `${x.action}:${x.outcome}`);
}

export const settleTime = { timeout: 10_000, interval: 40 };

export const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Signs `clientId` in as an operator. */
export async function signInAs(
  r: Rig,
  who: { id: string; pin: string },
  clientId: string,
): Promise<void> {
  await r.call('signIn', { operatorId: who.id, pin: who.pin }, clientId);
}

/**
 * The consistency every test ends on, for one code: what the terminal's rows say was done must
 * be what the sandbox applied through the API, no more and no less.
 */
export function expectRowsMatchTruth(r: Rig, code: string) {
  const rows = r.rowsFor(code);
  const done = (kind: string) =>
    rows.filter((x) => x.kind === kind && (x.state === 'applied' || x.state === 'settled'));
  const consumes = applied(r.sandbox, code, 'consume').length;
  const unavailables = applied(r.sandbox, code, 'unavailable').length;
  expect(consumes, 'WeChat applied code/consume at most once').toBeLessThanOrEqual(1);
  expect(unavailables, 'WeChat applied code/unavailable at most once').toBeLessThanOrEqual(1);
  expect(
    done('consume').length,
    `rows recorded as redeemed (${JSON.stringify(rows.map((x) => x.state))}) = consumes applied`,
  ).toBe(consumes);
  expect(done('invalidate').length, 'rows recorded as invalidated = unavailables applied').toBe(
    unavailables,
  );
}

afterEach(async () => {
  for (const { t, sb } of open.splice(0)) {
    await t.close().catch(() => undefined);
    await sb?.close();
  }
  for (const sb of extraSandboxes.splice(0)) await sb.close();
});

/**
 * Resolves once the sandbox has received `n` calls of `path` (counted on arrival, before any
 * latency). Faults on other paths added after this cannot touch that call, and do not touch
 * anything the terminal may read before it sends (a version that reads the code first).
 */
export async function whenArrived(sb: RunningSandbox, path: string, n = 1): Promise<void> {
  await expect
    .poll(() => sb.sim.callCount(path), { timeout: 5_000, interval: 5 })
    .toBeGreaterThanOrEqual(n);
}

export const CONSUME = '/card/code/consume';
export const UNAVAILABLE = '/card/code/unavailable';
export const CODE_GET = '/card/code/get';

/**
 * Starts a write whose answer is lost after WeChat applied it (`kind`: lost_response by
 * default), and injects `getFaults` on code/get only once the write has reached WeChat.
 * Resolves with the caller's answer.
 */
export async function lostWrite(
  r: Rig,
  path: string,
  start: () => Promise<Record<string, unknown>>,
  getFaults: () => void,
  kind: 'lost_response' | 'http_5xx' | 'applied_5xx' | 'hang' = 'lost_response',
): Promise<Record<string, unknown>> {
  r.sandbox.sim.faults.add({ path, kind: 'latency', ms: 200 });
  r.sandbox.sim.faults.add({ path, kind, ...(kind === 'http_5xx' ? { status: 502 } : {}) });
  const out = start();
  await whenArrived(r.sandbox, path);
  getFaults();
  return out;
}
