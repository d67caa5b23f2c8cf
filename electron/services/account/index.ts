/**
 * First-run set-up, sign-in, settings and operators: the handlers of the contract's account
 * operations, with every change audit-logged, and failed sign-ins counted per operator id and
 * minute (sign-in-failures.ts) so a flood of guesses cannot fill the log.
 */
import type { Contract } from '../../../shared/contract';
import type { OpOutput, OpParsedInput } from '../../../shared/contract-kit';
import { writeEnvironment } from '../../../shared/writes';
import { AppError } from '../../../shared/errors';
import {
  secretEndpoint,
  Settings,
  type SecretName,
  type OperatorView,
  type SessionView,
  type SettingsView,
} from '../../../shared/settings';
import type { AreaHandlers, CallContext } from '../call-context';
import type { accountOps } from '../../../shared/ops/account';
import type { AuditAppend } from '../../audit';
import { diff, maskSecrets } from './settings-diff';
import { planEndpointChange, type EndpointChange } from './endpoint-rules';
import { KeyedQueue } from '../keyed-queue';
import type { WeChatConnection } from '../wechat-connection';
import type { OperatorStore, SignInOutcome } from './operators';
import { withEndpoints, type EndpointSecrets } from './secret-endpoints';
import type { SecretStore } from './secret-store';
import type { SessionManager } from './sessions';
import type { SettingsStore } from './settings-store';
import type { FailureReason, SignInFailureLog } from './sign-in-failures';
import { needsSetup, SETTINGS_MISSING } from './setup-state';

export { needsSetup, setUpSinceReset } from './setup-state';

type In<K extends keyof Contract> = OpParsedInput<Contract, K>;
type Out<K extends keyof Contract> = OpOutput<Contract, K>;

export interface AccountDeps {
  /** What getAppInfo says about the build and the host it runs in. */
  app: { version: string; host: 'electron' | 'browser'; osLocale: string };
  /** Tests a connection (the wizard's and the settings' "Test connection"). */
  connection: Pick<WeChatConnection, 'test'>;
  settings: SettingsStore;
  operators: OperatorStore;
  secrets: SecretStore;
  sessions: SessionManager;
  audit: AuditAppend;
  /** Failed sign-ins, one audit record per operator id and minute. */
  failures: SignInFailureLog;
  now: () => number;
  /** The data folder, for the reset command the set-up screen shows when set-up is refused. */
  dataDir: string;
  /** Called after settings change, so the WeChat client and friends pick them up. */
  onSettingsChanged?: (settings: Settings) => void;
  /** Writes to WeChat still open: the terminal may not switch to another WeChat meanwhile. */
  openWrites?: () => number;
  /** The audit log shows a set-up since the last reset (setUpSinceReset). */
  setUpBefore?: () => boolean;
  /**
   * An operator's PIN, role or status changed: what they were handed under the old one (an
   * export's download link, say) is withdrawn.
   */
  onOperatorChanged?: (operatorId: string) => void;
}

/** What a refused sign-in is recorded as in the per-minute counts. */
/** Who may lift whose PIN lock: a supervisor a cashier's, a manager anyone's but their own. */
export function mayUnlock(by: OperatorView, target: OperatorView): boolean {
  if (by.id === target.id || by.disabled) return false;
  return by.role === 'manager' || (by.role === 'supervisor' && target.role === 'cashier');
}

function failureReason(r: Extract<SignInOutcome, { ok: false }>): FailureReason {
  if (r.checked) return 'mismatch';
  return r.reason === 'wrong_pin' ? 'mismatch' : r.reason;
}

export function createAccountHandlers(deps: AccountDeps): AreaHandlers<typeof accountOps> {
  const { settings, operators, sessions, audit } = deps;
  const secrets: EndpointSecrets = withEndpoints(deps.secrets);
  /** One set-up at a time: a second one waits, then finds the first one's manager. */
  const setupQueue = new KeyedQueue();

  const problem = (): string | undefined => {
    const state = settings.current;
    if (state.kind === 'broken') return state.problem;
    if (state.kind === 'first-run' && !needsSetup(deps)) return SETTINGS_MISSING;
    return undefined;
  };

  function settingsView(): SettingsView {
    const why = problem();
    const endpoint = (name: SecretName) => secrets.endpointOf(name);
    const appSecretAt = endpoint('appSecret');
    const authAt = endpoint('tokenServiceAuth');
    const centralAt = endpoint('centralCredential');
    return {
      settings: settings.settings,
      secrets: {
        appSecret: secrets.has('appSecret'),
        tokenServiceAuth: secrets.has('tokenServiceAuth'),
        centralCredential: secrets.has('centralCredential'),
      },
      secretEndpoints: {
        ...(appSecretAt !== undefined ? { appSecret: appSecretAt } : {}),
        ...(authAt !== undefined ? { tokenServiceAuth: authAt } : {}),
        ...(centralAt !== undefined ? { centralCredential: centralAt } : {}),
      },
      secretStorage: deps.secrets.kind,
      ...(why ? { problem: why } : {}),
    };
  }

  function storeSecrets(change: EndpointChange) {
    for (const s of change.store) secrets.set(s.name, s.value, s.endpoint);
  }

  /** Ends an operator's other sessions after a change of their PIN or role, and says so. */
  function endSessions(operatorId: string, why: string, ctx: CallContext) {
    deps.onOperatorChanged?.(operatorId);
    const keep = sessions.operatorId(ctx) === operatorId ? ctx : undefined;
    // The window or tab is not named: a client id is a handle on a session, and the journal
    // is read by cashiers too.
    const ended = sessions.endFor(operatorId, keep);
    for (let i = 0; i < ended.length; i++) {
      audit.append({
        action: 'sign_out',
        outcome: 'ok',
        operator_id: operatorId,
        detail: { reason: why, by: sessions.operatorId(ctx) ?? null },
      });
    }
  }

  async function completeSetup(input: In<'completeSetup'>, ctx: CallContext) {
    if (!needsSetup(deps)) {
      throw new AppError('forbidden', 'errors.already_set_up', { dataDir: deps.dataDir });
    }
    const next = Settings.parse({
      terminal: { name: input.terminalName, id: input.terminalId },
      store: { name: input.storeName, ...(input.poiId ? { poiId: input.poiId } : {}) },
      language: input.language,
      ...(input.timeZone ? { timeZone: input.timeZone } : {}),
      mode: input.mode,
      ...(input.live ? { live: input.live } : {}),
    });
    // Set-up never uses a stored secret: only what is typed in this request.
    const change = planEndpointChange({
      before: undefined,
      next,
      typed: {
        ...(input.appSecret ? { appSecret: input.appSecret } : {}),
        ...(input.tokenServiceAuth ? { tokenServiceAuth: input.tokenServiceAuth } : {}),
      },
      confirmCustomBaseUrl: false,
      secrets,
    });
    // The manager first: from here on the terminal counts as set up (a crash before the
    // settings are saved leaves a manager who can sign in and save them).
    const manager = await operators.add({ ...input.manager, role: 'manager' });
    storeSecrets(change);
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
  }

  return {
    async getAppInfo() {
      return {
        name: 'CardDesk',
        version: deps.app.version,
        mode: settings.settings.mode,
        host: deps.app.host,
        terminalId: settings.settings.terminal.id,
        osLocale: deps.app.osLocale,
        dataDir: deps.dataDir,
      };
    },

    async testConnection(input) {
      // Set-up never uses a stored secret (see needsSetup).
      return deps.connection.test(input, settings.settings, { stored: !needsSetup(deps) });
    },

    async getSetupState(): Promise<Out<'getSetupState'>> {
      const setup = needsSetup(deps);
      const why = problem();
      const recovery =
        setup || operators.problem
          ? undefined
          : operators.count === 0
            ? ('no_operators' as const)
            : settings.current.kind === 'first-run'
              ? ('settings_missing' as const)
              : undefined;
      return {
        needsSetup: setup,
        ...(why ? { problem: why } : {}),
        ...(operators.problem ? { problem: operators.problem } : {}),
        ...(recovery ? { recovery } : {}),
      };
    },

    async getTerminalConfig(): Promise<Out<'getTerminalConfig'>> {
      const s = settings.settings;
      const why = problem();
      return {
        terminalName: s.terminal.name,
        terminalId: s.terminal.id,
        storeName: s.store.name,
        mode: s.mode,
        language: s.language,
        timeZone: s.timeZone,
        scan: s.scan,
        sound: s.sound,
        idleLockMinutes: s.idleLockMinutes,
        ...(why ? { problem: why } : {}),
      };
    },

    async completeSetup(input: In<'completeSetup'>, ctx: CallContext): Promise<SessionView> {
      return setupQueue.run('setup', () => completeSetup(input, ctx));
    },

    async getSession(_input: In<'getSession'>, ctx: CallContext) {
      return sessions.view(ctx);
    },

    async signIn(input: In<'signIn'>, ctx: CallContext): Promise<SessionView> {
      const started = performance.now();
      const result = await operators.verify(input.operatorId, input.pin);
      const durationMs = Math.round(performance.now() - started);
      if (!result.ok) {
        // Ids that name no operator are counted together (they answer like real ones).
        const known = operators.find(input.operatorId) !== undefined;
        deps.failures.record(input.operatorId, known ? failureReason(result) : 'unknown');
        if (result.justLocked) {
          audit.append({
            action: 'lockout',
            outcome: 'rejected',
            operator_id: input.operatorId,
            detail: { until: result.lockedUntil ?? null },
          });
        }
        if (result.lockedUntil !== undefined) {
          const ms = result.lockedUntil - deps.now();
          throw new AppError('forbidden', 'errors.operator_locked', {
            minutes: Math.max(1, Math.ceil(ms / 60_000)),
            until: result.lockedUntil,
          });
        }
        if (result.reason === 'disabled')
          throw new AppError('forbidden', 'errors.operator_disabled');
        throw new AppError('forbidden', 'errors.wrong_pin');
      }
      // Minutes of failures that are over are written now rather than on the timer: the
      // journal then shows them before this sign-in.
      deps.failures.flushDue();
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

    async updateSettings(input: In<'updateSettings'>, ctx: CallContext) {
      const { appSecret, tokenServiceAuth, centralCredential, confirmCustomBaseUrl, ...patch } =
        input;
      const before = settings.settings;
      const next = Settings.parse({ ...before, ...patch });
      const change = planEndpointChange({
        before,
        next,
        typed: {
          ...(appSecret ? { appSecret } : {}),
          ...(tokenServiceAuth ? { tokenServiceAuth } : {}),
          ...(centralCredential ? { centralCredential } : {}),
        },
        confirmCustomBaseUrl: confirmCustomBaseUrl === true,
        secrets,
      });
      // An open redemption or refund is sent and settled only against the WeChat it was made
      // for: switching mode, AppID, token service or API address waits until none is open.
      const open = deps.openWrites?.() ?? 0;
      if (open > 0 && writeEnvironment(next) !== writeEnvironment(before)) {
        throw new AppError('invalid_input', 'errors.writes_open_environment', { count: open });
      }
      const saved = settings.patch(patch);
      storeSecrets(change);
      deps.onSettingsChanged?.(saved.after);
      audit.append({
        action: 'settings_change',
        outcome: 'ok',
        operator_id: sessions.operatorId(ctx),
        detail: {
          changes: diff(maskSecrets(saved.before), maskSecrets(saved.after)),
          // Which secrets were typed again for their new address (never their values).
          ...(change.store.length > 0 ? { typed_again: change.store.map((s) => s.name) } : {}),
          // The manager said yes to sending every access token to an address not WeChat's.
          ...(change.confirmedBaseUrl !== undefined
            ? { confirmed_base_url: change.confirmedBaseUrl }
            : {}),
        },
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
      if (input.value !== null && input.name === 'centralCredential' && !s.central.url) {
        throw new AppError('invalid_input', 'errors.central_url_missing');
      }
      const wasSet = secrets.has(input.name);
      // A secret is entered for the address the saved settings send it to, and only goes there.
      const endpoint = secretEndpoint(input.name, s);
      if (input.value === null) secrets.clear(input.name);
      else secrets.set(input.name, input.value, endpoint);
      deps.onSettingsChanged?.(settings.settings);
      audit.append({
        action: 'settings_change',
        outcome: 'ok',
        operator_id: sessions.operatorId(ctx),
        detail: {
          setting: input.name,
          before: wasSet ? 'set' : 'not set',
          after: input.value ? 'set' : 'not set',
          ...(input.value ? { endpoint } : {}),
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
      if (after.disabled && !before?.disabled) endSessions(id, 'disabled', ctx);
      else if (before && after.role !== before.role) endSessions(id, 'role_changed', ctx);
      return after;
    },

    async unlockOperatorWithPin(input: In<'unlockOperatorWithPin'>) {
      // The unlocker's PIN is checked (and counted) first, like a sign-in of theirs: nothing
      // about the locked operator is said to someone who is not a supervisor.
      const check = await operators.verify(input.by.id, input.by.pin);
      if (!check.ok) {
        const known = operators.find(input.by.id) !== undefined;
        deps.failures.record(
          input.by.id,
          !known
            ? 'unlock_unknown'
            : check.checked || check.reason === 'wrong_pin'
              ? 'unlock_mismatch'
              : check.reason === 'locked'
                ? 'unlock_locked'
                : 'unlock_disabled',
        );
        if (check.lockedUntil !== undefined) {
          throw new AppError('forbidden', 'errors.operator_locked', {
            minutes: Math.max(1, Math.ceil((check.lockedUntil - deps.now()) / 60_000)),
            until: check.lockedUntil,
          });
        }
        throw new AppError('forbidden', 'errors.unlock_pin_wrong');
      }
      const target = operators.find(input.operatorId);
      if (!target || !mayUnlock(check.operator, target)) {
        deps.failures.record(input.by.id, 'unlock_not_allowed');
        throw new AppError('forbidden', 'errors.unlock_not_allowed');
      }
      const { wasLockedUntil } = await operators.unlock(target.id);
      if (wasLockedUntil === undefined) {
        throw new AppError('invalid_input', 'errors.operator_not_locked', { name: target.name });
      }
      audit.append({
        action: 'operator_unlock',
        outcome: 'ok',
        operator_id: check.operator.id,
        detail: { operator: target.id, locked_until: wasLockedUntil, where: 'lock_screen' },
      });
      return { id: target.id, name: target.name };
    },

    async unlockOperator(input: In<'unlockOperator'>, ctx: CallContext) {
      const me = sessions.operatorId(ctx);
      const target = operators.find(input.id);
      if (!target) throw new AppError('invalid_input', 'errors.operator_unknown', { id: input.id });
      if (target.id === me) throw new AppError('forbidden', 'errors.unlock_not_allowed');
      const { operator, wasLockedUntil } = await operators.unlock(target.id);
      if (wasLockedUntil === undefined) {
        throw new AppError('invalid_input', 'errors.operator_not_locked', { name: target.name });
      }
      audit.append({
        action: 'operator_unlock',
        outcome: 'ok',
        operator_id: me,
        detail: { operator: target.id, locked_until: wasLockedUntil, where: 'settings' },
      });
      return operator;
    },

    async resetPin(input: In<'resetPin'>, ctx: CallContext) {
      const op = await operators.resetPin(input.id, input.pin);
      audit.append({
        action: 'operator_change',
        outcome: 'ok',
        operator_id: sessions.operatorId(ctx),
        detail: { operator: input.id, pin: 'reset' },
      });
      endSessions(input.id, 'pin_reset', ctx);
      return op;
    },
  };
}
