/**
 * The terminal's services: everything behind the contract. Plain Node, never imports
 * 'electron'; what the Electron shell provides (data folder, locale, key store) is passed in.
 */
import path from 'node:path';
import type { Settings } from '../../shared/settings';
import { openAuditLog, type AuditLog } from '../audit';
import { prepareDataDir } from '../data-dir';
import type { AccessGuard, CallContext, Services } from './call-context';
import { listDemoCodes, type RunningSandbox } from '../sandbox';
import { createAccountHandlers, needsSetup, setUpSinceReset } from './account';
import { createAuditReviewHandlers } from './audit-review';
import { createBackOfficeHandlers } from './back-office';
import type { ServiceContext } from './context';
import { createRefundHandlers } from './refunds';
import { CardCache } from './card-cache';
import { createCounter } from './counter';
import { createExportDownloads, type ExportDownloads } from './export-downloads';
import { createLookup } from './lookup';
import { OperatorStore } from './operators';
import { createKeyFileProtector, createSecretStore, type SecretProtector } from './secret-store';
import { withEndpoints } from './secret-endpoints';
import { SessionManager } from './sessions';
import { SettingsStore } from './settings-store';
import { createSignInFailureLog } from './sign-in-failures';
import { WeChatConnection } from './wechat-connection';
import type { CrashHook } from './writes/crash-points';
import { createWriteEngine } from './writes/engine';
import type { WriteTimingsInput } from './writes/timings';
import type { PendingItem } from '../../shared/contract';
import { isOpenState, writeEnvironment, type WriteItem } from '../../shared/writes';

export interface ServiceDeps {
  host: 'electron' | 'browser';
  version: string;
  dataDir: string;
  osLocale: string;
  /** The OS key store (Electron safeStorage); a key file in the data folder otherwise. */
  protector?: SecretProtector;
  now?: () => number;
  /** The terminal's time zone (default: this machine's). */
  timeZone?: string;
  /** A sandbox the caller runs (tests keep it across restarts); else one starts in-process. */
  sandbox?: RunningSandbox;
  /** better-sqlite3 native binding to use (Electron's ABI build), if not the default. */
  sqliteBinding?: string;
  /** The Electron shell applies window settings (kiosk, start with the OS) when they change. */
  onSettings?: (settings: Settings) => void;
  /** The write engine's settling window and backoff (tests and the chaos suite shorten them). */
  writeTimings?: WriteTimingsInput;
  /** Test-only: kills the process at a named step of a write (the chaos suite). */
  crash?: CrashHook;
  /** A monotonic clock for the settling window (tests move it). */
  monoNow?: () => number;
  /** Test-only: WeChat timeouts below the settings' minimums (the chaos suite). */
  apiTimeouts?: { connectMs: number; totalMs: number };
  /** Electron's save dialog for audit exports; without it exports become browser downloads. */
  chooseExportFile?: (suggestedName: string) => Promise<string | undefined>;
}

export interface TerminalServices {
  services: Services;
  guard: AccessGuard;
  audit: AuditLog;
  connection: WeChatConnection;
  /** Finished audit exports for the browser host's download route (never through the contract). */
  exportDownloads: ExportDownloads;
  /** Forgets cached card details (benchmarks measure the uncached path with it). */
  clearCaches(): void;
  close(): Promise<void>;
}

/** A redemption as the counter's notices show it. */
function pendingItem(w: WriteItem): PendingItem {
  const state =
    w.state === 'applied' || w.state === 'settled'
      ? 'redeemed'
      : isOpenState(w.state)
        ? 'unsettled'
        : 'not_redeemed';
  return {
    nonce: w.nonce,
    action: 'redeem',
    code: w.code,
    ...(w.cardId ? { cardId: w.cardId } : {}),
    ...(w.operatorId ? { operatorId: w.operatorId } : {}),
    at: w.createdAt,
    state,
    ...(w.closedAt !== undefined ? { settledAt: w.closedAt } : {}),
    ...(w.state === 'settled' ? { settled: true } : {}),
  };
}

export async function createTerminalServices(deps: ServiceDeps): Promise<TerminalServices> {
  const now = deps.now ?? Date.now;
  const timeZone = deps.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  // Owner only (0700/0600), also a folder an older version left 0755 with 0644 files.
  prepareDataDir(deps.dataDir);
  const settings = new SettingsStore(path.join(deps.dataDir, 'settings.json'));
  const operators = new OperatorStore(path.join(deps.dataDir, 'operators.json'), now);
  const protector = deps.protector ?? createKeyFileProtector(path.join(deps.dataDir, 'secret.key'));
  const secrets = createSecretStore(path.join(deps.dataDir, 'secrets.json'), protector);
  const audit = openAuditLog(path.join(deps.dataDir, 'audit.db'), {
    terminalId: () => settings.settings.terminal.id,
    now,
    ...(deps.sqliteBinding ? { nativeBinding: deps.sqliteBinding } : {}),
  });
  const connection = new WeChatConnection({
    dataDir: deps.dataDir,
    secrets,
    protector,
    sandbox: deps.sandbox,
    timeouts: deps.apiTimeouts,
  });
  // Fetches through whatever client the settings in force give, so a settings change only
  // needs to forget what was cached.
  const cards = new CardCache(async (id) => (await client()).cardGet(id));
  const client = () => connection.client(settings.settings);
  // Secrets saved before they carried their address are bound to where they were being sent.
  if (settings.current.kind === 'ok') withEndpoints(secrets).adopt(settings.settings);
  // Read once: a terminal set up since its last reset never offers the wizard again.
  const setUpBefore = setUpSinceReset(audit);
  const setupOpen = () => needsSetup({ operators, secrets, setUpBefore: () => setUpBefore });
  const sessions = new SessionManager({
    now,
    idleLockMinutes: () => settings.settings.idleLockMinutes,
    needsSetup: setupOpen,
    operator: (id) => operators.find(id),
  });
  const failures = createSignInFailureLog({ db: audit.db, audit, now });
  // Minutes of failed sign-ins that a crash or a stop left open become their records now.
  failures.flushDue();
  const operatorChanged = new Set<(operatorId: string) => void>();
  const account = createAccountHandlers({
    setUpBefore: () => setUpBefore,
    onOperatorChanged: (id) => {
      for (const listener of operatorChanged) listener(id);
    },
    failures,
    dataDir: deps.dataDir,
    openWrites: () => {
      const n = writes.openCounts();
      return n.consume + n.invalidate;
    },
    settings,
    operators,
    secrets,
    sessions,
    audit,
    now,
    onSettingsChanged: (next) => {
      deps.onSettings?.(next);
      connection.invalidate();
      cards.clear();
    },
  });

  const writes = createWriteEngine({
    db: audit.db,
    audit,
    client,
    env: () => writeEnvironment(settings.settings),
    // A test's timings win; otherwise the manager's setting (at least the safe default).
    settleWindowMs: () =>
      deps.writeTimings?.settleWindowMs ?? settings.settings.api.settleWindowSeconds * 1000,
    now,
    ...(deps.monoNow ? { monoNow: deps.monoNow } : {}),
    ...(deps.writeTimings ? { timings: deps.writeTimings } : {}),
    ...(deps.crash ? { crash: deps.crash } : {}),
  });
  const lookup = createLookup({
    client,
    cards: () => cards,
    audit,
    writes,
    now,
    timeZone: () => timeZone,
    storePoiId: () => settings.settings.store.poiId,
    customCodeCardIds: () => settings.settings.customCodeCardIds,
    operatorName: (id) => operators.find(id)?.name,
  });
  const counter = createCounter({ lookup, writes, now });

  deps.onSettings?.(settings.settings);
  // Writes go on where they stopped: queued ones are sent, ones a crash left in flight are
  // settled from the code's status (never sent again blindly).
  writes.start();

  const operatorOf = (ctx: CallContext) => sessions.operatorId(ctx);
  const exportDownloads = createExportDownloads({
    dir: path.join(deps.dataDir, 'exports'),
    now,
  });
  const context: ServiceContext = {
    settings: () => settings.settings,
    operators,
    sessions,
    signInFailures: failures,
    onOperatorChanged: (listener) => operatorChanged.add(listener),
    audit,
    client,
    cards: () => cards,
    connection,
    counter,
    lookup,
    writes,
    now,
    timeZone,
    dataDir: deps.dataDir,
    ...(deps.chooseExportFile ? { chooseExportFile: deps.chooseExportFile } : {}),
    operatorOf,
  };

  const services: Services = {
    getAppInfo: async () => ({
      name: 'CardDesk',
      version: deps.version,
      mode: settings.settings.mode,
      host: deps.host,
      terminalId: settings.settings.terminal.id,
      osLocale: deps.osLocale,
      dataDir: deps.dataDir,
    }),
    getSetupState: account.getSetupState,
    completeSetup: account.completeSetup,
    testConnection: async (input) =>
      connection.test(input, settings.settings, { stored: !setupOpen() }),
    getTerminalConfig: account.getTerminalConfig,
    getSession: account.getSession,
    signIn: account.signIn,
    signOut: account.signOut,
    lockSession: account.lockSession,
    getSettings: account.getSettings,
    updateSettings: account.updateSettings,
    setSecret: account.setSecret,
    listOperators: account.listOperators,
    addOperator: account.addOperator,
    updateOperator: account.updateOperator,
    resetPin: account.resetPin,
    lookupCode: async (input, ctx) => counter.lookup(input.code, input.source, operatorOf(ctx)),
    redeemCode: async (input, ctx) => counter.redeem(input.code, input.cardId, operatorOf(ctx)),
    listDemoCodes: async () => {
      if (settings.settings.mode !== 'sandbox') return { available: false, codes: [] };
      const sb = await connection.ensureSandbox();
      const codes = listDemoCodes(sb.sim.seed, sb.sim.clock.now()).map((c) => ({
        code: c.code,
        cardId: c.card_id,
        title: c.title,
        cardType: c.card_type,
        // What the code is now, not what the seed said: redeemed demo codes show as such.
        status: sb.sim.code(c.code)?.user_card_status ?? c.status,
        codeType: c.code_type,
        note: c.note,
        redeemable: c.redeemable && sb.sim.code(c.code)?.user_card_status === 'NORMAL',
        customCode: c.use_custom_code,
      }));
      return { available: true, codes };
    },
    getPendingWork: async () => {
      const { open, settled } = writes.pending();
      return {
        unsettled: open.filter((w) => w.kind === 'consume').map(pendingItem),
        recentlySettled: settled.filter((w) => w.kind === 'consume').map(pendingItem),
        outbox: open.filter((w) => w.kind === 'invalidate').length,
      };
    },
    ...createRefundHandlers(context),
    ...createAuditReviewHandlers(context, exportDownloads),
    ...createBackOfficeHandlers(context),
  };

  return {
    services,
    guard: sessions,
    audit,
    connection,
    exportDownloads,
    clearCaches: () => cards.clear(),
    close: async () => {
      failures.close();
      writes.close();
      exportDownloads.close();
      await connection.close();
      audit.close();
    },
  };
}
