/**
 * The terminal's services: everything behind the contract. Plain Node, never imports
 * 'electron'; what the Electron shell provides (data folder, locale, key store) is passed in.
 */
import path from 'node:path';
import type { AccessGuard, CallContext, Services } from '../host/dispatch';
import { createAccountHandlers, needsSetup } from './account';
import type { AuditEntry, AuditSink } from './audit-sink';
import { createLookupService } from './lookup';
import { OperatorStore } from './operators';
import { createKeyFileProtector, createSecretStore, type SecretProtector } from './secret-store';
import { SessionManager } from './sessions';
import { SettingsStore } from './settings-store';

export interface ServiceDeps {
  host: 'electron' | 'browser';
  version: string;
  dataDir: string;
  osLocale: string;
  /** The OS key store (Electron safeStorage); a key file in the data folder otherwise. */
  protector?: SecretProtector;
  now?: () => number;
}

export interface TerminalServices {
  services: Services;
  guard: AccessGuard;
  /** Records appended so far (until the SQLite audit log is wired in). */
  auditEntries: AuditEntry[];
  close(): Promise<void>;
}

export async function createTerminalServices(deps: ServiceDeps): Promise<TerminalServices> {
  const now = deps.now ?? Date.now;
  const settings = new SettingsStore(path.join(deps.dataDir, 'settings.json'));
  const operators = new OperatorStore(path.join(deps.dataDir, 'operators.json'), now);
  const protector = deps.protector ?? createKeyFileProtector(path.join(deps.dataDir, 'secret.key'));
  const secrets = createSecretStore(path.join(deps.dataDir, 'secrets.json'), protector);
  const sessions = new SessionManager({
    now,
    idleLockMinutes: () => settings.settings.idleLockMinutes,
    needsSetup: () => needsSetup({ settings, operators }),
    operator: (id) => operators.find(id),
  });
  const auditEntries: AuditEntry[] = [];
  const audit: AuditSink = { append: (e) => void auditEntries.push(e) };
  const account = createAccountHandlers({ settings, operators, secrets, sessions, audit, now });
  const lookup = createLookupService();

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
    testConnection: async (input) => ({
      ok: false,
      key: 'errors.placeholder',
      params: {},
      provider: input.mode,
      durationMs: 0,
    }),
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
    lookupCode: async (input, _ctx: CallContext) => lookup.lookup(input.code),
  };
  return { services, guard: sessions, auditEntries, close: async () => {} };
}
