/**
 * What one exchange means for the caller: a value, a rejected token, a transient failure a
 * read may retry, or a final error. The rules (see docs/wechat-client.md):
 * - an errcode answer means the platform refused and did nothing: WeChatApiError;
 * - 40001/40014/42001 rejected the token before the call was looked at: refresh and resend;
 * - for reads, network errors, timeouts, 5xx and errcode -1 are transient;
 * - for writes, anything that leaves the result unknown after the request may have arrived
 *   (timeout or reset once connected, 5xx, -1, an unreadable answer) is OutcomeUnknownError,
 *   and a failure before the connection was up is WeChatUnavailableError.
 */
import type { z } from 'zod';
import type { AppError, ErrorParams } from '../../shared/errors';
import {
  Envelope,
  SYSTEM_BUSY,
  TOKEN_REJECTED_ERRCODES,
  type CallKind,
  type WeChatCall,
} from '../../shared/wechat';
import { OutcomeUnknownError, WeChatApiError, WeChatUnavailableError } from './errors';
import type { Exchange } from './http';
import { redact } from './redact';

export type Verdict<T> =
  | { type: 'ok'; value: T }
  | { type: 'token_rejected'; error: WeChatApiError }
  /** A read may be sent again; `error` is what to throw once the attempts are used up. */
  | { type: 'transient'; error: AppError }
  | { type: 'final'; error: AppError };

export interface CallContext<S extends z.ZodType> {
  call: WeChatCall;
  kind: CallKind;
  schema: S;
  totalMs: number;
  /** Values to mask in any text that ends up in an error (token, secret). */
  secrets: readonly string[];
  /** A merchant's token service is not WeChat: its failures get their own messages. */
  tokenService?: boolean;
  /** The call carried an access_token, so a token errcode can be recovered by a refresh. */
  usesToken?: boolean;
}

export function interpret<S extends z.ZodType>(
  ctx: CallContext<S>,
  ex: Exchange,
): Verdict<z.output<S>> {
  const isWrite = ctx.kind === 'write';

  if (ex.type === 'failed') {
    const cause = new Error(redact(`${ex.code}: ${ex.message}`, ctx.secrets));
    if (isWrite && ex.sent) {
      return final(
        new OutcomeUnknownError(
          ctx.call,
          ex.timedOut ? 'timeout' : 'connection_lost',
          {},
          { cause },
        ),
      );
    }
    const error = ex.timedOut
      ? new WeChatUnavailableError(
          ctx.call,
          'timeout',
          'wechat.timeout',
          { seconds: Math.round(ctx.totalMs / 100) / 10 },
          { cause },
        )
      : new WeChatUnavailableError(
          ctx.call,
          'network',
          ctx.tokenService ? 'wechat.token_service_network' : 'wechat.network',
          {},
          { cause },
        );
    return isWrite ? final(error) : transient(error);
  }

  const { status } = ex;
  if (status >= 500) {
    if (isWrite) return final(new OutcomeUnknownError(ctx.call, 'http_status', { status }));
    return transient(httpStatusError(ctx, status));
  }

  // A non-2xx answer without an errcode comes from a proxy or a wrong base URL: it refused
  // the request rather than losing an answer, so it is never "outcome unknown".
  const is2xx = status >= 200 && status < 300;
  let json: unknown;
  try {
    json = JSON.parse(ex.text);
  } catch {
    return is2xx ? malformed(ctx, 'the answer is not JSON') : final(httpStatusError(ctx, status));
  }
  // The common answer, errcode 0 or none, goes straight to the call's own schema; anything
  // else is read through Envelope first.
  if (!isPlainSuccess(json)) {
    const envelope = Envelope.safeParse(json);
    if (!envelope.success) {
      return is2xx
        ? malformed(ctx, describeIssues(envelope.error))
        : final(httpStatusError(ctx, status));
    }
    const errcode = envelope.data.errcode ?? 0;
    if (errcode !== 0) return refused(ctx, errcode, envelope.data.errmsg ?? '');
  }

  if (!is2xx) return final(httpStatusError(ctx, status));

  const parsed = ctx.schema.safeParse(json);
  if (!parsed.success) return malformed(ctx, describeIssues(parsed.error));
  return { type: 'ok', value: parsed.data };
}

/**
 * What Envelope.safeParse accepts with errcode 0 or none, checked without zod (one parse less
 * on every successful call): an object, not an array, whose errcode is 0 or absent and whose
 * errmsg is a string or absent. Anything else goes through Envelope, as before.
 */
export function isPlainSuccess(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const { errcode, errmsg } = json as { errcode?: unknown; errmsg?: unknown };
  return (
    (errcode === undefined || errcode === 0) && (errmsg === undefined || typeof errmsg === 'string')
  );
}

/** An errcode answer: the platform refused and did nothing (or, for -1, may have). */
function refused<T>(ctx: CallContext<z.ZodType>, errcode: number, message: string): Verdict<T> {
  const isWrite = ctx.kind === 'write';
  const errmsg = redact(message, ctx.secrets);
  if (errcode === SYSTEM_BUSY) {
    if (isWrite) {
      // "System busy" after the request arrived does not prove nothing was done.
      return final(
        new OutcomeUnknownError(ctx.call, 'system_busy', { errcode }, { errcode, errmsg }),
      );
    }
    return transient(
      new WeChatUnavailableError(
        ctx.call,
        'system_busy',
        'wechat.errcode_-1',
        { errcode },
        { errcode, errmsg },
      ),
    );
  }
  const error = new WeChatApiError(ctx.call, errcode, errmsg);
  if (ctx.usesToken && TOKEN_REJECTED_ERRCODES.has(errcode)) {
    return { type: 'token_rejected', error };
  }
  return final(error);
}

function httpStatusError(ctx: CallContext<z.ZodType>, status: number): AppError {
  const key = ctx.tokenService ? 'wechat.token_service_http' : 'wechat.http_status';
  return new WeChatUnavailableError(ctx.call, 'http_status', key, { status });
}

function malformed<T>(ctx: CallContext<z.ZodType>, detail: string): Verdict<T> {
  const params: ErrorParams = { detail };
  if (ctx.kind === 'write') {
    return final(new OutcomeUnknownError(ctx.call, 'malformed_response', params));
  }
  const key = ctx.tokenService ? 'wechat.token_service_malformed' : 'wechat.malformed_response';
  return final(new WeChatUnavailableError(ctx.call, 'malformed_response', key, params));
}

/** The first problems zod found, by path: enough for IT to see what was wrong, no values. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`)
    .join('; ');
}

function final<T>(error: AppError): Verdict<T> {
  return { type: 'final', error };
}

function transient<T>(error: AppError): Verdict<T> {
  return { type: 'transient', error };
}
