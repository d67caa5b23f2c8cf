/**
 * The `writes` table (audit migration 4) and its one way of changing: a compare-and-set on the
 * row's state, in one SQLite transaction with the audit record that says what happened. A
 * transition from a state the row is no longer in changes nothing and writes nothing, so a
 * cancel and a finishing send can never both win.
 */
import type { AuditLog, AuditTables } from '../../audit';
import { asAuditError, sqliteCode } from '../../audit/storage-errors';
import type { NewAuditIntent, NewAuditRecord } from '../../../shared/audit';
import { AppError, type ErrorInfo } from '../../../shared/errors';
import {
  isOpenState,
  OPEN_WRITE_STATES,
  type WriteItem,
  type WriteKind,
  type WriteState,
} from '../../../shared/writes';

export interface WriteRow {
  id: number;
  nonce: string;
  kind: WriteKind;
  code: string;
  card_id: string | null;
  /** The WeChat it belongs to (writeEnvironment); null for rows adopted from older versions. */
  env: string | null;
  reason_key: string | null;
  note: string | null;
  operator_id: string | null;
  supervisor_id: string | null;
  state: WriteState;
  attempts: number;
  reads: number;
  last_error: string | null;
  last_status: string | null;
  next_at: number | null;
  sent_at: number | null;
  unknown_at: number | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

/** Which state may follow which: anything else is refused. */
const TRANSITIONS: Record<WriteState, readonly WriteState[]> = {
  queued: ['checking', 'cancelled', 'queued'],
  checking: ['sending', 'rejected', 'not_applied', 'queued'],
  sending: ['applied', 'rejected', 'not_applied', 'queued', 'settling'],
  settling: ['settled', 'not_applied', 'queued', 'settling'],
  applied: [],
  settled: [],
  rejected: [],
  not_applied: [],
  cancelled: [],
};

export function canTransition(from: WriteState, to: WriteState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The audit records a step writes with its transition. */
export interface StepRecords {
  /** A record of its own (a send attempt, a settling read). */
  append?: NewAuditRecord[];
  /** The result of the intent (appendResult). */
  result?: NewAuditRecord;
}

export type RowPatch = Partial<
  Pick<
    WriteRow,
    'attempts' | 'reads' | 'last_status' | 'next_at' | 'sent_at' | 'unknown_at' | 'card_id'
  >
> & { last_error?: ErrorInfo | null };

/** What the engine writes to the audit log, in the same transaction as its row. */
export type AuditPort = Pick<AuditLog, 'append' | 'appendIntent' | 'appendResult'>;

const OPEN_SQL = OPEN_WRITE_STATES.map((s) => `'${s}'`).join(', ');

export function toItem(r: WriteRow): WriteItem {
  return {
    id: r.id,
    nonce: r.nonce,
    kind: r.kind,
    code: r.code,
    ...(r.card_id ? { cardId: r.card_id } : {}),
    ...(r.reason_key ? { reasonKey: r.reason_key } : {}),
    ...(r.note ? { note: r.note } : {}),
    ...(r.operator_id ? { operatorId: r.operator_id } : {}),
    ...(r.supervisor_id ? { supervisorId: r.supervisor_id } : {}),
    state: r.state,
    attempts: r.attempts,
    reads: r.reads,
    ...(r.last_error ? { lastError: JSON.parse(r.last_error) as ErrorInfo } : {}),
    ...(r.last_status ? { lastStatus: r.last_status } : {}),
    ...(r.next_at !== null && isOpenState(r.state) ? { nextAt: r.next_at } : {}),
    ...(r.unknown_at !== null ? { unknownAt: r.unknown_at } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.closed_at !== null ? { closedAt: r.closed_at } : {}),
    cancellable: r.state === 'queued' && r.kind === 'invalidate',
  };
}

export interface NewWrite {
  kind: WriteKind;
  code: string;
  env: string;
  cardId?: string | undefined;
  reasonKey?: string | undefined;
  note?: string | undefined;
  operatorId?: string | undefined;
  supervisorId?: string | undefined;
}

/**
 * The table of writes, in the audit log's database. What SQLite throws (a full disk, a damaged
 * or read-only file) reaches callers as the log's own storage errors (`audit.disk_full`...),
 * never as an internal error: `file` is the log's, for those messages.
 */
export function createWriteStore(
  db: AuditTables,
  audit: AuditPort,
  now: () => number,
  file = 'audit.db',
) {
  const q = {
    get: db.prepare('SELECT * FROM writes WHERE id = ?'),
    openForCode: db.prepare(`SELECT * FROM writes WHERE code = ? AND state IN (${OPEN_SQL})`),
    open: db.prepare(`SELECT * FROM writes WHERE state IN (${OPEN_SQL}) ORDER BY id`),
    openCount: db
      .prepare(`SELECT kind, count(*) AS n FROM writes WHERE state IN (${OPEN_SQL}) GROUP BY kind`)
      .raw(),
    nextDue: db
      .prepare(
        `SELECT min(next_at) FROM writes WHERE state IN ('queued', 'settling')
         AND (env IS NULL OR env = @env) AND id NOT IN (SELECT value FROM json_each(@except))`,
      )
      .pluck(),
    due: db.prepare(
      `SELECT * FROM writes WHERE state IN ('queued', 'settling') AND (env IS NULL OR env = @env)
       AND (next_at <= @now OR next_at > @latest) ORDER BY id`,
    ),
    recent: db.prepare(`SELECT * FROM writes WHERE kind = ? ORDER BY id DESC LIMIT ?`),
    recentOpen: db.prepare(
      `SELECT * FROM writes WHERE kind = ? AND state IN (${OPEN_SQL}) ORDER BY id DESC`,
    ),
    closedSince: db.prepare(
      `SELECT * FROM writes WHERE closed_at >= ? AND unknown_at IS NOT NULL ORDER BY closed_at DESC`,
    ),
    renameCode: db.prepare('UPDATE writes SET code = @to WHERE code = @from RETURNING id').pluck(),
    setCode: db.prepare(
      'UPDATE writes SET code = @code WHERE id IN (SELECT value FROM json_each(@ids))',
    ),
    lastDone: db.prepare(
      `SELECT * FROM writes WHERE code = ? AND kind = ? AND state IN ('applied', 'settled')
       ORDER BY id DESC LIMIT 1`,
    ),
    insert: db.prepare(
      `INSERT INTO writes (nonce, kind, code, card_id, env, reason_key, note, operator_id,
         supervisor_id, state, attempts, created_at, updated_at)
       VALUES (@nonce, @kind, @code, @card_id, @env, @reason_key, @note, @operator_id,
         @supervisor_id, 'checking', 1, @now, @now)`,
    ),
    update: db.prepare(
      `UPDATE writes SET state = @state, attempts = @attempts, reads = @reads,
         last_error = @last_error, last_status = @last_status, next_at = @next_at,
         sent_at = @sent_at, unknown_at = @unknown_at, card_id = @card_id,
         updated_at = @updated_at, closed_at = @closed_at
       WHERE id = @id AND state = @from`,
    ),
  };

  const get = (id: number) => q.get.get(id) as WriteRow | undefined;

  function writeRecords(row: WriteRow, records: StepRecords) {
    for (const rec of records.append ?? []) {
      audit.append({
        code: row.code,
        card_id: row.card_id,
        nonce: row.nonce,
        ...rec,
        detail: { write_id: row.id, ...(rec.detail ?? {}) },
      });
    }
    if (records.result) {
      audit.appendResult(row.nonce, {
        ...records.result,
        detail: { write_id: row.id, ...(records.result.detail ?? {}) },
      });
    }
  }

  return guardedAll(file, {
    get,
    /** Moves every row of code `from` to code `to` (a custom code renamed); their ids. */
    renameCode(from: string, to: string): number[] {
      return q.renameCode.all({ from, to }) as number[];
    },
    /** Gives rows `ids` the code `code` (a rename's move taken back). */
    setCode(ids: number[], code: string): void {
      q.setCode.run({ ids: JSON.stringify(ids), code });
    },
    openFor(code: string): WriteRow | undefined {
      return q.openForCode.get(code) as WriteRow | undefined;
    },
    open(): WriteRow[] {
      return q.open.all() as WriteRow[];
    },
    openCounts(): Record<WriteKind, number> {
      const counts: Record<WriteKind, number> = { consume: 0, invalidate: 0 };
      for (const [kind, n] of q.openCount.all() as [WriteKind, number][]) counts[kind] = n;
      return counts;
    },
    /**
     * The earliest next_at of queued and settling rows of the WeChat `env`, leaving out
     * `except` (in hand). Rows of another WeChat wait until the terminal is back on theirs.
     */
    nextDue(env: string, except: Iterable<number> = []): number | null {
      return (q.nextDue.get({ env, except: JSON.stringify([...except]) }) as number | null) ?? null;
    },
    /**
     * Rows whose time has come at `now`. A next_at later than `latest` cannot have been set by
     * this clock (no delay is that long): the wall clock was set back, and the row is due now
     * rather than stalled until the clock catches up.
     */
    due(env: string, now: number, latest: number): WriteRow[] {
      return q.due.all({ env, now, latest }) as WriteRow[];
    },
    list(kind: WriteKind, includeClosed: boolean, limit = 200): WriteRow[] {
      return (includeClosed ? q.recent.all(kind, limit) : q.recentOpen.all(kind)) as WriteRow[];
    },
    /** Writes closed since `since` whose answer had been lost: the counter's notices. */
    settledSince(since: number): WriteRow[] {
      return q.closedSince.all(since) as WriteRow[];
    },
    lastDone(code: string, kind: WriteKind): WriteRow | undefined {
      return q.lastDone.get(code, kind) as WriteRow | undefined;
    },

    /**
     * Records the intent and the row (state `checking`: the code's status is read next, then the
     * request leaves), in one transaction. Refused, with the row that blocks it, when the code already has an open
     * write here.
     */
    begin(
      w: NewWrite,
      nonce: string,
      intent: Omit<NewAuditIntent, 'nonce' | 'code' | 'card_id'>,
    ): { row: WriteRow } | { blockedBy: WriteRow } {
      return db
        .transaction((): { row: WriteRow } | { blockedBy: WriteRow } => {
          const open = q.openForCode.get(w.code) as WriteRow | undefined;
          if (open) return { blockedBy: open };
          const at = Math.round(now());
          const id = Number(
            q.insert.run({
              nonce,
              kind: w.kind,
              code: w.code,
              card_id: w.cardId ?? null,
              env: w.env,
              reason_key: w.reasonKey ?? null,
              note: w.note ?? null,
              operator_id: w.operatorId ?? null,
              supervisor_id: w.supervisorId ?? null,
              now: at,
            }).lastInsertRowid,
          );
          audit.appendIntent({
            ...intent,
            nonce,
            code: w.code,
            card_id: w.cardId ?? null,
            detail: { write_id: id, ...(intent.detail ?? {}) },
          });
          return { row: get(id)! };
        })
        .immediate();
    },

    /**
     * Moves row `id` from one of `from` to `to` with `patch`, and writes `records`, all in one
     * transaction. Returns the row afterwards, or undefined when the row was no longer in a
     * state of `from` (then nothing at all was written).
     */
    transition(
      id: number,
      from: readonly WriteState[],
      to: WriteState,
      patch: RowPatch,
      records: StepRecords | ((row: WriteRow) => StepRecords) = {},
    ): WriteRow | undefined {
      return db
        .transaction((): WriteRow | undefined => {
          const row = get(id);
          if (!row || !from.includes(row.state) || !canTransition(row.state, to)) return undefined;
          const at = Math.round(now());
          const { last_error, ...rest } = patch;
          // Times are whole milliseconds (INTEGER columns); a fractional clock must not fail a step.
          for (const k of ['next_at', 'sent_at', 'unknown_at'] as const) {
            const v = rest[k];
            if (typeof v === 'number') rest[k] = Math.round(v);
          }
          const next: WriteRow = {
            ...row,
            ...rest,
            ...(last_error !== undefined
              ? { last_error: last_error ? JSON.stringify(last_error) : null }
              : {}),
            state: to,
            updated_at: at,
            closed_at: isOpenState(to) ? null : at,
          };
          if (!isOpenState(to)) next.next_at = null;
          const res = q.update.run({ ...next, from: row.state });
          if (res.changes !== 1) return undefined;
          writeRecords(next, typeof records === 'function' ? records(row) : records);
          return get(id);
        })
        .immediate();
    },
  });
}

/**
 * `methods`, each converting what SQLite throws as the audit log's own methods do; anything
 * else (the log's own AppErrors among them) goes on as it was thrown.
 */
function guardedAll<T extends Record<string, (...args: never[]) => unknown>>(
  file: string,
  methods: T,
): T {
  const out = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(methods)) {
    out[name] = (...args: never[]) => {
      try {
        return fn(...args);
      } catch (err) {
        throw sqliteCode(err) ? asAuditError(err, file) : err;
      }
    };
  }
  return out as T;
}

/** A step refused because the row moved on (e.g. cancel of a write that is being sent). */
export function notInState(row: WriteRow | undefined, action: string): AppError {
  return new AppError('invalid_input', 'errors.write_not_in_state', {
    action,
    state: row?.state ?? 'missing',
  });
}
