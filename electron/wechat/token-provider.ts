/**
 * Access-token providers. Every kind caches its token with its expiry (persisted through a
 * TokenCache), refreshes it ahead of expiry without making callers wait, fetches at most once
 * at a time however many callers ask (single-flight), and drops a token the platform rejected
 * only if it is still the current one, so a burst of rejected calls causes one fetch.
 */
import { TokenResponse, type TokenCall } from '../../shared/wechat';
import { DEFAULT_TIMEOUTS, createHttp, type Http, type HttpRequest, type Timeouts } from './http';
import { interpret } from './interpret';
import { backoffDelay, retryOptions, sleep, type RetryOptions } from './retry';
import { singleFlight } from './single-flight';
import type { TokenCache } from './token-cache';

export type TokenProviderKind = 'stable_token' | 'classic' | 'token_service' | 'sandbox';

export interface TokenProvider {
  readonly kind: TokenProviderKind;
  /** A token that is valid now, fetching one if needed. */
  getToken(): Promise<string>;
  /**
   * The platform rejected `failedToken` (40001, 40014, 42001). Forgets it if it is still the
   * cached token; if another caller already replaced it, does nothing. The next getToken()
   * then fetches (once, however many callers) or returns the replacement.
   */
  invalidate(failedToken: string): Promise<void>;
}

interface CommonOptions {
  cache: TokenCache;
  /** Unix ms; the sandbox's clock in tests. */
  now?: () => number;
  /**
   * Refresh this long before expiry (default 2 minutes). Keep it below 5 minutes with
   * stable_token: only in its last 5 minutes does the endpoint hand out a new token.
   */
  refreshMarginMs?: number;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryOptions>;
  random?: () => number;
}

export interface AppTokenOptions extends CommonOptions {
  baseUrl: string;
  appid: string;
  secret: string;
}

export interface TokenServiceOptions extends CommonOptions {
  /** GET answers {"access_token": "...", "expires_in": seconds}. */
  url: string;
  headers?: Record<string, string>;
}

export const DEFAULT_REFRESH_MARGIN_MS = 120_000;
/**
 * A token with less life than this left is not handed out: a call can take this long (its
 * timeouts and a retry), and a token that expires in flight comes back as 42001. A caller in
 * this window waits for the refresh (started at the margin, so normally already done).
 */
export const MIN_HANDOUT_LIFE_MS = 60_000;
/** After a failed background refresh, wait this long before the next one. */
const BACKGROUND_RETRY_PAUSE_MS = 10_000;

/** /cgi-bin/stable_token in normal mode: every terminal on the AppID gets the same token. */
export function createStableTokenProvider(opts: AppTokenOptions): TokenProvider {
  return appProvider('stable_token', 'cgi-bin/stable_token', opts, (base) => ({
    method: 'POST',
    url: `${base}/cgi-bin/stable_token`,
    body: JSON.stringify({
      grant_type: 'client_credential',
      appid: opts.appid,
      secret: opts.secret,
      force_refresh: false,
    }),
  }));
}

/**
 * /cgi-bin/token: every fetch issues a new token and ends the previous one after about 5
 * minutes, so two machines using it on one AppID knock each other out (40001).
 */
export function createClassicTokenProvider(opts: AppTokenOptions): TokenProvider {
  return appProvider('classic', 'cgi-bin/token', opts, (base) => {
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: opts.appid,
      secret: opts.secret,
    });
    return { method: 'GET', url: `${base}/cgi-bin/token?${query.toString()}` };
  });
}

/** The built-in simulator's app, through its stable_token endpoint. */
export function createSandboxTokenProvider(opts: AppTokenOptions): TokenProvider {
  return appProvider('sandbox', 'cgi-bin/stable_token', opts, (base) => ({
    method: 'POST',
    url: `${base}/cgi-bin/stable_token`,
    body: JSON.stringify({
      grant_type: 'client_credential',
      appid: opts.appid,
      secret: opts.secret,
      force_refresh: false,
    }),
  }));
}

/** A merchant's central token service, for chains that keep the AppSecret off the terminals. */
export function createTokenServiceProvider(opts: TokenServiceOptions): TokenProvider {
  const http = createHttp({ ...DEFAULT_TIMEOUTS, ...opts.timeouts });
  const request: HttpRequest = {
    method: 'GET',
    url: opts.url,
    headers: { Accept: 'application/json', ...opts.headers },
  };
  const secrets = Object.values(opts.headers ?? {});
  return cachingProvider('token_service', `token_service|${opts.url}`, opts, () =>
    fetchToken(http, 'token_service', request, secrets, opts, true),
  );
}

function appProvider(
  kind: TokenProviderKind,
  call: TokenCall,
  opts: AppTokenOptions,
  build: (base: string) => HttpRequest,
): TokenProvider {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const http = createHttp({ ...DEFAULT_TIMEOUTS, ...opts.timeouts });
  const request = build(base);
  return cachingProvider(kind, `${kind}|${base}|${opts.appid}`, opts, () =>
    fetchToken(http, call, request, [opts.secret], opts, false),
  );
}

interface Fetched {
  token: string;
  expiresInMs: number;
}

/** One token fetch, retried like a read (network errors, 5xx, -1) with backoff. */
async function fetchToken(
  http: Http,
  call: TokenCall,
  request: HttpRequest,
  secrets: readonly string[],
  opts: CommonOptions,
  tokenService: boolean,
): Promise<Fetched> {
  const retry = retryOptions(opts.retry);
  const random = opts.random ?? Math.random;
  const totalMs = opts.timeouts?.totalMs ?? DEFAULT_TIMEOUTS.totalMs;
  for (let attempt = 1; ; attempt++) {
    const exchange = await http.request(request);
    const ctx = {
      call,
      kind: 'read' as const,
      schema: TokenResponse,
      totalMs,
      secrets,
      tokenService,
    };
    const verdict = interpret(ctx, exchange);
    if (verdict.type === 'ok') {
      return { token: verdict.value.access_token, expiresInMs: verdict.value.expires_in * 1000 };
    }
    if (verdict.type === 'transient' && attempt < retry.attempts) {
      await sleep(backoffDelay(attempt, retry, random));
      continue;
    }
    throw verdict.error;
  }
}

interface Held {
  token: string;
  expiresAt: number;
  refreshAt: number;
  /** Handed out until then; after it, callers wait for the refresh. */
  handOutUntil: number;
}

/** A short-lived token (a token service's) keeps a floor of a quarter of its life. */
function handOutUntil(expiresAt: number, lifeMs: number): number {
  return expiresAt - Math.min(MIN_HANDOUT_LIFE_MS, lifeMs / 4);
}

function cachingProvider(
  kind: TokenProviderKind,
  scope: string,
  opts: CommonOptions,
  fetch: () => Promise<Fetched>,
): TokenProvider {
  const now = opts.now ?? Date.now;
  const margin = opts.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  let held: Held | undefined;
  let loaded = false;
  let backgroundPausedUntil = 0;

  const flight = singleFlight(async () => {
    const startedAt = now();
    const fetched = await fetch();
    // Counted from before the request: the token cannot outlive what the platform granted.
    const expiresAt = startedAt + fetched.expiresInMs;
    // A token that comes with little life left (a token service's, a stable token near its
    // end) is refreshed half-way instead of at once, so it is not fetched on every call.
    const refreshAt = expiresAt - Math.min(margin, fetched.expiresInMs / 2);
    held = {
      token: fetched.token,
      expiresAt,
      refreshAt,
      handOutUntil: handOutUntil(expiresAt, fetched.expiresInMs),
    };
    persist({ token: fetched.token, expiresAt, scope });
    return fetched.token;
  });

  function persist(value: Parameters<TokenCache['save']>[0]): void {
    try {
      opts.cache.save(value);
    } catch {
      // Persistence only saves a fetch after a restart; the token in memory still works.
    }
  }

  function current(): Held | undefined {
    if (!loaded) {
      loaded = true;
      let stored: ReturnType<TokenCache['load']>;
      try {
        stored = opts.cache.load();
      } catch {
        stored = undefined;
      }
      if (stored && stored.scope === scope && stored.expiresAt > now()) {
        held = {
          ...stored,
          refreshAt: stored.expiresAt - margin,
          handOutUntil: handOutUntil(stored.expiresAt, stored.expiresAt - now()),
        };
      }
    }
    return held;
  }

  return {
    kind,
    async getToken() {
      const h = current();
      const t = now();
      if (h && t < h.refreshAt) return h.token;
      if (h && t < h.handOutUntil) {
        // Still valid long enough for a call: answer at once and renew in the background.
        if (!flight.pending && t >= backgroundPausedUntil) {
          flight.run().catch(() => {
            backgroundPausedUntil = now() + BACKGROUND_RETRY_PAUSE_MS;
          });
        }
        return h.token;
      }
      // Expired, or too close to expiry to outlive a call: wait for the new token.
      return flight.run();
    },
    async invalidate(failedToken) {
      if (current()?.token !== failedToken) return;
      held = undefined;
      persist(undefined);
    },
  };
}
