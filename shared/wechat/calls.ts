/**
 * The WeChat calls CardDesk makes, by the name errors and logs use (the URL path without the
 * leading slash), and whether each is a read or a write. Reads are safe to repeat; writes
 * change something on the platform and are never repeated blindly.
 */
export const WECHAT_API_CALLS = {
  'card/code/get': 'read',
  'card/code/decrypt': 'read',
  'card/get': 'read',
  'card/batchget': 'read',
  'card/user/getcardlist': 'read',
  'datacube/getcardbizuininfo': 'read',
  'datacube/getcardcardinfo': 'read',
  'datacube/getcardmembercardinfo': 'read',
  'datacube/getcardmembercarddetail': 'read',
  'card/code/consume': 'write',
  'card/code/unavailable': 'write',
  'card/code/update': 'write',
  'card/update': 'write',
  'card/modifystock': 'write',
  'card/delete': 'write',
} as const satisfies Record<string, CallKind>;

export type CallKind = 'read' | 'write';
export type WeChatApiCall = keyof typeof WECHAT_API_CALLS;

/** Token fetches: the two WeChat endpoints and a merchant's own token service. */
export const TOKEN_CALLS = ['cgi-bin/token', 'cgi-bin/stable_token', 'token_service'] as const;
export type TokenCall = (typeof TOKEN_CALLS)[number];

export type WeChatCall = WeChatApiCall | TokenCall;
