/**
 * bench:central, part 4: the simulation's figures (token errors, goal 0; ingest lag p99).
 * `npm run simulate:chain` (test/sim/chain.ts) is written on another branch (issue-19chain);
 * this bench does not simulate anything itself. CHAIN_SIMULATION_HOOK: when test/sim/chain.ts
 * exists and exports `run`, it is called small, with the options below, and its result read
 * as `{ tokenErrors | token_errors, ingestLagP99Ms | ingest_lag_p99_ms }`; otherwise both
 * figures are null, with a note saying why. Wire the exact names at the merge.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib';

export interface SimulationFigures {
  token_errors: number | null;
  ingest_lag_p99_ms: number | null;
  note: string;
}

export const CHAIN_SIMULATION_FILE = path.join(ROOT, 'test', 'sim', 'chain.ts');
/** The small run the bench asks for. */
export const CHAIN_SIMULATION_SMALL = { terminals: 5, minutes: 1, tokenMode: 'stable_token' };

type SimulationRun = (options: Record<string, unknown>) => Promise<Record<string, unknown>>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function chainSimulationHook(serverUrl: string): Promise<SimulationFigures> {
  if (!existsSync(CHAIN_SIMULATION_FILE)) {
    return {
      token_errors: null,
      ingest_lag_p99_ms: null,
      note: 'test/sim/chain.ts is not on this branch yet (issue-19chain): wire chainSimulationHook at the merge',
    };
  }
  const mod = (await import(pathToFileURL(CHAIN_SIMULATION_FILE).href)) as { run?: unknown };
  if (typeof mod.run !== 'function') {
    return {
      token_errors: null,
      ingest_lag_p99_ms: null,
      note: 'test/sim/chain.ts exports no run function: wire chainSimulationHook at the merge',
    };
  }
  const r = await (mod.run as SimulationRun)({ ...CHAIN_SIMULATION_SMALL, databaseUrl: serverUrl });
  return {
    token_errors: num(r.tokenErrors ?? r.token_errors),
    ingest_lag_p99_ms: num(r.ingestLagP99Ms ?? r.ingest_lag_p99_ms),
    note: `test/sim/chain.ts run with ${JSON.stringify(CHAIN_SIMULATION_SMALL)}`,
  };
}
