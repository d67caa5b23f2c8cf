/**
 * Refunds (issue 9): preview a code, invalidate it through the durable outbox, and let a
 * supervisor see, retry or cancel what is queued. A cashier may invalidate only with a
 * supervisor's id and PIN entered on the spot (checked here, recorded as both).
 */
import { AppError } from '../../shared/errors';
import type { refundOps } from '../../shared/ops/refunds';
import { normaliseCode } from '../../shared/scan-code';
import { roleAllows } from '../../shared/settings';
import type { AreaHandlers, ServiceContext } from './context';

export function createRefundHandlers(ctx: ServiceContext): AreaHandlers<typeof refundOps> {
  const { outbox, audit, operators, sessions } = ctx;

  function plainCode(raw: string): string {
    const n = normaliseCode(raw);
    if (n.kind !== 'code')
      throw new AppError(
        'invalid_input',
        `verdict.invalid.${n.kind === 'invalid' ? n.reason : 'bad_characters'}`,
      );
    return n.code;
  }

  return {
    async refundPreview(input, call) {
      const code = plainCode(input.code);
      const { verdict } = await ctx.counter.verdictFor(code);
      const mine = audit.lastRedemption(code);
      const queued = outbox.openFor(code);
      audit.append({
        action: 'lookup',
        outcome: verdict.kind === 'could_not_check' ? 'failed' : 'ok',
        operator_id: ctx.operatorOf(call),
        code,
        card_id: verdict.cardId ?? null,
        detail: { purpose: 'refund', verdict: verdict.kind },
      });
      return {
        verdict,
        ...(mine
          ? {
              redeemedHere: {
                at: mine.ts,
                operatorId: mine.operator_id ?? '',
                operatorName:
                  operators.find(mine.operator_id ?? '')?.name ?? mine.operator_id ?? '',
              },
            }
          : {}),
        ...(queued ? { queued } : {}),
      };
    },

    async invalidateCode(input, call) {
      const operatorId = ctx.operatorOf(call);
      const me = operatorId ? operators.find(operatorId) : undefined;
      let supervisorId: string | undefined;
      if (!me || !roleAllows(me.role, 'supervisor')) {
        // A cashier: a supervisor authorises on the spot with their own id and PIN.
        if (!input.supervisor) throw new AppError('forbidden', 'errors.role_required_supervisor');
        const check = await operators.verify(input.supervisor.id, input.supervisor.pin);
        if (!check.ok || !roleAllows(check.operator.role, 'supervisor')) {
          audit.append({
            action: 'sign_in_failed',
            outcome: 'rejected',
            operator_id: input.supervisor.id,
            detail: {
              purpose: 'refund_authorisation',
              by: operatorId ?? null,
              reason: check.ok ? 'not_supervisor' : check.reason,
            },
          });
          throw new AppError(
            'forbidden',
            check.ok
              ? 'errors.role_required_supervisor'
              : check.reason === 'locked'
                ? 'errors.operator_locked'
                : 'errors.supervisor_pin_wrong',
            { minutes: 5 },
          );
        }
        supervisorId = check.operator.id;
      } else {
        supervisorId = me.id;
      }
      const code = plainCode(input.code);
      const open = outbox.openFor(code);
      if (open) return { outcome: open.state === 'unknown' ? 'unknown' : 'queued', item: open };
      const reason = input.note ? `${input.reason}: ${input.note}` : input.reason;
      const item = await outbox.enqueueAndSend({
        code,
        cardId: input.cardId,
        reason,
        operatorId,
        supervisorId,
      });
      const outcome =
        item.state === 'done'
          ? 'invalidated'
          : item.state === 'failed'
            ? 'rejected'
            : item.state === 'unknown'
              ? 'unknown'
              : 'queued';
      return { outcome, item, ...(item.lastError ? { error: item.lastError } : {}) };
    },

    async listOutbox(input) {
      return outbox.list(input.includeClosed);
    },

    async retryOutbox(input) {
      const item = outbox.retryNow(input.id);
      if (!item) throw new AppError('invalid_input', 'errors.outbox_unknown', { id: input.id });
      return item;
    },

    async cancelOutbox(input, call) {
      const item = outbox.cancel(input.id, sessions.operatorId(call), input.why);
      if (!item) throw new AppError('invalid_input', 'errors.outbox_unknown', { id: input.id });
      return item;
    },
  };
}
