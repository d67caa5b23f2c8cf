/**
 * What a step of a write came to: the errors of a send sorted into "rejected" (about the
 * code: final), "not done" (nothing happened: it may pass) and "unknown" (the answer was lost),
 * and the state, row patch and audit result each of them leads to. Pure: no I/O, no clock.
 */
import type { NewAuditRecord } from '../../../shared/audit';
import { AppError, type ErrorInfo } from '../../../shared/errors';
import {
  reasonText,
  REFUND_REASONS,
  utf8Bytes,
  type RefundReasonKey,
} from '../../../shared/refund-reason';
import { classifyErrcode } from '../../../shared/wechat/errcode-class';
import type { WriteKind, WriteState } from '../../../shared/writes';
import { OutcomeUnknownError, WeChatApiError } from '../../wechat';
import { toItem, type RowPatch, type WriteRow } from './store';
import type { WriteItem } from '../../../shared/writes';
import { backoffMs, type WriteTimings } from './timings';

/** What became of a write the caller asked for, as far as is known now. */
export type WriteOutcome =
  /** WeChat confirmed it. */
  | 'applied'
  /** WeChat refused for a reason about the code: final. */
  | 'rejected'
  /** Certainly not done (a consume: the cashier may try again). */
  | 'not_applied'
  /** Certainly not done yet: an invalidation waits in the queue. */
  | 'queued'
  /** Sent, answer lost (or not recorded): being settled. */
  | 'unknown'
  /** Another write of this code is open here (the item is that one). */
  | 'busy'
  /** This terminal already did this to the code (the item is that write). */
  | 'done_here';

export interface WriteResult {
  outcome: WriteOutcome;
  item: WriteItem;
  error?: ErrorInfo;
}

export type SendOutcome =
  | { type: 'ok'; cardId?: string | undefined }
  | { type: 'rejected'; error: AppError & { errcode?: number; errmsg?: string } }
  | { type: 'not_done'; error: AppError }
  | { type: 'unknown'; error: AppError };

export const ACTION: Record<WriteKind, 'redeem' | 'invalidate'> = {
  consume: 'redeem',
  invalidate: 'invalidate',
};

/** Why a send failed: only an errcode about the code is final; a lost answer is unknown. */
export function classifySendError(err: unknown): SendOutcome {
  if (err instanceof OutcomeUnknownError) return { type: 'unknown', error: err };
  if (err instanceof WeChatApiError) {
    return classifyErrcode(err.errcode) === 'code'
      ? { type: 'rejected', error: err }
      : { type: 'not_done', error: err };
  }
  // Unavailable before sending, a missing setting, a token that could not be fetched: the
  // request never left. Anything else is a bug whose moment we cannot know: settle it.
  if (err instanceof AppError && err.kind !== 'internal') return { type: 'not_done', error: err };
  return {
    type: 'unknown',
    error: new AppError('outcome_unknown', 'wechat.outcome_unknown', { reason: 'internal' }),
  };
}

/**
 * A failure before the write left (building the client, the status read): nothing was sent.
 * An errcode about the code (40056: no such code) is final; anything else may pass.
 */
export function notSent(err: unknown): SendOutcome {
  const out = classifySendError(err);
  if (out.type === 'rejected') return out;
  const error = out.type === 'ok' ? new AppError('internal', 'errors.internal') : out.error;
  return { type: 'not_done', error };
}

/**
 * The errcode WeChat would answer for a write to a code in this status, when the write can
 * never apply: consumed already (40099), or invalidated already (40127).
 */
export function alreadyDone(kind: WriteKind, status: string): number | undefined {
  if (status === 'CONSUMED') return 40099;
  if (kind === 'invalidate' && status === 'UNAVAILABLE') return 40127;
  return undefined;
}

/** The reason sent with an invalidation: cut to 64 bytes only for rows queued by old versions. */
export function reasonFor(row: WriteRow): string {
  const key = (REFUND_REASONS as readonly string[]).includes(row.reason_key ?? '')
    ? (row.reason_key as RefundReasonKey)
    : 'other';
  let note = key === row.reason_key ? (row.note ?? '') : (row.reason_key ?? row.note ?? '');
  let text = reasonText(key, note);
  while (utf8Bytes(text) > 64 && note.length > 0) {
    note = Array.from(note).slice(0, -1).join('');
    text = reasonText(key, note);
  }
  return text;
}

/** sending → applied | rejected | not_applied | queued | settling, with its result record. */
export function conclusion(
  row: WriteRow,
  out: SendOutcome & { statusBefore?: string },
  durationMs: number,
  ctx: { now: number; timings: WriteTimings },
): { to: WriteState; patch: RowPatch; result: NewAuditRecord } {
  const action = ACTION[row.kind];
  const base = { action, duration_ms: durationMs };
  const before = out.statusBefore ? { status_before: out.statusBefore } : {};
  let to: WriteState;
  let patch: RowPatch = {};
  let result: NewAuditRecord;
  switch (out.type) {
    case 'ok':
      to = 'applied';
      patch = {
        last_error: null,
        ...(out.cardId && !row.card_id ? { card_id: out.cardId } : {}),
      };
      result = {
        ...base,
        outcome: 'ok',
        errcode: 0,
        ...(out.cardId ? { card_id: out.cardId } : {}),
        detail: before,
      };
      break;
    case 'rejected':
      to = 'rejected';
      patch = { last_error: out.error.toInfo() };
      result = {
        ...base,
        outcome: 'rejected',
        errcode: out.error.errcode ?? null,
        errmsg: out.error.errmsg ?? null,
        detail: before,
      };
      break;
    case 'not_done': {
      const info = out.error.toInfo();
      const detail = { error: info.key, attempt: row.attempts, ...before };
      if (row.kind === 'consume') {
        to = 'not_applied';
        patch = { last_error: info };
        result = {
          ...base,
          outcome: 'failed',
          errcode: info.errcode ?? null,
          errmsg: info.errmsg ?? info.key,
          detail,
        };
      } else {
        to = 'queued';
        const nextAt = ctx.now + backoffMs(ctx.timings, row.attempts);
        patch = { last_error: info, next_at: nextAt };
        result = {
          ...base,
          outcome: 'queued',
          errcode: info.errcode ?? null,
          errmsg: info.errmsg ?? info.key,
          detail: { ...detail, retry_at: nextAt },
        };
      }
      break;
    }
    case 'unknown': {
      const info = out.error.toInfo();
      to = 'settling';
      const at = ctx.now;
      patch = { last_error: info, unknown_at: at, next_at: at };
      result = {
        ...base,
        outcome: 'unknown',
        errmsg: String(info.params.reason ?? info.key),
        detail: { reason: info.params.reason ?? info.key, ...before },
      };
      break;
    }
  }
  return { to, patch, result };
}

export function outcomeOf(row: WriteRow): WriteOutcome {
  switch (row.state) {
    case 'applied':
    case 'settled':
      return 'applied';
    case 'rejected':
      return 'rejected';
    case 'not_applied':
      return 'not_applied';
    case 'queued':
      return 'queued';
    default:
      return 'unknown';
  }
}

export function resultOf(row: WriteRow, extra: { error?: ErrorInfo } = {}): WriteResult {
  const item = toItem(row);
  const error = extra.error ?? item.lastError;
  return {
    outcome: outcomeOf(row),
    item,
    ...(error && row.state !== 'applied' ? { error } : {}),
  };
}
