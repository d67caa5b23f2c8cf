/**
 * Contract operations of training in Sandbox mode (issue 18): a manager arms one deliberate
 * fault for the next redemption (or the next lookup) so that a cashier sees, at the real
 * counter, what "outcome unknown", "could not check" or WeChat's refusal look like. The host
 * refuses all of it in Live mode (electron/services/training/), whatever a screen sends; what
 * an exercise causes is marked as training in the journal and left out of totals and exports
 * by default.
 */
import { z } from 'zod';
import { NoInput as Empty, op } from '../contract-kit';

/**
 * The errcodes a trainer can make WeChat answer: the ones a cashier meets at the counter.
 * 40099 already redeemed, 40127 being gifted or invalidated, 40056 unknown code, -1 system
 * busy, 45009 the day's API quota used up.
 */
export const TRAINING_ERRCODES = [40099, 40127, 40056, -1, 45009] as const;
export type TrainingErrcode = (typeof TRAINING_ERRCODES)[number];

/**
 * answer_lost: WeChat redeems the code, the answer never arrives (outcome unknown, settled).
 * network: the network fails before anything is done (not redeemed; a lookup: could not check).
 * errcode: WeChat answers with `errcode`.
 */
export const TRAINING_FAULTS = ['answer_lost', 'network', 'errcode'] as const;
export const TrainingFault = z.enum(TRAINING_FAULTS);
export type TrainingFault = z.infer<typeof TrainingFault>;

/** What the fault is for: the next redemption, or the next lookup (a scan, at any screen). */
export const TrainingTarget = z.enum(['redeem', 'lookup']);
export type TrainingTarget = z.infer<typeof TrainingTarget>;

export const ArmTrainingInput = z
  .strictObject({
    fault: TrainingFault,
    target: TrainingTarget.default('redeem'),
    errcode: z.literal(TRAINING_ERRCODES).optional(),
  })
  .refine((i) => (i.fault === 'errcode') === (i.errcode !== undefined), {
    message: 'an errcode goes with the errcode fault, and only with it',
    path: ['errcode'],
  })
  .refine((i) => i.fault !== 'answer_lost' || i.target === 'redeem', {
    message: 'only a redemption has an answer to lose (a lookup is simply asked again)',
    path: ['target'],
  });
export type ArmTrainingInput = z.input<typeof ArmTrainingInput>;

const Exercise = z.object({
  fault: TrainingFault,
  target: TrainingTarget,
  errcode: z.number().int().optional(),
  armedAt: z.number(),
  armedBy: z.string(),
});

export const TrainingState = z.object({
  /** False outside Sandbox mode: training never exists against the real WeChat. */
  available: z.boolean(),
  /** The fault waiting for the next redemption (or lookup), if any. */
  armed: Exercise.optional(),
  /** The last exercise that fired: when, on which code, and what the cashier was shown. */
  used: Exercise.extend({
    usedAt: z.number(),
    code: z.string().optional(),
    /**
     * A redemption's outcome (redeemed, rejected, failed, unknown, busy) or a lookup's verdict
     * kind: what the cashier saw.
     */
    shown: z.string(),
  }).optional(),
});
export type TrainingState = z.infer<typeof TrainingState>;

export const trainingOps = {
  getTraining: op({ access: 'manager', input: Empty, output: TrainingState, passive: true }),
  armTraining: op({ access: 'manager', input: ArmTrainingInput, output: TrainingState }),
  disarmTraining: op({ access: 'manager', input: Empty, output: TrainingState }),
};
