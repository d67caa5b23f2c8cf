/**
 * One back-office call, one audit record: ok (or settled) with what the handler reports,
 * rejected when WeChat (or the checks before sending) refused, failed when WeChat could not be
 * reached, unknown when a write's answer was lost.
 */
import type { NewAuditRecord } from '../../../shared/audit';
import { AppError, toErrorInfo } from '../../../shared/errors';
import type { AuditAppend } from '../../audit';
import { OutcomeUnknownError, WeChatApiError, WeChatUnavailableError } from '../../wechat';
import type { CallContext, OperatorOf } from '../call-context';

type Outcome = NewAuditRecord['outcome'];

export interface AuditNote {
  action: string;
  card_id?: string | undefined;
  code?: string | undefined;
  detail?: Record<string, unknown>;
}

/** What a handler reports for the audit record beside its value. */
export interface Done<T> {
  value: T;
  outcome?: Outcome;
  detail?: Record<string, unknown>;
}

export function createAudited(ctx: { audit: AuditAppend; operatorOf: OperatorOf }) {
  return async function audited<T>(
    call: CallContext,
    note: AuditNote,
    run: () => Promise<Done<T>>,
  ): Promise<T> {
    const started = performance.now();
    const base = {
      action: note.action,
      operator_id: ctx.operatorOf(call),
      card_id: note.card_id ?? null,
      code: note.code ?? null,
    };
    try {
      const done = await run();
      ctx.audit.append({
        ...base,
        outcome: done.outcome ?? 'ok',
        errcode: done.outcome === 'failed' ? null : 0,
        duration_ms: performance.now() - started,
        detail: { ...note.detail, ...done.detail },
      });
      return done.value;
    } catch (err) {
      const record = {
        ...base,
        duration_ms: performance.now() - started,
      };
      if (err instanceof WeChatApiError) {
        ctx.audit.append({
          ...record,
          outcome: 'rejected',
          errcode: err.errcode,
          errmsg: err.errmsg,
          detail: { ...note.detail, call: err.call },
        });
      } else if (err instanceof OutcomeUnknownError) {
        ctx.audit.append({
          ...record,
          outcome: 'unknown',
          errmsg: err.reason,
          detail: { ...note.detail, call: err.call, reason: err.reason },
        });
      } else if (err instanceof AppError && err.kind === 'invalid_input') {
        ctx.audit.append({
          ...record,
          outcome: 'rejected',
          detail: { ...note.detail, refused_before_sending: err.key, ...err.params },
        });
      } else {
        const info = toErrorInfo(err);
        ctx.audit.append({
          ...record,
          outcome: 'failed',
          errmsg: info.key,
          detail: {
            ...note.detail,
            ...(err instanceof WeChatUnavailableError
              ? { call: err.call, reason: err.reason }
              : {}),
          },
        });
      }
      throw err;
    }
  };
}
