/**
 * Training in Sandbox mode (issue 18): a manager arms one deliberate fault for the next
 * redemption (or lookup), so a cashier practises "outcome unknown", "could not check" and
 * WeChat's refusals at the real counter before a live shift.
 *
 * - Sandbox mode only, checked here on every call from the settings in force: arming is refused
 *   in Live mode, and an exercise armed before a switch to Live never fires.
 * - The fault goes through the built-in sandbox's own fault injector, in process (never the
 *   control API over HTTP, never from the renderer). Its rules are added only when the next
 *   redemption (lookup) starts, so the lookup that came before does not use them up, and what
 *   did not fire is taken back when it ends. An operation that never reached WeChat (a busy
 *   code, garbage) leaves the exercise armed for the next one.
 * - While an exercise is armed or firing, every record the terminal writes carries
 *   `detail.training = true`, and so does every later record of a write begun meanwhile (its
 *   settlement, minutes later, is found by its intent's mark). Summaries and exports leave
 *   them out by default. Outside that, a `training` key never reaches the log.
 */
import type { AuditLog } from '../../audit';
import type { NewAuditRecord } from '../../../shared/audit';
import { AppError } from '../../../shared/errors';
import type { Mode } from '../../../shared/ops/account';
import type { RedeemOutcome } from '../../../shared/ops/counter';
import type { TrainingState, trainingOps } from '../../../shared/ops/training';
import type { Verdict } from '../../../shared/verdict';
import { classifyErrcode } from '../../../shared/wechat/errcode-class';
import type { FaultSpec, RunningSandbox } from '../../sandbox';
import type { AreaHandlers, OperatorOf } from '../call-context';
import type { Counter } from '../counter';
import type { Lookup } from '../lookup';

/** Tries of a read by the WeChat client (electron/wechat/retry.ts): a fault must outlast them. */
const READ_ATTEMPTS = 3;

type Exercise = NonNullable<TrainingState['armed']>;
type Armed = Exercise & { errcode?: number };

export interface TrainingDeps {
  mode(): Mode;
  /** The built-in sandbox (the one Sandbox mode talks to). */
  sandbox(): Promise<RunningSandbox>;
  operatorOf: OperatorOf;
  now(): number;
}

/** The sandbox fault rules that make `ex` happen to one redemption or lookup. */
export function faultRules(ex: Pick<Armed, 'fault' | 'target' | 'errcode'>): FaultSpec[] {
  const get = '/card/code/get';
  const consume = '/card/code/consume';
  if (ex.fault === 'network') {
    // The connection drops on every try of the status read: a redemption is never sent
    // (not redeemed, "could not reach WeChat"), a lookup cannot tell ("could not check").
    return [{ path: get, kind: 'lost_response', count: READ_ATTEMPTS }];
  }
  if (ex.fault === 'answer_lost') {
    // WeChat redeems the code and the answer never arrives: outcome unknown, then settled.
    return [{ path: consume, kind: 'lost_response', count: 1 }];
  }
  const errcode = ex.errcode ?? -1;
  if (ex.target === 'lookup') {
    // -1 is retried by a read: it must last for every try.
    return [{ path: get, kind: 'errcode', errcode, count: errcode === -1 ? READ_ATTEMPTS : 1 }];
  }
  const rules: FaultSpec[] = [{ path: consume, kind: 'errcode', errcode, count: 1 }];
  // A refusal about the code is shown with the code's verdict, read again after the answer:
  // WeChat says the same there (the read before sending, the first, is let through).
  if (classifyErrcode(errcode) === 'code') {
    rules.push({ path: get, kind: 'errcode', errcode, count: 1, after: 1 });
  }
  return rules;
}

export function createTraining(deps: TrainingDeps) {
  let armed: Armed | undefined;
  /** Exercises whose operation is running now (their records are training too). */
  let firing = 0;
  /** The exercise being fired: still shown as armed until it is used (or put back). */
  let inFlight: Armed | undefined;
  let used: TrainingState['used'];

  const sandboxMode = () => deps.mode() === 'sandbox';

  /** Records written now are training records. */
  const marking = () => sandboxMode() && (armed !== undefined || firing > 0);

  function state(): TrainingState {
    if (!sandboxMode()) {
      armed = undefined;
      return { available: false };
    }
    const shown = armed ?? inFlight;
    return { available: true, ...(shown ? { armed: shown } : {}), ...(used ? { used } : {}) };
  }

  // --- the mark on records ------------------------------------------------------------------

  /** The log, with the training mark added to what is written during an exercise. */
  function markedLog(log: AuditLog): AuditLog {
    const intentMarked = (nonce: string) =>
      sandboxMode() && log.byNonce(nonce)[0]?.detail.training === true;
    const mark = <R extends NewAuditRecord | Omit<NewAuditRecord, 'outcome'>>(
      rec: R,
      nonce: string | null | undefined,
    ): R => {
      const on = marking() || (nonce ? intentMarked(nonce) : false);
      const detail = rec.detail ?? {};
      if (!on && !('training' in detail)) return rec;
      const { training: _dropped, ...rest } = detail;
      return { ...rec, detail: on ? { ...rest, training: true } : rest };
    };
    return {
      ...log,
      append: (rec) => log.append(mark(rec, rec.nonce)),
      appendIntent: (rec) => log.appendIntent(mark(rec, undefined)),
      appendResult: (nonce, rec) => log.appendResult(nonce, mark(rec, nonce)),
    };
  }

  // --- firing -------------------------------------------------------------------------------

  /**
   * Runs one redemption or lookup; when an exercise waits for it, with its fault rules in the
   * sandbox for exactly that operation.
   */
  async function around<T>(
    target: Exercise['target'],
    run: () => Promise<T>,
    shown: (r: T) => { shown: string; code?: string | undefined },
  ): Promise<T> {
    if (!armed || armed.target !== target) return run();
    if (!sandboxMode()) {
      armed = undefined;
      return run();
    }
    const ex = armed;
    armed = undefined; // taken synchronously: a second operation at the same moment runs plain
    inFlight = ex;
    firing += 1;
    try {
      let sb: RunningSandbox;
      try {
        sb = await deps.sandbox();
      } catch {
        armed ??= ex;
        return await run();
      }
      const rules = faultRules(ex).map((spec) => sb.sim.faults.add(spec));
      let fired = false;
      const takeBack = () => {
        const left = new Map(sb.sim.faults.list().map((r) => [r.id, r]));
        for (const rule of rules) {
          const now = left.get(rule.id);
          if (!now || now.remaining !== rule.remaining) fired = true;
          sb.sim.faults.remove(rule.id);
        }
      };
      let result: T;
      try {
        result = await run();
      } catch (err) {
        takeBack();
        if (!fired) armed ??= ex;
        throw err;
      }
      takeBack();
      if (!fired) {
        armed ??= ex; // it never reached WeChat: the next one is the exercise
        return result;
      }
      const what = shown(result);
      used = {
        ...ex,
        usedAt: deps.now(),
        shown: what.shown,
        ...(what.code ? { code: what.code } : {}),
      };
      return result;
    } finally {
      firing -= 1;
      if (inFlight === ex) inFlight = undefined;
    }
  }

  function wrapCounter(counter: Counter): Counter {
    return {
      ...counter,
      redeem: (raw, cardId, operatorId) =>
        around(
          'redeem',
          () => counter.redeem(raw, cardId, operatorId),
          (r: RedeemOutcome) => ({ shown: r.outcome, code: r.code }),
        ),
    };
  }

  function wrapLookup(lookup: Lookup): Lookup {
    return {
      ...lookup,
      lookup: (req) =>
        around(
          'lookup',
          () => lookup.lookup(req),
          (v: Verdict) => ({ shown: v.kind, code: v.code }),
        ),
    };
  }

  // --- the operations -----------------------------------------------------------------------

  function handlers(audit: Pick<AuditLog, 'append'>): AreaHandlers<typeof trainingOps> {
    const record = (operatorId: string | undefined, event: string, ex: Armed) =>
      audit.append({
        action: 'training',
        outcome: 'ok',
        operator_id: operatorId ?? null,
        detail: {
          event,
          fault: ex.fault,
          target: ex.target,
          ...(ex.errcode !== undefined ? { errcode: ex.errcode } : {}),
        },
      });
    return {
      getTraining: async () => state(),
      armTraining: async (input, call) => {
        // The mode in force, never what a screen believes: no fault reaches the real WeChat.
        if (!sandboxMode()) throw new AppError('forbidden', 'errors.training_live_mode');
        const operatorId = deps.operatorOf(call);
        const ex: Armed = {
          fault: input.fault,
          target: input.target,
          ...(input.errcode !== undefined ? { errcode: input.errcode } : {}),
          armedAt: deps.now(),
          armedBy: operatorId ?? '',
        };
        const before = armed;
        armed = ex; // the record of arming is a training record itself
        try {
          record(operatorId, 'arm', ex);
        } catch (err) {
          armed = before;
          throw err;
        }
        return state();
      },
      disarmTraining: async (_input, call) => {
        const ex = armed;
        if (ex && sandboxMode()) {
          record(deps.operatorOf(call), 'disarm', ex); // still armed: marked
          armed = undefined;
        }
        return state();
      },
    };
  }

  return { markedLog, wrapCounter, wrapLookup, handlers, state };
}

export type Training = ReturnType<typeof createTraining>;
