/**
 * Request bodies of the WeChat endpoints, with the reference's types and lengths. Unknown
 * fields are ignored, as the platform does (card/update, which rejects them, has its own
 * rules in card-update.ts).
 */
import { z } from 'zod';
import { CARD_STATUSES } from './card-types';
import { str } from './request-parse';

/** Codes are string(20) in the reference, but custom codes reach 64 after code/update. */
const code = str(64);
const cardId = str(32);

export const StableTokenRequest = z.object({
  grant_type: z.string(),
  appid: z.string(),
  secret: z.string(),
  force_refresh: z.boolean().optional(),
});

export const CodeGetRequest = z.object({
  code,
  card_id: cardId.optional(),
  check_consume: z.boolean().optional(),
});

export const CodeConsumeRequest = z.object({ code, card_id: cardId.optional() });

export const CodeDecryptRequest = z.object({ encrypt_code: str(512) });

export const CodeUnavailableRequest = z.object({
  code,
  card_id: cardId.optional(),
  reason: str(64).optional(),
});

/** new_code is checked in the handler: an unusable new code is 40116, not a format error. */
export const CodeUpdateRequest = z.object({
  code,
  card_id: cardId.optional(),
  new_code: z.string(),
});

export const CardIdRequest = z.object({ card_id: cardId });

export const BatchGetRequest = z.object({
  offset: z.int(),
  count: z.int(),
  status_list: z.array(z.string()).optional(),
});

export const ModifyStockRequest = z.object({
  card_id: cardId,
  increase_stock_value: z.int().optional(),
  reduce_stock_value: z.int().optional(),
});

export const UserCardListRequest = z.object({ openid: str(64), card_id: cardId.optional() });

/** Dates stay unknown here: anything but a strict 'YYYY-MM-DD' is 61500, checked in datacube.ts. */
export const DatacubeRequest = z.object({
  begin_date: z.unknown(),
  end_date: z.unknown(),
  cond_source: z.int().min(0).max(1),
  card_id: cardId.optional(),
});

export const DatacubeMemberDetailRequest = z.object({
  begin_date: z.unknown(),
  end_date: z.unknown(),
  card_id: cardId,
});

export const CARD_STATUS_SET: ReadonlySet<string> = new Set(CARD_STATUSES);
