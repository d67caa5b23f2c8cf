/**
 * card/modifystock, checked before sending: a whole number above zero, never below zero stock
 * and never a total above the reference's maximum of 100,000,000 (the platform answers 40122,
 * or 45031 when there is no stock left to reduce).
 */
export const MAX_TOTAL_QUANTITY = 100_000_000;

export type StockDirection = 'increase' | 'reduce';

export type StockProblem = 'not_whole_number' | 'below_zero' | 'stock_empty' | 'over_max';

export interface StockPreview {
  ok: boolean;
  problem?: StockProblem;
  /** Stock left to receive, and the total, after the change (when the amount is a number). */
  quantity?: number;
  total?: number;
}

export function previewStock(
  sku: { quantity: number; total_quantity?: number | undefined },
  direction: StockDirection,
  amount: number,
): StockPreview {
  const total = sku.total_quantity ?? sku.quantity;
  if (!Number.isSafeInteger(amount) || amount < 1)
    return { ok: false, problem: 'not_whole_number' };
  const delta = direction === 'increase' ? amount : -amount;
  const next = { quantity: sku.quantity + delta, total: total + delta };
  if (direction === 'reduce' && sku.quantity === 0) return { ok: false, problem: 'stock_empty' };
  if (next.quantity < 0 || next.total < 0) return { ok: false, problem: 'below_zero', ...next };
  if (next.total > MAX_TOTAL_QUANTITY) return { ok: false, problem: 'over_max', ...next };
  return { ok: true, ...next };
}
