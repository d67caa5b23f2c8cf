/**
 * The `reason` a refund sends with code/unavailable: the chosen reason's Chinese label (what
 * the merchant's staff read in WeChat's back end), then the supervisor's note. The reference
 * gives `reason` as string(64), counted in UTF-8 bytes: 16 Chinese characters are 48 bytes.
 * Checked here before anything is queued, so WeChat never refuses a refund for its length
 * (45021), and the refund screen shows what is left as the supervisor types.
 */
import refundMessages from './i18n/messages/refunds';

export const REFUND_REASONS = [
  'customer_refund',
  'order_cancelled',
  'wrong_item',
  'duplicate_issue',
  'fraud_suspected',
  'other',
] as const;
export type RefundReasonKey = (typeof REFUND_REASONS)[number];

/** code/unavailable's `reason`: string(64), in UTF-8 bytes. */
export const REASON_MAX_BYTES = 64;
const SEPARATOR = '：';

const encoder = new TextEncoder();
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** The text sent as `reason`: "顾客退款" or "顾客退款：<note>". */
export function reasonText(reason: RefundReasonKey, note: string): string {
  const label = refundMessages['zh-CN'].reasons[reason];
  const trimmed = note.trim();
  return trimmed ? `${label}${SEPARATOR}${trimmed}` : label;
}

/** Bytes of the note still allowed with this reason (negative when over). */
export function noteBytesLeft(reason: RefundReasonKey, note: string): number {
  const label = refundMessages['zh-CN'].reasons[reason];
  return REASON_MAX_BYTES - utf8Bytes(label) - utf8Bytes(SEPARATOR) - utf8Bytes(note.trim());
}
