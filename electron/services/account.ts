/**
 * First-run set-up, sign-in, settings and operators: the handlers of the contract's
 * account operations, with every change and every sign-in attempt audit-logged.
 */
import type { Contract } from '../../shared/contract';
import type { OpOutput, OpParsedInput } from '../../shared/contract-kit';
import { writeEnvironment } from '../../shared/writes';
import { AppError } from '../../shared/errors';
import { Settings, type SessionView, type SettingsView } from '../../shared/settings';
import type { CallContext } from '../host/dispatch';
import { diff, maskSecrets, type AuditSink } from './audit-sink';
import type { OperatorStore } from './operators';
import type { SecretStore } from './secret-store';
import type { SessionManager } from './sessions';
import type { SettingsStore } from './settings-store';

type In<K extends keyof Contract> = OpParsedInput<Contract, K>;
type Out<K extends keyof Contract> = OpOutput<Contract, K>;

export interface AccountDeps {
  settings: SettingsStore;
  operators: OperatorStore;
  secrets: SecretStore;
  sessions: SessionManager;
  audit: AuditSink;
  now: () => number;
  /** Called after settings change, so the WeChat client and friends pick them up. */
  onSettingsChanged?: (settings: Settings) => void;
  /** Writes to WeChat still open: the terminal may not switch to another WeChat meanwhile. */
  openWrites?: () => number;
}

/**
 * The wizard is offered only to a terminal that has never been set up. A damaged operators
 * file does not reopen it: that would let anyone at the counter make themselves manager.
 */
export function needsSetup(deps: Pick<AccountDeps, 'settings' | 'operators'>): boolean {
  if (deps.operators.problem) return false;
  return deps.settings.current.kind === 'first-run' || deps.operators.count === 0;
}

export function createAccountHandlers(deps: AccountDeps) {
  const { settings, operators, secrets, sessions, audit } = deps;

  function settingsView(): SettingsView {
    const state = settings.current;
    return {
      settings: settings.settings,
      secrets: {
        appSecret: secrets.has('appSecret'),
        tokenServiceAuth: secrets.has('tokenServiceAuth'),
      },
      secretStorage: secrets.kind,
      ...(state.kind === 'broken' ? { problem: state.problem } : {}),
    };
  }

  return {
    async getSetupState() {
      const state = settings.current;
      return {
        needsSetup: needsSetup(deps),
        ...(state.kind === 'broken' ? { problem: state.problem } : {}),
        ...(operators.problem ? { problem: operators.problem } : {}),
      };
    },

    async getTerminalConfig(): Promise<Out<'getTerminalConfig'>> {
      const s = settings.settings;
      const state = settings.current;
      return {
        terminalName: s.terminal.name,
        terminalId: s.terminal.id,
        storeName: s.store.name,
        mode: s.mode,
        language: s.language,
        scan: s.scan,
        sound: s.sound,
        idleLockMinutes: s.idleLockMinutes,
        ...(state.kind === 'broken' ? { problem: state.problem } : {}),
      };
    },

    async completeSetup(input: In<'completeSetup'>, ctx: CallContext): Promise<SessionView> {
      if (!needsSetup(deps)) throw new AppError('forbidden', 'errors.already_set_up');
      const next = Settings.parse({
        terminal: { name: input.terminalName, id: input.terminalId },
        store: { name: input.storeName, ...(input.poiId ? { poiId: input.poiId } : {}) },
        language: input.language,
        mode: input.mode,
        ...(input.live ? { live: input.live } : {}),
      });
      if (input.mode === 'live')
        requireLiveCredentials(next, input.appSecret ?? secrets.get('appSecret'));
      if (input.appSecret) secrets.set('appSecret', input.appSecret);
      if (input.tokenServiceAuth) secrets.set('tokenServiceAuth', input.tokenServiceAuth);
      const manager = operators.find(input.manager.id)
        ? operators.find(input.manager.id)!
        : await operators.add({ ...input.manager, role: 'manager' });
      settings.save(next);
      deps.onSettingsChanged?.(next);
      audit.append({
        action: 'settings_change',
        outcome: 'ok',
        operator_id: manager.id,
        detail: {
          setup: true,
          after: maskSecrets(next),
          manager: { id: manager.id, name: manager.name },
        },
      });
      sessions.start(ctx, manager.id);
      audit.append({ action: 'sign_in', outcome: 'ok', operator_id: manager.id });
      return sessions.view(ctx);
    },

    async getSession(_input: In<'getSession'>, ctx: CallContext) {
      return sessions.view(ctx);
    },

    async signIn(input: In<'signIn'>, ctx: CallContext): Promise<SessionView> {
      const started = performance.now();
      const result = await operators.verify(input.operatorId, input.pin);
      const durationMs = Math.round(performance.now() - started);
      if (!result.ok) {
        audit.append({
          action: 'sign_in_failed',
          outcome: 'rejected',
          operator_id: input.operatorId,
          duration_ms: durationMs,
          detail: { reason: result.reason },
        });
        if (result.justLocked) {
          audit.append({
            action: 'lockout',
            outcome: 'rejected',
            operator_id: input.operatorId,
            detail: { until: result.lockedUntil },
          });
        }
        if (result.reason === 'locked') {
          throw new AppError('forbidden', 'errors.operator_locked', {
            minutes: Math.max(1, Math.ceil(((result.lockedUntil ?? 0) - deps.now()) / 60_000)),
          });
        }
        if (result.reason === 'disabled')
          throw new AppError('forbidden', 'errors.operator_disabled');
        throw new AppError('forbidden', 'errors.wrong_pin');
      }
      const previous = sessions.operatorId(ctx);
      if (previous && previous !== result.operator.id) {
        audit.append({
          action: 'sign_out',
          outcome: 'ok',
          operator_id: previous,
          detail: { switch: true },
        });
      }
      sessions.start(ctx, result.operator.id);
      audit.append({
        action: 'sign_in',
        outcome: 'ok',
        operator_id: result.operator.id,
        duration_ms: durationMs,
      });
      return sessions.view(ctx);
    },

    async signOut(_input: In<'signOut'>, ctx: CallContext) {
      const who = sessions.end(ctx);
      if (who) audit.append({ action: 'sign_out', outcome: 'ok', operator_id: who });
      return sessions.view(ctx);
    },

    async lockSession(_input: In<'lockSession'>, ctx: CallContext) {
      sessions.lock(ctx);
      return sessions.view(ctx);
    },

    async getSettings() {
      return settingsView();
    },

    async updateSettings(patch: In<'updateSettings'>, ctx: CallContext) {
      const next = { ...settings.settings, ...patch };
      if (next.mode === 'live')
        requireLiveCredentials(Settings.parse(next), secrets.get('appSecret'));
      // An open redemption or refund is sent and settled only against the WeChat it was made
      // for: switching mode, AppID, token service or API address waits until none is open.
      const open = deps.openWrites?.() ?? 0;
      if (
        open > 0 &&
        writeEnvironment(Settings.parse(next)) !== writeEnvironment(settings.settings)
      ) {
        throw new AppError('invalid_input', 'errors.writes_open_environment', { count: open });
      }
      const { before, after } = settings.patch(patch);
      deps.onSettingsChanged?.(after);
      audit.append({
        action: 'settings_change',
        outcome: 'ok',
        operator_id: sessions.operatorId(ctx),
        detail: { changes: diff(maskSecrets(before), maskSecrets(after)) },
      });
      return settingsView();
    },

    async setSecret(input: In<'setSecret'>, ctx: CallContext) {
      const s = settings.settings;
      if (
        input.value === null &&
        input.name === 'appSecret' &&
        s.mode === 'live' &&
        s.live.provider !== 'token_service'
      ) {
        throw new AppError('invalid_input', 'errors.live_credentials_missing');
      }
      const wasSet = secrets.has(input.name);
      secrets.set(input.name, input.value ?? undefined);
      deps.onSettingsChanged?.(settings.settings);
      audit.append({
        action: 'settings_change',
        outcome: 'ok',
        operator_id: sessions.operatorId(ctx),
        detail: {
          setting: input.name,
          before: wasSet ? 'set' : 'not set',
          after: input.value ? 'set' : 'not set',
        },
      });
      return settingsView();
    },

    async listOperators() {
      return operators.list();
    },

    async addOperator(input: In<'addOperator'>, ctx: CallContext) {
      const op = await operators.add(input);
      audit.append({
        action: 'operator_change',
        outcome: 'ok',
        operator_id: sessions.operatorId(ctx),
        detail: { added: { id: op.id, name: op.name, role: op.role } },
      });
      return op;
    },

    async updateOperator(input: In<'updateOperator'>, ctx: CallContext) {
      const self = sessions.operatorId(ctx) === input.id;
      if (self && (input.disabled === true || (input.role && input.role !== 'manager'))) {
        throw new AppError('invalid_input', 'errors.not_yourself');
      }
      const before = operators.find(input.id);
      const { id, ...change } = input;
      const after = operators.update(id, change);
      audit.append({
        action: 'operator_change',
        outcome: 'ok',
        operator_id: sessions.operatorId(ctx),
        detail: { operator: id, changes: diff(before, after) },
      });
      return after;
    },

    async resetPin(input: In<'resetPin'>, ctx: CallContext) {
      const op = await operators.resetPin(input.id, input.pin);
      audit.append({
        action: 'operator_change',
        outcome: 'ok',
        operator_id: sessions.operatorId(ctx),
        detail: { operator: input.id, pin: 'reset' },
      });
      return op;
    },
  };
}

function requireLiveCredentials(s: Settings, appSecret: string | undefined) {
  if (s.live.provider === 'token_service') {
    if (!s.live.tokenServiceUrl)
      throw new AppError('invalid_input', 'errors.token_service_url_missing');
  } else if (!s.live.appId || !appSecret) {
    throw new AppError('invalid_input', 'errors.live_credentials_missing');
  }
}
