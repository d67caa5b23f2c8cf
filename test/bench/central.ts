/**
 * npm run bench:central (issue 19): the central journal on a real PostgreSQL server, which
 * the bench starts itself (test/integration/central/postgres-server.ts: initdb of a temporary
 * cluster) unless DATABASE_URL names one (the bench creates and drops its own databases
 * there, bench_*).
 *
 *   1. ingest: records/s through the collector's real path against a bare COPY of the same
 *      rows into the same table; ratio, goal below 2 (test/bench/central/ingest.ts)
 *   2. catch-up: one terminal's backlog of N records through the real shipper, with the
 *      counter's lookups before and during it (test/bench/central/catchup.ts)
 *   3. journal: head office's journal filtered by store and day over N records, first and a
 *      later page, p50 and p99; goal p50 below 50 ms (test/bench/central/journal.ts)
 *   4. the simulation's token errors (goal 0) and ingest lag p99, from npm run simulate:chain
 *      run small (--sim-terminals, default 10; --sim-minutes, default 1)
 *
 * Options: --records N (part 3, default 10,000,000), --catchup N (part 2, default 1,000,000),
 * --ingest N (part 1, default 200,000), --ingest-rounds N (part 1's rounds of its two sides,
 * default 5; the ratio is their median), --samples N (queries and lookups, default 100),
 * --latency MS (the sandbox's added latency in part 2, default 50), --explain (print the
 * journal query's plan), --only ingest,catchup,journal,simulation.
 * Ends with one JSON line; exits non-zero when a check fails (row counts after ingest or
 * catch-up, a chain alert, a wrong journal page, a resend not taken as a duplicate).
 */
import { parseArgs } from 'node:util';
import { startTestPostgres, type TestPostgres } from '../integration/central/postgres-server';
import { benchCatchup, type CatchupFigures } from './central/catchup';
import { benchIngest, type IngestFigures } from './central/ingest';
import { benchJournal, loadJournal, type JournalFigures } from './central/journal';
import { dropDatabase } from './central/lib';
import { chainSimulation, type SimulationFigures } from './central/simulation';

const PARTS = ['ingest', 'catchup', 'journal', 'simulation'] as const;

export const GOALS = {
  ingest_ratio_below: 2,
  journal_first_page_p50_ms_below: 50,
  token_errors: 0,
};

async function main() {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000000' },
      catchup: { type: 'string', default: '1000000' },
      ingest: { type: 'string', default: '200000' },
      'ingest-rounds': { type: 'string', default: '5' },
      samples: { type: 'string', default: '100' },
      latency: { type: 'string', default: '50' },
      explain: { type: 'boolean', default: false },
      only: { type: 'string', default: PARTS.join(',') },
      'sim-terminals': { type: 'string', default: '10' },
      'sim-minutes': { type: 'string', default: '1' },
    },
  });
  const int = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a positive whole number`);
    return n;
  };
  const records = int('records', values.records);
  const catchup = int('catchup', values.catchup);
  const ingest = int('ingest', values.ingest);
  const ingestRounds = int('ingest-rounds', values['ingest-rounds']);
  const samples = int('samples', values.samples);
  const latency = int('latency', values.latency);
  const simTerminals = int('sim-terminals', values['sim-terminals']);
  const simMinutes = Number(values['sim-minutes']);
  if (!(simMinutes > 0)) throw new Error('--sim-minutes: a number above 0');
  const only = new Set(values.only!.split(','));
  for (const p of only) {
    if (!(PARTS as readonly string[]).includes(p))
      throw new Error(`--only: one of ${PARTS.join(', ')}`);
  }
  const problems: string[] = [];
  const say = (s: string) => console.log(s);

  let server: TestPostgres | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    server = await startTestPostgres();
    serverUrl = server.url;
    say(`PostgreSQL started for the bench on port ${server.port}`);
  }
  const out: {
    ingest: IngestFigures | null;
    catchup: CatchupFigures | null;
    journal: JournalFigures | null;
    simulation: SimulationFigures | null;
  } = { ingest: null, catchup: null, journal: null, simulation: null };
  try {
    if (only.has('ingest')) {
      out.ingest = await benchIngest({
        serverUrl,
        ownServer: server !== undefined,
        records: ingest,
        rounds: ingestRounds,
        terminals: 4,
        problems,
        say,
      });
    }
    if (only.has('catchup')) {
      out.catchup = await benchCatchup({
        serverUrl,
        records: catchup,
        samples,
        latencyMs: latency,
        problems,
        say,
      });
      await dropDatabase(serverUrl, 'bench_catchup');
    }
    if (only.has('journal')) {
      const loaded = await loadJournal(serverUrl, records, say);
      try {
        out.journal = await benchJournal({
          db: loaded.db,
          records,
          loadMs: loaded.loadMs,
          samples,
          explain: values.explain!,
          problems,
          say,
        });
      } finally {
        await loaded.db.close();
      }
      await dropDatabase(serverUrl, 'bench_journal');
    }
    if (only.has('simulation')) {
      out.simulation = await chainSimulation({
        serverUrl,
        terminals: simTerminals,
        minutes: simMinutes,
        problems,
      });
      say(
        `simulation (${out.simulation.note}): ${out.simulation.token_errors} token errors ` +
          `(${out.simulation.token_errors_at_cashier} at a cashier), ingest lag p99 ` +
          `${out.simulation.ingest_lag_p99_ms} ms, ${out.simulation.redemptions} redemptions`,
      );
    }
  } finally {
    server?.stop();
  }
  for (const p of problems.slice(0, 10)) console.error(`check failed: ${p}`);
  const result = {
    ...out,
    goals: GOALS,
    goal_met: {
      ingest_ratio: out.ingest ? out.ingest.ratio < GOALS.ingest_ratio_below : null,
      journal_p50: out.journal
        ? out.journal.first_page_p50_ms < GOALS.journal_first_page_p50_ms_below
        : null,
      token_errors:
        out.simulation?.token_errors != null
          ? out.simulation.token_errors === GOALS.token_errors
          : null,
    },
    problems: problems.length,
    ok: problems.length === 0,
  };
  console.log(JSON.stringify(result));
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
