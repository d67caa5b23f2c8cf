/**
 * The one durable engine for writes to WeChat that must happen at most once: code/consume
 * (redeem) and code/unavailable (invalidate, for refunds). One table, one state machine (see
 * shared/writes.ts), one settling rule (settle-rule.ts), one backoff (timings.ts).
 *
 * - The intent is on disk, in the same transaction as its row, before the request leaves.
 * - Every later step is a compare-and-set of the row's state with its audit record.
 * - A write whose answer was lost, or that a crash left in flight, is never sent again until a
 *   code/get read taken after the settling window says it did not happen.
 * - A code with an open write here gets no other write (the table allows one per code).
 * - A consume refused for the terminal's own reasons (quota, network before sending) is closed
 *   as not done, and the cashier may try again; a refused invalidation waits in the queue and
 *   is sent again with backoff (the customer has gone; a supervisor sees the queue).
 */
import type { AuditTables } from '../../audit';
import { randomUUID } from 'node:crypto';
import type { NewAuditRecord } from '../../../shared/audit';
import { AppError } from '../../../shared/errors';
import { reasonText, utf8Bytes, type RefundReasonKey } from '../../../shared/refund-reason';
import type { WriteItem, WriteKind, WriteState } from '../../../shared/writes';
import { WeChatApiError, type WeChatClient } from '../../wechat';
import { noCrash, type CrashHook } from './crash-points';
import {
  ACTION,
  alreadyDone,
  classifySendError,
  conclusion,
  notSent,
  reasonFor,
  resultOf,
  type SendOutcome,
  type WriteResult,
} from './outcomes';
import { settleDecision, type Observed } from './settle-rule';
import {
  createWriteStore,
  notInState,
  toItem,
  type AuditPort,
  type RowPatch,
  type WriteRow,
} from './store';
import { backoffMs, WriteTimings, type WriteTimingsInput } from './timings';

export type { WriteOutcome, WriteResult } from './outcomes';

export interface WriteEngineDeps {
  db: AuditTables;
  audit: AuditPort;
  /** The audit log's file, for storage errors' messages. */
  file?: string;
  client(): Promise<WeChatClient>;
  /** The WeChat writes go to now (writeEnvironment of the settings in force). */
  env(): string;
  /** Wall clock (unix ms): what records and screens show. */
  now(): number;
  /** Monotonic clock (ms): what the settling window is counted on. */
  monoNow?: () => number;
  timings?: WriteTimingsInput;
  /** The settling window in force (a setting); the timings' own when absent. */
  settleWindowMs?: () => number;
  crash?: CrashHook;
}

export function createWriteEngine(deps: WriteEngineDeps) {
  const timings = WriteTimings.parse(deps.timings ?? {});
  const mono = deps.monoNow ?? (() => performance.now());
  const crash = deps.crash ?? noCrash;
  const store = createWriteStore(deps.db, deps.audit, deps.now, deps.file);
  /** Monotonic moment each open write's settling window starts (its send, or our start). */
  const windowStart = new Map<number, number>();
  /** Rows being worked on by this process right now (or held back after a storage error). */
  const busy = new Set<number>();
  /** Storage errors in a row, per row: the hold-back grows with them. */
  const failures = new Map<number, number>();
  /** Conclusions whose records could not be written (disk full...): retried by the pump. */
  const unrecorded = new Map<number, () => WriteRow | undefined>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /**
   * Codes a rename here (card/code/update) is under way for, old name and new: no write of them
   * begins meanwhile, as a rename never starts while one is open (see holdForRename).
   */
  const renaming = new Set<string>();
  let startedAt = mono();

  const windowMs = () => deps.settleWindowMs?.() ?? timings.settleWindowMs;

  function settleGap(): number {
    return Math.max(1, Math.ceil(windowMs() / (timings.settleReads - 1)));
  }

  // ---- sending ------------------------------------------------------------------------------

  /**
   * Reads the code's status for a row in `checking`. The read comes after the intent is on
   * disk, so a code someone else redeemed (or invalidated) before our intent existed is seen
   * here: never sent to, and never claimed as ours when an answer is lost later.
   */
  async function check(
    row: WriteRow,
  ): Promise<{ client: WeChatClient; status: string } | (SendOutcome & { statusBefore?: string })> {
    let client: WeChatClient;
    try {
      client = await deps.client();
    } catch (err) {
      return notSent(err);
    }
    let status: string;
    try {
      const r = await client.codeGet({
        code: row.code,
        ...(row.card_id ? { card_id: row.card_id } : {}),
        check_consume: false,
      });
      status = r.user_card_status;
    } catch (err) {
      if (err instanceof WeChatApiError && err.errcode === 40099) status = 'CONSUMED';
      else return notSent(err);
    }
    const already = alreadyDone(row.kind, status);
    if (!already) return { client, status };
    return {
      type: 'rejected',
      statusBefore: status,
      error: new WeChatApiError(
        row.kind === 'consume' ? 'card/code/consume' : 'card/code/unavailable',
        already,
        `not sent: the code was ${status} already`,
      ),
    };
  }

  /** Sends a row in `sending` (its status checked and recorded). */
  async function send(row: WriteRow, client: WeChatClient, statusBefore: string) {
    // The settling window counts from the moment the request leaves (the last one, should the
    // token be refreshed and the write sent once more).
    const hooks = { beforeRequest: () => windowStart.set(row.id, mono()) };
    try {
      const card = row.card_id ? { card_id: row.card_id } : {};
      windowStart.set(row.id, mono());
      crash('request_out');
      if (row.kind === 'consume') {
        const res = await client.codeConsume({ code: row.code, ...card }, hooks);
        return { type: 'ok' as const, cardId: res.card?.card_id, statusBefore };
      }
      await client.codeUnavailable({ code: row.code, ...card, reason: reasonFor(row) }, hooks);
      return { type: 'ok' as const, statusBefore };
    } catch (err) {
      return { ...classifySendError(err), statusBefore };
    }
  }

  /**
   * Writes a step's conclusion; when the disk refuses, keeps it to write later and says so
   * (never "failed": the answer is known). A crash meanwhile leaves the row where it was, and
   * the next start settles it from the code's status.
   */
  function record(
    row: WriteRow,
    from: WriteState,
    step: { to: WriteState; patch: RowPatch; result: NewAuditRecord },
  ): WriteResult {
    const write = () =>
      store.transition(row.id, [from], step.to, step.patch, { result: step.result });
    try {
      const after = write();
      if (!after) return resultOf(store.get(row.id) ?? row);
      if (after.state === 'settling' || after.state === 'queued') pump();
      return resultOf(after);
    } catch (err) {
      // The caller is told the outcome is unknown: once written, it shows in the notices.
      const toldAt = deps.now();
      unrecorded.set(row.id, () =>
        store.transition(
          row.id,
          [from],
          step.to,
          { ...step.patch, unknown_at: step.patch.unknown_at ?? toldAt },
          { result: step.result },
        ),
      );
      schedule(timings.retryMinMs);
      const cause = err instanceof AppError ? err.key : 'errors.internal';
      return {
        outcome: 'unknown',
        item: toItem(row),
        error: new AppError('storage', 'errors.result_not_saved', {
          answer: step.to,
          cause,
        }).toInfo(),
      };
    }
  }

  /** Takes a row in `checking` through the status read, the send and their records. */
  async function checkSendAndRecord(row: WriteRow): Promise<WriteResult> {
    const started = performance.now();
    const checked = await check(row);
    if ('type' in checked) {
      // Nothing was sent: the status says it can never apply, or could not be read.
      crash('before_result');
      return record(
        row,
        'checking',
        conclusion(row, checked, performance.now() - started, { now: deps.now(), timings }),
      );
    }
    const sending = store.transition(
      row.id,
      ['checking'],
      'sending',
      { sent_at: deps.now() },
      {
        append: [
          {
            action: 'send',
            outcome: 'pending',
            detail: { status_before: checked.status, attempt: row.attempts },
          },
        ],
      },
    );
    if (!sending) return resultOf(store.get(row.id) ?? row);
    crash('after_check');
    const out = await send(sending, checked.client, checked.status);
    crash('after_answer');
    const step = conclusion(sending, out, performance.now() - started, {
      now: deps.now(),
      timings,
    });
    crash('before_result');
    return record(sending, 'sending', step);
  }

  async function begin(
    kind: WriteKind,
    input: {
      code: string;
      cardId?: string | undefined;
      operatorId?: string | undefined;
      supervisorId?: string | undefined;
      reasonKey?: RefundReasonKey;
      note?: string;
    },
  ): Promise<WriteResult> {
    if (closed) throw new AppError('unavailable', 'errors.shutting_down');
    if (renaming.has(input.code)) throw new AppError('invalid_input', 'errors.code_renaming');
    const done = store.lastDone(input.code, kind);
    if (done) return { outcome: 'done_here', item: toItem(done) };
    crash('before_intent');
    const nonce = randomUUID();
    const begun = store.begin(
      {
        kind,
        code: input.code,
        env: deps.env(),
        cardId: input.cardId,
        operatorId: input.operatorId,
        supervisorId: input.supervisorId,
        reasonKey: input.reasonKey,
        note: input.note,
      },
      nonce,
      {
        action: ACTION[kind],
        operator_id: input.operatorId ?? null,
        detail:
          kind === 'invalidate'
            ? {
                reason: input.reasonKey ?? null,
                note: input.note ?? '',
                ...(input.supervisorId ? { supervisor_id: input.supervisorId } : {}),
              }
            : {},
      },
    );
    if ('blockedBy' in begun) return { outcome: 'busy', item: toItem(begun.blockedBy) };
    crash('after_intent');
    return checkSendAndRecord(begun.row);
  }

  // ---- settling -----------------------------------------------------------------------------

  async function read(row: WriteRow): Promise<Observed | { error: AppError }> {
    try {
      const client = await deps.client();
      const r = await client.codeGet({
        code: row.code,
        ...(row.card_id ? { card_id: row.card_id } : {}),
        check_consume: false,
      });
      return { status: r.user_card_status };
    } catch (err) {
      // 40099 "consumed" is a status for a consume (accounts that answer check_consume with
      // errcodes). Anything else, 40056 included, proves nothing: the code existed when the
      // write was sent (its status was read), so "no such code" now is a read that failed.
      if (row.kind === 'consume' && err instanceof WeChatApiError && err.errcode === 40099) {
        return { status: 'CONSUMED' };
      }
      return { error: err instanceof AppError ? err : new AppError('internal', 'errors.internal') };
    }
  }

  async function settleOnce(row: WriteRow): Promise<void> {
    const readMono = mono();
    const windowFrom = windowStart.get(row.id) ?? startedAt;
    const windowPassed = readMono >= windowFrom + windowMs();
    const started = performance.now();
    const observed = await read(row);
    crash('after_settle_read');
    const duration = performance.now() - started;
    const reads = row.reads + 1;
    if ('error' in observed) {
      const info = observed.error.toInfo();
      store.transition(
        row.id,
        ['settling'],
        'settling',
        {
          reads,
          last_error: info,
          next_at: deps.now() + backoffMs(timings, Math.min(reads, 30)),
        },
        {
          append: [
            {
              action: 'settle',
              outcome: 'failed',
              errcode: info.errcode ?? null,
              errmsg: info.errmsg ?? info.key,
              duration_ms: duration,
              detail: { read: reads },
            },
          ],
        },
      );
      return;
    }
    const status = observed.status;
    let decision = settleDecision(row.kind, observed, windowPassed);
    // At most one write of a kind per code can ever have happened: one this terminal already
    // did (confirmed or settled) is the one, never a second.
    if (decision === 'done' && store.lastDone(row.code, row.kind)) decision = 'not_done';
    const readRecord: NewAuditRecord = {
      action: 'settle',
      outcome: 'ok',
      errcode: 0,
      duration_ms: duration,
      detail: { read: reads, status, window_passed: windowPassed, decision },
    };
    const action = ACTION[row.kind];
    if (decision === 'done') {
      store.transition(
        row.id,
        ['settling'],
        'settled',
        { reads, last_status: status, last_error: null },
        {
          append: [readRecord],
          result: {
            action,
            outcome: 'settled',
            errcode: 0,
            // code/get cannot say who changed the code: our answer was lost, so it is counted as
            // ours but marked as not confirmed here.
            detail: {
              settled: true,
              confirmed_here: false,
              result: row.kind === 'consume' ? 'redeemed' : 'invalidated',
              status,
              reads,
            },
          },
        },
      );
    } else if (decision === 'not_done' && row.kind === 'consume') {
      store.transition(
        row.id,
        ['settling'],
        'not_applied',
        { reads, last_status: status },
        {
          append: [readRecord],
          result: {
            action,
            outcome: 'failed',
            errcode: 0,
            detail: { settled: true, result: 'not_redeemed', status, reads },
          },
        },
      );
    } else if (decision === 'not_done') {
      // It did not happen: back in the queue, sent again after the usual backoff, so a
      // supervisor can cancel it meanwhile.
      store.transition(
        row.id,
        ['settling'],
        'queued',
        {
          reads,
          last_status: status,
          next_at: deps.now() + backoffMs(timings, row.attempts),
        },
        {
          append: [readRecord],
          result: { action, outcome: 'queued', detail: { settled: true, status, reads } },
        },
      );
      windowStart.delete(row.id);
    } else {
      const left = windowFrom + windowMs() - mono();
      // Whole milliseconds: next_at is an INTEGER column (a fraction would be refused).
      const delay = left <= 0 ? 0 : Math.min(settleGap(), Math.ceil(left) + 1);
      store.transition(
        row.id,
        ['settling'],
        'settling',
        {
          reads,
          last_status: status,
          last_error: null,
          next_at: deps.now() + delay,
        },
        { append: [readRecord] },
      );
    }
  }

  /** queued → checking (a send attempt), then the status read and the send. */
  async function sendQueued(row: WriteRow): Promise<void> {
    const attempts = row.attempts + 1;
    const claimed = store.transition(
      row.id,
      ['queued'],
      'checking',
      { attempts },
      {
        append: [{ action: 'outbox_attempt', outcome: 'pending', detail: { attempt: attempts } }],
      },
    );
    if (!claimed) return; // cancelled, or taken, meanwhile
    await checkSendAndRecord(claimed);
  }

  // ---- the pump -----------------------------------------------------------------------------

  function schedule(delayMs: number) {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, Math.min(delayMs, 2 ** 31 - 1)));
    timer.unref?.();
  }

  /** Sets the timer for the next due write. */
  function pump() {
    if (closed) return;
    if (unrecorded.size > 0) return schedule(timings.retryMinMs);
    const next = store.nextDue(deps.env(), busy);
    if (next === null) {
      clearTimeout(timer);
      return;
    }
    // Never wait longer than any delay this engine sets: a clock set back must not stall it.
    schedule(Math.min(next - deps.now(), longestDelay()));
  }

  function longestDelay(): number {
    return Math.max(timings.retryMaxMs, windowMs()) + 1_000;
  }

  function flushUnrecorded() {
    for (const [id, record] of unrecorded) {
      try {
        record();
        unrecorded.delete(id);
      } catch {
        // still failing: the next pump tries again
      }
    }
  }

  async function work(row: WriteRow) {
    if (busy.has(row.id) || unrecorded.has(row.id)) return;
    busy.add(row.id);
    let hold = 0;
    try {
      if (row.state === 'queued') await sendQueued(row);
      else if (row.state === 'settling') await settleOnce(row);
      failures.delete(row.id);
    } catch {
      // The disk refused a record: the row is unchanged. It is held back with backoff, so the
      // reads before the write do not hammer WeChat (and its daily quota) meanwhile.
      const n = (failures.get(row.id) ?? 0) + 1;
      failures.set(row.id, n);
      hold = backoffMs(timings, n);
    } finally {
      if (hold > 0) {
        const t = setTimeout(() => {
          busy.delete(row.id);
          pump();
        }, hold);
        t.unref?.();
      } else {
        busy.delete(row.id);
      }
      pump();
    }
  }

  function run() {
    if (closed) return;
    flushUnrecorded();
    const now = deps.now();
    for (const row of store.due(deps.env(), now, now + longestDelay())) void work(row);
    pump();
  }

  return {
    timings,

    redeem(input: { code: string; cardId?: string | undefined; operatorId?: string | undefined }) {
      return begin('consume', input);
    },

    invalidate(input: {
      code: string;
      cardId?: string | undefined;
      reasonKey: RefundReasonKey;
      note: string;
      operatorId?: string | undefined;
      supervisorId?: string | undefined;
    }) {
      if (utf8Bytes(reasonText(input.reasonKey, input.note)) > 64) {
        throw new AppError('invalid_input', 'errors.reason_too_long', { max: 64 });
      }
      return begin('invalidate', input);
    },

    /** The open write of this code here, if any: the code is blocked for others meanwhile. */
    openFor(code: string): WriteItem | undefined {
      const r = store.openFor(code);
      return r && toItem(r);
    },

    /**
     * Claims `codes` (a custom code's old and new names) for a rename: none may have an open
     * write here, and no write of them begins until `release` is called. Checked and claimed
     * at once, so a redemption cannot slip in between the check and the rename's calls.
     * Refused (with the error to say) when one of them has an open write, or is being renamed
     * already.
     */
    holdForRename(codes: string[]): { release: () => void } | { refused: AppError } {
      if (codes.some((c) => store.openFor(c))) {
        return { refused: new AppError('invalid_input', 'errors.write_pending') };
      }
      if (codes.some((c) => renaming.has(c))) {
        return { refused: new AppError('invalid_input', 'errors.code_renaming') };
      }
      for (const c of codes) renaming.add(c);
      return {
        release: () => {
          for (const c of codes) renaming.delete(c);
        },
      };
    },

    /**
     * This terminal's writes of the coupon called `from` follow it to `to`, so "redeemed (or
     * refunded) here" stays with the coupon, and the old name, free for another coupon once
     * renamed, has none. Called before the rename is sent (a crash or a lost answer after it
     * must find them moved); returns how to take the move back, for a rename that certainly
     * did not apply. Moved wrongly, a write only loses its "here": WeChat's status of the code
     * still refuses a second redemption or refund, whereas one left behind would answer for
     * another coupon.
     */
    renamed(from: string, to: string): () => void {
      const ids = store.renameCode(from, to);
      return () => store.setCode(ids, from);
    },

    /** The write of this kind this terminal did to the code (confirmed or settled), if any. */
    doneHere(code: string, kind: WriteKind): WriteItem | undefined {
      const r = store.lastDone(code, kind);
      return r && toItem(r);
    },

    get(id: number): WriteItem | undefined {
      const r = store.get(id);
      return r && toItem(r);
    },

    list(kind: WriteKind, includeClosed: boolean): WriteItem[] {
      return store.list(kind, includeClosed).map(toItem);
    },

    openCounts() {
      return store.openCounts();
    },

    /** Open writes and those closed lately after their answer was lost (counter notices). */
    pending(): { open: WriteItem[]; settled: WriteItem[] } {
      return {
        open: store.open().map(toItem),
        settled: store.settledSince(deps.now() - timings.keepSettledMs).map(toItem),
      };
    },

    /** Cancels a queued invalidation. Refused while it may be out (sending or settling). */
    cancel(id: number, by: string | undefined, why: string): WriteItem {
      const row = store.get(id);
      if (!row || row.kind !== 'invalidate') {
        throw new AppError('invalid_input', 'errors.outbox_unknown', { id });
      }
      const after = store.transition(
        id,
        ['queued'],
        'cancelled',
        {},
        {
          result: {
            action: 'invalidate',
            outcome: 'cancelled',
            operator_id: by ?? null,
            detail: { why },
          },
        },
      );
      if (!after) {
        const now = store.get(id);
        throw now &&
          (now.state === 'checking' || now.state === 'sending' || now.state === 'settling')
          ? new AppError('invalid_input', 'errors.write_in_flight', { id })
          : notInState(now, 'cancel');
      }
      pump();
      return toItem(after);
    },

    /** Takes a queued write (send) or a settling one (read) up now. */
    retryNow(id: number): WriteItem {
      const row = store.get(id);
      if (!row) throw new AppError('invalid_input', 'errors.outbox_unknown', { id });
      if (row.state === 'queued' || row.state === 'settling') {
        store.transition(id, [row.state], row.state, { next_at: deps.now() });
        pump();
      }
      return toItem(store.get(id) ?? row);
    },

    /**
     * Starts the worker. Writes a crash left `sending` may have been sent: they are settled,
     * never sent again blindly, and their window starts now (the process that sent them is
     * gone, and with it its clock). Writes it left `checking` were certainly not sent: a
     * redemption is closed as not done, a refund goes back to the queue.
     */
    start() {
      startedAt = mono();
      for (const row of store.open()) {
        windowStart.set(row.id, startedAt);
        if (row.state === 'checking') {
          const at = deps.now();
          const consume = row.kind === 'consume';
          store.transition(
            row.id,
            ['checking'],
            consume ? 'not_applied' : 'queued',
            consume ? {} : { next_at: at },
            {
              result: {
                action: ACTION[row.kind],
                outcome: consume ? 'failed' : 'queued',
                errmsg: 'restart',
                detail: { reason: 'restart', sent: false },
              },
            },
          );
        } else if (row.state === 'sending') {
          const at = deps.now();
          store.transition(
            row.id,
            ['sending'],
            'settling',
            { unknown_at: at, next_at: at },
            {
              result: {
                action: ACTION[row.kind],
                outcome: 'unknown',
                errmsg: 'restart',
                detail: { reason: 'restart' },
              },
            },
          );
        }
      }
      pump();
    },

    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

export type WriteEngine = ReturnType<typeof createWriteEngine>;
