/**
 * bench:central's tools: a database per measurement on a real PostgreSQL server, a bare
 * `COPY ... FROM STDIN` through `pg` (central/copy.ts, the collector's own: no extra
 * dependency), the collector in a child process, and percentiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Creates (drops first) database `name` on the server of `serverUrl`; returns its URL. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

// The collector's own COPY (central/copy.ts): the bare COPY side uses the same code.
export { copyField, copyFrom } from '../../../central/copy';

export interface CollectorProcess {
  url: string;
  stop(): Promise<void>;
}

/** The real collector (central/server.ts) in a child process on `databaseUrl`. */
export async function startCollectorProcess(databaseUrl: string): Promise<CollectorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(__dirname, 'collector-process.ts'),
    ],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the collector exited (${code}) before listening`)),
    );
    lines.once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        reject(new Error(`the collector said ${line}`));
      }
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
