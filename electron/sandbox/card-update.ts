/**
 * card/update: only the fields the reference lists may change, per card type; some of them
 * send the card back to review (send_check true, status CARD_STATUS_NOT_VERIFY); the validity
 * of a fixed-range card may only grow. Everything is checked before anything is applied.
 */
import { z } from 'zod';
import { typeKey, TYPE_KEYS, type CardType } from './card-types';
import type { CardRecord, CardStore } from './card-store';
import { WxError } from './errcodes';
import { errorFromIssues, isPlainObject, str } from './request-parse';

interface FieldRule {
  schema: z.ZodType;
  /** Changing it needs the platform's review again. */
  review: boolean;
}

const uint = z.int().min(0).max(4_294_967_295);
const UPDATABLE_CODE_TYPES = [
  'CODE_TYPE_TEXT',
  'CODE_TYPE_BARCODE',
  'CODE_TYPE_QRCODE',
  'CODE_TYPE_ONLY_QRCODE',
  'CODE_TYPE_ONLY_BARCODE',
] as const;

/** "1234,2314", [1234, 2314]; "0" or [0] clears the list. */
const LocationIds = z
  .union([z.array(z.int().min(0)), z.string().regex(/^\d+(,\d+)*$/)])
  .transform((v) => (typeof v === 'string' ? v.split(',').map(Number) : v))
  .transform((ids) => (ids.length === 1 && ids[0] === 0 ? [] : ids));

const rule = (schema: z.ZodType, review = false): FieldRule => ({ schema, review });

const BASE_INFO_RULES: Record<string, FieldRule> = {
  logo_url: rule(str(128), true),
  notice: rule(str(48), true),
  description: rule(str(3072), true),
  color: rule(str(3072), true),
  service_phone: rule(str(24)),
  location_id_list: rule(LocationIds),
  center_title: rule(str(18)),
  center_sub_title: rule(str(24)),
  center_url: rule(str(128)),
  custom_url_name: rule(str(16)),
  custom_url: rule(str(128)),
  custom_url_sub_title: rule(str(18)),
  promotion_url_name: rule(str(16)),
  promotion_url: rule(str(128)),
  promotion_url_sub_title: rule(str(18)),
  code_type: rule(z.enum(UPDATABLE_CODE_TYPES)),
  get_limit: rule(z.int().min(1)),
  can_share: rule(z.boolean()),
  can_give_friend: rule(z.boolean()),
  // date_info is handled by dateInfoUpdate(): its rules depend on the current value.
};

const CustomField = z.looseObject({
  name_type: z
    .enum([
      'FIELD_NAME_TYPE_LEVEL',
      'FIELD_NAME_TYPE_COUPON',
      'FIELD_NAME_TYPE_STAMP',
      'FIELD_NAME_TYPE_DISCOUNT',
      'FIELD_NAME_TYPE_ACHIEVEMEN',
      'FIELD_NAME_TYPE_MILEAGE',
    ])
    .optional(),
  name: str(24).optional(),
  url: str(128).optional(),
});
const CustomCell = z.looseObject({ name: str(24), tips: str(36).optional(), url: str(128) });

/** Fields beside base_info that each type may update. Types not listed have none. */
const TYPE_RULES: Partial<Record<CardType, Record<string, FieldRule>>> = {
  MEMBER_CARD: {
    bonus_cleared: rule(str(3072), true),
    bonus_rules: rule(str(3072), true),
    balance_rules: rule(str(3072), true),
    prerogative: rule(str(3072), true),
    custom_field1: rule(CustomField),
    custom_field2: rule(CustomField),
    custom_field3: rule(CustomField),
    custom_cell1: rule(CustomCell),
  },
  MOVIE_TICKET: { detail: rule(str(3072), true) },
  BOARDING_PASS: {
    departure_time: rule(uint),
    landing_time: rule(uint),
    boarding_time: rule(uint),
    gate: rule(str(12)),
  },
  SCENIC_TICKET: { guide_url: rule(str(128)) },
  MEETING_TICKET: { map_url: rule(str(128)) },
};

const DateInfoUpdate = z.object({
  type: z.string(),
  begin_timestamp: uint.optional(),
  end_timestamp: uint.optional(),
});

function parseField(name: string, value: unknown, r: FieldRule): unknown {
  const result = r.schema.safeParse(value);
  if (!result.success)
    throw errorFromIssues({ [name]: value }, prefixed(name, result.error.issues));
  return result.data;
}

function prefixed(name: string, issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.map((i) => ({ ...i, path: [name, ...i.path] }));
}

/** The new date_info: only fixed ranges, and only wider (40100 otherwise). */
function dateInfoUpdate(card: CardRecord, value: unknown) {
  const parsed = DateInfoUpdate.safeParse(value);
  if (!parsed.success) {
    throw errorFromIssues({ date_info: value }, prefixed('date_info', parsed.error.issues));
  }
  const current = card.body.base_info.date_info;
  if (
    parsed.data.type !== 'DATE_TYPE_FIX_TIME_RANGE' ||
    current.type !== 'DATE_TYPE_FIX_TIME_RANGE'
  ) {
    throw new WxError(40100, 'only a DATE_TYPE_FIX_TIME_RANGE validity can be updated');
  }
  const begin = parsed.data.begin_timestamp ?? current.begin_timestamp;
  const end = parsed.data.end_timestamp ?? current.end_timestamp;
  if (begin > current.begin_timestamp || end < current.end_timestamp) {
    throw new WxError(40100, 'the validity may only be extended');
  }
  if (begin > end) throw new WxError(40100, 'begin_timestamp after end_timestamp');
  return { ...current, begin_timestamp: begin, end_timestamp: end };
}

export function updateCard(store: CardStore, appid: string, body: Record<string, unknown>) {
  const cardIdValue = body.card_id;
  if (cardIdValue === undefined) throw new WxError(41012);
  if (typeof cardIdValue !== 'string') throw new WxError(47001, 'card_id must be a string');
  if (Buffer.byteLength(cardIdValue) > 32) throw new WxError(45021, 'card_id longer than 32 bytes');
  const card = store.findCard(appid, cardIdValue);
  const key = typeKey(card.cardType);

  for (const field of Object.keys(body)) {
    if (field === 'card_id' || field === key) continue;
    if (TYPE_KEYS.has(field))
      throw new WxError(40071, `the card is ${card.cardType}, update it under "${key}"`);
    throw new WxError(40097, `${field} cannot be updated`);
  }
  const update = body[key];
  if (update === undefined) throw new WxError(41011, `${key} missing`);
  if (!isPlainObject(update)) throw new WxError(47001, `${key} must be an object`);
  if (card.body.base_info.status === 'CARD_STATUS_DELETE') throw new WxError(40078, 'card deleted');

  const baseChanges: Record<string, unknown> = {};
  const typeChanges: Record<string, unknown> = {};
  let sendCheck = false;
  const typeRules = TYPE_RULES[card.cardType] ?? {};

  for (const [field, value] of Object.entries(update)) {
    if (field === 'base_info') {
      if (!isPlainObject(value)) throw new WxError(47001, 'base_info must be an object');
      for (const [baseField, baseValue] of Object.entries(value)) {
        if (baseField === 'date_info') {
          baseChanges.date_info = dateInfoUpdate(card, baseValue);
          continue;
        }
        const r = BASE_INFO_RULES[baseField];
        if (!r) throw new WxError(40097, `base_info.${baseField} cannot be updated`);
        baseChanges[baseField] = parseField(`base_info.${baseField}`, baseValue, r);
        sendCheck ||= r.review;
      }
      continue;
    }
    const r = typeRules[field];
    if (!r) throw new WxError(40097, `${field} cannot be updated on a ${card.cardType} card`);
    typeChanges[field] = parseField(field, value, r);
    sendCheck ||= r.review;
  }

  // Everything is valid: apply (update_time is the sandbox clock's now).
  store.applyCardUpdate(card, { base: baseChanges, type: typeChanges, sendCheck });
  return { send_check: sendCheck };
}
