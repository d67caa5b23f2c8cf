/**
 * Which WeChat the terminal talks to, built from the settings: the built-in sandbox (started
 * in-process on a free loopback port, or one a test passes in) or the real API (or a
 * merchant's proxy) with the configured token provider. Rebuilt when settings change; the
 * token cache is persisted (encrypted) so a restart does not fetch a new token. A stored secret
 * is handed to a provider only for the address it was entered for (secret-endpoints.ts), and
 * Live mode talks https (plain http to this computer only), whatever the settings file says.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ConnectionTestInputParsed } from '../../shared/ops/account';
import { AppError, toErrorInfo } from '../../shared/errors';
import { isSecureEndpoint, type Settings } from '../../shared/settings';
import { startSandbox, type RunningSandbox } from '../sandbox';
import {
  createClassicTokenProvider,
  createFileTokenCache,
  createMemoryTokenCache,
  createSandboxTokenProvider,
  createStableTokenProvider,
  createTokenServiceProvider,
  createWeChatClient,
  type TokenCache,
  type TokenProvider,
  type WeChatClient,
} from '../wechat';
import { withEndpoints, type EndpointSecrets } from './account/secret-endpoints';
import type { SecretProtector, SecretStore } from './account/secret-store';

export interface ConnectionDeps {
  dataDir: string;
  secrets: SecretStore;
  protector: SecretProtector;
  /** A sandbox started by the caller (tests); else one is started in-process when needed. */
  sandbox?: RunningSandbox | undefined;
  /** Clock for token expiry; the sandbox's clock in tests. */
  now?: () => number;
  /** Test-only: timeouts below the settings' minimums (the chaos suite runs in seconds). */
  timeouts?: { connectMs: number; totalMs: number } | undefined;
}

/** The built-in sandbox's state, kept in the data folder so Sandbox mode survives a restart. */
export const SANDBOX_STATE_FILE = 'sandbox-state.json';

interface ProviderConfig {
  mode: Settings['mode'];
  live: Settings['live'];
  baseUrl: string;
  connectMs: number;
  totalMs: number;
  appSecret?: string | undefined;
  tokenServiceAuth?: string | undefined;
  /** A secret is stored, but for another address: it is not sent, and the error says why. */
  appSecretElsewhere?: boolean;
  tokenServiceAuthElsewhere?: boolean;
}

/** Live mode sends the AppSecret, credentials and tokens over https, or to this computer. */
function requireSecure(url: string) {
  if (!isSecureEndpoint(url))
    throw new AppError('invalid_input', 'errors.endpoint_not_secure', { url });
}

/** Which stored secrets a connection may use. */
export interface StoredSecretUse {
  /** False during set-up: a terminal being set up never uses a secret it did not just receive. */
  stored: boolean;
}

export class WeChatConnection {
  private sandbox: RunningSandbox | undefined;
  private ownsSandbox = false;
  /**
   * The client in use, the fingerprint of its configuration, and the settings object and
   * secrets version it was last checked against.
   */
  private current:
    { client: WeChatClient; key: string; settings: Settings; secretsVersion: number } | undefined;
  private readonly secrets: EndpointSecrets;

  constructor(private readonly deps: ConnectionDeps) {
    this.sandbox = deps.sandbox;
    this.secrets = withEndpoints(deps.secrets);
  }

  /** The built-in sandbox (started on first use in Sandbox mode). */
  async ensureSandbox(): Promise<RunningSandbox> {
    if (!this.sandbox) {
      this.sandbox = await startSandbox({
        port: 0,
        stateFile: path.join(this.deps.dataDir, SANDBOX_STATE_FILE),
      });
      this.ownsSandbox = true;
    }
    return this.sandbox;
  }

  get runningSandbox(): RunningSandbox | undefined {
    return this.sandbox;
  }

  private tokenCache(kind: string, persisted: boolean): TokenCache {
    if (!persisted) return createMemoryTokenCache();
    const protector = this.deps.protector;
    return createFileTokenCache(path.join(this.deps.dataDir, `token-${kind}.bin`), {
      encrypt: (plain) => protector.encrypt(plain),
      decrypt: (data) => protector.decrypt(data),
    });
  }

  private async provider(
    cfg: ProviderConfig,
    persisted: boolean,
  ): Promise<{ provider: TokenProvider; baseUrl: string }> {
    const now = this.deps.now;
    const common = {
      ...(now ? { now } : {}),
      timeouts: { connectMs: cfg.connectMs, totalMs: cfg.totalMs },
    };
    if (cfg.mode === 'sandbox') {
      const sb = await this.ensureSandbox();
      return {
        baseUrl: sb.url,
        provider: createSandboxTokenProvider({
          ...common,
          baseUrl: sb.url,
          appid: sb.app.appid,
          secret: sb.app.secret,
          cache: createMemoryTokenCache(),
        }),
      };
    }
    const { live } = cfg;
    requireSecure(cfg.baseUrl);
    if (live.provider === 'token_service') {
      if (!live.tokenServiceUrl)
        throw new AppError('invalid_input', 'errors.token_service_url_missing');
      requireSecure(live.tokenServiceUrl);
      if (!cfg.tokenServiceAuth && cfg.tokenServiceAuthElsewhere) {
        throw new AppError('invalid_input', 'errors.token_service_auth_other_endpoint', {
          url: live.tokenServiceUrl,
        });
      }
      return {
        baseUrl: cfg.baseUrl,
        provider: createTokenServiceProvider({
          ...common,
          url: live.tokenServiceUrl,
          ...(cfg.tokenServiceAuth ? { headers: { Authorization: cfg.tokenServiceAuth } } : {}),
          cache: this.tokenCache('service', persisted),
        }),
      };
    }
    if (!cfg.appSecret && cfg.appSecretElsewhere) {
      throw new AppError('invalid_input', 'errors.app_secret_other_endpoint', { url: cfg.baseUrl });
    }
    if (!live.appId || !cfg.appSecret)
      throw new AppError('invalid_input', 'errors.live_credentials_missing');
    const make =
      live.provider === 'classic' ? createClassicTokenProvider : createStableTokenProvider;
    return {
      baseUrl: cfg.baseUrl,
      provider: make({
        ...common,
        baseUrl: cfg.baseUrl,
        appid: live.appId,
        secret: cfg.appSecret,
        cache: this.tokenCache(`${live.provider}-${live.appId}`, persisted),
      }),
    };
  }

  /** The settings' provider, with the stored secrets entered for exactly these addresses. */
  private config(settings: Settings, use: StoredSecretUse = { stored: true }): ProviderConfig {
    const baseUrl = settings.api.baseUrl;
    const serviceUrl = settings.live.tokenServiceUrl;
    const stored = (name: 'appSecret' | 'tokenServiceAuth', url: string) =>
      use.stored ? this.secrets.valueFor(name, url) : undefined;
    const elsewhere = (name: 'appSecret' | 'tokenServiceAuth', url: string) =>
      use.stored && this.secrets.storedElsewhere(name, url);
    return {
      mode: settings.mode,
      live: settings.live,
      baseUrl,
      connectMs: this.deps.timeouts?.connectMs ?? settings.api.connectTimeoutMs,
      totalMs: this.deps.timeouts?.totalMs ?? settings.api.totalTimeoutMs,
      appSecret: stored('appSecret', baseUrl),
      tokenServiceAuth: stored('tokenServiceAuth', serviceUrl),
      appSecretElsewhere: elsewhere('appSecret', baseUrl),
      tokenServiceAuthElsewhere: elsewhere('tokenServiceAuth', serviceUrl),
    };
  }

  /** The client for the settings in force, built once per distinct configuration. */
  async client(settings: Settings): Promise<WeChatClient> {
    const secretsVersion = this.deps.secrets.version;
    const current = this.current;
    // Every lookup asks: the settings object the client was last checked against, with the
    // secrets unchanged since, is the same configuration, without reading the secrets file four
    // times and hashing (about 0.3 ms of each counter lookup, bench:lookup).
    if (current?.settings === settings && current.secretsVersion === secretsVersion) {
      return current.client;
    }
    const cfg = this.config(settings);
    // A fingerprint, so a changed secret builds a new client without keeping the secret here.
    const key = createHash('sha256').update(JSON.stringify(cfg)).digest('hex');
    if (current?.key === key) {
      this.current = { ...current, settings, secretsVersion };
      return current.client;
    }
    const { provider, baseUrl } = await this.provider(cfg, true);
    const client = createWeChatClient({
      baseUrl,
      tokens: provider,
      timeouts: { connectMs: cfg.connectMs, totalMs: cfg.totalMs },
    });
    this.current = { client, key, settings, secretsVersion };
    return client;
  }

  /** Forgets the client so the next call builds one from the new settings and secrets. */
  invalidate() {
    this.current = undefined;
  }

  /**
   * Fetches a token with the given (unsaved) settings and reports what a manager can act on. A
   * secret typed in the request is used as is; a stored one only for the address it was entered
   * for, and never during set-up (`use.stored` false).
   */
  async test(input: ConnectionTestInputParsed, settings: Settings, use: StoredSecretUse) {
    const started = performance.now();
    const tried: Settings = {
      ...settings,
      mode: input.mode,
      ...(input.live ? { live: input.live } : {}),
      api: { ...settings.api, ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}) },
    };
    const cfg: ProviderConfig = {
      ...this.config(tried, use),
      ...(input.appSecret ? { appSecret: input.appSecret } : {}),
      ...(input.tokenServiceAuth ? { tokenServiceAuth: input.tokenServiceAuth } : {}),
    };
    const providerName = cfg.mode === 'sandbox' ? 'sandbox' : cfg.live.provider;
    try {
      const { provider } = await this.provider(cfg, false);
      await provider.getToken();
      return {
        ok: true,
        key: 'errors.connection_ok',
        params: {},
        provider: providerName,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      const info = toErrorInfo(err);
      return {
        ok: false,
        key: info.key,
        params: info.params,
        ...(info.errcode !== undefined ? { errcode: info.errcode } : {}),
        provider: providerName,
        durationMs: Math.round(performance.now() - started),
      };
    }
  }

  async close() {
    if (this.ownsSandbox) await this.sandbox?.close();
    this.sandbox = undefined;
  }
}
