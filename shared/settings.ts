/**
 * The terminal's settings: what the first-run wizard asks and what a manager can change.
 * Secrets (AppSecret, token-service credentials) are not part of these objects: they live
 * encrypted in their own file and the renderer only ever learns whether one is set.
 */
import { z } from 'zod';
import { Role } from './role';
import { DEFAULT_TIME_ZONE, TimeZoneSchema } from './time-zone';

export const TerminalIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'letters, digits, - and _ only (1 to 32)' });
export const OperatorIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, { message: 'letters, digits, . - and _ only (1 to 32)' });
export const PinSchema = z.string().regex(/^\d{4,8}$/, { message: 'a PIN is 4 to 8 digits' });
export const HttpUrlSchema = z
  .string()
  .trim()
  .max(512)
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        return false;
      }
    },
    { message: 'an http(s) URL' },
  )
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.username === '' && u.password === '';
      } catch {
        return true; // reported above
      }
    },
    // Settings are not secret: a key or password in the address would sit in settings.json,
    // the journal's settings changes and every log line that names the address.
    { message: 'no user name or password in the address: put credentials in their own field' },
  );

/** WeChat's own API: any other base URL is a proxy a manager must confirm (it sees every token). */
export const WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';
/** Hosts where plain http never leaves this computer (a local proxy, the chaos suite's sandbox). */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '[::1]', 'localhost'];

/**
 * One spelling per endpoint, to compare a saved address with a typed one: scheme and host in
 * lower case, no default port, no trailing slash, no fragment. Not a URL: the text unchanged.
 */
export function normalizeEndpoint(url: string): string {
  try {
    const u = new URL(url.trim());
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return url.trim();
  }
}

export function sameEndpoint(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && normalizeEndpoint(a) === normalizeEndpoint(b);
}

export function isWeChatBaseUrl(url: string): boolean {
  return sameEndpoint(url, WECHAT_API_BASE_URL);
}

/**
 * Where Live mode may send tokens and secrets: https anywhere, plain http only to this
 * computer (an eavesdropper on the shop's network must not read an AppSecret in transit).
 */
export function isSecureEndpoint(url: string): boolean {
  try {
    const u = new URL(url.trim());
    if (u.protocol === 'https:') return true;
    return u.protocol === 'http:' && LOOPBACK_HOSTS.includes(u.hostname.toLowerCase());
  } catch {
    return false;
  }
}

export const TokenProviderKind = z.enum(['stable_token', 'classic', 'token_service']);
export type TokenProviderKind = z.infer<typeof TokenProviderKind>;

export const ScanMode = z.enum(['check_only', 'redeem_on_enter', 'redeem_on_scan']);
export type ScanMode = z.infer<typeof ScanMode>;

export const LiveSettings = z.object({
  provider: TokenProviderKind.default('stable_token'),
  appId: z
    .string()
    .trim()
    .regex(/^wx[0-9a-zA-Z]{16}$/, {
      message: 'an AppID looks like wx followed by 16 letters or digits',
    })
    .or(z.literal(''))
    .default(''),
  tokenServiceUrl: HttpUrlSchema.or(z.literal('')).default(''),
});
export type LiveSettings = z.infer<typeof LiveSettings>;

export const ScannerSettings = z.object({
  /** Longest gap between two keystrokes of one scanner burst. Humans type slower. */
  maxInterKeyMs: z.number().int().min(5).max(200).default(35),
  minLength: z.number().int().min(1).max(64).default(6),
  suffix: z.enum(['enter', 'tab', 'either']).default('either'),
  prefix: z.string().max(8).default(''),
});

export const CameraSettings = z.object({
  enabled: z.boolean().default(true),
  deviceId: z.string().max(256).default(''),
  mirror: z.enum(['auto', 'on', 'off']).default('auto'),
  formats: z
    .array(z.enum(['QR_CODE', 'CODE_128', 'EAN_13', 'CODE_39', 'ITF', 'PDF_417']))
    .default(['QR_CODE', 'CODE_128']),
  /**
   * The camera's box on the counter screen: `auto` shows it only when a camera is connected
   * (a till with only a USB scanner keeps the whole width for the verdict), `hide` never
   * (one line of camera status instead). Older settings files without it load as `auto`.
   */
  box: z.enum(['auto', 'show', 'hide']).default('auto'),
});

export const Settings = z.object({
  version: z.literal(1).default(1),
  terminal: z.object({
    name: z.string().trim().min(1).max(64),
    id: TerminalIdSchema,
  }),
  store: z.object({
    name: z.string().trim().min(1).max(64),
    /** The store's WeChat location id (poi_id), to tell the cashier when a card is not valid here. */
    poiId: z.number().int().positive().optional(),
  }),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  /** The store's time zone (shared/time-zone.ts); settings saved before it load as the default. */
  timeZone: TimeZoneSchema.default(DEFAULT_TIME_ZONE),
  mode: z.enum(['sandbox', 'live']).default('sandbox'),
  live: LiveSettings.default(LiveSettings.parse({})),
  api: z
    .object({
      baseUrl: HttpUrlSchema.default('https://api.weixin.qq.com'),
      connectTimeoutMs: z.number().int().min(500).max(30_000).default(3_000),
      totalTimeoutMs: z.number().int().min(1_000).max(60_000).default(8_000),
      /**
       * A redemption or refund whose answer was lost is settled as "not done" only from a
       * code/get read this long after it was sent. WeChat's front proxies give up on a request
       * after about 60 s, so 120 s is the safe floor; a merchant's proxy with a longer timeout
       * needs a longer window (README, "Never twice, never lost").
       */
      settleWindowSeconds: z.number().int().min(120).max(3_600).default(120),
    })
    .refine((a) => a.totalTimeoutMs >= a.connectTimeoutMs, {
      message: 'the total timeout must be at least the connect timeout',
      path: ['totalTimeoutMs'],
    })
    .default({
      baseUrl: 'https://api.weixin.qq.com',
      connectTimeoutMs: 3_000,
      totalTimeoutMs: 8_000,
      settleWindowSeconds: 120,
    }),
  scan: z
    .object({
      mode: ScanMode.default('redeem_on_enter'),
      cooldownMs: z.number().int().min(0).max(30_000).default(3_000),
      scanner: ScannerSettings.default(ScannerSettings.parse({})),
      camera: CameraSettings.default(CameraSettings.parse({})),
    })
    .default({
      mode: 'redeem_on_enter',
      cooldownMs: 3_000,
      scanner: ScannerSettings.parse({}),
      camera: CameraSettings.parse({}),
    }),
  sound: z
    .object({ muted: z.boolean().default(false), volume: z.number().min(0).max(1).default(0.7) })
    .default({ muted: false, volume: 0.7 }),
  idleLockMinutes: z.number().int().min(0).max(240).default(10),
  /** The desktop window (Electron only): kiosk / full screen, and starting with the OS. */
  shell: z
    .object({ kiosk: z.boolean().default(false), startWithOs: z.boolean().default(false) })
    .default({ kiosk: false, startWithOs: false }),
  /**
   * Head office's collector (README, "For a chain"): where this terminal ships its audit
   * records; '' ships nothing. Its credential is a secret ('centralCredential'), bound to it.
   */
  central: z.object({ url: HttpUrlSchema.or(z.literal('')).default('') }).default({ url: '' }),
  /** Custom-code cards need card_id on every code call: these are tried for unknown codes. */
  customCodeCardIds: z.array(z.string().trim().min(1).max(32)).max(100).default([]),
});
export type Settings = z.infer<typeof Settings>;

/**
 * What a manager may change after set-up: any top-level section, each given whole (a section
 * replaces the one saved). Defaults are deliberately not applied here, so a section left out
 * of the patch stays as it is instead of being reset.
 */
const { version: _version, ...patchable } = Settings.shape;
type Patchable = typeof patchable;
type PatchShape = {
  [K in keyof Patchable]: z.ZodOptional<z.ZodType<z.output<Patchable[K]>, z.input<Patchable[K]>>>;
};
export const SettingsPatch = z
  .object(
    Object.fromEntries(
      Object.entries(patchable).map(([key, field]) => [
        key,
        (field instanceof z.ZodDefault ? field.unwrap() : field).optional(),
      ]),
    ) as unknown as PatchShape,
  )
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const SecretName = z.enum(['appSecret', 'tokenServiceAuth', 'centralCredential']);
export type SecretName = z.infer<typeof SecretName>;

/** A secret as typed by a manager (AppSecret, token-service credentials). */
export const SecretValue = z.string().trim().min(1).max(256);

type EndpointSettings = Pick<Settings, 'mode'> & {
  live: Pick<Settings['live'], 'provider' | 'tokenServiceUrl'>;
  api: Pick<Settings['api'], 'baseUrl'>;
  /** Optional for callers that only deal with WeChat's secrets. */
  central?: Pick<Settings['central'], 'url'>;
};

/**
 * The one address each secret is sent to: the AppSecret to the API base URL (the token
 * endpoints live there), the token-service credentials to the token service. A stored secret
 * is sent only to the address it was entered for.
 */
export function secretEndpoint(name: SecretName, s: EndpointSettings): string {
  if (name === 'centralCredential') return s.central?.url ?? '';
  return name === 'appSecret' ? s.api.baseUrl : s.live.tokenServiceUrl;
}

/** Whether these settings send this secret anywhere at all. */
export function secretInUse(name: SecretName, s: EndpointSettings): boolean {
  // Shipping to head office works in either mode.
  if (name === 'centralCredential') return (s.central?.url ?? '') !== '';
  if (s.mode !== 'live') return false;
  return name === 'appSecret'
    ? s.live.provider !== 'token_service'
    : s.live.provider === 'token_service';
}

/**
 * The address WeChat requests (and so the access token) go to in these settings, if any:
 * changing it to one other than WeChat's needs a manager's explicit, audited confirmation.
 */
export function liveBaseUrl(s: EndpointSettings): string | undefined {
  return s.mode === 'live' ? normalizeEndpoint(s.api.baseUrl) : undefined;
}

/**
 * updateSettings' input: the sections to change, and what changing an endpoint needs in the
 * same request: the secret typed again for its new address, and the confirmation that a base
 * URL other than WeChat's is meant.
 */
export const SettingsUpdate = SettingsPatch.extend({
  appSecret: SecretValue.optional(),
  tokenServiceAuth: SecretValue.optional(),
  centralCredential: SecretValue.optional(),
  /** "Yes, send this terminal's WeChat requests to this address": audited with the change. */
  confirmCustomBaseUrl: z.literal(true).optional(),
}).strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdate>;

/** Settings as the renderer sees them: secrets only as "set or not". */
export const SettingsView = z.object({
  settings: Settings,
  secrets: z.object({
    appSecret: z.boolean(),
    tokenServiceAuth: z.boolean(),
    centralCredential: z.boolean().default(false),
  }),
  /**
   * The address each stored secret was entered for (not secret): the screen asks for the secret
   * again when a change would send it elsewhere.
   */
  secretEndpoints: z
    .object({
      appSecret: z.string().optional(),
      tokenServiceAuth: z.string().optional(),
      centralCredential: z.string().optional(),
    })
    .default({}),
  /** Where secrets are kept: the OS key store (Electron) or a key file (browser host). */
  secretStorage: z.enum(['os-keystore', 'key-file']),
  /** Set when the settings file could not be read and the terminal started in a safe state. */
  problem: z.string().optional(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const OperatorView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  disabled: z.boolean(),
  lockedUntil: z.number().optional(),
});
export type OperatorView = z.infer<typeof OperatorView>;

export const SessionView = z.object({
  operator: z.object({ id: z.string(), name: z.string(), role: Role }).optional(),
  /** The session timed out: the same or another operator must enter a PIN. */
  locked: z.boolean(),
  idleLockMinutes: z.number(),
});
export type SessionView = z.infer<typeof SessionView>;

const ROLE_RANK: Record<Role, number> = { cashier: 1, supervisor: 2, manager: 3 };
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}
