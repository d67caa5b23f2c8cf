/**
 * The audit log's schema, as numbered migrations applied in order inside one transaction
 * each and recorded in PRAGMA user_version. Never edit a migration that has shipped: add the
 * next number (with its own test in test/unit/audit/migrations.test.ts). Later features (the
 * outbox of issue 9) add their tables here too, so one number describes the whole file.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { GENESIS_HASH } from './canonical';

/** 'CDAL' (CardDesk audit log) in the SQLite header, so the file type is recognisable. */
export const APPLICATION_ID = 0x4344414c;
export const FORMAT_NAME = 'carddesk-audit';

export interface Migration {
  version: number;
  /** What the step adds, for the docs and the log of migrations in `meta`. */
  name: string;
  up(db: Database): void;
}

const APPEND_ONLY_GUARDS = (table: string) => `
  CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
  BEGIN SELECT RAISE(ABORT, '${table} is append-only: records cannot be changed'); END;
  CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
  BEGIN SELECT RAISE(ABORT, '${table} is append-only: records cannot be deleted'); END;
`;

/** The text the free-text search looks in: the WeChat message and detail.message/.reason. */
export const SEARCH_TEXT_SQL = `concat_ws(char(10), errmsg,
  json_extract(detail, '$.message'), json_extract(detail, '$.reason'))`;

/**
 * 1 for a record marked as a Sandbox-mode training exercise (detail.training, see
 * electron/services/training/), else 0: the search index's `training` column.
 */
export const trainingSql = (detail = 'detail') =>
  `(coalesce(json_extract(${detail}, '$.training'), 0) = 1)`;

/** Copies records newer than the search index into it (see search-index.ts). */
export function indexRecordsAfter(db: Database, afterId: number): number {
  return copyToIndex(db, afterId, hasTrainingColumn(db));
}

/**
 * Whether the index has migration 7's `training` column: an upgrade copies records into the
 * index from migrations before 7 too (migration 4 adopts the old outbox with records of its
 * own), while the column does not exist yet.
 */
const trainingColumn = new WeakMap<Database, boolean>();
function hasTrainingColumn(db: Database): boolean {
  if (trainingColumn.get(db) === true) return true;
  const has = (db.pragma('table_info(audit_ix)') as { name: string }[]).some(
    (c) => c.name === 'training',
  );
  if (has) trainingColumn.set(db, true);
  return has;
}

/** `training`: the index has the column of migration 7 (migration 2 fills one without it). */
function copyToIndex(db: Database, afterId: number, training: boolean): number {
  const copied = db
    .prepare(
      `INSERT INTO audit_ix (id, ts, operator_id, action, code, card_id, outcome, nonce
         ${training ? ', training' : ''})
       SELECT id, ts, operator_id, action, code, card_id, outcome, nonce
         ${training ? `, ${trainingSql()}` : ''}
       FROM audit WHERE id > ? ORDER BY id`,
    )
    .run(afterId).changes;
  if (copied > 0) {
    db.prepare(
      `INSERT INTO audit_text (rowid, text)
       SELECT id, ${SEARCH_TEXT_SQL} FROM audit
       WHERE id > ? AND (errmsg IS NOT NULL OR json_extract(detail, '$.message') IS NOT NULL
         OR json_extract(detail, '$.reason') IS NOT NULL)`,
    ).run(afterId);
  }
  return copied;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'chained, append-only audit table',
    up(db) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;

        -- No AUTOINCREMENT: its counter would be one more page in every durable commit, for a
        -- witness of the last id that the search index (migration 2) gives for free.
        CREATE TABLE audit (
          id INTEGER PRIMARY KEY,
          ts INTEGER NOT NULL,
          terminal_id TEXT NOT NULL,
          operator_id TEXT,
          action TEXT NOT NULL,
          code TEXT,
          card_id TEXT,
          outcome TEXT NOT NULL,
          errcode INTEGER,
          errmsg TEXT,
          duration_ms INTEGER,
          nonce TEXT,
          detail TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        ) STRICT;

        ${APPEND_ONLY_GUARDS('audit')}

        -- A record must continue the chain: the next id, the last hash. The writer does this
        -- already; the trigger catches any other writer (or a stale cache) in the database.
        CREATE TRIGGER audit_chain BEFORE INSERT ON audit
        WHEN NEW.id IS NOT (SELECT coalesce(max(id), 0) + 1 FROM audit)
          OR NEW.prev_hash IS NOT coalesce(
               (SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '${GENESIS_HASH}')
        BEGIN SELECT RAISE(ABORT, 'audit record out of chain'); END;
      `);
      const meta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      meta.run('format', FORMAT_NAME);
      meta.run('hash', 'sha256-chain/canonical-v1');
      meta.run('created_at', new Date().toISOString());
    },
  },
  {
    version: 2,
    name: 'search index for the review screens',
    up(db) {
      // Derived data, rebuilt from `audit` whenever it lags: kept out of the append's
      // transaction so that the durable write stays one small commit (search-index.ts).
      db.exec(`
        CREATE TABLE audit_ix (
          id INTEGER PRIMARY KEY,
          ts INTEGER NOT NULL,
          operator_id TEXT,
          action TEXT NOT NULL,
          code TEXT,
          card_id TEXT,
          outcome TEXT NOT NULL,
          nonce TEXT
        ) STRICT;
        CREATE INDEX audit_ix_ts ON audit_ix (ts);
        CREATE INDEX audit_ix_operator ON audit_ix (operator_id, ts);
        CREATE INDEX audit_ix_outcome ON audit_ix (outcome, ts);
        CREATE INDEX audit_ix_action ON audit_ix (action, ts);
        CREATE INDEX audit_ix_code ON audit_ix (code, ts);
        CREATE INDEX audit_ix_card ON audit_ix (card_id, ts);
        CREATE INDEX audit_ix_nonce ON audit_ix (nonce, outcome) WHERE nonce IS NOT NULL;
        ${APPEND_ONLY_GUARDS('audit_ix')}

        -- Trigram: substring search in any script, Chinese included, from 3 characters.
        CREATE VIRTUAL TABLE audit_text USING fts5 (text, tokenize = 'trigram');
      `);
      copyToIndex(db, 0, false);
    },
  },
  {
    version: 3,
    name: 'outbox for invalidations (refunds)',
    up(db) {
      // Working state of writes that must reach WeChat (electron/services/outbox.ts). Rows
      // change as they are retried; their history is in the append-only audit table.
      db.exec(`
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY,
          nonce TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL CHECK (kind IN ('invalidate')),
          code TEXT NOT NULL,
          card_id TEXT,
          reason TEXT NOT NULL,
          operator_id TEXT,
          supervisor_id TEXT,
          state TEXT NOT NULL CHECK (state IN ('pending','unknown','done','failed','cancelled')),
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          next_at INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX outbox_open ON outbox (state, next_at);
        CREATE INDEX outbox_code ON outbox (code, state);
      `);
    },
  },
  {
    version: 4,
    name: 'one table for every write to WeChat (consume and invalidate)',
    up(db) {
      // The durable write engine's working state (electron/services/writes/): one row per
      // write that must happen at most once, whose answer can be lost. It replaces the outbox
      // (invalidations) and the settlement's memory (redemptions). Each row changes only by a
      // compare-and-set on `state`, in the same transaction as its audit record.
      db.exec(`
        CREATE TABLE writes (
          id INTEGER PRIMARY KEY,
          nonce TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL CHECK (kind IN ('consume', 'invalidate')),
          code TEXT NOT NULL,
          card_id TEXT,
          env TEXT,
          reason_key TEXT,
          note TEXT,
          operator_id TEXT,
          supervisor_id TEXT,
          state TEXT NOT NULL CHECK (state IN ('queued', 'checking', 'sending', 'settling',
            'applied', 'settled', 'rejected', 'not_applied', 'cancelled')),
          attempts INTEGER NOT NULL DEFAULT 0,
          reads INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          last_status TEXT,
          next_at INTEGER,
          sent_at INTEGER,
          unknown_at INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          closed_at INTEGER
        ) STRICT;
        -- At most one unsettled write per code at this terminal. The engine refuses any second
        -- one in the transaction that inserts it; the database refuses a second of the same
        -- kind whatever the writer (a pair of one kind each exists only in logs of version 3,
        -- adopted below, and both must be settled).
        CREATE UNIQUE INDEX writes_one_open_per_code ON writes (code, kind)
          WHERE state IN ('queued', 'checking', 'sending', 'settling');
        CREATE INDEX writes_code ON writes (code, id);
        CREATE INDEX writes_closed ON writes (closed_at) WHERE closed_at IS NOT NULL;
      `);
      // Redemptions whose outcome was never settled (their result is missing, or 'unknown'):
      // they were in the settlement's memory only, and are settled from here on. A second open
      // intent of the same code is not adopted: at most one consume of a code can have
      // happened, and the first claims it.
      db.exec(`
        WITH intents AS (
          SELECT nonce, min(id) AS first_id, max(id) AS last_id FROM audit
          WHERE nonce IS NOT NULL GROUP BY nonce
        ),
        open AS (
          SELECT f.id, f.nonce, f.code, f.card_id, f.operator_id, f.ts AS created, l.ts AS last,
            row_number() OVER (PARTITION BY f.code ORDER BY f.id) AS nth
          FROM intents i JOIN audit f ON f.id = i.first_id JOIN audit l ON l.id = i.last_id
          WHERE f.action = 'redeem' AND f.outcome = 'pending' AND f.code IS NOT NULL
            AND l.outcome IN ('pending', 'unknown')
        )
        INSERT INTO writes (nonce, kind, code, card_id, operator_id, state, attempts, next_at,
          unknown_at, created_at, updated_at)
        SELECT nonce, 'consume', code, card_id, operator_id, 'settling', 1, 0, last, created, last
        FROM open WHERE nth = 1 ORDER BY id;
      `);
      // The outbox's rows, in the states they mean now. A pending row that had been tried may
      // have been out when the old version died: it is settled, never sent again blindly.
      db.exec(`
        INSERT INTO writes (nonce, kind, code, card_id, reason_key, note, operator_id,
          supervisor_id, state, attempts, last_error, next_at, unknown_at, created_at,
          updated_at, closed_at)
        SELECT nonce, 'invalidate', code, card_id,
          CASE WHEN instr(reason, ': ') > 0 THEN substr(reason, 1, instr(reason, ': ') - 1)
               ELSE reason END,
          CASE WHEN instr(reason, ': ') > 0 THEN substr(reason, instr(reason, ': ') + 2)
               ELSE '' END,
          operator_id, supervisor_id,
          CASE WHEN state = 'pending' AND attempts > 0 THEN 'settling'
            WHEN state = 'pending' THEN 'queued' WHEN state = 'unknown' THEN 'settling'
            WHEN state = 'done' THEN 'applied' WHEN state = 'failed' THEN 'rejected'
            ELSE 'cancelled' END,
          attempts, last_error, coalesce(next_at, 0),
          CASE WHEN state = 'unknown' OR (state = 'pending' AND attempts > 0) THEN updated_at END,
          created_at, updated_at,
          CASE WHEN state IN ('pending', 'unknown') THEN NULL ELSE updated_at END
        FROM outbox ORDER BY id;
        DROP TABLE outbox;
      `);
    },
  },
  {
    version: 5,
    name: 'failed sign-ins counted per operator id and minute',
    up(db) {
      // Working state of electron/services/account/sign-in-failures.ts: a flood of wrong PINs costs one
      // audit record per id and minute, not one each. A failure is counted here durably before
      // its answer leaves; a minute that is over becomes one `sign_in_failed` record and its row
      // goes, in one transaction (at the next failure, on a timer, or at start-up).
      db.exec(`
        CREATE TABLE sign_in_failures (
          operator_id TEXT NOT NULL,
          minute INTEGER NOT NULL,
          count INTEGER NOT NULL CHECK (count > 0),
          first_at INTEGER NOT NULL,
          last_at INTEGER NOT NULL,
          reasons TEXT NOT NULL CHECK (json_valid(reasons)),
          PRIMARY KEY (operator_id, minute)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX sign_in_failures_minute ON sign_in_failures (minute);
      `);
    },
  },
  {
    version: 6,
    name: 'immutable install id (the key of shipped records at head office)',
    up(db) {
      // The chain's identity at head office (issue 19): generated once, when the log is
      // created or upgraded, and never changed: the editable terminal id is only a label. A
      // reset keeps audit.db, so it keeps its install id with its chain. The triggers refuse a
      // change or removal through SQL too.
      db.prepare(`INSERT INTO meta (key, value) VALUES ('install_id', ?)`).run(randomUUID());
      db.exec(`
        CREATE TRIGGER meta_install_id_fixed BEFORE UPDATE ON meta
        WHEN OLD.key = 'install_id'
        BEGIN SELECT RAISE(ABORT, 'the install id cannot be changed'); END;
        CREATE TRIGGER meta_install_id_kept BEFORE DELETE ON meta
        WHEN OLD.key = 'install_id'
        BEGIN SELECT RAISE(ABORT, 'the install id cannot be removed'); END;
        -- INSERT OR REPLACE deletes without firing delete triggers.
        CREATE TRIGGER meta_install_id_once BEFORE INSERT ON meta
        WHEN NEW.key = 'install_id' AND EXISTS (SELECT 1 FROM meta WHERE key = 'install_id')
        BEGIN SELECT RAISE(ABORT, 'the install id cannot be changed'); END;
      `);
    },
  },
  {
    version: 7,
    name: 'training records marked in the search index',
    up(db) {
      // Sandbox-mode training exercises (a manager's deliberate faults) mark their records with
      // detail.training; summaries and exports leave them out by default, on the index. No
      // version before this one wrote the mark, so existing entries are 0 (no rewrite of the
      // append-only index). The records and their hashes are unchanged.
      db.exec(`
        ALTER TABLE audit_ix ADD COLUMN training INTEGER NOT NULL DEFAULT 0
          CHECK (training IN (0, 1));
        CREATE INDEX audit_ix_training ON audit_ix (ts) WHERE training = 1;
      `);
    },
  },
];

/** The log's install id (migration 6); undefined in a log older than that (read-only copies). */
export function installIdOf(db: Database): string | undefined {
  try {
    const v = db.prepare(`SELECT value FROM meta WHERE key = 'install_id'`).pluck().get();
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function applicationId(db: Database): number {
  return db.pragma('application_id', { simple: true }) as number;
}

/**
 * Applies the migrations after the file's version, up to `to` (default: all). Each step runs
 * in its own transaction with its user_version, so a crash leaves a file at a known version.
 */
export function migrate(db: Database, opts: { to?: number } = {}): number {
  const target = opts.to ?? LATEST_VERSION;
  let version = userVersion(db);
  for (const m of MIGRATIONS) {
    if (m.version <= version || m.version > target) continue;
    if (m.version !== version + 1) throw new Error(`migration ${version + 1} is missing`);
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
        `migration_${m.version}`,
        `${m.name} @ ${new Date().toISOString()}`,
      );
    }).immediate();
    version = m.version;
  }
  return version;
}
