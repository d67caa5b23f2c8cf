/**
 * "On disk before the UI hears of it" rests on two pragmas of the connection the writer appends
 * with: journal_mode=WAL and synchronous=FULL (2). better-sqlite3 opens an existing WAL file
 * with synchronous=NORMAL (1), which can lose the last records on a power cut; so these check
 * the connection of a new log, of a reopened one (where NORMAL would otherwise win), and of the
 * log the terminal's services open, after real appends.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../../electron/audit';
import { createTerminalServices } from '../../../electron/services';
import { open, record, tempFile } from './helpers';

const FULL = 2;

function expectDurable(log: AuditLog) {
  expect(log.db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(log.db.pragma('synchronous', { simple: true })).toBe(FULL);
}

describe('the audit log connection is WAL with synchronous=FULL', () => {
  it('on a new log, and its appends go through the WAL', () => {
    const file = tempFile();
    const log = open(file);
    expectDurable(log);
    log.append(record(1));
    expectDurable(log);
    // The record is in the write-ahead log, not yet checkpointed into the main file.
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
  });

  it('on a log opened again (SQLite alone would give NORMAL there)', () => {
    const file = tempFile();
    const first = open(file);
    first.append(record(1));
    first.close();
    const again = open(file);
    expectDurable(again);
    again.append(record(2));
    expectDurable(again);
    expect(again.search({}).rows).toHaveLength(2);
  });

  it('on the log the terminal opens in its data folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-durable-'));
    for (let start = 0; start < 2; start++) {
      const t = await createTerminalServices({
        host: 'browser',
        version: 't',
        dataDir: dir,
        osLocale: 'en',
      });
      try {
        expect(t.audit.file).toBe(path.join(dir, 'audit.db'));
        t.audit.append(record(start));
        expectDurable(t.audit);
      } finally {
        await t.close();
      }
    }
  });
});
