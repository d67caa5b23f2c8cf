/**
 * The chain simulation (npm run simulate:chain) run small against a real PostgreSQL server:
 * five terminals' real services on one sandbox AppID, one collector, the sandbox's clock going
 * through more than two token lifetimes. With stable_token no token error at all; with the
 * classic token the terminals knock each other's tokens out (40001) and the count shows it.
 * Either way every redemption WeChat applied is in exactly one log and once at head office,
 * and every chain verifies (runChainSimulation's own assertions, reported in `failures`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChainSimulation } from '../../sim/chain';
import { startTestPostgres, type TestPostgres } from './postgres-server';

let pgServer: TestPostgres;

beforeAll(async () => {
  pgServer = await startTestPostgres();
}, 120_000);
afterAll(() => pgServer?.stop());

const small = {
  terminals: 5,
  minutes: 0.35,
  meanPauseMs: 1_500,
  offlineShare: 0.4,
  expiries: 2.3,
  seed: 7,
};

describe('a chain of terminals on one AppID', () => {
  it('stable_token: no token error; every redemption once in one log and at head office', async () => {
    const r = await runChainSimulation({
      ...small,
      token: 'stable',
      databaseUrl: await pgServer.createDatabase(`chain_stable_${process.pid}`),
    });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.tokenErrors).toBe(0);
    expect(r.tokenErrorsAtCashier).toBe(0);
    expect(r.tokenLifetimes).toBeGreaterThanOrEqual(2);
    expect(r.redemptions).toBeGreaterThan(10);
    expect(r.offlinePeriods).toBeGreaterThan(0);
    expect(r.centralRecords).toBe(r.records);
    expect(r.ingestLagP99Ms).toBeGreaterThan(0);
  }, 180_000);

  it('classic token: the terminals knock each other out, and the count shows it', async () => {
    const r = await runChainSimulation({
      ...small,
      token: 'classic',
      databaseUrl: await pgServer.createDatabase(`chain_classic_${process.pid}`),
    });
    expect(r.failures).toEqual([]);
    expect(r.tokenErrors).toBeGreaterThan(0);
    // Each knock-out costs a fetch of a new token, which knocks out another terminal's.
    expect(r.tokenFetches).toBeGreaterThan(r.terminals * r.tokenLifetimes);
    expect(r.redemptions).toBeGreaterThan(10);
  }, 180_000);
});
