/**
 * Contract operations of the account area: the terminal itself (app info, its configuration,
 * first-run set-up and the connection test), sessions (sign-in, lock, sign-out), settings and
 * secrets, and operators.
 */
import { z } from 'zod';
import { NoInput as Empty, op } from '../contract-kit';
import { Role } from '../role';
import {
  LiveSettings,
  OperatorIdSchema,
  OperatorView,
  PinSchema,
  SecretName,
  SecretValue,
  SessionView,
  Settings,
  SettingsUpdate,
  SettingsView,
  TerminalIdSchema,
} from '../settings';
import { TimeZoneSchema } from '../time-zone';

export const Mode = z.enum(['sandbox', 'live']);
export type Mode = z.infer<typeof Mode>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: Mode,
  host: z.enum(['electron', 'browser']),
  terminalId: z.string(),
  /** The host machine's locale, used to pick the language on first start. */
  osLocale: z.string(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const SetupState = z.object({
  needsSetup: z.boolean(),
  /** Why the terminal is running on safe settings (broken settings file), if it is. */
  problem: z.string().optional(),
  /**
   * Set-up is refused because the terminal was set up before, but something is missing: the
   * settings file (a manager signs in and repairs them) or every operator (only a reset helps).
   */
  recovery: z.enum(['settings_missing', 'no_operators']).optional(),
});

/** Everything the counter screens need to behave: no secrets, readable by any operator. */
export const TerminalConfig = z.object({
  terminalName: z.string(),
  terminalId: z.string(),
  storeName: z.string(),
  mode: Mode,
  language: Settings.shape.language,
  /** The store's time zone: every time the screens show and every "today" is in it. */
  timeZone: z.string(),
  scan: Settings.shape.scan,
  sound: Settings.shape.sound,
  idleLockMinutes: z.number(),
  problem: z.string().optional(),
});
export type TerminalConfig = z.infer<typeof TerminalConfig>;

export const SetupInput = z
  .object({
    terminalName: z.string().trim().min(1).max(64),
    terminalId: TerminalIdSchema,
    storeName: z.string().trim().min(1).max(64),
    poiId: z.number().int().positive().optional(),
    language: Settings.shape.language,
    /** The store's time zone (Asia/Shanghai when not given). */
    timeZone: TimeZoneSchema.optional(),
    mode: Mode,
    live: LiveSettings.optional(),
    appSecret: SecretValue.optional(),
    tokenServiceAuth: SecretValue.optional(),
    manager: z.object({
      id: OperatorIdSchema,
      name: z.string().trim().min(1).max(64),
      pin: PinSchema,
    }),
  })
  .strict();
export type SetupInput = z.infer<typeof SetupInput>;

export const ConnectionTestInput = z
  .object({
    mode: Mode,
    live: LiveSettings.optional(),
    /**
     * A secret typed in the form but not saved yet. Without one, the saved secret is used only
     * when the address tested is the one it was entered for, and never during set-up.
     */
    appSecret: SecretValue.optional(),
    tokenServiceAuth: SecretValue.optional(),
    baseUrl: Settings.shape.api.unwrap().shape.baseUrl.optional(),
  })
  .strict();

export type ConnectionTestInputParsed = z.output<typeof ConnectionTestInput>;

export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  /** What a manager can act on; i18n key + params, like errors. */
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  errcode: z.number().optional(),
  provider: z.string(),
  durationMs: z.number(),
});

export const accountOps = {
  getAppInfo: op({ access: 'public', input: Empty, output: AppInfo }),
  getSetupState: op({ access: 'public', input: Empty, output: SetupState, passive: true }),
  completeSetup: op({ access: 'setup', input: SetupInput, output: SessionView }),
  testConnection: op({ access: 'setup', input: ConnectionTestInput, output: ConnectionTestResult }),
  getTerminalConfig: op({ access: 'public', input: Empty, output: TerminalConfig, passive: true }),

  getSession: op({ access: 'public', input: Empty, output: SessionView, passive: true }),
  signIn: op({
    access: 'public',
    // An id that cannot exist never reaches the PIN check nor the audit log.
    input: z.object({ operatorId: OperatorIdSchema, pin: z.string().max(16) }).strict(),
    output: SessionView,
  }),
  signOut: op({ access: 'public', input: Empty, output: SessionView }),
  lockSession: op({ access: 'public', input: Empty, output: SessionView }),
  /**
   * At the lock screen, nobody is signed in: a supervisor (for a cashier) or a manager (for
   * anyone but themselves) lifts an operator's PIN lock with their own id and PIN. Audited.
   */
  unlockOperatorWithPin: op({
    access: 'public',
    input: z
      .object({
        operatorId: OperatorIdSchema,
        by: z.object({ id: OperatorIdSchema, pin: z.string().max(16) }).strict(),
      })
      .strict(),
    output: z.object({ id: z.string(), name: z.string() }),
  }),

  getSettings: op({ access: 'manager', input: Empty, output: SettingsView }),
  updateSettings: op({ access: 'manager', input: SettingsUpdate, output: SettingsView }),
  setSecret: op({
    access: 'manager',
    input: z.object({ name: SecretName, value: SecretValue.nullable() }).strict(),
    output: SettingsView,
  }),
  listOperators: op({ access: 'manager', input: Empty, output: z.array(OperatorView) }),
  addOperator: op({
    access: 'manager',
    input: z
      .object({
        id: OperatorIdSchema,
        name: z.string().trim().min(1).max(64),
        role: Role,
        pin: PinSchema,
      })
      .strict(),
    output: OperatorView,
  }),
  updateOperator: op({
    access: 'manager',
    input: z
      .object({
        id: OperatorIdSchema,
        name: z.string().trim().min(1).max(64).optional(),
        role: Role.optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    output: OperatorView,
  }),
  /** Settings > Operators: a manager lifts an operator's PIN lock (the PIN stays). Audited. */
  unlockOperator: op({
    access: 'manager',
    input: z.object({ id: OperatorIdSchema }).strict(),
    output: OperatorView,
  }),
  resetPin: op({
    access: 'manager',
    input: z.object({ id: OperatorIdSchema, pin: PinSchema }).strict(),
    output: OperatorView,
  }),
};
