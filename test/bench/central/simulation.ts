/**
 * bench:central, part 4: the chain simulation's figures (token errors, goal 0; ingest lag p99),
 * from `runChainSimulation` of test/sim/chain.ts (`npm run simulate:chain`), run small on a
 * fresh database of the bench's server: stable_token, `--sim-terminals` terminals for
 * `--sim-minutes` minutes. A failed check of the simulation (a redemption not exactly once in
 * a log and the journal, a chain that does not verify) is a problem of the bench.
 */
import { runChainSimulation } from '../../sim/chain';
import { dropDatabase, freshDatabase } from './lib';

export interface SimulationFigures {
  terminals: number;
  minutes: number;
  token_errors: number;
  token_errors_at_cashier: number;
  redemptions: number;
  refunds: number;
  ingest_lag_p99_ms: number | null;
  token_lifetimes: number;
  note: string;
}

export async function chainSimulation(opts: {
  serverUrl: string;
  terminals: number;
  minutes: number;
  problems: string[];
}): Promise<SimulationFigures> {
  const databaseUrl = await freshDatabase(opts.serverUrl, 'bench_simulation');
  try {
    const r = await runChainSimulation({
      terminals: opts.terminals,
      minutes: opts.minutes,
      token: 'stable',
      databaseUrl,
    });
    for (const f of r.failures) opts.problems.push(`simulation: ${f}`);
    return {
      terminals: opts.terminals,
      minutes: opts.minutes,
      token_errors: r.tokenErrors,
      token_errors_at_cashier: r.tokenErrorsAtCashier,
      redemptions: r.redemptions,
      refunds: r.refunds,
      ingest_lag_p99_ms: r.ingestLagP99Ms,
      token_lifetimes: r.tokenLifetimes,
      note: `simulate:chain with stable_token, ${opts.terminals} terminals, ${opts.minutes} min`,
    };
  } finally {
    await dropDatabase(opts.serverUrl, 'bench_simulation');
  }
}
