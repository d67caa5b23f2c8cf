/**
 * Files that are not a usable log get a clear AppError at open, never a crash and never a
 * change to the file; a full disk fails the action and leaves no partial record.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  readFileSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { expectAppError, fill, open, record, ROOT, tempDir, tempFile } from './helpers';

function aLog(n = 3000): string {
  const file = tempFile();
  const log = open(file);
  log.db.transaction(() => fill(log, n))();
  log.close();
  return file;
}

/** Overwrites `length` bytes at `offset` with garbage. */
function damage(file: string, offset: number, length: number) {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  closeSync(fd);
}

describe('opening files that are not a usable log', () => {
  it('refuses a file that is not SQLite at all, and leaves it as it was', () => {
    const file = tempFile('notes.txt');
    writeFileSync(file, 'Kassenbuch 2024\nthis is not a database\n');
    const err = expectAppError(() => open(file), 'audit.not_a_log');
    expect(err.kind).toBe('storage');
    expect(err.params).toEqual({ file });
    expect(readFileSync(file, 'utf8')).toBe('Kassenbuch 2024\nthis is not a database\n');
    expectAppError(() => open(file, { readonly: true }), 'audit.not_a_log');
  });

  it("refuses another program's SQLite database without touching it", () => {
    const file = tempFile('other.db');
    const other = new Database(file);
    other.exec(
      `CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('张三');`,
    );
    other.close();
    const before = readFileSync(file);
    expectAppError(() => open(file), 'audit.not_a_log');
    expect(readFileSync(file).equals(before)).toBe(true); // not even switched to WAL
  });

  it('starts a new log in a missing or empty file, but not read-only', () => {
    const missing = path.join(tempDir(), 'new.db');
    expectAppError(() => open(missing, { readonly: true }), 'audit.not_found');
    expect(open(missing).append(record(1)).id).toBe(1);
    const empty = tempFile('empty.db');
    writeFileSync(empty, '');
    expectAppError(() => open(empty, { readonly: true }), 'audit.not_a_log');
    expect(open(empty).append(record(1)).id).toBe(1);
  });

  it('says which folder cannot be opened', () => {
    const file = path.join(tempDir(), 'no', 'such', 'folder', 'audit.db');
    expect(expectAppError(() => open(file), 'audit.cannot_open').params).toEqual({ file });
  });

  it('refuses a damaged header as corrupt', () => {
    const file = aLog(200);
    damage(file, 20, 40);
    expectAppError(() => open(file), 'audit.corrupt');
    expectAppError(() => open(file, { readonly: true }), 'audit.corrupt');
  });

  it('refuses a damaged schema as corrupt', () => {
    const file = aLog(200);
    damage(file, 100, 2000);
    expectAppError(() => open(file), 'audit.corrupt');
  });

  it('reports damaged records as corrupt, from the first one lost', async () => {
    const file = aLog();
    const db = new Database(file, { readonly: true });
    const leaves = db
      .prepare(
        `SELECT pageno FROM dbstat WHERE name = 'audit' AND pagetype = 'leaf' ORDER BY pageno`,
      )
      .pluck()
      .all() as number[];
    expect(leaves.length).toBeGreaterThan(10);
    const page = leaves[5]!;
    db.close();
    // Garble the cell area of one leaf page of the records (not its header).
    damage(file, (page - 1) * 4096 + 8, 100);
    const log = open(file);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, problem: 'corrupt' });
    if (result.ok) return;
    expect(result.firstBadId).toBeGreaterThan(1);
    expect(result.checked).toBe(result.firstBadId - 1);
    // The records before it are intact and readable.
    expect(log.get(result.firstBadId - 1)!.id).toBe(result.firstBadId - 1);
  });

  it('refuses a log it may not write, at open (not at the first sale)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const file = path.join(dir, 'audit.db');
    fill(open(file), 2);
    chmodSync(file, 0o444);
    const isRoot = process.getuid?.() === 0;
    if (isRoot) {
      // root writes anything: ask as an ordinary user, as the cashier's account would. That
      // account owns the files (they are owner-only, 0600: nobody else may even read them).
      for (const f of [file, `${file}-wal`, `${file}-shm`]) chownSync(f, 65534, 65534);
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(__dirname, 'fixtures', 'open-log.ts'), file],
        { cwd: ROOT, uid: 65534, gid: 65534, encoding: 'utf8', timeout: 20_000 },
      );
      expect(child.stderr).toBe('');
      expect(JSON.parse(child.stdout)).toEqual({ key: 'audit.read_only', params: { file } });
    } else {
      expect(expectAppError(() => open(file), 'audit.read_only').params).toEqual({ file });
    }
    // Read-only access still works for review.
    expect(open(file, { readonly: true }).search({}).rows).toHaveLength(2);
  });
});

describe('file modes', () => {
  it('a new log, its WAL and shared memory are 0600 whatever the umask; older ones are tightened', () => {
    if (process.platform === 'win32') return; // the profile's ACL protects it there
    const old = process.umask(0o000);
    try {
      const dir = tempDir();
      const file = path.join(dir, 'audit.db');
      const log = open(file);
      fill(log, 3);
      const mode = (f: string) => statSync(f).mode & 0o777;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
      log.close();
      // What an older version left: readable by every account on the PC.
      chmodSync(file, 0o644);
      writeFileSync(`${file}-wal`, '');
      chmodSync(`${file}-wal`, 0o644);
      const again = open(file);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
      again.close();
      // A read-only copy is someone else's file: opening it for review changes nothing.
      const copy = path.join(dir, 'copy.db');
      copyFileSync(file, copy);
      chmodSync(copy, 0o644);
      open(copy, { readonly: true }).close();
      expect(mode(copy)).toBe(0o644);
    } finally {
      process.umask(old);
    }
  });
});

describe('a full disk', () => {
  it('fails the append with audit.disk_full, leaves no partial record, and recovers', async () => {
    const file = tempFile();
    const log = open(file);
    fill(log, 5);
    const pages = log.db.pragma('page_count', { simple: true }) as number;
    // A real SQLITE_FULL: the database may not grow past a few more pages.
    log.db.pragma(`max_page_count = ${pages + 3}`);
    let caught: unknown;
    let last = 5;
    try {
      for (let i = 0; i < 100; i++) {
        last = log.append(record(i, { detail: { pad: 'x'.repeat(3000) } })).id;
      }
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).kind).toBe('storage');
    expect((caught as AppError).key).toBe('audit.disk_full');
    expect(last).toBeGreaterThanOrEqual(5);
    // Nothing half-written: the last record is the last acknowledged one.
    expect(log.db.prepare('SELECT max(id) FROM audit').pluck().get()).toBe(last);
    expect(log.head()!.id).toBe(last);
    expectAppError(
      () => log.append(record(0, { detail: { pad: 'x'.repeat(3000) } })),
      'audit.disk_full',
    );
    // Space again: the chain goes on where it stopped.
    log.db.pragma('max_page_count = 1000000');
    const next = log.append(record(1));
    expect(next.id).toBe(last + 1);
    expect(next.prev_hash).toBe(log.get(last)!.hash);
    log.close();
    expect(await open(file, { readonly: true }).verify()).toMatchObject({
      ok: true,
      count: last + 1,
    });
  });

  it('a copy of the file verifies and reads the same (the command line works on copies)', async () => {
    const file = aLog(50);
    const copy = path.join(tempDir(), 'copy.db');
    copyFileSync(file, copy);
    expect(await open(copy, { readonly: true }).verify()).toMatchObject({ ok: true, count: 50 });
  });
});
