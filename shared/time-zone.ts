/**
 * The store's time zone: an IANA name (Asia/Shanghai), checked with Intl. Every time the
 * terminal shows and every "today" it computes (the journal's days, a cashier's shift, a
 * coupon's weekday rules) is in this zone, never the zone of the machine it runs on. A
 * terminal set up before the setting existed gets the default, like a new one.
 */
import { z } from 'zod';
import { kept } from './kept';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * The zones most of our stores are in, first in the picker: mainland China (one zone for the
 * whole country), Hong Kong, Macau, Taipei and Ürümqi (Xinjiang time, which some shops keep).
 */
export const COMMON_TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Macau',
  'Asia/Taipei',
  'Asia/Urumqi',
] as const;

/** Letters, digits, '/', '_', '+' and '-': names, never offsets such as '+08:00'. */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** The zone's canonical spelling ('asia/shanghai' -> 'Asia/Shanghai'), or undefined. */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 64 || !IANA_NAME.test(trimmed)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function isTimeZone(name: unknown): name is string {
  return typeof name === 'string' && canonicalTimeZone(name) !== undefined;
}

export const TIME_ZONE_MESSAGE = 'a time zone name such as Asia/Shanghai';

/** A time zone as saved: an IANA name this runtime knows, in its canonical spelling. */
export const TimeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: TIME_ZONE_MESSAGE })
  .transform((name) => canonicalTimeZone(name) ?? name);

/** Every zone this runtime knows: the common ones first, then the rest A to Z. */
export function timeZoneChoices(): string[] {
  const all =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const common = new Set<string>(COMMON_TIME_ZONES);
  const rest = all.filter((z) => !common.has(z));
  if (!rest.includes('UTC')) rest.push('UTC');
  return [...COMMON_TIME_ZONES, ...rest.sort()];
}

/** Minutes to add to UTC in `zone` at `ms`, as 'UTC+8', 'UTC+5:30', 'UTC-3'. */
const offsetFormat = kept(
  (zone: string) =>
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }),
);

export function utcOffsetLabel(zone: string, ms: number): string {
  const part = offsetFormat(zone)
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName')?.value;
  // 'GMT+08:00', 'GMT-03:30' or plain 'GMT'.
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
  if (!m) return 'UTC+0';
  const hours = String(Number(m[2]));
  return `UTC${m[1]}${hours}${m[3] === '00' ? '' : `:${m[3]}`}`;
}
