/**
 * A card as card/get returns it: {"card_type":"CASH","cash":{"base_info":{...},...}}.
 * Every object accepts fields it does not know (the reference says new ones appear), and a
 * field it does know must have the right type. Required are only the fields a card cannot be
 * created without, so a real card with sparse optional data still parses.
 */
import { z } from 'zod';
import { CardStatus, type CardType, CodeType, Weekday } from './enums';

const UnixSeconds = z.int().min(0);
const Count = z.int().min(0);

/**
 * Validity. Old API versions took a numeric type (1 fixed range, 2 fixed term); whether
 * card/get can still answer with one is unverified, so both spellings are accepted.
 */
const LEGACY_DATE_TYPES: Record<number, string> = {
  1: 'DATE_TYPE_FIX_TIME_RANGE',
  2: 'DATE_TYPE_FIX_TERM',
};
export const DateInfo = z.preprocess(
  (v) =>
    typeof v === 'object' && v !== null && 'type' in v && typeof v.type === 'number'
      ? { ...v, type: LEGACY_DATE_TYPES[v.type] ?? v.type }
      : v,
  z.discriminatedUnion('type', [
    z.looseObject({
      type: z.literal('DATE_TYPE_FIX_TIME_RANGE'),
      begin_timestamp: UnixSeconds,
      end_timestamp: UnixSeconds,
    }),
    z.looseObject({
      type: z.literal('DATE_TYPE_FIX_TERM'),
      /** Days a received code stays valid, counted from its first valid day. */
      fixed_term: Count,
      /** Days between receipt and the first valid day (0: valid on the day of receipt). */
      fixed_begin_term: Count.optional(),
      /** An overall cut-off some cards carry beside the term. */
      end_timestamp: UnixSeconds.optional(),
    }),
    z.looseObject({ type: z.literal('DATE_TYPE_PERMANENT') }),
  ]),
);
export type DateInfo = z.infer<typeof DateInfo>;

export const Sku = z.looseObject({ quantity: Count, total_quantity: Count.optional() });
export type Sku = z.infer<typeof Sku>;

export const TimeLimit = z.looseObject({
  type: Weekday,
  begin_hour: z.int().min(0).max(24).optional(),
  begin_minute: z.int().min(0).max(59).optional(),
  end_hour: z.int().min(0).max(24).optional(),
  end_minute: z.int().min(0).max(59).optional(),
});
export type TimeLimit = z.infer<typeof TimeLimit>;

export const AdvancedInfo = z.looseObject({
  time_limit: z.array(TimeLimit).optional(),
  text_image_list: z.array(z.looseObject({})).optional(),
  business_service: z.array(z.unknown()).optional(),
  consume_share_card_list: z.array(z.unknown()).optional(),
  abstract: z
    .looseObject({
      abstract: z.string().optional(),
      icon_url_list: z.array(z.string()).optional(),
    })
    .optional(),
  share_friends: z.boolean().optional(),
});
export type AdvancedInfo = z.infer<typeof AdvancedInfo>;

export const BaseInfo = z.looseObject({
  id: z.string(),
  title: z.string(),
  brand_name: z.string(),
  code_type: CodeType,
  date_info: DateInfo,
  sku: Sku,
  status: CardStatus,
  logo_url: z.string().optional(),
  color: z.string().optional(),
  notice: z.string().optional(),
  description: z.string().optional(),
  location_id_list: z.array(z.int()).optional(),
  use_all_locations: z.boolean().optional(),
  use_custom_code: z.boolean().optional(),
  get_limit: Count.optional(),
  can_share: z.boolean().optional(),
  can_give_friend: z.boolean().optional(),
  service_phone: z.string().optional(),
  source: z.string().optional(),
  custom_url_name: z.string().optional(),
  custom_url: z.string().optional(),
  custom_url_sub_title: z.string().optional(),
  promotion_url_name: z.string().optional(),
  promotion_url: z.string().optional(),
  promotion_url_sub_title: z.string().optional(),
  center_title: z.string().optional(),
  center_sub_title: z.string().optional(),
  center_url: z.string().optional(),
  create_time: UnixSeconds.optional(),
  update_time: UnixSeconds.optional(),
  area_code_list: z.array(z.unknown()).optional(),
});
export type BaseInfo = z.infer<typeof BaseInfo>;

/** What every card has under its type key, whatever the type. */
export const CardBody = z.looseObject({
  base_info: BaseInfo,
  advanced_info: AdvancedInfo.optional(),
});
export type CardBody = z.infer<typeof CardBody>;

export const CustomField = z.looseObject({
  name_type: z.string().optional(),
  name: z.string().optional(),
  url: z.string().optional(),
});
export const CustomCell = z.looseObject({
  name: z.string().optional(),
  tips: z.string().optional(),
  url: z.string().optional(),
});

export const GrouponBody = CardBody.extend({ deal_detail: z.string() });
export const DiscountBody = CardBody.extend({
  /** Percent off: 10 means 10% off (the customer pays 90%). */
  discount: z.number().min(0).max(100),
});
export const GiftBody = CardBody.extend({ gift: z.string() });
export const CashBody = CardBody.extend({
  /** Minimum spend in cents (0 or absent: none). */
  least_cost: Count.optional(),
  /** Amount off in cents. */
  reduce_cost: Count,
});
export const GeneralCouponBody = CardBody.extend({ default_detail: z.string() });
export const MemberCardBody = CardBody.extend({
  prerogative: z.string(),
  supply_bonus: z.boolean(),
  supply_balance: z.boolean(),
  bonus_cleared: z.string().optional(),
  bonus_rules: z.string().optional(),
  balance_rules: z.string().optional(),
  bind_old_card_url: z.string().optional(),
  activate_url: z.string().optional(),
  need_push_on_view: z.boolean().optional(),
  custom_field1: CustomField.optional(),
  custom_field2: CustomField.optional(),
  custom_field3: CustomField.optional(),
  custom_cell1: CustomCell.optional(),
});
export const ScenicTicketBody = CardBody.extend({
  ticket_class: z.string().optional(),
  guide_url: z.string().optional(),
});
export const MovieTicketBody = CardBody.extend({ detail: z.string().optional() });
export const BoardingPassBody = CardBody.extend({
  from: z.string(),
  to: z.string(),
  flight: z.string(),
  air_model: z.string().optional(),
  departure_time: UnixSeconds.optional(),
  landing_time: UnixSeconds.optional(),
  boarding_time: UnixSeconds.optional(),
  check_in_url: z.string().optional(),
  gate: z.string().optional(),
});
export const MeetingTicketBody = CardBody.extend({
  meeting_detail: z.string(),
  map_url: z.string().optional(),
});
export const BusTicketBody = CardBody;

/** A card, discriminated by card_type; its fields sit under the lower-case type name. */
export const Card = z.discriminatedUnion('card_type', [
  z.looseObject({ card_type: z.literal('GROUPON'), groupon: GrouponBody }),
  z.looseObject({ card_type: z.literal('DISCOUNT'), discount: DiscountBody }),
  z.looseObject({ card_type: z.literal('GIFT'), gift: GiftBody }),
  z.looseObject({ card_type: z.literal('CASH'), cash: CashBody }),
  z.looseObject({ card_type: z.literal('GENERAL_COUPON'), general_coupon: GeneralCouponBody }),
  z.looseObject({ card_type: z.literal('MEMBER_CARD'), member_card: MemberCardBody }),
  z.looseObject({ card_type: z.literal('SCENIC_TICKET'), scenic_ticket: ScenicTicketBody }),
  z.looseObject({ card_type: z.literal('MOVIE_TICKET'), movie_ticket: MovieTicketBody }),
  z.looseObject({ card_type: z.literal('BOARDING_PASS'), boarding_pass: BoardingPassBody }),
  z.looseObject({ card_type: z.literal('MEETING_TICKET'), meeting_ticket: MeetingTicketBody }),
  z.looseObject({ card_type: z.literal('BUS_TICKET'), bus_ticket: BusTicketBody }),
]);
export type Card = z.infer<typeof Card>;

/** The fields every card shares (base_info, advanced_info), whatever its type. */
export function cardBody(card: Card): CardBody {
  switch (card.card_type) {
    case 'GROUPON':
      return card.groupon;
    case 'DISCOUNT':
      return card.discount;
    case 'GIFT':
      return card.gift;
    case 'CASH':
      return card.cash;
    case 'GENERAL_COUPON':
      return card.general_coupon;
    case 'MEMBER_CARD':
      return card.member_card;
    case 'SCENIC_TICKET':
      return card.scenic_ticket;
    case 'MOVIE_TICKET':
      return card.movie_ticket;
    case 'BOARDING_PASS':
      return card.boarding_pass;
    case 'MEETING_TICKET':
      return card.meeting_ticket;
    case 'BUS_TICKET':
      return card.bus_ticket;
  }
}

export const CardGetResponse = z.looseObject({ card: Card });

export const CardBatchGetResponse = z.looseObject({
  card_id_list: z.array(z.string()),
  total_num: Count,
});
export type CardBatchGetResult = { card_id_list: string[]; total_num: number };

// ---- card/update ---------------------------------------------------------------------------

/**
 * The base_info fields card/update may change (the reference's "common fields"); others are
 * refused by the platform. Validity may only be extended, and only for a fixed time range.
 */
export const CardUpdateBaseInfo = z.strictObject({
  logo_url: z.string().optional(),
  notice: z.string().optional(),
  description: z.string().optional(),
  service_phone: z.string().optional(),
  color: z.string().optional(),
  /** An empty list clears the stores (the platform's "0"). */
  location_id_list: z.array(z.int().min(0)).optional(),
  center_title: z.string().optional(),
  center_sub_title: z.string().optional(),
  center_url: z.string().optional(),
  custom_url_name: z.string().optional(),
  custom_url: z.string().optional(),
  custom_url_sub_title: z.string().optional(),
  promotion_url_name: z.string().optional(),
  promotion_url: z.string().optional(),
  promotion_url_sub_title: z.string().optional(),
  code_type: CodeType.exclude(['CODE_TYPE_NONE']).optional(),
  get_limit: z.int().min(1).optional(),
  can_share: z.boolean().optional(),
  can_give_friend: z.boolean().optional(),
  date_info: z
    .strictObject({
      type: z.literal('DATE_TYPE_FIX_TIME_RANGE'),
      begin_timestamp: UnixSeconds,
      end_timestamp: UnixSeconds,
    })
    .optional(),
});
export type CardUpdateBaseInfo = z.infer<typeof CardUpdateBaseInfo>;

const UpdateCustomField = z.strictObject({
  name_type: z.string().optional(),
  name: z.string().optional(),
  url: z.string().optional(),
});
const UpdateCustomCell = z.strictObject({
  name: z.string(),
  tips: z.string().optional(),
  url: z.string(),
});

const updateOf = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject({ base_info: CardUpdateBaseInfo.optional(), ...shape });

/** What card/update accepts beside card_id, per card type (the reference's type fields). */
export const CardUpdateFieldsByType = {
  GROUPON: updateOf({}),
  DISCOUNT: updateOf({}),
  GIFT: updateOf({}),
  CASH: updateOf({}),
  GENERAL_COUPON: updateOf({}),
  MEMBER_CARD: updateOf({
    bonus_cleared: z.string().optional(),
    bonus_rules: z.string().optional(),
    balance_rules: z.string().optional(),
    prerogative: z.string().optional(),
    custom_field1: UpdateCustomField.optional(),
    custom_field2: UpdateCustomField.optional(),
    custom_field3: UpdateCustomField.optional(),
    custom_cell1: UpdateCustomCell.optional(),
  }),
  SCENIC_TICKET: updateOf({ guide_url: z.string().optional() }),
  MOVIE_TICKET: updateOf({ detail: z.string().optional() }),
  BOARDING_PASS: updateOf({
    departure_time: UnixSeconds.optional(),
    landing_time: UnixSeconds.optional(),
    gate: z.string().optional(),
    boarding_time: UnixSeconds.optional(),
  }),
  MEETING_TICKET: updateOf({ map_url: z.string().optional() }),
  BUS_TICKET: updateOf({}),
} satisfies Record<CardType, z.ZodType>;
export type CardUpdateFields<T extends CardType = CardType> = z.infer<
  (typeof CardUpdateFieldsByType)[T]
>;

export const CardUpdateResponse = z.looseObject({
  /** True when the change sends the card back to review. Absent is read as false. */
  send_check: z.boolean().optional(),
});
