/**
 * The WeChat client's tests run against the real sandbox over HTTP. One sandbox per test
 * file, reset before each test; a fresh token provider and client per test so no token leaks
 * from one test into the next.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox';
import type { CodeSnapshot } from '../../../electron/sandbox';
import {
  createMemoryTokenCache,
  createSandboxTokenProvider,
  createWeChatClient,
  type TokenCache,
  type TokenProvider,
  type WeChatClient,
  type WeChatClientOptions,
} from '../../../electron/wechat';

/** Tuesday 10 March 2026, 10:00 in Shanghai: inside every demo card's validity. */
export const SANDBOX_START = Date.UTC(2026, 2, 10, 2, 0, 0);

/** Short enough to keep the suite fast, long enough for a loaded CI machine. */
export const FAST = {
  timeouts: { connectMs: 1_000, totalMs: 1_500 },
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
} as const;

export interface Rig {
  sb: RunningSandbox;
  /** A new provider and client on this sandbox (the sandbox's clock, unless told otherwise). */
  connect(opts?: {
    cache?: TokenCache;
    now?: () => number;
    client?: Partial<Omit<WeChatClientOptions, 'baseUrl' | 'tokens'>>;
  }): { tokens: TokenProvider; client: WeChatClient };
  /** Calls that reached the sandbox on `path` since the last reset. */
  count(path: string): number;
}

export function useSandbox(): Rig {
  let sb: RunningSandbox | undefined;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, startTime: SANDBOX_START, frozenClock: true });
  });
  afterAll(async () => {
    await sb?.close();
  });
  beforeEach(() => {
    sb?.sim.reset();
  });
  const get = (): RunningSandbox => {
    if (!sb) throw new Error('the sandbox has not started');
    return sb;
  };
  return {
    get sb() {
      return get();
    },
    connect(opts = {}) {
      const s = get();
      const tokens = createSandboxTokenProvider({
        baseUrl: s.url,
        appid: s.app.appid,
        secret: s.app.secret,
        cache: opts.cache ?? createMemoryTokenCache(),
        now: opts.now ?? (() => s.sim.clock.now()),
        ...FAST,
      });
      const client = createWeChatClient({ baseUrl: s.url, tokens, ...FAST, ...opts.client });
      return { tokens, client };
    },
    count(path) {
      return get().sim.callCount(path);
    },
  };
}

/** A code that can be consumed now, on a card without custom codes. */
export function redeemable(sb: RunningSandbox, index = 0): CodeSnapshot {
  const custom = new Set(
    sb.sim
      .cards()
      .filter((c) => c.use_custom_code)
      .map((c) => c.card_id),
  );
  const codes = sb.sim
    .codes({ status: 'NORMAL' })
    .filter((c) => c.can_consume && !custom.has(c.card_id));
  const code = codes[index];
  if (!code) throw new Error(`no redeemable code #${index} in the seed`);
  return code;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, got a value');
}
