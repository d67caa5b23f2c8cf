/**
 * A hundred terminals on one AppID (issue 19): the real terminal services (not the UI), each
 * with its own data folder, SQLite log, install id and collector credential, against ONE
 * sandbox on one AppID and ONE collector (embedded PGlite, or DATABASE_URL). Cashiers sign in,
 * scan and redeem at a randomised (seeded) pace, supervisors refund (invalidate), some
 * terminals lose their network for a while (their WeChat calls and their shipping fail) and
 * come back. The sandbox's clock, which the terminals' token providers share, runs fast enough
 * to go through at least two token lifetimes (7200 s each).
 *
 * The terminals reach the sandbox and the collector through one in-process "network" (a small
 * HTTP relay, one path prefix per terminal), which cuts a terminal off (its open requests too)
 * while it is offline and counts the token rejections WeChat answers each terminal.
 *
 * At the end, with the sandbox's applied writes (its control API) as the truth: every
 * redemption (and refund) WeChat applied is in exactly one terminal's log as done, and in the
 * central journal exactly once, from that terminal; no terminal claims one WeChat did not
 * apply; nothing is left unsettled; every terminal's chain verifies locally and the collector
 * raised no alert; every record reached PostgreSQL. With stable_token, no token error reaches
 * a cashier. Used by `npm run simulate:chain` (test/sim/chain-cli.ts), its integration test,
 * and bench:central, which imports runChainSimulation for the token errors and ingest lag.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { issueCredential } from '../../central/credentials';
import { connectPostgres, openEmbedded, type Database } from '../../central/db';
import { startCollector, type RunningCollector } from '../../central/server';
import { createDispatcher } from '../../electron/host/dispatch';
import { startSandbox, type AppliedWrite, type RunningSandbox } from '../../electron/sandbox';
import type { SandboxSeed } from '../../electron/sandbox/seed-schema';
import { TOKEN_TTL_MS } from '../../electron/sandbox/token-store';
import { createTerminalServices, type TerminalServices } from '../../electron/services';
import type { ShipperTimings } from '../../electron/services/shipping/shipper';
import type { WriteTimingsInput } from '../../electron/services/writes/timings';
import { TOKEN_REJECTED_ERRCODES } from '../../shared/wechat/errcodes';
import { percentile } from '../bench/stats';

export type TokenKind = 'stable' | 'classic';

export interface ChainSimOptions {
  /** Terminals on the one AppID (default 100). */
  terminals?: number;
  /** Wall-clock minutes the cashiers work (default 5; fractions allowed). */
  minutes?: number;
  /** Seeds the cashiers' pace, the codes they scan, refunds and offline periods (default 1). */
  seed?: number;
  /** The terminals' token provider (default stable). */
  token?: TokenKind;
  /** A PostgreSQL server; else an embedded PGlite in the work folder. */
  databaseUrl?: string;
  /** Token lifetimes (7200 s) the sandbox's clock goes through during the run (default 2.5). */
  expiries?: number;
  /** A cashier's mean pause between two scans, ms (exponential; default 4000). */
  meanPauseMs?: number;
  /** Share of terminals that go offline once during the run (default 0.2). */
  offlineShare?: number;
  /** Share of a cashier's actions that are refunds (default 0.05). */
  refundShare?: number;
  /** Longest wait for writes to settle and shipping to catch up at the end (default 120 s). */
  drainTimeoutMs?: number;
  /** The shipper's timings (default: the product's). */
  shippingTimings?: Partial<ShipperTimings>;
  /** The write engine's timings (default: a 5 s settling window, 0.5 to 5 s backoff). */
  writeTimings?: WriteTimingsInput;
  /** Where the terminals' folders (and PGlite) go; a temporary folder otherwise, removed. */
  workDir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface ChainSimResult {
  ok: boolean;
  /** Every failed assertion, in words. */
  failures: string[];
  token: TokenKind;
  terminals: number;
  seed: number;
  wallSeconds: number;
  /** How far the sandbox's clock went, seconds, and how many 7200 s lifetimes that is. */
  simulatedSeconds: number;
  tokenLifetimes: number;
  clockSpeed: number;
  /**
   * Token errors the terminals' operations saw: WeChat refused a terminal's token (40001, 40014,
   * 42001) on a lookup, redemption, refund or card read. Goal 0 (stable_token). The client
   * refetches and resends once, so most of them cost the cashier a wait, not an error.
   */
  tokenErrors: number;
  /** Token errors that reached a cashier: a lookup, redemption or refund answered with one. */
  tokenErrorsAtCashier: number;
  /** Token fetches the terminals made (stable_token or /cgi-bin/token). */
  tokenFetches: number;
  lookups: number;
  /** Redemptions WeChat applied (the sandbox's applied consumes). */
  redemptions: number;
  /** Refunds (invalidations) WeChat applied. */
  refunds: number;
  /** Outcomes the cashiers saw for their redemptions. */
  redeemOutcomes: Record<string, number>;
  offlinePeriods: number;
  /** Lookups answered "could not check" (offline terminals, mostly). */
  couldNotCheck: number;
  /** Why, by error key. */
  couldNotCheckReasons: Record<string, number>;
  /** Records in the terminals' logs, and in PostgreSQL. */
  records: number;
  centralRecords: number;
  /**
   * Ingest lag: a record's append on its terminal (its ts) to its arrival in PostgreSQL
   * (received_at), ms. Over the records of terminals that stayed online, and over all.
   */
  ingestLagP50Ms: number;
  ingestLagP99Ms: number;
  ingestLagP99AllMs: number;
}

const MANAGER = { id: 'boss', name: 'Store manager', pin: '246810' };
const CASHIER = { id: 'cashier', name: 'Cashier', pin: '135790' };
const CARD_ID = 'pSIMCHAIN0000000000000000000001';

/** mulberry32: small, seeded, good enough for schedules. */
function prng(seed: number): () => number {
  let a = seed >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One card without limits, and `count` codes of it in customers' hands. */
function chainSeed(appid: string, secret: string, count: number, startMs: number): SandboxSeed {
  const received = Math.floor(startMs / 1000) - 86_400;
  const codes = Array.from({ length: count }, (_, i) => ({
    code: `8${String(10_000_000_000 + i).slice(-11)}`,
    card_id: CARD_ID,
    openid: `oSIM${String(i % 5000).padStart(8, '0')}`,
    status: 'NORMAL' as const,
    received_at: received,
  }));
  return {
    apps: [{ appid, secret }],
    cards: [
      {
        card_type: 'CASH',
        cash: {
          base_info: {
            id: CARD_ID,
            code_type: 'CODE_TYPE_QRCODE',
            brand_name: 'CardDesk 连锁',
            title: '20元无门槛券',
            date_info: { type: 'DATE_TYPE_PERMANENT' },
            sku: { quantity: 1_000_000, total_quantity: 2_000_000 },
            status: 'CARD_STATUS_VERIFY_OK',
          },
          least_cost: 0,
          reduce_cost: 2000,
        },
      },
    ],
    codes,
  } as SandboxSeed;
}

interface Network {
  url: string;
  offline: Set<number>;
  /** Cuts a terminal off: new requests fail, open ones are dropped (answers lost). */
  cut(i: number): void;
  restore(i: number): void;
  rejections: number[];
  fetches: number[];
  close(): Promise<void>;
}

/**
 * The terminals' network: /t/<i>/wx/... goes to the sandbox, /t/<i>/hq/... to the collector.
 * WeChat answers are read to count token rejections; the collector's are streamed.
 */
async function startNetwork(n: number, sandboxUrl: string, collectorUrl: string): Promise<Network> {
  const offline = new Set<number>();
  const open = Array.from({ length: n }, () => new Set<Socket>());
  const rejections = new Array<number>(n).fill(0);
  const fetches = new Array<number>(n).fill(0);
  // One pool each way, unlimited: a slow collector must not hold up the WeChat calls here.
  const wxAgent = new http.Agent({ keepAlive: true });
  const hqAgent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const m = /^\/t\/(\d+)\/(wx|hq)(\/[^?]*)?(\?.*)?$/.exec(req.url ?? '');
    const i = m ? Number(m[1]) : -1;
    if (!m || i >= n) {
      res.writeHead(404).end();
      return;
    }
    if (offline.has(i)) {
      req.socket.destroy();
      return;
    }
    const socket = req.socket;
    open[i]!.add(socket);
    const done = () => open[i]!.delete(socket);
    res.once('close', done);
    const wx = m[2] === 'wx';
    const target = new URL(`${m[3] ?? '/'}${m[4] ?? ''}`, wx ? sandboxUrl : collectorUrl);
    const isTokenCall = target.pathname.startsWith('/cgi-bin/');
    if (wx && isTokenCall) fetches[i]!++;
    const headers = { ...req.headers, host: target.host };
    const up = http.request(
      target,
      { method: req.method, headers, agent: wx ? wxAgent : hqAgent },
      (answer) => {
        if (!wx) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('error', () => res.destroy());
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if (!isTokenCall) {
            try {
              const errcode = (JSON.parse(body.toString('utf8')) as { errcode?: number }).errcode;
              if (errcode !== undefined && TOKEN_REJECTED_ERRCODES.has(errcode)) rejections[i]!++;
            } catch {
              // not JSON: nothing to count
            }
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body);
        });
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    offline,
    cut(i) {
      offline.add(i);
      for (const s of open[i]!) s.destroy();
      open[i]!.clear();
    },
    restore(i) {
      offline.delete(i);
    },
    rejections,
    fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        wxAgent.destroy();
        hqAgent.destroy();
      }),
  };
}

interface ErrorLike {
  key?: string;
  errcode?: number;
}

/** A token error as a cashier would see it: a rejected token, or no token to be had. */
function isTokenError(e: ErrorLike | undefined): boolean {
  if (!e) return false;
  if (e.errcode !== undefined && TOKEN_REJECTED_ERRCODES.has(e.errcode)) return true;
  return /token/i.test(e.key ?? '');
}

interface Terminal {
  i: number;
  t: TerminalServices;
  installId: string;
  call(name: string, input: unknown): Promise<Record<string, unknown>>;
  offlineFrom?: number;
  offlineUntil?: number;
}

export async function runChainSimulation(opts: ChainSimOptions = {}): Promise<ChainSimResult> {
  const n = opts.terminals ?? 100;
  const minutes = opts.minutes ?? 5;
  const seed = opts.seed ?? 1;
  const token: TokenKind = opts.token ?? 'stable';
  const meanPauseMs = opts.meanPauseMs ?? 4_000;
  const offlineShare = opts.offlineShare ?? 0.2;
  const refundShare = opts.refundShare ?? 0.05;
  const drainTimeoutMs = opts.drainTimeoutMs ?? 120_000;
  const log = opts.log ?? (() => {});
  if (!Number.isInteger(n) || n < 1) throw new Error('--terminals must be a whole number >= 1');
  if (!(minutes > 0)) throw new Error('--minutes must be above 0');
  const runMs = minutes * 60_000;
  const clockSpeed = ((opts.expiries ?? 2.5) * TOKEN_TTL_MS) / runMs;
  const random = prng(seed);
  const failures: string[] = [];

  const ownDir = !opts.workDir;
  const root = opts.workDir ?? mkdtempSync(path.join(os.tmpdir(), 'carddesk-chain-'));
  const cleanup: (() => Promise<void> | void)[] = [];
  try {
    // Enough fresh codes for every scan, with room to spare.
    const scansPerTerminal = runMs / meanPauseMs;
    const codeCount = Math.ceil(n * scansPerTerminal * 1.5) + 100;
    const startTime = Date.now();
    const sandbox: RunningSandbox = await startSandbox({
      port: 0,
      seed: chainSeed('wxsimchain00000001', 'sim0chain0secret0for0carddesk', codeCount, startTime),
      startTime,
    });
    cleanup.push(() => sandbox.close());
    const app = sandbox.app;
    const codes = sandbox.sim.codes({}).map((c) => c.code);
    for (let k = codes.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [codes[k], codes[j]] = [codes[j]!, codes[k]!];
    }
    let nextCode = 0;
    const freshCode = () => (nextCode < codes.length ? codes[nextCode++] : undefined);
    const redeemedCodes: string[] = [];

    const db: Database = opts.databaseUrl
      ? connectPostgres(opts.databaseUrl, { max: 10 })
      : await openEmbedded(path.join(root, 'central'));
    cleanup.push(() => db.close());
    const collector: RunningCollector = await startCollector({
      db,
      port: 0,
      onError: (err) => failures.push(`collector error: ${String(err)}`),
    });
    cleanup.push(() => collector.close());
    const net = await startNetwork(n, sandbox.url, collector.url);
    cleanup.push(() => net.close());
    log(
      `chain: ${n} terminals, ${minutes} min, token ${token}, seed ${seed}, sandbox clock x${clockSpeed.toFixed(1)}, ` +
        `${codeCount} codes, ${opts.databaseUrl ? 'PostgreSQL server' : 'embedded PGlite'}`,
    );

    const wallStart = Date.now();

    // Set up every terminal through the contract, as a manager would on its first start.
    // Who goes offline when is drawn first, so the seed decides it whatever the set-up order.
    const offlinePlan = Array.from({ length: n }, () => {
      if (random() >= offlineShare) return undefined;
      const from = (0.1 + random() * 0.5) * runMs;
      return { from, until: from + (0.1 + random() * 0.2) * runMs };
    });
    const terms: Terminal[] = new Array<Terminal>(n);
    const setUp = async (i: number) => {
      const dir = path.join(root, `terminal-${i + 1}`);
      const store = `Store ${Math.floor(i / 3) + 1}`;
      const name = `Till ${(i % 3) + 1}`;
      const { token: credential } = await issueCredential(db, { store, terminal: name });
      const t = await createTerminalServices({
        host: 'browser',
        version: 'chain-sim',
        dataDir: dir,
        osLocale: 'en',
        sandbox,
        wechatNow: () => sandbox.sim.clock.now(),
        writeTimings: opts.writeTimings ?? {
          settleWindowMs: 5_000,
          retryMinMs: 500,
          retryMaxMs: 5_000,
        },
        ...(opts.shippingTimings ? { shippingTimings: opts.shippingTimings } : {}),
      });
      cleanup.push(() => t.close());
      const dispatch = createDispatcher({ services: t.services, guard: t.guard });
      const call = async (op: string, input: unknown) => {
        const res = await dispatch(op, input, { clientId: `till-${i}` });
        if (!res.ok) throw Object.assign(new Error(res.error.key), { info: res.error });
        return res.value as Record<string, unknown>;
      };
      await call('completeSetup', {
        terminalName: name,
        terminalId: `T-${i + 1}`,
        storeName: store,
        language: 'en',
        mode: 'live',
        live: { provider: token === 'stable' ? 'stable_token' : 'classic', appId: app.appid },
        appSecret: app.secret,
        manager: MANAGER,
      });
      const base = `${net.url}/t/${i}`;
      await call('updateSettings', {
        api: { baseUrl: `${base}/wx` },
        appSecret: app.secret,
        confirmCustomBaseUrl: true,
        central: { url: `${base}/hq` },
        centralCredential: credential,
      });
      await call('addOperator', { ...CASHIER, role: 'cashier' });
      await call('signOut', {});
      await call('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin });
      const installId = t.audit.installId;
      if (!installId) throw new Error(`terminal ${i + 1} has no install id`);
      const plan = offlinePlan[i];
      terms[i] = {
        i,
        t,
        installId,
        call,
        ...(plan ? { offlineFrom: plan.from, offlineUntil: plan.until } : {}),
      };
    };
    // A few at a time: PIN hashing (scrypt) dominates, and runs on libuv's thread pool.
    let nextSetUp = 0;
    await Promise.all(
      Array.from({ length: Math.min(4, n) }, async () => {
        while (nextSetUp < n) await setUp(nextSetUp++);
      }),
    );
    log(`chain: ${n} terminals set up in ${((Date.now() - wallStart) / 1000).toFixed(1)} s`);

    // The shift: every cashier works until the end, at a randomised pace.
    const stats = {
      lookups: 0,
      couldNotCheck: 0,
      couldNotCheckReasons: {} as Record<string, number>,
      tokenErrors: 0,
      offlinePeriods: 0,
      redeemOutcomes: {} as Record<string, number>,
      refundOutcomes: {} as Record<string, number>,
    };
    const shiftStart = Date.now();
    const shiftEnd = shiftStart + runMs;
    // From the shift on, the sandbox's clock runs `clockSpeed` times the wall clock; the
    // terminals' token providers read it (tokens expire by WeChat's time, not the till's).
    const simStart = sandbox.sim.clock.now();
    const ticker = setInterval(
      () => sandbox.sim.clock.set(simStart + (Date.now() - shiftStart) * clockSpeed),
      10,
    );
    cleanup.push(() => clearInterval(ticker));
    const seenError = (e: ErrorLike | undefined) => {
      if (isTokenError(e)) stats.tokenErrors++;
    };
    const errorOf = (err: unknown): ErrorLike => (err as { info?: ErrorLike }).info ?? {};

    async function cashier(term: Terminal, rand: () => number): Promise<void> {
      let wentOffline = false;
      for (;;) {
        const pause = -Math.log(1 - rand()) * meanPauseMs;
        if (Date.now() + pause >= shiftEnd) break;
        await sleep(pause);
        const elapsed = Date.now() - shiftStart;
        if (term.offlineFrom !== undefined && !wentOffline && elapsed >= term.offlineFrom) {
          wentOffline = true;
          stats.offlinePeriods++;
          net.cut(term.i);
          log(`chain: terminal ${term.i + 1} offline`);
        }
        if (net.offline.has(term.i) && elapsed >= (term.offlineUntil ?? 0)) {
          net.restore(term.i);
          term.t.shipping.poke();
          log(`chain: terminal ${term.i + 1} back online`);
        }
        const r = rand();
        try {
          if (r < refundShare) {
            // A refund: the supervisor invalidates a customer's coupon (the order was cancelled).
            const code = freshCode();
            if (!code) continue;
            const out = (await term.call('invalidateCode', {
              code,
              cardId: CARD_ID,
              reason: 'order_cancelled',
              supervisor: { id: MANAGER.id, pin: MANAGER.pin },
              confirmed: true,
            })) as { outcome: string; error?: ErrorLike };
            stats.refundOutcomes[out.outcome] = (stats.refundOutcomes[out.outcome] ?? 0) + 1;
            seenError(out.error);
          } else {
            // A scan: mostly a fresh coupon, sometimes one already used (a customer trying again).
            const reuse = r < refundShare + 0.05 && redeemedCodes.length > 0;
            const code = reuse
              ? redeemedCodes[Math.floor(rand() * redeemedCodes.length)]!
              : freshCode();
            if (!code) continue;
            stats.lookups++;
            const verdict = (await term.call('lookupCode', { code, source: 'scanner' })) as {
              kind: string;
              cardId?: string;
              error?: ErrorLike;
            };
            seenError(verdict.error);
            if (verdict.kind === 'could_not_check') {
              stats.couldNotCheck++;
              const why = verdict.error?.key ?? 'unknown';
              stats.couldNotCheckReasons[why] = (stats.couldNotCheckReasons[why] ?? 0) + 1;
            }
            if (verdict.kind !== 'redeemable') continue;
            const out = (await term.call('redeemCode', {
              code,
              ...(verdict.cardId ? { cardId: verdict.cardId } : {}),
            })) as { outcome: string; error?: ErrorLike };
            seenError(out.error);
            stats.redeemOutcomes[out.outcome] = (stats.redeemOutcomes[out.outcome] ?? 0) + 1;
            if (out.outcome === 'redeemed') redeemedCodes.push(code);
          }
        } catch (err) {
          const e = errorOf(err);
          seenError(e);
          stats.redeemOutcomes[`error:${e.key ?? 'unknown'}`] =
            (stats.redeemOutcomes[`error:${e.key ?? 'unknown'}`] ?? 0) + 1;
        }
      }
      if (net.offline.has(term.i)) {
        net.restore(term.i);
        term.t.shipping.poke();
      }
    }
    const progress = setInterval(() => {
      const applied = sandbox.sim.appliedWrites().filter((w) => w.via === 'api').length;
      log(
        `chain: ${((Date.now() - shiftStart) / 1000).toFixed(0)} s, sandbox clock +${((sandbox.sim.clock.now() - simStart) / 3_600_000).toFixed(2)} h, ` +
          `${stats.lookups} lookups, ${applied} writes applied, ${net.offline.size} offline`,
      );
    }, 10_000);
    cleanup.push(() => clearInterval(progress));
    await Promise.all(terms.map((term) => cashier(term, prng(seed * 7919 + term.i + 1))));
    clearInterval(progress);
    for (const term of terms) net.restore(term.i);
    const shiftWall = Date.now();
    log(`chain: shift over; settling writes and shipping`);

    // Everything settles and ships once every terminal is back.
    const drainEnd = Date.now() + drainTimeoutMs;
    for (const term of terms) {
      for (;;) {
        const work = (await term.call('getPendingWork', {})) as {
          unsettled: unknown[];
          outbox: number;
        };
        if (work.unsettled.length === 0 && work.outbox === 0) break;
        if (Date.now() > drainEnd) {
          failures.push(
            `terminal ${term.i + 1}: ${work.unsettled.length} redemptions unsettled, ${work.outbox} refunds queued after ${drainTimeoutMs} ms`,
          );
          break;
        }
        await sleep(250);
      }
    }
    await Promise.all(
      terms.map((term) =>
        term.t.shipping
          .whenCaughtUp(Math.max(1_000, drainEnd - Date.now()))
          .catch((err: unknown) => failures.push(`terminal ${term.i + 1}: ${String(err)}`)),
      ),
    );
    const simulatedSeconds = (sandbox.sim.clock.now() - simStart) / 1000;

    // The truth: what WeChat applied, through the sandbox's control API.
    const res = await fetch(`${sandbox.url}/__sandbox/state/writes`);
    const { writes } = (await res.json()) as { writes: AppliedWrite[] };
    const apiWrites = writes.filter((w) => w.via === 'api');

    // What each terminal's log says it did, and what the central journal holds.
    const central = await db.query<{ install_id: string; action: string; code: string }>(
      `SELECT install_id::text AS install_id, action, code FROM records
        WHERE action IN ('redeem', 'invalidate') AND outcome IN ('ok', 'settled')`,
    );
    let records = 0;
    const localDone = new Map<string, { action: string; installs: string[] }>();
    for (const term of terms) {
      const rows = term.t.audit.db
        .prepare(
          `SELECT action, code FROM audit
            WHERE action IN ('redeem', 'invalidate') AND outcome IN ('ok', 'settled')`,
        )
        .all() as { action: string; code: string }[];
      for (const r of rows) {
        const key = `${r.action} ${r.code}`;
        const entry = localDone.get(key) ?? { action: r.action, installs: [] };
        entry.installs.push(term.installId);
        localDone.set(key, entry);
      }
      const verified = await term.t.audit.verify();
      if (!verified.ok)
        failures.push(`terminal ${term.i + 1}: its chain does not verify: ${verified.detail}`);
      const count = term.t.audit.db.prepare('SELECT count(*) FROM audit').pluck().get() as number;
      records += count;
      const centralCount = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM records WHERE install_id = $1',
        [term.installId],
      );
      if (centralCount.rows[0]!.n !== count) {
        failures.push(
          `terminal ${term.i + 1}: ${count} records in its log, ${centralCount.rows[0]!.n} at head office`,
        );
      }
    }
    const centralDone = new Map<string, string[]>();
    for (const r of central.rows) {
      const key = `${r.action} ${r.code}`;
      centralDone.set(key, [...(centralDone.get(key) ?? []), r.install_id]);
    }
    const kinds = [
      ['redeem', '/card/code/consume'],
      ['invalidate', '/card/code/unavailable'],
    ] as const;
    const appliedCount: Record<string, number> = {};
    for (const [action, p] of kinds) {
      const applied = apiWrites.filter((w) => w.path === p);
      appliedCount[action] = applied.length;
      const perCode = new Map<string, number>();
      for (const w of applied) perCode.set(w.code!, (perCode.get(w.code!) ?? 0) + 1);
      for (const [code, times] of perCode) {
        const key = `${action} ${code}`;
        if (times > 1) failures.push(`${p} applied ${times} times to ${code}`);
        const local = localDone.get(key)?.installs ?? [];
        const atHq = centralDone.get(key) ?? [];
        if (local.length !== 1)
          failures.push(`${action} of ${code}: applied by WeChat, done in ${local.length} logs`);
        if (atHq.length !== 1)
          failures.push(`${action} of ${code}: applied by WeChat, ${atHq.length} times centrally`);
        else if (local.length === 1 && atHq[0] !== local[0])
          failures.push(`${action} of ${code}: centrally from another install than the log's`);
      }
      for (const [key, entry] of localDone) {
        if (entry.action !== action) continue;
        const code = key.slice(action.length + 1);
        if (!perCode.has(code))
          failures.push(`${action} of ${code}: done in a log, never applied by WeChat`);
      }
      for (const key of centralDone.keys()) {
        if (!key.startsWith(`${action} `)) continue;
        const code = key.slice(action.length + 1);
        if (!perCode.has(code))
          failures.push(`${action} of ${code}: in the central journal, never applied by WeChat`);
      }
    }
    const alerts = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
    if (alerts.rows[0]!.n !== 0) failures.push(`${alerts.rows[0]!.n} chain alerts at head office`);
    const centralAll = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records');

    // Ingest lag, from each record's append (its ts, the terminal's wall clock) to received_at.
    const neverOffline = terms.filter((t) => t.offlineFrom === undefined).map((t) => t.installId);
    const lags = async (installs?: string[]) => {
      const r = await db.query<{ lag: number }>(
        `SELECT (extract(epoch FROM received_at - ts) * 1000)::float8 AS lag FROM records
          ${installs ? 'WHERE install_id::text = ANY($1)' : ''}`,
        installs ? [installs] : [],
      );
      return r.rows.map((row) => Math.max(0, Number(row.lag)));
    };
    const steady = await lags(neverOffline);
    const all = await lags();

    // The clock went through the token lifetimes; with stable_token no cashier saw a token error.
    const lifetimes = (simulatedSeconds * 1000) / TOKEN_TTL_MS;
    if (lifetimes < 2)
      failures.push(
        `the sandbox clock went through ${lifetimes.toFixed(2)} token lifetimes, not 2`,
      );
    const tokenErrors = net.rejections.reduce((a, b) => a + b, 0);
    const tokenFetches = net.fetches.reduce((a, b) => a + b, 0);
    if (token === 'stable' && (tokenErrors > 0 || stats.tokenErrors > 0))
      failures.push(
        `stable_token: ${tokenErrors} token errors, ${stats.tokenErrors} of them at a cashier (goal 0)`,
      );
    if (appliedCount.redeem === 0) failures.push('no redemption was applied: nothing was tested');

    const result: ChainSimResult = {
      ok: failures.length === 0,
      failures,
      token,
      terminals: n,
      seed,
      wallSeconds: Math.round((Date.now() - wallStart) / 100) / 10,
      simulatedSeconds: Math.round(simulatedSeconds),
      tokenLifetimes: Math.round(lifetimes * 100) / 100,
      clockSpeed: Math.round(clockSpeed * 10) / 10,
      tokenErrors,
      tokenErrorsAtCashier: stats.tokenErrors,
      tokenFetches,
      lookups: stats.lookups,
      redemptions: appliedCount.redeem ?? 0,
      refunds: appliedCount.invalidate ?? 0,
      redeemOutcomes: stats.redeemOutcomes,
      offlinePeriods: stats.offlinePeriods,
      couldNotCheck: stats.couldNotCheck,
      couldNotCheckReasons: stats.couldNotCheckReasons,
      records,
      centralRecords: centralAll.rows[0]!.n,
      ingestLagP50Ms: Math.round(percentile(steady, 50) || 0),
      ingestLagP99Ms: Math.round(percentile(steady, 99) || 0),
      ingestLagP99AllMs: Math.round(percentile(all, 99) || 0),
    };
    log(`chain: drained in ${((Date.now() - shiftWall) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    for (const c of cleanup.reverse()) {
      try {
        await c();
      } catch {
        // closing what is left; the result is already decided
      }
    }
    if (ownDir) rmSync(root, { recursive: true, force: true });
  }
}
