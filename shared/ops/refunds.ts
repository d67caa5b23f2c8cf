/**
 * Contract operations of refunds (issue 9): a supervisor (or a cashier with a supervisor's PIN
 * entered on the spot) invalidates a customer's code with code/unavailable. The request goes
 * through a durable outbox in the audit log's SQLite file, so it is never lost and never sent
 * twice blindly.
 */
import { z } from 'zod';
import { op } from '../contract-kit';
import { ErrorInfo } from '../errors';
import { OperatorIdSchema, PinSchema } from '../settings';
import { noteBytesLeft, REASON_MAX_BYTES, REFUND_REASONS } from '../refund-reason';
import { RedeemedHere, Verdict } from '../verdict';
import { WriteItem } from '../writes';

export { REFUND_REASONS };
export const RefundReason = z.enum(REFUND_REASONS);

/** A refund in the queue: a write of the durable engine (shared/writes.ts). */
export const OutboxItem = WriteItem;
export type OutboxItem = WriteItem;

export const RefundPreview = z.object({
  verdict: Verdict,
  /** When and by whom this terminal redeemed the code, if it did. */
  redeemedHere: RedeemedHere.optional(),
  /** An invalidation of this code already in this terminal's outbox. */
  queued: OutboxItem.optional(),
});
export type RefundPreview = z.infer<typeof RefundPreview>;

export const InvalidateInput = z
  .object({
    code: z.string().trim().min(1).max(64),
    cardId: z.string().max(32).optional(),
    reason: RefundReason,
    /**
     * Required for 'other'; sent after the reason's Chinese label, and the two together are
     * at most 64 UTF-8 bytes (code/unavailable's `reason` is string(64)).
     */
    note: z.string().trim().max(REASON_MAX_BYTES).default(''),
    /** A cashier asks a supervisor to authorise on the spot. */
    supervisor: z.object({ id: OperatorIdSchema, pin: PinSchema }).optional(),
    /** The deliberate confirmation that invalidation cannot be undone. */
    confirmed: z.literal(true),
  })
  .strict()
  .refine((v) => v.reason !== 'other' || v.note.length > 0, {
    message: 'a reason "other" needs a note',
    path: ['note'],
  })
  .refine((v) => noteBytesLeft(v.reason, v.note) >= 0, {
    message: `the reason and the note are more than ${REASON_MAX_BYTES} bytes (about 16 Chinese characters of note)`,
    path: ['note'],
  });

export const InvalidateOutcome = z.object({
  /**
   * invalidated: WeChat confirmed. queued: WeChat could not be reached, the outbox retries.
   * unknown: sent, answer lost: the outbox settles it by asking the code's status.
   * rejected: WeChat refused for a final reason (error says which).
   * busy: an earlier write of this code here is unsettled; nothing was queued.
   */
  outcome: z.enum(['invalidated', 'queued', 'unknown', 'rejected', 'busy']),
  item: OutboxItem,
  error: ErrorInfo.optional(),
});
export type InvalidateOutcome = z.infer<typeof InvalidateOutcome>;

export const refundOps = {
  refundPreview: op({
    access: 'cashier',
    input: z.object({ code: z.string().max(512) }).strict(),
    output: RefundPreview,
  }),
  invalidateCode: op({ access: 'cashier', input: InvalidateInput, output: InvalidateOutcome }),
  listOutbox: op({
    access: 'supervisor',
    input: z.object({ includeClosed: z.boolean().default(false) }).strict(),
    output: z.array(OutboxItem),
    // The refund screen polls it: a poll is not the operator at the till (the idle lock).
    passive: true,
  }),
  retryOutbox: op({
    access: 'supervisor',
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: OutboxItem,
  }),
  cancelOutbox: op({
    access: 'supervisor',
    input: z
      .object({ id: z.number().int().positive(), why: z.string().trim().min(3).max(200) })
      .strict(),
    output: OutboxItem,
  }),
};
