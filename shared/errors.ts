/**
 * The one error shape that crosses the contract. A service throws an AppError; the host
 * serialises it as `ErrorInfo`; the renderer turns it back into an AppError and shows the
 * translated message (`key` + `params`, see shared/i18n) with the errcode in small type.
 */
import { z } from 'zod';

export const ErrorKind = z.enum([
  /** The input was rejected before any service ran. */
  'invalid_input',
  /** The operator may not do this (role, not signed in, locked). */
  'forbidden',
  /** WeChat (or the sandbox) answered with a non-zero errcode. */
  'wechat',
  /** The network or the platform failed; nothing was changed by us. */
  'unavailable',
  /** A write was sent but its answer was lost: it may or may not have happened. */
  'outcome_unknown',
  /** The local data (audit log, settings) cannot be used. */
  'storage',
  /** Anything else: a bug. */
  'internal',
]);
export type ErrorKind = z.infer<typeof ErrorKind>;

export const ErrorInfo = z.object({
  kind: ErrorKind,
  /** An i18n key under `errors.` (see shared/i18n/messages). */
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  errcode: z.number().int().optional(),
  errmsg: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export type ErrorParams = Record<string, string | number>;

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly key: string;
  readonly params: ErrorParams;
  readonly errcode?: number;
  readonly errmsg?: string;

  constructor(
    kind: ErrorKind,
    key: string,
    params: ErrorParams = {},
    extra: { errcode?: number; errmsg?: string; cause?: unknown } = {},
  ) {
    super(`${key}${Object.keys(params).length ? ' ' + JSON.stringify(params) : ''}`, {
      cause: extra.cause,
    });
    this.name = 'AppError';
    this.kind = kind;
    this.key = key;
    this.params = params;
    if (extra.errcode !== undefined) this.errcode = extra.errcode;
    if (extra.errmsg !== undefined) this.errmsg = extra.errmsg;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { kind: this.kind, key: this.key, params: this.params };
    if (this.errcode !== undefined) info.errcode = this.errcode;
    if (this.errmsg !== undefined) info.errmsg = this.errmsg;
    return info;
  }

  static fromInfo(info: ErrorInfo): AppError {
    return new AppError(info.kind, info.key, info.params, {
      ...(info.errcode !== undefined ? { errcode: info.errcode } : {}),
      ...(info.errmsg !== undefined ? { errmsg: info.errmsg } : {}),
    });
  }
}

/** Any thrown value as ErrorInfo; unknown errors become `internal` without leaking details. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return err.toInfo();
  return { kind: 'internal', key: 'errors.internal', params: {} };
}
