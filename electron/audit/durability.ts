/**
 * How durable each action's record is when append() returns (docs/audit-log.md, "Durability
 * by action"). Both classes commit the record in its own transaction, in order, on the log's
 * one connection: nothing is ever held in memory.
 *
 *   full    WAL with synchronous=FULL: the commit fsyncs the WAL, so the record survives a
 *           power cut. Every record of a write to WeChat (intent and result), a refund, a
 *           settings or operator change, a sign-in or sign-out, a lockout, a reset, an export
 *           and a verification: the UI hears of the action only after this.
 *   normal  WAL with synchronous=NORMAL: the commit is in the operating system's cache, so the
 *           record survives a crash of the process (not a power cut) and is synced with the
 *           next full commit or checkpoint, which syncs the WAL with every frame before it.
 *           Only reads of WeChat that change nothing: a lookup and the back office's reads.
 *
 * SQLite's synchronous setting belongs to the connection; the writer sets NORMAL for a
 * `normal` record's own commit and FULL again right after, so everything else (the write
 * engine's transactions) commits with FULL. A `normal` record appended inside a caller's
 * transaction simply joins it, with that transaction's FULL commit. The search index's
 * catch-up, derived data, commits with NORMAL too (search-index.ts).
 *
 * An action missing here is committed `full` (the safe side), and the unit test
 * (test/unit/audit/durability.test.ts) fails until it is classified.
 */
import type { Database } from 'better-sqlite3';
import type { KnownAuditAction } from '../../shared/audit';

export type Durability = 'full' | 'normal';

export const DURABILITY = {
  // Reads: nothing changed anywhere, the record says what was looked at.
  lookup: 'normal',
  scan: 'normal',
  card_get: 'normal',
  card_list: 'normal',
  code_check: 'normal',
  user_cards: 'normal',
  datacube: 'normal',
  // Writes to WeChat: intents, sends, results, settlements, the refund queue.
  redeem: 'full',
  invalidate: 'full',
  send: 'full',
  settle: 'full',
  outbox_enqueue: 'full',
  outbox_attempt: 'full',
  outbox_result: 'full',
  outbox_cancel: 'full',
  card_update: 'full',
  card_delete: 'full',
  code_update: 'full',
  stock_change: 'full',
  // Who may act, and what the terminal is.
  sign_in: 'full',
  sign_in_failed: 'full',
  sign_out: 'full',
  lockout: 'full',
  operator_change: 'full',
  operator_unlock: 'full',
  settings_change: 'full',
  terminal_reset: 'full',
  training: 'full', // a manager arms or disarms a Sandbox-mode exercise
  // Evidence about the log and its data.
  export: 'full',
  verify: 'full',
} as const satisfies Record<KnownAuditAction, Durability> & Record<string, Durability>;

/** The class of an action's record; an unclassified action is `full`. */
export function durabilityOf(action: string): Durability {
  return Object.prototype.hasOwnProperty.call(DURABILITY, action)
    ? (DURABILITY as Record<string, Durability>)[action]!
    : 'full';
}

/**
 * Runs `fn` with the connection's commits at synchronous=NORMAL, and sets it back to FULL after,
 * whatever happens: the one switch between the two classes, for a `normal` record's own commit
 * (writer.ts) and the search index's catch-up (search-index.ts).
 */
export function normalCommits(db: Database): <T>(fn: () => T) => T {
  const normal = db.prepare('PRAGMA synchronous = NORMAL');
  const full = db.prepare('PRAGMA synchronous = FULL');
  return (fn) => {
    normal.run();
    try {
      return fn();
    } finally {
      full.run();
    }
  };
}
