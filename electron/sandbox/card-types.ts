/** The card types of the reference, and the facts about each that the simulator needs. */
export const CARD_TYPES = [
  'GROUPON',
  'DISCOUNT',
  'GIFT',
  'CASH',
  'GENERAL_COUPON',
  'MEMBER_CARD',
  'SCENIC_TICKET',
  'MOVIE_TICKET',
  'BOARDING_PASS',
  'MEETING_TICKET',
  'BUS_TICKET',
] as const;
export type CardType = (typeof CARD_TYPES)[number];

/** card/get nests the card under the lower-case type name: {"card_type":"CASH","cash":{...}}. */
export function typeKey(type: CardType): string {
  return type.toLowerCase();
}

export const TYPE_KEYS: ReadonlySet<string> = new Set(CARD_TYPES.map(typeKey));

/**
 * datacube/getcardcardinfo reports only free coupons, with a numeric card_type
 * (0 discount, 1 cash, 2 gift, 3 general coupon, 4 groupon).
 */
export const DATACUBE_COUPON_TYPE: Partial<Record<CardType, number>> = {
  DISCOUNT: 0,
  CASH: 1,
  GIFT: 2,
  GENERAL_COUPON: 3,
  GROUPON: 4,
};

export const CARD_STATUSES = [
  'CARD_STATUS_NOT_VERIFY',
  'CARD_STATUS_VERIFY_FAIL',
  'CARD_STATUS_VERIFY_OK',
  'CARD_STATUS_DELETE',
  'CARD_STATUS_DISPATCH',
] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const CODE_STATUSES = [
  'NORMAL',
  'CONSUMED',
  'EXPIRE',
  'GIFTING',
  'GIFT_TIMEOUT',
  'DELETE',
  'UNAVAILABLE',
] as const;
export type CodeStatus = (typeof CODE_STATUSES)[number];

export const CODE_TYPES = [
  'CODE_TYPE_TEXT',
  'CODE_TYPE_BARCODE',
  'CODE_TYPE_QRCODE',
  'CODE_TYPE_ONLY_QRCODE',
  'CODE_TYPE_ONLY_BARCODE',
  'CODE_TYPE_NONE',
] as const;
export type CodeType = (typeof CODE_TYPES)[number];

export const WEEKDAYS = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
  'HOLIDAY',
] as const;
