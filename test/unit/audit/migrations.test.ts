/** One test per migration: migrate an in-memory database to that version and check it. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, chainHash, GENESIS_HASH } from '../../../electron/audit/canonical';
import {
  APPLICATION_ID,
  FORMAT_NAME,
  LATEST_VERSION,
  MIGRATIONS,
  migrate,
  userVersion,
} from '../../../electron/audit/migrations';
import { open, tempFile, expectAppError } from './helpers';

const names = (db: Database.Database, type: string) =>
  (
    db
      .prepare('SELECT name FROM sqlite_schema WHERE type = ? ORDER BY name')
      .pluck()
      .all(type) as string[]
  ).filter((n) => !n.startsWith('sqlite_'));

/** Writes chained records with plain SQL, as a version-1 CardDesk would have. */
function writeV1Records(db: Database.Database, n: number) {
  let prev = GENESIS_HASH;
  const insert = db.prepare(`INSERT INTO audit VALUES (?, ?, 'T-1', 'op1', 'lookup', ?, 'pCARD', ?,
    ?, ?, 12, NULL, ?, ?, ?)`);
  for (let id = 1; id <= n; id++) {
    const rejected = id % 2 === 0;
    const fields = {
      id,
      ts: 1_700_000_000_000 + id,
      terminal_id: 'T-1',
      operator_id: 'op1',
      action: 'lookup',
      code: `C${id}`,
      card_id: 'pCARD',
      outcome: rejected ? 'rejected' : 'ok',
      errcode: rejected ? 40099 : 0,
      errmsg: rejected ? '已核销 consumed' : null,
      duration_ms: 12,
      nonce: null,
      detail: id === 3 ? '{"reason":"顾客退款"}' : '{}',
    };
    const hash = chainHash(prev, canonicalRecord(fields));
    insert.run(
      id,
      fields.ts,
      fields.code,
      fields.outcome,
      fields.errcode,
      fields.errmsg,
      fields.detail,
      prev,
      hash,
    );
    prev = hash;
  }
}

describe('migrations', () => {
  it('are numbered 1, 2, ... without gaps, and LATEST_VERSION is the last', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  it('1: the chained, append-only audit table, the meta table and the file type', () => {
    const db = new Database(':memory:');
    expect(migrate(db, { to: 1 })).toBe(1);
    expect(userVersion(db)).toBe(1);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(names(db, 'table')).toEqual(['audit', 'meta']);
    expect(names(db, 'trigger')).toEqual(['audit_chain', 'audit_no_delete', 'audit_no_update']);
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'format'`).pluck().get()).toBe(
      FORMAT_NAME,
    );
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'migration_1'`).pluck().get()).toMatch(
      /^chained, append-only audit table @ /,
    );
    const columns = db.prepare('PRAGMA table_info(audit)').all() as { name: string }[];
    expect(columns.map((c) => c.name)).toEqual([
      'id',
      'ts',
      'terminal_id',
      'operator_id',
      'action',
      'code',
      'card_id',
      'outcome',
      'errcode',
      'errmsg',
      'duration_ms',
      'nonce',
      'detail',
      'prev_hash',
      'hash',
    ]);
    // STRICT: a wrong type is refused by SQLite itself.
    expect(() =>
      db
        .prepare(
          `INSERT INTO audit VALUES (1, 'yesterday', 'T', NULL, 'scan', NULL, NULL, 'ok',
        NULL, NULL, NULL, NULL, '{}', ?, 'x')`,
        )
        .run(GENESIS_HASH),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    // The chain trigger: records must come with the next id and the last hash.
    writeV1Records(db, 2);
    expect(() =>
      db
        .prepare(
          `INSERT INTO audit VALUES (5, 1, 'T', NULL, 'scan', NULL, NULL, 'ok', NULL, NULL,
        NULL, NULL, '{}', ?, 'x')`,
        )
        .run(GENESIS_HASH),
    ).toThrow(/out of chain/);
    expect(() => db.exec(`UPDATE audit SET outcome = 'ok'`)).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit')).toThrow(/append-only/);
    db.close();
  });

  it('2: the search index and the text index, filled from the records already there', () => {
    const db = new Database(':memory:');
    migrate(db, { to: 1 });
    writeV1Records(db, 4);
    expect(migrate(db, { to: 2 })).toBe(2);
    expect(userVersion(db)).toBe(2);
    expect(names(db, 'table')).toEqual(
      expect.arrayContaining(['audit', 'meta', 'audit_ix', 'audit_text']),
    );
    expect(names(db, 'index')).toEqual([
      'audit_ix_action',
      'audit_ix_card',
      'audit_ix_code',
      'audit_ix_nonce',
      'audit_ix_operator',
      'audit_ix_outcome',
      'audit_ix_ts',
    ]);
    expect(names(db, 'trigger')).toEqual(
      expect.arrayContaining(['audit_ix_no_delete', 'audit_ix_no_update']),
    );
    expect(db.prepare('SELECT id, outcome, code FROM audit_ix ORDER BY id').raw().all()).toEqual([
      [1, 'ok', 'C1'],
      [2, 'rejected', 'C2'],
      [3, 'ok', 'C3'],
      [4, 'rejected', 'C4'],
    ]);
    // errmsg and detail.reason are searchable; records without text are not in the text index.
    expect(db.prepare('SELECT rowid, text FROM audit_text ORDER BY rowid').raw().all()).toEqual([
      [2, '已核销 consumed'],
      [3, '顾客退款'],
      [4, '已核销 consumed'],
    ]);
    expect(
      db.prepare(`SELECT rowid FROM audit_text WHERE audit_text MATCH '"核销 c"'`).pluck().all(),
    ).toEqual([2, 4]);
    db.close();
  });

  it('3: the outbox table for invalidations, empty, with its state check', () => {
    const db = new Database(':memory:');
    migrate(db, { to: 2 });
    writeV1Records(db, 2);
    expect(migrate(db, { to: 3 })).toBe(3);
    expect(userVersion(db)).toBe(3);
    expect(names(db, 'table')).toEqual(expect.arrayContaining(['outbox']));
    expect(names(db, 'index')).toEqual(expect.arrayContaining(['outbox_code', 'outbox_open']));
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    const insert = db.prepare(
      `INSERT INTO outbox (nonce, kind, code, reason, state, created_at, updated_at)
       VALUES (?, 'invalidate', '123', 'refund', ?, 1, 1)`,
    );
    insert.run('n1', 'pending');
    expect(() => insert.run('n2', 'maybe')).toThrow(/CHECK/);
    expect(() => insert.run('n1', 'pending')).toThrow(/UNIQUE/);
    // The records written before the migration are untouched.
    expect(db.prepare('SELECT count(*) FROM audit').pluck().get()).toBe(2);
    db.close();
  });

  it('4: one writes table; the outbox rows and the unsettled redemptions move into it', () => {
    const db = new Database(':memory:');
    migrate(db, { to: 3 });
    // Records of a version-3 terminal: redemptions in every state, by plain SQL.
    let prev = GENESIS_HASH;
    const insert = db.prepare(`INSERT INTO audit VALUES (?, ?, 'T-1', 'ann', ?, ?, NULL, ?,
      NULL, NULL, NULL, ?, '{}', ?, ?)`);
    const records: [string, string, string, string][] = [
      ['redeem', 'C1', 'pending', 'n-open'], // crashed while sending: no result
      ['redeem', 'C2', 'pending', 'n-unknown'],
      ['redeem', 'C2', 'unknown', 'n-unknown'], // answer lost, never settled
      ['redeem', 'C3', 'pending', 'n-done'],
      ['redeem', 'C3', 'ok', 'n-done'], // confirmed: not adopted
      ['redeem', 'C2', 'pending', 'n-dup'], // a second open intent for C2 (the old defect)
    ];
    records.forEach(([action, code, outcome, nonce], i) => {
      const fields = {
        id: i + 1,
        ts: 1_700_000_000_000 + i,
        terminal_id: 'T-1',
        operator_id: 'ann',
        action,
        code,
        card_id: null,
        outcome,
        errcode: null,
        errmsg: null,
        duration_ms: null,
        nonce,
        detail: '{}',
      };
      const hash = chainHash(prev, canonicalRecord(fields));
      insert.run(i + 1, fields.ts, action, code, outcome, nonce, prev, hash);
      prev = hash;
    });
    const outbox = db.prepare(
      `INSERT INTO outbox (nonce, kind, code, reason, state, attempts, created_at, updated_at)
       VALUES (?, 'invalidate', ?, ?, ?, ?, 10, 20)`,
    );
    outbox.run('o-pending', 'R1', 'customer_refund: 破损', 'pending', 0);
    // Tried before: it may have been out when the old version died.
    outbox.run('o-tried', 'R6', 'customer_refund', 'pending', 1);
    outbox.run('o-unknown', 'R2', 'other: lost answer', 'unknown', 2);
    outbox.run('o-done', 'R3', 'wrong_item', 'done', 1);
    outbox.run('o-failed', 'R4', 'customer_refund', 'failed', 1);
    outbox.run('o-cancelled', 'R5', 'customer_refund', 'cancelled', 0);
    // A refund queued for C2 while its redemption was unsettled: both must be settled.
    outbox.run('o-c2', 'C2', 'customer_refund', 'pending', 0);

    expect(migrate(db, { to: 4 })).toBe(4);
    expect(names(db, 'table')).toContain('writes');
    expect(names(db, 'table')).not.toContain('outbox');
    const rows = db
      .prepare(
        'SELECT nonce, kind, code, state, reason_key, note, closed_at FROM writes ORDER BY id',
      )
      .all();
    const row = (nonce: string, kind: string, code: string, state: string, extra = {}) => ({
      nonce,
      kind,
      code,
      state,
      reason_key: null,
      note: null,
      closed_at: null,
      ...extra,
    });
    const refund = (reason_key: string, note: string, closed_at: number | null) => ({
      reason_key,
      note,
      closed_at,
    });
    expect(rows).toEqual([
      // The unsettled redemptions, to be settled; the confirmed one and the second open
      // intent of C2 are not (at most one consume of a code can have happened: the first).
      row('n-open', 'consume', 'C1', 'settling'),
      row('n-unknown', 'consume', 'C2', 'settling'),
      row('o-pending', 'invalidate', 'R1', 'queued', refund('customer_refund', '破损', null)),
      row('o-tried', 'invalidate', 'R6', 'settling', refund('customer_refund', '', null)),
      row('o-unknown', 'invalidate', 'R2', 'settling', refund('other', 'lost answer', null)),
      row('o-done', 'invalidate', 'R3', 'applied', refund('wrong_item', '', 20)),
      row('o-failed', 'invalidate', 'R4', 'rejected', refund('customer_refund', '', 20)),
      row('o-cancelled', 'invalidate', 'R5', 'cancelled', refund('customer_refund', '', 20)),
      row('o-c2', 'invalidate', 'C2', 'queued', refund('customer_refund', '', null)),
    ]);
    // One open write of a kind per code, whatever the writer.
    expect(() =>
      db
        .prepare(
          `INSERT INTO writes (nonce, kind, code, state, created_at, updated_at)
           VALUES ('x', 'consume', 'C1', 'sending', 1, 1)`,
        )
        .run(),
    ).toThrow(/UNIQUE/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO writes (nonce, kind, code, state, created_at, updated_at)
           VALUES ('y', 'consume', 'C9', 'maybe', 1, 1)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('5: the table of failed sign-ins per operator id and minute, empty, with its checks', () => {
    const db = new Database(':memory:');
    migrate(db, { to: 4 });
    writeV1Records(db, 2);
    expect(migrate(db, { to: 5 })).toBe(5);
    expect(names(db, 'table')).toEqual(expect.arrayContaining(['sign_in_failures']));
    expect(names(db, 'index')).toEqual(expect.arrayContaining(['sign_in_failures_minute']));
    expect(db.prepare('SELECT count(*) FROM sign_in_failures').pluck().get()).toBe(0);
    const insert = db.prepare(
      `INSERT INTO sign_in_failures (operator_id, minute, count, first_at, last_at, reasons)
       VALUES (?, ?, ?, 1, 2, ?)`,
    );
    insert.run('ann', 60_000, 3, '{"mismatch":3}');
    // One row per id and minute; a count of nothing, or reasons that are not JSON, are refused.
    expect(() => insert.run('ann', 60_000, 1, '{}')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('ann', 120_000, 0, '{}')).toThrow(/CHECK/);
    expect(() => insert.run('ann', 180_000, 1, 'wrong_pin')).toThrow(/CHECK/);
    expect(() => insert.run('ann', 'soon', 1, '{}')).toThrow(/cannot store TEXT/);
    // Working state, not records: rows may go (the audit table is untouched).
    db.exec('DELETE FROM sign_in_failures');
    expect(db.prepare('SELECT count(*) FROM audit').pluck().get()).toBe(2);
    db.close();
  });

  it('6: an install id, a UUID generated once and kept: SQL can neither change nor remove it', () => {
    const db = new Database(':memory:');
    migrate(db, { to: 5 });
    writeV1Records(db, 2);
    expect(migrate(db, { to: 6 })).toBe(6);
    const id = db.prepare(`SELECT value FROM meta WHERE key = 'install_id'`).pluck().get();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(() => db.exec(`UPDATE meta SET value = 'x' WHERE key = 'install_id'`)).toThrow(
      /cannot be changed/,
    );
    expect(() => db.exec(`DELETE FROM meta WHERE key = 'install_id'`)).toThrow(/cannot be removed/);
    expect(() => db.exec(`INSERT OR REPLACE INTO meta VALUES ('install_id', 'y')`)).toThrow(
      /cannot be changed/,
    );
    // Other meta rows stay writable (the migrations log their steps there).
    db.exec(`INSERT OR REPLACE INTO meta VALUES ('migration_6', 'again')`);
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'install_id'`).pluck().get()).toBe(id);
    expect(db.prepare('SELECT count(*) FROM audit').pluck().get()).toBe(2);
    db.close();
  });

  it('the install id survives reopening, and two logs never share one', () => {
    const file = tempFile();
    const first = open(file);
    const id = first.installId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    first.close();
    expect(open(file).installId).toBe(id);
    expect(open(file, { readonly: true }).installId).toBe(id);
    expect(open(tempFile()).installId).not.toBe(id);
  });

  it('7: the search index marks training records; older entries are 0, records untouched', () => {
    const db = new Database(':memory:');
    migrate(db, { to: 1 });
    writeV1Records(db, 3);
    migrate(db, { to: 6 }); // migration 2 indexes them
    const before = db.prepare('SELECT hash FROM audit ORDER BY id').pluck().all();
    expect(migrate(db, { to: 7 })).toBe(7);
    expect(db.prepare('SELECT training FROM audit_ix ORDER BY id').pluck().all()).toEqual([
      0, 0, 0,
    ]);
    expect(names(db, 'index')).toEqual(expect.arrayContaining(['audit_ix_training']));
    expect(db.prepare('SELECT hash FROM audit ORDER BY id').pluck().all()).toEqual(before);
    // Still append-only, and only 0 or 1.
    expect(() => db.exec('UPDATE audit_ix SET training = 1')).toThrow(/append-only/);
    expect(() =>
      db.exec(
        `INSERT INTO audit_ix (id, ts, action, outcome, training) VALUES (9, 1, 'x', 'ok', 2)`,
      ),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('a log at an older version is migrated on open and keeps verifying', async () => {
    const file = tempFile();
    const db = new Database(file);
    migrate(db, { to: 1 });
    writeV1Records(db, 5);
    db.close();
    const log = open(file);
    expect(userVersion(log.db)).toBe(LATEST_VERSION);
    expect(log.search({ outcomes: ['rejected'] }).rows.map((r) => r.id)).toEqual([4, 2]);
    expect(log.append({ action: 'scan', outcome: 'ok' }).id).toBe(6);
    expect(await log.verify()).toMatchObject({ ok: true, count: 6 });
  });

  it('a file from a newer CardDesk is refused with both versions, and left untouched', () => {
    const file = tempFile();
    open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const err = expectAppError(() => open(file), 'audit.newer_version');
    expect(err.kind).toBe('storage');
    expect(err.params).toEqual({ found: LATEST_VERSION + 1, supported: LATEST_VERSION });
    expectAppError(() => open(file, { readonly: true }), 'audit.newer_version');
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    after.close();
  });
});
