/**
 * The search index (audit_ix and audit_text) is derived from the records and kept out of the
 * append's transaction: the durable commit of a record writes one table page, not eight, so a
 * cashier's action waits for one small fsync (docs/audit-log.md, "Why the search index lags").
 *
 * It catches up a moment after appends (a timer, so a burst of records is indexed in one
 * commit, whose fsync no cashier waits for), before every read (so readers in this process
 * never see it behind) and at open (after a crash). The idle pass also checkpoints the WAL, so
 * no append pays for a checkpoint either.
 *
 * A catch-up commits with synchronous=NORMAL (no fsync), then sets the connection back to FULL:
 * the index is derived, and its frames follow in the WAL the records they index, so a power cut
 * can only take it with them or after them, never leave it ahead; the catch-up at open redoes
 * what was lost. Its fsync had blocked the event loop a few ms after every burst of appends,
 * sometimes right when a lookup's answer came in (bench:lookup). Inside a caller's transaction
 * a catch-up joins that transaction and its commit instead.
 */
import type { Database, Statement } from 'better-sqlite3';
import { normalCommits } from './durability';
import { indexRecordsAfter } from './migrations';

/**
 * Drops and recreates the search index with the schema it has now (read back from
 * sqlite_schema, so this works at any later version), filled from the records. Used when the
 * index knows records that are gone: it no longer describes the log.
 */
export function rebuildSearchIndex(db: Database): void {
  const objects = db
    .prepare(
      `SELECT type, sql FROM sqlite_schema
       WHERE tbl_name IN ('audit_ix', 'audit_text') AND sql IS NOT NULL`,
    )
    .all() as { type: string; sql: string }[];
  db.transaction(() => {
    db.exec('DROP TABLE IF EXISTS audit_ix; DROP TABLE IF EXISTS audit_text;');
    for (const type of ['table', 'index', 'trigger']) {
      for (const o of objects) if (o.type === type) db.exec(o.sql);
    }
    indexRecordsAfter(db, 0);
  }).immediate();
}

/** How long after an append the index catches up on its own. */
const CATCH_UP_DELAY_MS = 200;
/**
 * Estimated WAL pages after which the idle catch-up also checkpoints. The first commit after a
 * checkpoint restarts the WAL (one more sync), so checkpoints are kept rarer than one per few
 * hundred appends, out of the appends' 99th percentile.
 */
const CHECKPOINT_PAGES = 4000;
/** A WAL bigger than this is checkpointed inline, even when the event loop never idles. */
const CHECKPOINT_HARD_PAGES = 16_000;

export interface SearchIndex {
  /** Whether the index tables exist (files at version 1, opened read-only, have none). */
  readonly present: boolean;
  /** True when every record is in the index. */
  upToDate(): boolean;
  /** Ids the index (or the text index) knows beyond the last record: records removed since. */
  lost(): { from: number; to: number } | undefined;
  /** Called after an append committed (or joined an outer transaction). */
  noteAppend(pages: number): void;
  /** Brings the index up to date now (before a read). No-op on a read-only log. */
  catchUp(): void;
  close(): void;
}

export function createSearchIndex(
  db: Database,
  opts: { readonly: boolean; present: boolean },
): SearchIndex {
  const { readonly, present } = opts;
  const maxLogId = db.prepare('SELECT coalesce(max(id), 0) FROM audit').pluck();
  const maxIndexedId: Statement | undefined = present
    ? db.prepare('SELECT coalesce(max(id), 0) FROM audit_ix').pluck()
    : undefined;
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const asNormal = normalCommits(db);

  let dirty = true; // unknown at open: check once
  let walPages = 0;
  let scheduled: NodeJS.Timeout | undefined;
  let closed = false;

  function lag(): number {
    if (!maxIndexedId) return 0;
    return (maxLogId.get() as number) - (maxIndexedId.get() as number);
  }

  function runCatchUp() {
    if (!present || readonly || closed) return;
    if (!dirty) return;
    const from = maxIndexedId!.get() as number;
    if ((maxLogId.get() as number) > from) {
      const index = db.transaction(() => indexRecordsAfter(db, from));
      if (db.inTransaction)
        index.immediate(); // part of the caller's transaction (a savepoint)
      else asNormal(() => index.immediate());
    }
    if (!db.inTransaction) dirty = false;
  }

  function maybeCheckpoint(force: boolean) {
    if (
      readonly ||
      db.inTransaction ||
      walPages < (force ? CHECKPOINT_HARD_PAGES : CHECKPOINT_PAGES)
    )
      return;
    const [row] = checkpoint.all() as { busy: number; log: number; checkpointed: number }[];
    // A reader may hold old pages; keep counting until a checkpoint gets through.
    if (row && row.busy === 0 && row.checkpointed === row.log) walPages = 0;
  }

  function idle() {
    scheduled = undefined;
    try {
      runCatchUp();
      maybeCheckpoint(false);
    } catch {
      // Nobody to tell here: the next read catches up again and reports the error then.
    }
  }

  const maxTextId: Statement | undefined = present
    ? db.prepare('SELECT coalesce(max(rowid), 0) FROM audit_text').pluck()
    : undefined;

  return {
    present,
    upToDate: () => lag() <= 0,
    lost() {
      if (!maxIndexedId || !maxTextId) return undefined;
      const last = maxLogId.get() as number;
      const known = Math.max(maxIndexedId.get() as number, maxTextId.get() as number);
      return known > last ? { from: last + 1, to: known } : undefined;
    },
    noteAppend(pages) {
      dirty = true;
      walPages += pages;
      if (closed || readonly) return;
      maybeCheckpoint(true);
      if (!scheduled) {
        scheduled = setTimeout(idle, CATCH_UP_DELAY_MS);
        scheduled.unref();
      }
    },
    catchUp() {
      runCatchUp();
    },
    close() {
      if (scheduled) clearTimeout(scheduled);
      scheduled = undefined;
      try {
        runCatchUp();
      } finally {
        closed = true;
      }
    },
  };
}
