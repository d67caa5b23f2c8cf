/** Responses of the code calls: code/get, code/consume, code/decrypt, user/getcardlist. */
import { z } from 'zod';
import { UserCardStatus } from './enums';

export const CodeGetResponse = z.looseObject({
  card: z.looseObject({
    card_id: z.string(),
    /** The code's own validity window (unix seconds), when the platform gives it. */
    begin_time: z.int().optional(),
    end_time: z.int().optional(),
  }),
  openid: z.string(),
  can_consume: z.boolean(),
  user_card_status: UserCardStatus,
  outer_str: z.string().optional(),
});
export type CodeGetResult = z.infer<typeof CodeGetResponse>;

/**
 * code/consume. errcode 0 is what says the code was consumed; card and openid are read when
 * present but their absence does not turn a done redemption into an error.
 */
export const CodeConsumeResponse = z.looseObject({
  card: z.looseObject({ card_id: z.string() }).optional(),
  openid: z.string().optional(),
});
export type CodeConsumeResult = z.infer<typeof CodeConsumeResponse>;

export const CodeDecryptResponse = z.looseObject({ code: z.string().min(1) });

export const UserCardListResponse = z.looseObject({
  card_list: z.array(z.looseObject({ code: z.string(), card_id: z.string() })),
  has_share_card: z.boolean().optional(),
});
export type UserCardListResult = {
  card_list: { code: string; card_id: string }[];
  has_share_card: boolean;
};
