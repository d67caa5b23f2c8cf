/**
 * A central test file's PostgreSQL: one real server for the file (postgres-server.ts), a fresh
 * database per call, and whatever a test opened closed after it, last opened first. Vitest
 * only (it registers the file's hooks); helpers.ts stays free of vitest for the end-to-end tests.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { connectPostgres, type Database } from '../../../central/db';
import { startCollector, type RunningCollector } from '../../../central/server';
import { startTestPostgres, type TestPostgres } from './postgres-server';

export function centralRig(prefix: string) {
  let server: TestPostgres;
  let n = 0;
  const cleanup: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 120_000);
  afterAll(() => server?.stop());
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  /** A new, empty database on the file's server. */
  const databaseUrl = () => server.createDatabase(`${prefix}_${process.pid}_${++n}`);

  /** A pool on `url` (a new database if none), closed after the test. */
  async function database(url?: string): Promise<Database> {
    const db = connectPostgres(url ?? (await databaseUrl()));
    cleanup.push(() => db.close());
    return db;
  }

  /** A collector on `db` (a new database if none), closed after the test. */
  async function collector(db?: Database): Promise<{ db: Database; c: RunningCollector }> {
    const on = db ?? (await database());
    const c = await startCollector({ db: on, port: 0, onError: () => {} });
    cleanup.push(() => c.close());
    return { db: on, c };
  }

  return { databaseUrl, database, collector, cleanup };
}
