/**
 * The client's errors. All are AppErrors, so they cross the contract as {kind, key, params,
 * errcode?, errmsg?} and the renderer shows the `wechat.*` message for the key:
 * - WeChatApiError ('wechat'): WeChat answered with a non-zero errcode; nothing was done.
 * - WeChatUnavailableError ('unavailable'): no usable answer, and nothing was changed by us
 *   (a read that failed after its retries, or a write that never left this machine).
 * - OutcomeUnknownError ('outcome_unknown'): a write was sent but its answer was lost; it may
 *   or may not have been applied, and the caller must settle it before doing it again.
 */
import { AppError, type ErrorParams } from '../../shared/errors';
import { wechatErrcodeKey, type WeChatCall } from '../../shared/wechat';

export class WeChatApiError extends AppError {
  declare readonly errcode: number;
  declare readonly errmsg: string;
  readonly call: WeChatCall;

  constructor(call: WeChatCall, errcode: number, errmsg: string) {
    const params: ErrorParams = { errcode, call };
    if (errcode === 40164) params.ip = whitelistIp(errmsg);
    super('wechat', wechatErrcodeKey(errcode), params, { errcode, errmsg });
    this.name = 'WeChatApiError';
    this.call = call;
  }
}

/** 40164's errmsg names the caller's address ("invalid ip 1.2.3.4 ipv6 ..., not in whitelist"). */
function whitelistIp(errmsg: string): string {
  return /invalid ip ([0-9a-fA-F:.]+)/.exec(errmsg)?.[1] ?? '?';
}

export type UnavailableReason =
  'network' | 'timeout' | 'http_status' | 'system_busy' | 'malformed_response';

export class WeChatUnavailableError extends AppError {
  readonly call: WeChatCall;
  readonly reason: UnavailableReason;

  constructor(
    call: WeChatCall,
    reason: UnavailableReason,
    key: string,
    params: ErrorParams = {},
    extra: { errcode?: number; errmsg?: string; cause?: unknown } = {},
  ) {
    super('unavailable', key, { call, ...params }, extra);
    this.name = 'WeChatUnavailableError';
    this.call = call;
    this.reason = reason;
  }
}

export type OutcomeUnknownReason =
  'timeout' | 'connection_lost' | 'http_status' | 'system_busy' | 'malformed_response';

export class OutcomeUnknownError extends AppError {
  readonly call: WeChatCall;
  readonly reason: OutcomeUnknownReason;

  constructor(
    call: WeChatCall,
    reason: OutcomeUnknownReason,
    params: ErrorParams = {},
    extra: { errcode?: number; errmsg?: string; cause?: unknown } = {},
  ) {
    super('outcome_unknown', 'wechat.outcome_unknown', { call, reason, ...params }, extra);
    this.name = 'OutcomeUnknownError';
    this.call = call;
    this.reason = reason;
  }
}
