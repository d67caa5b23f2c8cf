/**
 * bench:central, part 2: one terminal's catch-up of N records (default 1,000,000) through the
 * real shipper (electron/services/shipping/, with its default batch and timings) from its
 * real SQLite audit log into the collector (a process of its own on the PostgreSQL server),
 * while the counter looks codes up on the same terminal: the lookups' latency during the
 * catch-up against the same lookups before it.
 *
 * The backlog is written before the terminal starts through the audit module's append path
 * (test/bench/audit-generator.ts: large transactions, synchronous=OFF for the fixture only),
 * in the terminal's own audit.db; the terminal is then set up over it (the wizard runs: no
 * operator, no secret) and its shipping is switched on, as a terminal that comes back online.
 *
 * A lookup is timed as bench:lookup's host side sees it: the dispatcher's call of
 * lookupCode (role check, validation, the lookup kernel, code/get from the built-in sandbox
 * with L ms of added latency, the audit record, the result's parse), back to back, in the
 * process that runs the shipper. No browser: the page's share is not the shipper's to slow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueCredential } from '../../../central/credentials';
import { connectPostgres } from '../../../central/db';
import { migrate } from '../../../central/migrate';
import { createDispatcher } from '../../../electron/host/dispatch';
import { startSandbox } from '../../../electron/sandbox';
import { createTerminalServices } from '../../../electron/services';
import { DAY, generate } from '../audit-generator';
import { percentile } from '../stats';
import { freshDatabase, round, startCollectorProcess } from './lib';

export interface CatchupFigures {
  records: number;
  generate_s: number;
  catchup_s: number;
  catchup_records_per_s: number;
  latency_ms: number;
  lookups_before: number;
  lookup_before_p50_ms: number;
  lookup_before_p99_ms: number;
  lookups_during: number;
  lookup_during_p50_ms: number;
  lookup_during_p99_ms: number;
}

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };

export async function benchCatchup(opts: {
  serverUrl: string;
  records: number;
  samples: number;
  latencyMs: number;
  problems: string[];
  say: (s: string) => void;
}): Promise<CatchupFigures> {
  const { problems, say } = opts;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-bench-catchup-'));
  const cleanup: (() => Promise<void> | void)[] = [
    () => rmSync(dir, { recursive: true, force: true }),
  ];
  try {
    // The backlog, ending now (about 2,700 records a day, bench:audit's counter).
    const days = Math.ceil(opts.records / 2_000);
    const g = await generate(path.join(dir, 'audit.db'), opts.records, 3, {
      start: Date.now() - days * DAY,
      terminalId: 'T-9',
    });
    say(
      `catch-up: ${g.n} records written through the audit log's append path in ${round(g.ms / 1000)} s`,
    );

    const dbUrl = await freshDatabase(opts.serverUrl, 'bench_catchup');
    const db = connectPostgres(dbUrl, { max: 2 });
    cleanup.push(() => db.close());
    await migrate(db);
    const { token } = await issueCredential(db, { store: 'Store 3', terminal: 'Till' });
    const collector = await startCollectorProcess(dbUrl);
    cleanup.push(() => collector.stop());

    const sandbox = await startSandbox({ port: 0 });
    cleanup.push(() => sandbox.close());
    const t = await createTerminalServices({
      host: 'browser',
      version: 'bench',
      dataDir: dir,
      osLocale: 'en',
      sandbox,
    });
    cleanup.push(() => t.close());
    const dispatch = createDispatcher({ services: t.services, guard: t.guard });
    const call = async (name: string, input: unknown) => {
      const res = await dispatch(name, input, { clientId: 'till' });
      if (!res.ok) throw new Error(`${name}: ${res.error.key}`);
      return res.value as Record<string, unknown>;
    };
    await call('completeSetup', {
      terminalName: 'Till',
      terminalId: 'T-9',
      storeName: 'Store 3',
      language: 'en',
      mode: 'sandbox',
      manager: MANAGER,
    });
    if (t.audit.installId !== g.installId) {
      problems.push('catch-up: the terminal did not keep its log (another install id)');
    }

    sandbox.sim.faults.add({ path: '*', kind: 'latency', ms: opts.latencyMs, probability: 1 });
    const codes = sandbox.sim
      .codes({ status: 'NORMAL' })
      .filter((c) => c.user_card_status === 'NORMAL')
      .map((c) => c.code);
    let k = 0;
    const lookup = async (): Promise<number> => {
      const code = codes[k++ % codes.length]!;
      const t0 = performance.now();
      const v = await call('lookupCode', { code, source: 'scanner' });
      const ms = performance.now() - t0;
      if (typeof v.kind !== 'string' || v.code !== code) {
        problems.push(`catch-up: lookup of ${code} answered ${JSON.stringify(v).slice(0, 200)}`);
      }
      return ms;
    };
    for (let i = 0; i < 5; i++) await lookup(); // warm up: token, card cache, connections
    const before: number[] = [];
    for (let i = 0; i < opts.samples; i++) before.push(await lookup());

    // Online again: the shipper finds the collector and catches up; the counter goes on.
    const t0 = performance.now();
    await call('updateSettings', { central: { url: collector.url }, centralCredential: token });
    t.shipping.poke();
    let caughtUp = false;
    let caughtUpMs = 0;
    const done = t.shipping.whenCaughtUp(60 * 60_000).then(() => {
      caughtUp = true;
      caughtUpMs = performance.now() - t0;
    });
    done.catch(() => {});
    const during: number[] = [];
    while (!caughtUp) {
      during.push(await lookup());
      const st = t.shipping.status();
      if (st.state === 'failing' || st.state === 'refused') {
        problems.push(`catch-up: the shipper is ${st.state}: ${st.lastError}`);
        break;
      }
    }
    await done;
    // The lookups during the catch-up were records too: ship them, then compare.
    await t.shipping.whenCaughtUp(120_000);
    const local = t.audit.db.prepare('SELECT count(*) AS n, max(id) AS last FROM audit').get() as {
      n: number;
      last: number;
    };
    const held = await db.query<{ n: number; last: number }>(
      'SELECT count(*)::int AS n, max(seq)::int AS last FROM records',
    );
    const alerts = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
    if (held.rows[0]!.n !== local.n || held.rows[0]!.last !== local.last) {
      problems.push(
        `catch-up: the collector holds ${held.rows[0]!.n} records up to ${held.rows[0]!.last}, the terminal ${local.n} up to ${local.last}`,
      );
    }
    if (alerts.rows[0]!.n !== 0 || t.shipping.status().alerts !== 0) {
      problems.push(`catch-up: ${alerts.rows[0]!.n} chain alerts`);
    }
    const figures: CatchupFigures = {
      records: g.n,
      generate_s: round(g.ms / 1000),
      catchup_s: round(caughtUpMs / 1000, 2),
      catchup_records_per_s: Math.round(g.n / (caughtUpMs / 1000)),
      latency_ms: opts.latencyMs,
      lookups_before: before.length,
      lookup_before_p50_ms: round(percentile(before, 50), 2),
      lookup_before_p99_ms: round(percentile(before, 99), 2),
      lookups_during: during.length,
      lookup_during_p50_ms: round(percentile(during, 50), 2),
      lookup_during_p99_ms: round(percentile(during, 99), 2),
    };
    say(
      `catch-up: ${figures.records} records in ${figures.catchup_s} s (${figures.catchup_records_per_s} records/s); ` +
        `lookups (L = ${opts.latencyMs} ms) before: p50 ${figures.lookup_before_p50_ms} ms, p99 ${figures.lookup_before_p99_ms} ms (${before.length}); ` +
        `during: p50 ${figures.lookup_during_p50_ms} ms, p99 ${figures.lookup_during_p99_ms} ms (${during.length})`,
    );
    return figures;
  } finally {
    for (const c of cleanup.reverse()) await c();
  }
}
