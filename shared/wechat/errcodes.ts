/**
 * The errcodes CardDesk has a message for (shared/i18n/messages/wechat.ts, key
 * `wechat.errcode_<n>`), and the ones with a special meaning for the client.
 */

/** The facts table, plus the token-fetch and request errcodes a manager may meet. */
export const WECHAT_ERRCODES = [
  -1, 40001, 40014, 42001, 40125, 40164, 45009, 45011, 40056, 40099, 40127, 40116, 40078, 40079,
  40100, 40122, 41012, 43009, 45030, 45031, 61500, 61501,
  // beyond the facts table: token fetch and request shape
  40002, 40013, 41001, 41002, 41004, 40071, 40073, 40075, 40097, 41009, 41011, 45021, 47001, 48001,
] as const;
export type KnownErrcode = (typeof WECHAT_ERRCODES)[number];

const KNOWN: ReadonlySet<number> = new Set(WECHAT_ERRCODES);

export function isKnownErrcode(errcode: number): errcode is KnownErrcode {
  return KNOWN.has(errcode);
}

/**
 * The platform rejected the access token itself, before acting on the call: refreshing the
 * token and sending the call again is safe, even for a write.
 */
export const TOKEN_REJECTED_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** -1: "system busy, try again later". */
export const SYSTEM_BUSY = -1;

/** The i18n key for an errcode: `wechat.errcode_40099`, or `wechat.errcode_unknown`. */
export function wechatErrcodeKey(errcode: number): string {
  return isKnownErrcode(errcode) ? `wechat.errcode_${errcode}` : 'wechat.errcode_unknown';
}
