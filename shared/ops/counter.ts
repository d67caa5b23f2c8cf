/**
 * Contract operations of the counter: look a scanned code up, redeem it, the redemptions whose
 * outcome is pending, and the sandbox's demo codes to scan from the screen.
 */
import { z } from 'zod';
import { NoInput as Empty, op } from '../contract-kit';
import { ErrorInfo } from '../errors';
import { Tone, Verdict, VerdictKind, Warning } from '../verdict';

/** A code as it arrives from a scanner, the camera or the keyboard, before normalisation. */
export const ScannedCode = z.string().max(512, { message: 'too long to be a code' });

export const LookupInput = z.object({
  code: ScannedCode,
  source: z.enum(['scanner', 'camera', 'manual']).default('manual'),
});

export const RedeemInput = z
  .object({
    code: z.string().min(1).max(64),
    /** From the verdict: needed for custom-code cards. */
    cardId: z.string().max(32).optional(),
  })
  .strict();

export const RedeemOutcome = z.object({
  /**
   * redeemed: WeChat confirmed it. rejected: WeChat refused, or this terminal redeemed it
   * already (the verdict says why). failed: certainly not done (network down before sending,
   * quota...). unknown: sent, answer lost: do not hand over goods; the terminal settles it.
   * busy: an earlier write of this code here is unsettled (the verdict says so).
   */
  outcome: z.enum(['redeemed', 'rejected', 'failed', 'unknown', 'busy']),
  code: z.string(),
  nonce: z.string().optional(),
  at: z.number(),
  verdict: Verdict.optional(),
  error: ErrorInfo.optional(),
});
export type RedeemOutcome = z.infer<typeof RedeemOutcome>;

export const PendingItem = z.object({
  nonce: z.string(),
  action: z.string(),
  code: z.string(),
  cardId: z.string().optional(),
  operatorId: z.string().optional(),
  at: z.number(),
  /** pending: being sent or settled. settled results carry what happened. */
  state: z.enum(['unsettled', 'redeemed', 'not_redeemed']),
  settledAt: z.number().optional(),
  /** Redeemed, settled from the code's status: our answer was lost ("not confirmed here"). */
  settled: z.boolean().optional(),
});
export type PendingItem = z.infer<typeof PendingItem>;

export const PendingWork = z.object({
  /** Redemptions whose outcome is not known yet. */
  unsettled: z.array(PendingItem),
  /** Settled in the last minutes: shown to the cashier once. */
  recentlySettled: z.array(PendingItem),
  /** Refunds waiting in the outbox (issue 9). */
  outbox: z.number(),
});
export type PendingWork = z.infer<typeof PendingWork>;

export const DemoCodes = z.object({
  /** False outside Sandbox mode: demo codes exist only in the built-in sandbox. */
  available: z.boolean(),
  codes: z.array(
    z.object({
      code: z.string(),
      cardId: z.string(),
      title: z.string(),
      cardType: z.string(),
      status: z.string(),
      codeType: z.string(),
      /** The seed's English description (tools and logs); screens show the fields below. */
      note: z.string(),
      redeemable: z.boolean(),
      customCode: z.boolean(),
      /** Where now is in the code's validity window (a code NORMAL but not valid yet is red). */
      position: z.enum(['before', 'inside', 'after']),
      /** The validity window, ms since the epoch. */
      validFrom: z.number(),
      validUntil: z.number(),
      /** Weekday limits (MONDAY, ..., HOLIDAY). */
      weekdays: z.array(z.string()),
      cardDeleted: z.boolean(),
      /**
       * What the counter would say now, by its own rule (kind, tone, warnings), including
       * "unknown code" for a custom code of a card this terminal does not accept.
       */
      expect: z
        .object({
          kind: VerdictKind,
          tone: Tone,
          warnings: z.array(Warning),
          notAcceptedHere: z.literal(true).optional(),
        })
        .optional(),
    }),
  ),
});
export type DemoCodes = z.infer<typeof DemoCodes>;

export const counterOps = {
  lookupCode: op({ access: 'cashier', input: LookupInput.strict(), output: Verdict }),
  redeemCode: op({ access: 'cashier', input: RedeemInput, output: RedeemOutcome }),
  getPendingWork: op({ access: 'cashier', input: Empty, output: PendingWork, passive: true }),
  listDemoCodes: op({ access: 'cashier', input: Empty, output: DemoCodes }),
};
