/**
 * npm run simulate:chain -- --terminals 100 --minutes 5 [--token stable|classic] [--seed N]
 *   [--mean-pause-ms 4000] [--offline-share 0.2] [--expiries 2.5] [--quiet]
 * A thin wrapper of runChainSimulation (test/sim/chain.ts): prints the figures, one JSON line at
 * the end, and exits 1 when an assertion failed (2 on bad arguments). DATABASE_URL: a
 * PostgreSQL server for the collector; without it, an embedded PGlite in a temporary folder.
 */
import { parseArgs } from 'node:util';
import { runChainSimulation, type TokenKind } from './chain';

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} needs a number above 0, not ${value}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      terminals: { type: 'string' },
      minutes: { type: 'string' },
      seed: { type: 'string' },
      token: { type: 'string' },
      'mean-pause-ms': { type: 'string' },
      'offline-share': { type: 'string' },
      expiries: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const token = (values.token ?? 'stable') as TokenKind;
  if (token !== 'stable' && token !== 'classic') {
    console.error(`--token is stable or classic, not ${String(values.token)}`);
    process.exit(2);
  }
  const terminals = number('terminals', values.terminals, 100);
  if (!Number.isInteger(terminals)) {
    console.error('--terminals needs a whole number');
    process.exit(2);
  }
  const r = await runChainSimulation({
    terminals,
    minutes: number('minutes', values.minutes, 5),
    seed: number('seed', values.seed, 1),
    token,
    meanPauseMs: number('mean-pause-ms', values['mean-pause-ms'], 4_000),
    offlineShare: values['offline-share'] === undefined ? 0.2 : Number(values['offline-share']),
    expiries: number('expiries', values.expiries, 2.5),
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    ...(values.quiet ? {} : { log: (line: string) => console.log(line) }),
  });
  console.log('');
  console.log(`token provider        ${r.token}`);
  console.log(`terminals             ${r.terminals} (seed ${r.seed})`);
  console.log(
    `sandbox clock         ${r.simulatedSeconds} s (${r.tokenLifetimes} token lifetimes, x${r.clockSpeed}) in ${r.wallSeconds} s`,
  );
  console.log(
    `token errors          ${r.tokenErrors} (40001/40014/42001 answered to the terminals' calls; goal 0 with stable_token), ${r.tokenErrorsAtCashier} reached a cashier`,
  );
  console.log(`token fetches         ${r.tokenFetches}`);
  console.log(
    `lookups               ${r.lookups} (${r.couldNotCheck} could not check: ${JSON.stringify(r.couldNotCheckReasons)})`,
  );
  console.log(
    `redemptions           ${r.redemptions} (cashiers saw ${JSON.stringify(r.redeemOutcomes)})`,
  );
  console.log(`refunds               ${r.refunds}`);
  console.log(`offline periods       ${r.offlinePeriods}`);
  console.log(`records               ${r.records} in the logs, ${r.centralRecords} at head office`);
  console.log(
    `ingest lag            p50 ${r.ingestLagP50Ms} ms, p99 ${r.ingestLagP99Ms} ms (terminals that stayed online); p99 ${r.ingestLagP99AllMs} ms (all)`,
  );
  for (const f of r.failures.slice(0, 50)) console.log(`FAILED: ${f}`);
  if (r.failures.length > 50) console.log(`... and ${r.failures.length - 50} more failures`);
  console.log(r.ok ? 'all checks passed' : `${r.failures.length} checks failed`);
  const { failures, ...figures } = r;
  console.log(JSON.stringify({ simulation: 'chain', ...figures, failures: failures.length }));
  process.exitCode = r.ok ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
