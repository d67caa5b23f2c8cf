/**
 * The one contract: every operation the renderer may ask the host for, with its input schema,
 * result schema and the role it needs. The preload, the Electron binding, the browser host
 * and the renderer's client are all derived from this map; adding an operation is a schema
 * here, a handler in electron/services, and a screen.
 */
import { z } from 'zod';
import { op } from './contract-kit';
import { Role } from './role';
import { ErrorInfo } from './errors';
import { auditReviewOps } from './ops/audit-review';
import { backOfficeOps } from './ops/back-office';
import { refundOps } from './ops/refunds';
import { Verdict } from './verdict';
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
} from './settings';

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

/** A code as it arrives from a scanner, the camera or the keyboard, before normalisation. */
export const ScannedCode = z.string().max(512, { message: 'too long to be a code' });

export const LookupInput = z.object({
  code: ScannedCode,
  source: z.enum(['scanner', 'camera', 'manual']).default('manual'),
});

export const RedeemInput = z
  .object({
    code: z.string().min(1).max(64),
    /** From the verdict: needed for custom-code cards. */
    cardId: z.string().max(32).optional(),
  })
  .strict();

export const RedeemOutcome = z.object({
  /**
   * redeemed: WeChat confirmed it. rejected: WeChat refused, or this terminal redeemed it
   * already (the verdict says why). failed: certainly not done (network down before sending,
   * quota...). unknown: sent, answer lost: do not hand over goods; the terminal settles it.
   * busy: an earlier write of this code here is unsettled (the verdict says so).
   */
  outcome: z.enum(['redeemed', 'rejected', 'failed', 'unknown', 'busy']),
  code: z.string(),
  nonce: z.string().optional(),
  at: z.number(),
  verdict: Verdict.optional(),
  error: ErrorInfo.optional(),
});
export type RedeemOutcome = z.infer<typeof RedeemOutcome>;

export const PendingItem = z.object({
  nonce: z.string(),
  action: z.string(),
  code: z.string(),
  cardId: z.string().optional(),
  operatorId: z.string().optional(),
  at: z.number(),
  /** pending: being sent or settled. settled results carry what happened. */
  state: z.enum(['unsettled', 'redeemed', 'not_redeemed']),
  settledAt: z.number().optional(),
  /** Redeemed, settled from the code's status: our answer was lost ("not confirmed here"). */
  settled: z.boolean().optional(),
});
export type PendingItem = z.infer<typeof PendingItem>;

export const PendingWork = z.object({
  /** Redemptions whose outcome is not known yet. */
  unsettled: z.array(PendingItem),
  /** Settled in the last minutes: shown to the cashier once. */
  recentlySettled: z.array(PendingItem),
  /** Refunds waiting in the outbox (issue 9). */
  outbox: z.number(),
});
export type PendingWork = z.infer<typeof PendingWork>;

const Empty = z.object({}).strict();

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

export const DemoCodes = z.object({
  /** False outside Sandbox mode: demo codes exist only in the built-in sandbox. */
  available: z.boolean(),
  codes: z.array(
    z.object({
      code: z.string(),
      cardId: z.string(),
      title: z.string(),
      cardType: z.string(),
      status: z.string(),
      codeType: z.string(),
      note: z.string(),
      redeemable: z.boolean(),
      customCode: z.boolean(),
    }),
  ),
});
export type DemoCodes = z.infer<typeof DemoCodes>;

export const contract = {
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
  resetPin: op({
    access: 'manager',
    input: z.object({ id: OperatorIdSchema, pin: PinSchema }).strict(),
    output: OperatorView,
  }),

  lookupCode: op({ access: 'cashier', input: LookupInput.strict(), output: Verdict }),
  redeemCode: op({ access: 'cashier', input: RedeemInput, output: RedeemOutcome }),
  getPendingWork: op({ access: 'cashier', input: Empty, output: PendingWork, passive: true }),
  listDemoCodes: op({ access: 'cashier', input: Empty, output: DemoCodes }),

  // Each later area declares its operations in its own module under shared/ops/.
  ...refundOps,
  ...auditReviewOps,
  ...backOfficeOps,
};

export type Contract = typeof contract;
export type OpName = keyof Contract;
export const opNames = Object.keys(contract) as OpName[];
