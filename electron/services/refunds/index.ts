/**
 * Refunds: preview a code (the one lookup), invalidate it through the durable write engine, and
 * let a supervisor see, retry or cancel what is queued. A cashier may invalidate only with a
 * supervisor's id and PIN entered on the spot (checked here, recorded as both).
 */
import { AppError } from '../../../shared/errors';
import type { refundOps } from '../../../shared/ops/refunds';
import { roleAllows } from '../../../shared/settings';
import type { AreaHandlers, OperatorOf } from '../call-context';
import type { OperatorStore } from '../account/operators';
import type { SignInFailureLog } from '../account/sign-in-failures';
import type { Lookup } from '../lookup';
import type { WriteEngine } from '../writes/engine';

export interface RefundDeps {
  lookup: Pick<Lookup, 'lookup' | 'codeForWrite'>;
  writes: Pick<WriteEngine, 'openFor' | 'invalidate' | 'list' | 'get' | 'retryNow' | 'cancel'>;
  operators: Pick<OperatorStore, 'find' | 'verify'>;
  /** A supervisor's PIN typed wrongly at a cashier's refund counts like a failed sign-in. */
  signInFailures: Pick<SignInFailureLog, 'record'>;
  operatorOf: OperatorOf;
  now(): number;
}

export function createRefundHandlers(deps: RefundDeps): AreaHandlers<typeof refundOps> {
  const { writes, operators, lookup, operatorOf } = deps;

  return {
    async refundPreview(input, call) {
      const verdict = await lookup.lookup({
        raw: input.code,
        purpose: 'refund',
        operatorId: operatorOf(call),
      });
      const code = verdict.code;
      const open = code ? writes.openFor(code) : undefined;
      return {
        verdict,
        ...(verdict.redeemedHere ? { redeemedHere: verdict.redeemedHere } : {}),
        ...(open?.kind === 'invalidate' ? { queued: open } : {}),
      };
    },

    async invalidateCode(input, call) {
      const operatorId = operatorOf(call);
      const me = operatorId ? operators.find(operatorId) : undefined;
      let supervisorId: string | undefined;
      if (!me || !roleAllows(me.role, 'supervisor')) {
        // A cashier: a supervisor authorises on the spot with their own id and PIN.
        if (!input.supervisor) throw new AppError('forbidden', 'errors.role_required_supervisor');
        const check = await operators.verify(input.supervisor.id, input.supervisor.pin);
        if (!check.ok || !roleAllows(check.operator.role, 'supervisor')) {
          // Counted per id and minute like sign-ins: a flood of guesses costs a few records.
          deps.signInFailures.record(
            input.supervisor.id,
            check.ok
              ? 'refund_not_supervisor'
              : !operators.find(input.supervisor.id)
                ? 'refund_unknown'
                : check.checked || check.reason === 'wrong_pin'
                  ? 'refund_mismatch'
                  : `refund_${check.reason}`,
          );
          if (!check.ok && check.lockedUntil !== undefined) {
            throw new AppError('forbidden', 'errors.operator_locked', {
              minutes: Math.max(1, Math.ceil((check.lockedUntil - deps.now()) / 60_000)),
              until: check.lockedUntil,
            });
          }
          throw new AppError(
            'forbidden',
            check.ok ? 'errors.role_required_supervisor' : 'errors.supervisor_pin_wrong',
          );
        }
        supervisorId = check.operator.id;
      } else {
        supervisorId = me.id;
      }
      const code = await lookup.codeForWrite(input.code);
      const r = await writes.invalidate({
        code,
        cardId: input.cardId,
        reasonKey: input.reason,
        note: input.note,
        operatorId,
        supervisorId,
      });
      const error = r.error ? { error: r.error } : {};
      switch (r.outcome) {
        case 'applied':
        case 'done_here':
          return { outcome: 'invalidated', item: r.item };
        case 'queued':
          return { outcome: 'queued', item: r.item, ...error };
        case 'unknown':
          return { outcome: 'unknown', item: r.item, ...error };
        case 'busy':
          return {
            outcome: 'busy',
            item: r.item,
            error: new AppError('invalid_input', 'errors.write_pending').toInfo(),
          };
        default:
          return { outcome: 'rejected', item: r.item, ...error };
      }
    },

    async listOutbox(input) {
      return writes.list('invalidate', input.includeClosed);
    },

    async retryOutbox(input) {
      const item = writes.get(input.id);
      if (!item || item.kind !== 'invalidate') {
        throw new AppError('invalid_input', 'errors.outbox_unknown', { id: input.id });
      }
      return writes.retryNow(input.id);
    },

    async cancelOutbox(input, call) {
      return writes.cancel(input.id, operatorOf(call), input.why);
    },
  };
}
