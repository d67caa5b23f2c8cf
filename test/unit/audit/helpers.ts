/** Shared set-up for the audit log tests: temp folders, a controllable clock, tampering. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { openAuditLog, type AuditLog } from '../../../electron/audit';
import { AppError } from '../../../shared/errors';
import type { NewAuditRecord } from '../../../shared/audit';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

const dirs: string[] = [];
const logs: AuditLog[] = [];

afterEach(() => {
  for (const log of logs.splice(0)) log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'carddesk-audit-test-'));
  dirs.push(dir);
  return dir;
}

export function tempFile(name = 'audit.db'): string {
  return path.join(tempDir(), name);
}

/** A clock that moves one minute per record unless told otherwise. */
export function clock(start = Date.UTC(2024, 4, 1, 1, 0, 0), step = 60_000) {
  let t = start - step;
  const c = () => (t += step);
  c.set = (ms: number) => {
    t = ms - step;
  };
  return c;
}

/** Opens a log that is closed after the test. */
export function open(
  file = ':memory:',
  opts: Partial<Parameters<typeof openAuditLog>[1]> = {},
): AuditLog {
  const log = openAuditLog(file, { terminalId: 'T-0001', now: clock(), ...opts });
  logs.push(log);
  return log;
}

export function record(i: number, extra: Partial<NewAuditRecord> = {}): NewAuditRecord {
  return {
    action: 'lookup',
    outcome: 'ok',
    operator_id: `op${i % 3}`,
    code: `1000000000${String(i).padStart(2, '0')}`,
    card_id: 'pCARD',
    errcode: 0,
    duration_ms: 50 + i,
    detail: { i, title: '满100减20' },
    ...extra,
  };
}

export function fill(
  log: AuditLog,
  n: number,
  extra: (i: number) => Partial<NewAuditRecord> = () => ({}),
) {
  return Array.from({ length: n }, (_, i) => log.append(record(i, extra(i))));
}

/** A second connection, as the sqlite3 tool would open it, with the guards dropped. */
export function tamper(file: string, sql: string | ((db: Database.Database) => void)): void {
  const db = new Database(file);
  try {
    db.exec(`DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;
             DROP TRIGGER IF EXISTS audit_chain;`);
    if (typeof sql === 'string') db.exec(sql);
    else sql(db);
  } finally {
    db.close();
  }
}

/** Asserts that `fn` throws an AppError with this key (and returns it). */
export function expectAppError(fn: () => unknown, key: string): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${key}`).toBeInstanceOf(AppError);
  expect((caught as AppError).key).toBe(key);
  return caught as AppError;
}

export async function expectAppErrorAsync(
  fn: () => Promise<unknown>,
  key: string,
): Promise<AppError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${key}`).toBeInstanceOf(AppError);
  expect((caught as AppError).key).toBe(key);
  return caught as AppError;
}
