/**
 * Failed sign-ins, recorded cheaply: one `sign_in_failed` audit record per operator id and
 * minute, with the count, the first and last time and the reasons, instead of one record per
 * attempt (a script trying PINs would otherwise fill the append-only log for good). Each
 * failure is counted in the `sign_in_failures` table (migration 5) in its own durable
 * transaction before the caller hears the answer, so a crash loses none; a minute that is over
 * becomes its record, and its row goes, in one transaction: at the next failure, on a timer,
 * and at start-up for the minutes a crash left open.
 */
import type { AuditAppend, AuditTables } from '../../audit';

export const MINUTE_MS = 60_000;
/**
 * Ids that name no operator share one row (and one record) per minute: otherwise a script
 * making up a new id for every guess would still cost a permanent record per guess.
 */
const UNKNOWN_IDS = '';

/**
 * Why a sign-in failed: a closed set of names, used as JSON keys in the table and the record
 * ('mismatch', not 'wrong_pin': a key ending in "pin" is masked as a secret in audit details).
 */
export type FailureReason =
  | 'mismatch'
  | 'locked'
  | 'unknown'
  | 'disabled'
  /** A supervisor's id and PIN typed at a cashier's refund (services/refunds/). */
  | 'refund_mismatch'
  | 'refund_locked'
  | 'refund_unknown'
  | 'refund_disabled'
  | 'refund_not_supervisor'
  /** A supervisor's or manager's id and PIN typed to unlock a locked operator (lock screen). */
  | 'unlock_mismatch'
  | 'unlock_locked'
  | 'unlock_unknown'
  | 'unlock_disabled'
  | 'unlock_not_allowed';

export interface SignInFailureLog {
  /** Counts one failed sign-in of `operatorId`; on disk when this returns. */
  record(operatorId: string, reason: FailureReason): void;
  /** Writes the records of every minute that is over; returns how many it wrote. */
  flushDue(): number;
  /** Stops the timer (the rows stay: the next start-up writes them). */
  close(): void;
}

interface Row {
  operator_id: string;
  minute: number;
  count: number;
  first_at: number;
  last_at: number;
  reasons: string;
}

export function createSignInFailureLog(deps: {
  db: AuditTables;
  audit: AuditAppend;
  now: () => number;
}): SignInFailureLog {
  const { db, audit, now } = deps;
  const upsert = db.prepare(
    `INSERT INTO sign_in_failures (operator_id, minute, count, first_at, last_at, reasons)
     VALUES (@id, @minute, 1, @at, @at, json_object(@reason, 1))
     ON CONFLICT (operator_id, minute) DO UPDATE SET
       count = count + 1,
       first_at = min(first_at, excluded.first_at),
       last_at = max(last_at, excluded.last_at),
       reasons = json_set(reasons, '$.' || @reason,
         coalesce(json_extract(reasons, '$.' || @reason), 0) + 1)`,
  );
  const due = db.prepare(
    'SELECT * FROM sign_in_failures WHERE minute <= ? ORDER BY minute, operator_id',
  );
  const remove = db.prepare('DELETE FROM sign_in_failures WHERE operator_id = ? AND minute = ?');
  const pending = db.prepare('SELECT min(minute) FROM sign_in_failures').pluck();

  /** Inside a transaction: each minute that is over becomes one record, and its row goes. */
  const writeDue = (at: number): number => {
    const rows = due.all(at - MINUTE_MS) as Row[];
    for (const r of rows) {
      audit.append({
        action: 'sign_in_failed',
        outcome: 'rejected',
        operator_id: r.operator_id === UNKNOWN_IDS ? null : r.operator_id,
        detail: {
          ...(r.operator_id === UNKNOWN_IDS ? { unknown_ids: true } : {}),
          count: r.count,
          first_at: r.first_at,
          last_at: r.last_at,
          minute: r.minute,
          reasons: JSON.parse(r.reasons) as Record<string, number>,
        },
      });
      remove.run(r.operator_id, r.minute);
    }
    return rows.length;
  };

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const schedule = () => {
    if (closed || timer) return;
    const first = pending.get() as number | null;
    if (first === null) return;
    const wait = Math.min(MINUTE_MS, Math.max(1_000, first + MINUTE_MS - now() + 1_000));
    timer = setTimeout(() => {
      timer = undefined;
      try {
        flushDue();
      } catch {
        // The log is closing or the disk is full: the rows stay for the next try or start-up.
      }
      schedule();
    }, wait);
    timer.unref();
  };

  const flushDue = (): number => db.transaction(() => writeDue(now())).immediate();

  return {
    record(operatorId, reason) {
      const at = Math.round(now());
      const id =
        reason === 'unknown' || reason === 'refund_unknown' || reason === 'unlock_unknown'
          ? UNKNOWN_IDS
          : operatorId;
      db.transaction(() => {
        writeDue(at);
        upsert.run({ id, minute: at - (at % MINUTE_MS), at, reason });
      }).immediate();
      schedule();
    },
    flushDue() {
      const n = flushDue();
      schedule();
      return n;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
