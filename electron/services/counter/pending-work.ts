/** The counter's notices: redemptions whose outcome is open or was settled a moment ago. */
import type { PendingItem, PendingWork } from '../../../shared/ops/counter';
import { isOpenState, type WriteItem } from '../../../shared/writes';
import type { WriteEngine } from '../writes/engine';

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

export function pendingWork(writes: Pick<WriteEngine, 'pending'>): PendingWork {
  const { open, settled } = writes.pending();
  return {
    unsettled: open.filter((w) => w.kind === 'consume').map(pendingItem),
    recentlySettled: settled.filter((w) => w.kind === 'consume').map(pendingItem),
    outbox: open.filter((w) => w.kind === 'invalidate').length,
  };
}
