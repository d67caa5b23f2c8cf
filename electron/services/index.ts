/**
 * The terminal's services: everything behind the contract. Plain Node, never imports
 * 'electron'; what the Electron shell provides (data folder, locale, key store) is passed in.
 */
import path from 'node:path';
import type { Settings } from '../../shared/settings';
import { writeEnvironment } from '../../shared/writes';
import { openAuditLog, type AuditLog, type AuditTables } from '../audit';
import { prepareDataDir } from '../data-dir';
import type { RunningSandbox } from '../sandbox';
import { createAccountHandlers, needsSetup, setUpSinceReset } from './account';
import { OperatorStore } from './account/operators';
import {
  createKeyFileProtector,
  createSecretStore,
  type SecretProtector,
} from './account/secret-store';
import { withEndpoints } from './account/secret-endpoints';
import { SessionManager } from './account/sessions';
import { SettingsStore } from './account/settings-store';
import { createSignInFailureLog } from './account/sign-in-failures';
import { createAuditReviewHandlers } from './audit-review';
import { createExportDownloads, type ExportDownloads } from './audit-review/export-downloads';
import { createBackOfficeHandlers } from './back-office';
import type { AccessGuard, CallContext, Services } from './call-context';
import { CardCache } from './card-cache';
import { createCounter, createCounterHandlers } from './counter';
import { createLookup } from './lookup';
import { createRefundHandlers } from './refunds';
import { createShipping, createShippingHandlers } from './shipping';
import type { Shipper, ShipperTimings } from './shipping/shipper';
import { createTraining } from './training';
import { WeChatConnection } from './wechat-connection';
import type { CrashHook } from './writes/crash-points';
import { createWriteEngine } from './writes/engine';
import type { WriteTimingsInput } from './writes/timings';

export interface ServiceDeps {
  host: 'electron' | 'browser';
  version: string;
  dataDir: string;
  osLocale: string;
  /** The OS key store (Electron safeStorage); a key file in the data folder otherwise. */
  protector?: SecretProtector;
  now?: () => number;
  /**
   * The clock access tokens expire by (default Date.now): the chain simulation runs the
   * terminals' token providers on the sandbox's fast clock, as WeChat's tokens expire by WeChat's.
   */
  wechatNow?: () => number;
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
  /** The shipper's batch size, pauses and backoff (tests shorten them). */
  shippingTimings?: Partial<ShipperTimings>;
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
  /** Ships the audit records to head office's collector in the background. */
  shipping: Shipper;
  /** Forgets cached card details (benchmarks measure the uncached path with it). */
  clearCaches(): void;
  close(): Promise<void>;
}

export async function createTerminalServices(deps: ServiceDeps): Promise<TerminalServices> {
  const now = deps.now ?? Date.now;
  // Owner only (0700/0600), also a folder an older version left 0755 with 0644 files.
  prepareDataDir(deps.dataDir);
  const settings = new SettingsStore(path.join(deps.dataDir, 'settings.json'));
  // The store's zone (a setting, never this machine's), read at each use: a change applies at once.
  const timeZone = () => settings.settings.timeZone;
  const operators = new OperatorStore(path.join(deps.dataDir, 'operators.json'), now);
  const protector = deps.protector ?? createKeyFileProtector(path.join(deps.dataDir, 'secret.key'));
  const secrets = createSecretStore(path.join(deps.dataDir, 'secrets.json'), protector);
  // Training exercises (Sandbox mode only) mark what is written while they run.
  const training = createTraining({
    mode: () => settings.settings.mode,
    sandbox: () => connection.ensureSandbox(),
    operatorOf: (ctx) => sessions.operatorId(ctx),
    now,
  });
  const audit = training.markedLog(
    openAuditLog(path.join(deps.dataDir, 'audit.db'), {
      terminalId: () => settings.settings.terminal.id,
      now,
      ...(deps.sqliteBinding ? { nativeBinding: deps.sqliteBinding } : {}),
    }),
  );
  const connection = new WeChatConnection({
    dataDir: deps.dataDir,
    secrets,
    protector,
    sandbox: deps.sandbox,
    timeouts: deps.apiTimeouts,
    ...(deps.wechatNow ? { now: deps.wechatNow } : {}),
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
  // The two kernels whose rows commit with their audit record share the log's connection.
  const tables: AuditTables = audit.db;
  const failures = createSignInFailureLog({ db: tables, audit, now });
  // Minutes of failed sign-ins that a crash or a stop left open become their records now.
  failures.flushDue();
  const operatorChanged = new Set<(operatorId: string) => void>();
  const account = createAccountHandlers({
    app: { version: deps.version, host: deps.host, osLocale: deps.osLocale },
    connection,
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
      shipping.poke();
    },
  });

  const writes = createWriteEngine({
    db: tables,
    audit,
    file: audit.file,
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
  const lookup = training.wrapLookup(
    createLookup({
      client,
      cards: () => cards,
      audit,
      writes,
      now,
      timeZone,
      storePoiId: () => settings.settings.store.poiId,
      customCodeCardIds: () => settings.settings.customCodeCardIds,
      operatorName: (id) => operators.find(id)?.name,
    }),
  );
  const counter = training.wrapCounter(createCounter({ lookup, writes, now }));

  deps.onSettings?.(settings.settings);
  // Writes go on where they stopped: queued ones are sent, ones a crash left in flight are
  // settled from the code's status (never sent again blindly).
  writes.start();

  // Reads only what is committed; never trims the log (shipping/shipper.ts).
  const shipping = createShipping({
    audit,
    settings: () => settings.settings,
    secrets: withEndpoints(secrets),
    now,
    ...(deps.shippingTimings ? { timings: deps.shippingTimings } : {}),
  });

  const operatorOf = (ctx: CallContext) => sessions.operatorId(ctx);
  const exportDownloads = createExportDownloads({
    dir: path.join(deps.dataDir, 'exports'),
    now,
  });

  const services: Services = {
    ...account,
    ...createCounterHandlers({
      counter,
      writes,
      operatorOf,
      mode: () => settings.settings.mode,
      sandbox: () => connection.ensureSandbox(),
      now,
      timeZone,
      storePoiId: () => settings.settings.store.poiId,
      customCodeCardIds: () => settings.settings.customCodeCardIds,
    }),
    ...createRefundHandlers({
      lookup,
      writes,
      operators,
      signInFailures: failures,
      operatorOf,
      now,
    }),
    ...createAuditReviewHandlers({
      audit,
      operators,
      operatorOf,
      onOperatorChanged: (listener) => operatorChanged.add(listener),
      downloads: exportDownloads,
      ...(deps.chooseExportFile ? { chooseExportFile: deps.chooseExportFile } : {}),
      terminalId: () => settings.settings.terminal.id,
      timeZone,
      now,
    }),
    ...training.handlers(audit),
    ...createBackOfficeHandlers({
      audit,
      client,
      cards: () => cards,
      lookup,
      writes,
      operatorOf,
      now,
      acceptedCards: {
        ids: () => settings.settings.customCodeCardIds,
        // The settings' own path: validated, saved, audited as a settings change.
        save: (ids, call) => account.updateSettings({ customCodeCardIds: ids }, call),
      },
    }),
    ...createShippingHandlers({ shipper: shipping }),
  };

  return {
    services,
    guard: sessions,
    audit,
    connection,
    exportDownloads,
    shipping,
    clearCaches: () => cards.clear(),
    close: async () => {
      shipping.close();
      failures.close();
      writes.close();
      exportDownloads.close();
      await connection.close();
      audit.close();
    },
  };
}
