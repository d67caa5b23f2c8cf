/**
 * The enumerations of the WeChat card API, as the reference spells them. Shared by the client
 * (response schemas), the services (verdicts) and the renderer (labels).
 */
import { z } from 'zod';

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
export const CardType = z.enum(CARD_TYPES);
export type CardType = z.infer<typeof CardType>;

/** card/get and card/update nest a card's fields under its type in lower case: "cash": {...}. */
export function cardTypeKey<T extends CardType>(type: T): Lowercase<T> {
  return type.toLowerCase() as Lowercase<T>;
}

export const CARD_STATUSES = [
  'CARD_STATUS_NOT_VERIFY',
  'CARD_STATUS_VERIFY_FAIL',
  'CARD_STATUS_VERIFY_OK',
  'CARD_STATUS_DELETE',
  'CARD_STATUS_DISPATCH',
] as const;
export const CardStatus = z.enum(CARD_STATUSES);
export type CardStatus = z.infer<typeof CardStatus>;

/** The status of one received code (code/get's user_card_status). */
export const USER_CARD_STATUSES = [
  'NORMAL',
  'CONSUMED',
  'EXPIRE',
  'GIFTING',
  'GIFT_TIMEOUT',
  'DELETE',
  'UNAVAILABLE',
] as const;
export const UserCardStatus = z.enum(USER_CARD_STATUSES);
export type UserCardStatus = z.infer<typeof UserCardStatus>;

export const CODE_TYPES = [
  'CODE_TYPE_TEXT',
  'CODE_TYPE_BARCODE',
  'CODE_TYPE_QRCODE',
  'CODE_TYPE_ONLY_QRCODE',
  'CODE_TYPE_ONLY_BARCODE',
  'CODE_TYPE_NONE',
] as const;
export const CodeType = z.enum(CODE_TYPES);
export type CodeType = z.infer<typeof CodeType>;

export const DATE_TYPES = [
  'DATE_TYPE_FIX_TIME_RANGE',
  'DATE_TYPE_FIX_TERM',
  'DATE_TYPE_PERMANENT',
] as const;
export const DateType = z.enum(DATE_TYPES);
export type DateType = z.infer<typeof DateType>;

/** advanced_info.time_limit[].type: the weekdays (and holidays) a card may be used on. */
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
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;
