import type { ReviewKind } from '../../../../shared/ops/audit-review';

/**
 * The four kinds' colours in the summary's tiles and chart (each also has its word). Failures
 * ("could not check") are grey as on the counter: amber means only "redeemable, check first".
 */
export const KIND_COLOURS: Record<ReviewKind, string> = {
  redemptions: '#22c55e',
  refunds: '#38bdf8',
  rejections: '#ef4444',
  failures: '#94a3b8',
};
