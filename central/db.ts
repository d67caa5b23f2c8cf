/**
 * The collector's one way to PostgreSQL: a real server through `pg` (DATABASE_URL), or the
 * embedded default, PGlite (PostgreSQL compiled to WebAssembly) in a data folder. Both speak
 * the same SQL; this file hides only how a query and a transaction are sent.
 *
 * The embedded default is one process on one folder: it serves one collector. Several
 * collectors behind a load balancer need a real server (README, "For a chain").
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { copyFrom } from './copy';

export interface Sql {
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
  /** Several statements without parameters (a migration file). */
  exec(text: string): Promise<void>;
  /**
   * `COPY <target> FROM STDIN` with `rows` (COPY's text format); the row count. In a
   * transaction on a real server only (PGlite has no COPY from the client).
   */
  copyIn?(target: string, rows: string): Promise<number>;
}

export interface Database extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// int8 (bigint) and numeric come back as text from `pg`; every count and sequence here fits
// in a double (2^53), and PGlite answers numbers already.
pg.types.setTypeParser(20, (v) => Number(v));

export function connectPostgres(url: string, opts: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client losing its server must not crash the collector: the next query reconnects.
  pool.on('error', () => {});
  const query: Sql['query'] = async (text, params) => {
    const r = await pool.query(text, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  };
  return {
    kind: 'postgres',
    query,
    exec: async (text) => {
      await pool.query(text);
    },
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async (text, params) => {
            const r = await client.query(text, params as unknown[] | undefined);
            return { rows: r.rows, rowCount: r.rowCount ?? 0 };
          },
          exec: async (text) => {
            await client.query(text);
          },
          copyIn: (target, rows) => copyFrom(client, target, [rows]),
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export class DataDirBusyError extends Error {}

/**
 * PGlite on `dataDir` (created if missing). A lock file keeps a second process (a second
 * collector, or the admin command while the collector runs) from opening the same folder,
 * which PGlite does not guard against and which would damage it.
 */
export async function openEmbedded(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = path.join(dataDir, 'collector.lock');
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch {
    let holder = '';
    try {
      holder = readFileSync(lock, 'utf8').trim();
    } catch {
      // gone meanwhile: report busy all the same, the caller can retry
    }
    const pid = Number(holder);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
      rmSync(lock, { force: true }); // left by a process that died
      return openEmbedded(dataDir);
    }
    throw new DataDirBusyError(
      `the data folder ${dataDir} is in use by process ${holder || '?'} (the embedded database ` +
        'serves one process: stop the collector first, or use a PostgreSQL server via DATABASE_URL)',
    );
  }
  writeSync(fd, String(process.pid));
  closeSync(fd);
  const { PGlite } = await import('@electric-sql/pglite');
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create(path.join(dataDir, 'pgdata'));
  } catch (err) {
    rmSync(lock, { force: true });
    throw err;
  }
  const wrap = (q: {
    query: (t: string, p?: unknown[]) => Promise<{ rows: unknown[]; affectedRows?: number }>;
    exec: (t: string) => Promise<unknown>;
  }): Sql => ({
    query: async <R>(text: string, params?: readonly unknown[]) => {
      const r = await q.query(text, params as unknown[] | undefined);
      return { rows: r.rows as R[], rowCount: r.affectedRows ?? r.rows.length };
    },
    exec: async (text: string) => {
      await q.exec(text);
    },
  });
  const top = wrap(db);
  return {
    kind: 'pglite',
    ...top,
    tx: (fn) => db.transaction((t) => fn(wrap(t))),
    async close() {
      try {
        await db.close();
      } finally {
        rmSync(lock, { force: true });
      }
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** DATABASE_URL if given, else the embedded database in `dataDir`. */
export async function openDatabase(opts: {
  databaseUrl?: string | undefined;
  dataDir: string;
}): Promise<Database> {
  if (opts.databaseUrl) return connectPostgres(opts.databaseUrl);
  return openEmbedded(opts.dataDir);
}
