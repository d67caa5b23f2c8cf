/**
 * The collector's schema: numbered SQL files in central/migrations (001_name.sql, ...),
 * applied in order, each in its own transaction together with its row in schema_migrations.
 * An advisory lock makes collectors that start at once apply each step once. A database newer
 * than this collector is refused. Never edit a shipped migration: add the next number.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Sql } from './db';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Any number: pg_advisory_xact_lock's key for "migrating the collector's schema". */
const MIGRATION_LOCK = 19_000_001;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

export class MigrationError extends Error {}

export function loadMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const out: MigrationFile[] = [];
  for (const file of files) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`${file}: a migration is named NNN_name.sql`);
    const version = Number(m[1]);
    if (version !== out.length + 1) {
      throw new MigrationError(`${file}: expected migration ${out.length + 1} next`);
    }
    out.push({ version, name: m[2]!, sql: readFileSync(path.join(dir, file), 'utf8') });
  }
  return out;
}

async function ensureTable(sql: Sql): Promise<void> {
  await sql.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
}

export async function schemaVersion(db: Sql): Promise<number> {
  const r = await db.query<{ to_regclass: string | null }>(
    `SELECT to_regclass('schema_migrations')::text AS to_regclass`,
  );
  if (!r.rows[0]?.to_regclass) return 0;
  const v = await db.query<{ v: number | null }>(
    'SELECT max(version)::integer AS v FROM schema_migrations',
  );
  return v.rows[0]?.v ?? 0;
}

/** Applies the migrations after the database's version, up to `to` (default: all). */
export async function migrate(
  db: Database,
  opts: { to?: number; migrations?: MigrationFile[] } = {},
): Promise<number> {
  const migrations = opts.migrations ?? loadMigrations();
  const latest = migrations.length;
  const target = opts.to ?? latest;
  await db.tx(async (sql) => {
    await sql.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await ensureTable(sql);
  });
  const current = await schemaVersion(db);
  if (current > latest) {
    throw new MigrationError(
      `the database is at schema version ${current}, newer than this collector (${latest}): ` +
        'run a newer CardDesk collector',
    );
  }
  for (const m of migrations) {
    if (m.version > target) break;
    await db.tx(async (sql) => {
      await sql.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await sql.query('SELECT 1 FROM schema_migrations WHERE version = $1', [
        m.version,
      ]);
      if (done.rows.length > 0) return; // applied before, or by another collector just now
      try {
        await sql.exec(m.sql);
      } catch (err) {
        throw new MigrationError(
          `migration ${String(m.version).padStart(3, '0')}_${m.name} failed: ${(err as Error).message}`,
        );
      }
      await sql.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
    });
  }
  return schemaVersion(db);
}
