/**
 * Contract operations of shipping: the terminal's records on their way to head office's
 * collector (README, "For a chain"). The collector's address and credential are settings and
 * a secret (updateSettings, setSecret 'centralCredential'); this is what Settings shows.
 */
import { z } from 'zod';
import { NoInput as Empty, op } from '../contract-kit';

export const ShippingState = z.enum([
  /** No collector address, or no credential for it. */
  'off',
  /** Asking the collector where this install stands, or sending. */
  'connecting',
  /** Every record is at head office (as of the last look). */
  'up_to_date',
  /** Records are waiting and being sent. */
  'catching_up',
  /** The last try failed (network, collector down): retried with backoff. */
  'failing',
  /** The collector refused the credential (wrong or revoked): a manager must enter a new one. */
  'refused',
]);
export type ShippingState = z.infer<typeof ShippingState>;

export const ShippingStatus = z.object({
  state: ShippingState,
  /** The collector address in use (not secret). */
  url: z.string(),
  installId: z.string(),
  /** The last record this terminal holds, and the last one head office acknowledged. */
  localSeq: z.number().int(),
  ackedSeq: z.number().int().optional(),
  /** Records not at head office yet (unknown until the collector answered once). */
  behind: z.number().int().optional(),
  lastSuccessAt: z.number().optional(),
  lastAttemptAt: z.number().optional(),
  nextAttemptAt: z.number().optional(),
  /** Why the last try failed, for the manager (an i18n key under shipping.errors). */
  lastError: z.string().optional(),
  /** Chain alerts the collector reported for this install's records. */
  alerts: z.number().int(),
});
export type ShippingStatus = z.infer<typeof ShippingStatus>;

export const shippingOps = {
  getShippingStatus: op({ access: 'manager', input: Empty, output: ShippingStatus, passive: true }),
};
