/**
 * What a WeChat errcode says, classified once for every path that reads a code or writes to
 * it (the lookup, the durable write engine, the verdict):
 *
 * - `code`: about the code or its card. The customer's coupon cannot be used: red, final.
 * - `terminal`: about this terminal, the account, its quota or its permissions. Nothing is
 *   wrong with the coupon as far as we know; a manager must act (grey, with the action). A
 *   write refused this way did not happen and may be sent again once it is fixed.
 * - `transient`: the platform is busy or rate-limited for a moment: grey, try again.
 *
 * An errcode not listed is `terminal`: we cannot tell what it says about the coupon, so the
 * cashier must never see it as a red "do not accept" (that is a claim about the coupon) nor as
 * anything green.
 */

export type ErrcodeClass = 'code' | 'terminal' | 'transient';

/** Each errcode with its class and why it is there. */
const CLASSES: Record<number, { cls: ErrcodeClass; why: string }> = {
  // -- about the code or its card ---------------------------------------------------------
  40056: { cls: 'code', why: 'the code does not exist for this AppID or card, or was gifted away' },
  40099: { cls: 'code', why: 'the code has been consumed already' },
  40127: { cls: 'code', why: 'the code is deleted by the user, being gifted, or invalidated' },
  40079: { cls: 'code', why: 'outside the validity window: expired or not valid yet' },
  40075: { cls: 'code', why: 'the scanned encrypt_code is not one this AppID made' },
  40116: { cls: 'code', why: 'the code itself is not a valid code' },
  40073: { cls: 'code', why: 'the card id is not a card of this merchant' },
  40078: { cls: 'code', why: "the card's status does not allow it (deleted, under review)" },
  45030: { cls: 'code', why: "the card belongs to another account: not this merchant's coupon" },
  // -- about this terminal, the account or its permissions: a manager acts --------------------
  40001: { cls: 'terminal', why: 'the access token was refused even after a refresh' },
  40014: { cls: 'terminal', why: 'the access token is malformed: a token-service problem' },
  42001: { cls: 'terminal', why: 'the access token expired even after a refresh' },
  40125: { cls: 'terminal', why: 'the AppSecret is wrong' },
  40013: { cls: 'terminal', why: 'the AppID is wrong' },
  40164: { cls: 'terminal', why: "this terminal's IP address is not on the AppID's whitelist" },
  45009: { cls: 'terminal', why: "the account's daily API quota is used up until midnight" },
  48001: { cls: 'terminal', why: 'the account is not authorised for this API' },
  43009: { cls: 'terminal', why: 'the account has no custom-code permission' },
  41012: { cls: 'terminal', why: 'a custom-code card needs its card id: set it in Settings' },
  41001: { cls: 'terminal', why: 'no access token was sent: a configuration problem' },
  40002: { cls: 'terminal', why: 'token request malformed: a configuration problem' },
  41002: { cls: 'terminal', why: 'AppID missing: a configuration problem' },
  41004: { cls: 'terminal', why: 'AppSecret missing: a configuration problem' },
  47001: { cls: 'terminal', why: 'WeChat could not read our request: a bug here, not the coupon' },
  40097: { cls: 'terminal', why: 'invalid arguments in our request: a bug here, not the coupon' },
  41011: { cls: 'terminal', why: 'a required field was missing from our request' },
  45021: { cls: 'terminal', why: 'a field of our request was too long: checked before sending' },
  // -- transient ------------------------------------------------------------------------------
  [-1]: { cls: 'transient', why: 'system busy: try again in a moment' },
  45011: { cls: 'transient', why: 'called too often this minute: try again shortly' },
};

export function classifyErrcode(errcode: number): ErrcodeClass {
  return CLASSES[errcode]?.cls ?? 'terminal';
}
