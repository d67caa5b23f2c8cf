/**
 * The durable outbox for invalidations (code/unavailable). A row is written in the same
 * SQLite transaction as the audit intent, so neither exists without the other; the worker
 * sends due rows with exponential backoff, after restarts too, until WeChat confirms or
 * answers with a final error. A row whose answer was lost is settled by asking the code's
 * status (UNAVAILABLE means it went through) before anything is sent again.
 *
 * The outbox table is mutable working state; its history is in the append-only audit log
 * (enqueue, every attempt, result, cancel).
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { ErrorInfo } from '../../shared/errors';
import { toErrorInfo } from '../../shared/errors';
import type { OutboxItem, OutboxState } from '../../shared/ops/refunds';
import type { AuditLog } from '../audit';
import type { WeChatClient } from '../wechat';
import { OutcomeUnknownError, WeChatApiError } from '../wechat';

interface Row {
  id: number;
  nonce: string;
  code: string;
  card_id: string | null;
  reason: string;
  operator_id: string | null;
  supervisor_id: string | null;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  next_at: number | null;
  created_at: number;
  updated_at: number;
}

/** errcodes that are worth another try later; every other errcode is a final answer. */
const TRANSIENT_ERRCODES = new Set([-1, 45009, 45011]);

export interface OutboxDeps {
  audit: AuditLog;
  client(): Promise<WeChatClient>;
  now(): number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Called after every state change (the renderer's pending badge). */
  onChange?(): void;
}

export interface EnqueueInput {
  code: string;
  cardId?: string | undefined;
  reason: string;
  operatorId?: string | undefined;
  supervisorId?: string | undefined;
}

function toItem(r: Row): OutboxItem {
  return {
    id: r.id,
    nonce: r.nonce,
    code: r.code,
    ...(r.card_id ? { cardId: r.card_id } : {}),
    reason: r.reason,
    ...(r.operator_id ? { operatorId: r.operator_id } : {}),
    ...(r.supervisor_id ? { supervisorId: r.supervisor_id } : {}),
    state: r.state,
    attempts: r.attempts,
    ...(r.last_error ? { lastError: JSON.parse(r.last_error) as ErrorInfo } : {}),
    ...(r.next_at !== null && (r.state === 'pending' || r.state === 'unknown')
      ? { nextAt: r.next_at }
      : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function createOutbox(deps: OutboxDeps) {
  const db: Database.Database = deps.audit.db;
  const minDelay = deps.minDelayMs ?? 2_000;
  const maxDelay = deps.maxDelayMs ?? 5 * 60_000;
  const q = {
    insert: db.prepare(
      `INSERT INTO outbox (nonce, kind, code, card_id, reason, operator_id, supervisor_id, state,
         attempts, next_at, created_at, updated_at)
       VALUES (@nonce, 'invalidate', @code, @card_id, @reason, @operator_id, @supervisor_id,
         'pending', 0, @now, @now, @now)`,
    ),
    get: db.prepare('SELECT * FROM outbox WHERE id = ?'),
    open: db.prepare(`SELECT * FROM outbox WHERE state IN ('pending','unknown') ORDER BY id`),
    openCount: db
      .prepare(`SELECT count(*) FROM outbox WHERE state IN ('pending','unknown')`)
      .pluck(),
    all: db.prepare('SELECT * FROM outbox ORDER BY id DESC LIMIT 200'),
    openForCode: db.prepare(
      `SELECT * FROM outbox WHERE code = ? AND state IN ('pending','unknown') ORDER BY id DESC LIMIT 1`,
    ),
    lastForCode: db.prepare('SELECT * FROM outbox WHERE code = ? ORDER BY id DESC LIMIT 1'),
    update: db.prepare(
      `UPDATE outbox SET state = @state, attempts = @attempts, last_error = @last_error,
         next_at = @next_at, updated_at = @now WHERE id = @id`,
    ),
  };
  const running = new Set<number>();
  const timers = new Map<number, NodeJS.Timeout>();
  let closed = false;

  const row = (id: number) => q.get.get(id) as Row | undefined;

  function setState(
    r: Row,
    state: OutboxState,
    extra: { error?: ErrorInfo | null; nextAt?: number | null } = {},
  ) {
    const next = {
      id: r.id,
      state,
      attempts: r.attempts,
      last_error:
        extra.error === undefined ? r.last_error : extra.error ? JSON.stringify(extra.error) : null,
      next_at: extra.nextAt === undefined ? r.next_at : extra.nextAt,
      now: deps.now(),
    };
    q.update.run(next);
    deps.onChange?.();
    return row(r.id)!;
  }

  function schedule(id: number, delay: number) {
    if (closed) return;
    clearTimeout(timers.get(id));
    const t = setTimeout(
      () => {
        timers.delete(id);
        void attempt(id);
      },
      Math.max(0, delay),
    );
    t.unref?.();
    timers.set(id, t);
  }

  function backoff(attempts: number) {
    return Math.min(maxDelay, minDelay * 2 ** Math.min(attempts - 1, 20));
  }

  const auditRow = (r: Row, rec: Parameters<AuditLog['append']>[0]) =>
    deps.audit.append({
      code: r.code,
      card_id: r.card_id,
      operator_id: r.supervisor_id ?? r.operator_id,
      nonce: r.nonce,
      ...rec,
      detail: { outbox_id: r.id, ...(rec.detail ?? {}) },
    });

  /** Records the final result of the intent and closes the row. */
  function finish(
    r: Row,
    state: 'done' | 'failed',
    rec: Parameters<AuditLog['appendResult']>[1],
    error?: ErrorInfo,
  ) {
    const tx = db.transaction(() => {
      const updated = setState(r, state, { error: error ?? null, nextAt: null });
      deps.audit.appendResult(r.nonce, rec);
      return updated;
    });
    return tx.immediate();
  }

  /** One attempt: settle a lost answer first, else send. Returns the row afterwards. */
  async function attempt(id: number): Promise<Row | undefined> {
    let r = row(id);
    if (!r || closed || running.has(id) || (r.state !== 'pending' && r.state !== 'unknown'))
      return r;
    running.add(id);
    try {
      r = setState({ ...r, attempts: r.attempts + 1 }, r.state);
      const client = await deps.client();
      const started = performance.now();
      if (r.state === 'unknown') {
        // The last answer was lost: ask before sending again.
        try {
          const status = await client.codeGet({
            code: r.code,
            ...(r.card_id ? { card_id: r.card_id } : {}),
            check_consume: false,
          });
          auditRow(r, {
            action: 'outbox_attempt',
            outcome: 'ok',
            errcode: 0,
            duration_ms: performance.now() - started,
            detail: { check: 'code/get', status: status.user_card_status, attempt: r.attempts },
          });
          if (status.user_card_status === 'UNAVAILABLE') {
            return finish(r, 'done', {
              action: 'invalidate',
              outcome: 'settled',
              errcode: 0,
              detail: { settled: true, status: 'UNAVAILABLE' },
            });
          }
          r = setState(r, 'pending'); // it did not go through: send it now
        } catch (err) {
          auditRow(r, {
            action: 'outbox_attempt',
            outcome: 'failed',
            errcode: err instanceof WeChatApiError ? err.errcode : null,
            duration_ms: performance.now() - started,
            detail: { check: 'code/get', attempt: r.attempts },
          });
          if (err instanceof WeChatApiError && !TRANSIENT_ERRCODES.has(err.errcode)) {
            return finish(
              r,
              'failed',
              {
                action: 'invalidate',
                outcome: 'rejected',
                errcode: err.errcode,
                errmsg: err.errmsg,
              },
              err.toInfo(),
            );
          }
          const next = setState(r, 'unknown', {
            error: toErrorInfo(err),
            nextAt: deps.now() + backoff(r.attempts),
          });
          schedule(id, backoff(r.attempts));
          return next;
        }
      }
      const sendStarted = performance.now();
      try {
        await client.codeUnavailable({
          code: r.code,
          ...(r.card_id ? { card_id: r.card_id } : {}),
          reason: r.reason.slice(0, 64),
        });
        auditRow(r, {
          action: 'outbox_attempt',
          outcome: 'ok',
          errcode: 0,
          duration_ms: performance.now() - sendStarted,
          detail: { attempt: r.attempts },
        });
        return finish(r, 'done', {
          action: 'invalidate',
          outcome: 'ok',
          errcode: 0,
          duration_ms: performance.now() - sendStarted,
        });
      } catch (err) {
        const info = toErrorInfo(err);
        const duration = performance.now() - sendStarted;
        if (err instanceof WeChatApiError && !TRANSIENT_ERRCODES.has(err.errcode)) {
          auditRow(r, {
            action: 'outbox_attempt',
            outcome: 'rejected',
            errcode: err.errcode,
            errmsg: err.errmsg,
            duration_ms: duration,
            detail: { attempt: r.attempts },
          });
          return finish(
            r,
            'failed',
            { action: 'invalidate', outcome: 'rejected', errcode: err.errcode, errmsg: err.errmsg },
            info,
          );
        }
        const lost = err instanceof OutcomeUnknownError;
        auditRow(r, {
          action: 'outbox_attempt',
          outcome: lost ? 'unknown' : 'failed',
          errcode: err instanceof WeChatApiError ? err.errcode : null,
          errmsg: info.key,
          duration_ms: duration,
          detail: { attempt: r.attempts, retry_in_ms: backoff(r.attempts) },
        });
        if (lost && r.attempts === 1) {
          deps.audit.appendResult(r.nonce, {
            action: 'invalidate',
            outcome: 'unknown',
            errmsg: info.key,
          });
        }
        const next = setState(r, lost ? 'unknown' : 'pending', {
          error: info,
          nextAt: deps.now() + backoff(r.attempts),
        });
        schedule(id, backoff(r.attempts));
        return next;
      }
    } finally {
      running.delete(id);
    }
  }

  return {
    /** Writes the row and the audit intent together, then tries at once. */
    async enqueueAndSend(input: EnqueueInput): Promise<OutboxItem> {
      const nonce = randomUUID();
      const now = deps.now();
      const id = db
        .transaction(() => {
          const res = q.insert.run({
            nonce,
            code: input.code,
            card_id: input.cardId ?? null,
            reason: input.reason,
            operator_id: input.operatorId ?? null,
            supervisor_id: input.supervisorId ?? null,
            now,
          });
          const outboxId = Number(res.lastInsertRowid);
          deps.audit.appendIntent({
            action: 'invalidate',
            code: input.code,
            card_id: input.cardId ?? null,
            operator_id: input.operatorId ?? null,
            nonce,
            detail: {
              reason: input.reason,
              outbox_id: outboxId,
              ...(input.supervisorId ? { supervisor_id: input.supervisorId } : {}),
            },
          });
          deps.audit.append({
            action: 'outbox_enqueue',
            outcome: 'queued',
            code: input.code,
            card_id: input.cardId ?? null,
            operator_id: input.operatorId ?? null,
            nonce,
            detail: { outbox_id: outboxId, kind: 'invalidate' },
          });
          return outboxId;
        })
        .immediate();
      deps.onChange?.();
      const after = await attempt(id);
      return toItem(after ?? row(id)!);
    },
    /** Starts the worker: every open row is tried (at start-up: after a restart). */
    start() {
      for (const r of q.open.all() as Row[]) schedule(r.id, 0);
    },
    retryNow(id: number): OutboxItem | undefined {
      const r = row(id);
      if (!r) return undefined;
      if (r.state === 'pending' || r.state === 'unknown') {
        setState(r, r.state, { nextAt: deps.now() });
        schedule(id, 0);
      }
      return toItem(row(id)!);
    },
    cancel(id: number, by: string | undefined, why: string): OutboxItem | undefined {
      const r = row(id);
      if (!r) return undefined;
      if (r.state !== 'pending' && r.state !== 'unknown') return toItem(r);
      clearTimeout(timers.get(id));
      db.transaction(() => {
        setState(r, 'cancelled', { nextAt: null });
        deps.audit.append({
          action: 'outbox_cancel',
          outcome: 'cancelled',
          code: r.code,
          card_id: r.card_id,
          operator_id: by ?? null,
          nonce: r.nonce,
          detail: { outbox_id: r.id, why, state_before: r.state },
        });
        deps.audit.appendResult(r.nonce, {
          action: 'invalidate',
          outcome: 'cancelled',
          operator_id: by ?? null,
          detail: { why },
        });
      }).immediate();
      return toItem(row(id)!);
    },
    get(id: number) {
      const r = row(id);
      return r && toItem(r);
    },
    list(includeClosed: boolean): OutboxItem[] {
      const rows = (includeClosed ? q.all.all() : q.open.all()) as Row[];
      return rows.map(toItem);
    },
    openCount(): number {
      return q.openCount.get() as number;
    },
    /** An open invalidation of this code: the counter blocks it meanwhile. */
    openFor(code: string): OutboxItem | undefined {
      const r = q.openForCode.get(code) as Row | undefined;
      return r && toItem(r);
    },
    lastFor(code: string): OutboxItem | undefined {
      const r = q.lastForCode.get(code) as Row | undefined;
      return r && toItem(r);
    },
    close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
