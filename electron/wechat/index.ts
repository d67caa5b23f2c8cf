/**
 * The WeChat card API client and its access-token providers (plain Node). See
 * docs/wechat-client.md for the retry rules, the token providers and the persisted cache.
 */
export { createWeChatClient, type WeChatClient, type WeChatClientOptions } from './client';
export {
  OutcomeUnknownError,
  WeChatApiError,
  WeChatUnavailableError,
  type OutcomeUnknownReason,
  type UnavailableReason,
} from './errors';
export {
  createClassicTokenProvider,
  createSandboxTokenProvider,
  createStableTokenProvider,
  createTokenServiceProvider,
  DEFAULT_REFRESH_MARGIN_MS,
  type AppTokenOptions,
  type TokenProvider,
  type TokenProviderKind,
  type TokenServiceOptions,
} from './token-provider';
export {
  createFileTokenCache,
  createMemoryTokenCache,
  type CachedToken,
  type TokenCache,
  type TokenProtector,
} from './token-cache';
export { DEFAULT_TIMEOUTS, type Timeouts } from './http';
export { DEFAULT_RETRY, type RetryOptions } from './retry';
