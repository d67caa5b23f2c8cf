/**
 * access_token issuance and checking, with the platform's rules (see wechat-api-facts.md):
 * - /cgi-bin/token issues a new token on every call; the previous one keeps working for a
 *   5-minute grace period, then answers 40001. This is how two terminals sharing an AppID
 *   knock each other out, and the sandbox must reproduce it.
 * - /cgi-bin/stable_token (normal mode) hands every caller the same token and renews it only
 *   in its last 5 minutes; force_refresh replaces it at once and is rate limited.
 * - The two kinds are independent of each other, as on the platform.
 * Tokens are derived from a counter with HMAC, so the same sequence of calls yields the same
 * tokens on every run.
 */
import { createHmac } from 'node:crypto';
import type { SandboxClock } from './clock';
import { WxError } from './errcodes';
import { shanghaiDay } from './shanghai-time';

export const TOKEN_TTL_MS = 7200 * 1000;
export const SUPERSEDED_GRACE_MS = 5 * 60 * 1000;
export const STABLE_RENEW_BEFORE_MS = 5 * 60 * 1000;
export const FORCE_REFRESH_MIN_GAP_MS = 30 * 1000;
export const FORCE_REFRESH_DAILY_LIMIT = 20;

/** Anything else cannot be a token the platform issued: 40014 rather than 40001. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,512}$/;

type TokenKind = 'token' | 'stable';

interface TokenRecord {
  token: string;
  appid: string;
  kind: TokenKind;
  issuedAt: number;
  expiresAt: number;
  /** Set when a newer token replaced this one; the token stops working at this instant. */
  invalidAt?: number;
}

export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

/** One issued token as the sandbox remembers it, the token itself left out. */
export interface TokenIssue {
  appid: string;
  kind: TokenKind;
  issuedAt: number;
  expiresAt: number;
  /** Set when a newer token replaced this one: it stopped working at this instant. */
  invalidAt?: number;
}

export interface AppCredentials {
  appid: string;
  secret: string;
}

export class TokenStore {
  private readonly byToken = new Map<string, TokenRecord>();
  private readonly latestPlain = new Map<string, TokenRecord>();
  private readonly currentStable = new Map<string, TokenRecord>();
  private readonly forceRefresh = new Map<string, { last: number; day: number; count: number }>();
  private seq = 0;

  constructor(
    private readonly apps: readonly AppCredentials[],
    private readonly clock: SandboxClock,
  ) {}

  reset(): void {
    this.byToken.clear();
    this.latestPlain.clear();
    this.currentStable.clear();
    this.forceRefresh.clear();
    this.seq = 0;
  }

  /** Checks appid and secret the way the token endpoints do. */
  authenticate(appid: string | undefined, secret: string | undefined): string {
    if (!appid) throw new WxError(41002);
    if (!secret) throw new WxError(41004);
    const app = this.apps.find((a) => a.appid === appid);
    if (!app) throw new WxError(40013);
    if (app.secret !== secret) throw new WxError(40125);
    return app.appid;
  }

  /** GET /cgi-bin/token: always a new token; the previous one enters its grace period. */
  issue(appid: string): IssuedToken {
    const now = this.clock.now();
    const previous = this.latestPlain.get(appid);
    if (previous)
      previous.invalidAt = Math.min(previous.invalidAt ?? Infinity, now + SUPERSEDED_GRACE_MS);
    const record = this.mint(appid, 'token', now);
    this.latestPlain.set(appid, record);
    return { access_token: record.token, expires_in: TOKEN_TTL_MS / 1000 };
  }

  /** POST /cgi-bin/stable_token. */
  stable(appid: string, force: boolean): IssuedToken {
    const now = this.clock.now();
    const current = this.currentStable.get(appid);
    if (!force) {
      if (current && now < current.expiresAt - STABLE_RENEW_BEFORE_MS) {
        return {
          access_token: current.token,
          expires_in: Math.floor((current.expiresAt - now) / 1000),
        };
      }
      // In its last minutes (or gone) it is renewed; the old one still runs out its own life.
      const record = this.mint(appid, 'stable', now);
      this.currentStable.set(appid, record);
      return { access_token: record.token, expires_in: TOKEN_TTL_MS / 1000 };
    }
    const day = shanghaiDay(Math.floor(now / 1000));
    const quota = this.forceRefresh.get(appid);
    if (quota && now - quota.last < FORCE_REFRESH_MIN_GAP_MS)
      throw new WxError(45011, 'force_refresh at most every 30 s');
    const countToday = quota && quota.day === day ? quota.count : 0;
    if (countToday >= FORCE_REFRESH_DAILY_LIMIT)
      throw new WxError(45009, 'force_refresh at most 20 times a day');
    this.forceRefresh.set(appid, { last: now, day, count: countToday + 1 });
    // Force refresh invalidates the previous stable token at once (platform docs: "会导致上次
    // 获取的 access_token 失效"); unverified whether a grace period applies, so none is given.
    if (current) current.invalidAt = Math.min(current.invalidAt ?? Infinity, now);
    const record = this.mint(appid, 'stable', now);
    this.currentStable.set(appid, record);
    return { access_token: record.token, expires_in: TOKEN_TTL_MS / 1000 };
  }

  /**
   * Every token issued since start or the last reset, oldest first, without the token itself:
   * when it was issued, when it runs out, and when a newer one replaced it (if one did). The
   * benchmark counts expiries from this rather than from the time elapsed.
   */
  issued(): TokenIssue[] {
    return [...this.byToken.values()].map((r) => ({
      appid: r.appid,
      kind: r.kind,
      issuedAt: r.issuedAt,
      expiresAt: r.expiresAt,
      ...(r.invalidAt !== undefined ? { invalidAt: r.invalidAt } : {}),
    }));
  }

  /**
   * The app a token belongs to, or the errcode the platform gives:
   * missing 41001; not token-shaped 40014; well-formed but never issued 40001; replaced and
   * past its grace period 40001; past its 7200 s 42001 (whichever ended it first).
   */
  check(token: string | undefined): string {
    if (token === undefined || token === '') throw new WxError(41001);
    if (!TOKEN_SHAPE.test(token)) throw new WxError(40014);
    const record = this.byToken.get(token);
    if (!record) throw new WxError(40001);
    const now = this.clock.now();
    const invalidAt = record.invalidAt ?? Infinity;
    if (invalidAt <= now && invalidAt < record.expiresAt) throw new WxError(40001);
    if (record.expiresAt <= now) throw new WxError(42001);
    return record.appid;
  }

  private mint(appid: string, kind: TokenKind, now: number): TokenRecord {
    this.seq += 1;
    const mac = (part: number) =>
      createHmac('sha512', 'carddesk-sandbox-token')
        .update(`${appid}:${kind}:${this.seq}:${part}`)
        .digest('base64url');
    // Shaped like a real token: "<2 digits>_<~150 url-safe characters>".
    const token = `${String(80 + (this.seq % 20))}_${(mac(1) + mac(2)).slice(0, 150)}`;
    const record: TokenRecord = {
      token,
      appid,
      kind,
      issuedAt: now,
      expiresAt: now + TOKEN_TTL_MS,
    };
    this.byToken.set(token, record);
    return record;
  }
}
