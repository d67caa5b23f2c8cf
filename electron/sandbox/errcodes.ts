/**
 * The errcodes the sandbox answers with, and their errmsg texts. Texts follow what the real
 * platform sends (where it is known) so that SDKs which match on errmsg behave the same; the
 * choices the reference leaves open are listed in docs/sandbox.md.
 */
export const ERRMSG = {
  [-1]: 'system error',
  0: 'ok',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40056: 'invalid serial code',
  40071: 'invalid card type',
  40073: 'invalid card id',
  40075: 'invalid encrypt code',
  40078: 'invalid card status',
  40079: 'invalid time',
  40097: 'invalid args',
  40099: 'invalid code, this code has consumed.',
  40100: 'invalid time range',
  40116: 'invalid code',
  40122: 'invalid stock quantity',
  40125: 'invalid appsecret',
  40127:
    'invalid user-card status! Hint: the card was given to user, but may be deleted or set unavailable !',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41009: 'missing openid',
  41011: 'missing required fields',
  41012: 'missing card_id',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43009: 'no permission to use custom code',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  45021: 'field length over limit',
  45030: 'no api permission for this card_id',
  45031: 'stock is zero',
  47001: 'data format error',
  48001: 'api unauthorized',
  61500: 'date format error',
  61501: 'date range error',
} as const satisfies Record<number, string>;

export type Errcode = keyof typeof ERRMSG;

export function isKnownErrcode(n: number): n is Errcode {
  return Object.prototype.hasOwnProperty.call(ERRMSG, n);
}

/** The JSON body of an errcode answer. */
export interface WxErrorBody {
  errcode: number;
  errmsg: string;
}

/** A handler's refusal: the errcode plus an optional detail that goes into the errmsg. */
export class WxError extends Error {
  constructor(
    readonly errcode: Errcode,
    readonly detail?: string,
  ) {
    super(`${errcode} ${ERRMSG[errcode]}${detail ? ` (${detail})` : ''}`);
  }
}

/**
 * WeChat appends a request id to every error text ("... rid: 6597a8f4-1d0a4dbc-2e0a0b6b"),
 * the first part being the hex unix time. The sandbox does the same, deterministically, so
 * support-ticket style logging in the client has something realistic to record.
 */
export function formatErrmsg(errcode: number, detail: string | undefined, rid: string): string {
  const base = isKnownErrcode(errcode) ? ERRMSG[errcode] : 'system error';
  const hint = detail ? ` hint: [${detail}]` : '';
  return `${base}${hint} rid: ${rid}`;
}
