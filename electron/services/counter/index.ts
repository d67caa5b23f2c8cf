/**
 * The counter area: look a scanned code up, redeem it (counter.ts), the redemptions whose
 * outcome is pending, and the sandbox's demo codes.
 */
import type { counterOps } from '../../../shared/ops/counter';
import type { AreaHandlers, OperatorOf } from '../call-context';
import type { WriteEngine } from '../writes/engine';
import type { Counter } from './counter';
import { demoCodes, type DemoCodeDeps } from './demo-codes';
import { pendingWork } from './pending-work';

export { createCounter, type Counter, type CounterDeps } from './counter';

export interface CounterAreaDeps extends DemoCodeDeps {
  counter: Counter;
  writes: Pick<WriteEngine, 'pending'>;
  operatorOf: OperatorOf;
}

export function createCounterHandlers(deps: CounterAreaDeps): AreaHandlers<typeof counterOps> {
  const { counter, operatorOf } = deps;
  return {
    lookupCode: async (input, call) => counter.lookup(input.code, input.source, operatorOf(call)),
    redeemCode: async (input, call) => counter.redeem(input.code, input.cardId, operatorOf(call)),
    getPendingWork: async () => pendingWork(deps.writes),
    listDemoCodes: async () => demoCodes(deps),
  };
}
