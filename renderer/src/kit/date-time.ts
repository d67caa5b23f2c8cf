/**
 * Dates and times in the operator's language, in the time zone the caller passes: the one
 * place the renderer formats them. The zone is the store's (an IANA name from the terminal's
 * settings: `useStoreZone()` in a screen, `storeZone()` outside React), never this machine's:
 * a till whose clock is set to UTC still shows Beijing times for a store in Shanghai.
 */
import { kept } from '../../../shared/kept';
import { DEFAULT_TIME_ZONE } from '../../../shared/time-zone';

export type Zone = string;

let current: Zone = DEFAULT_TIME_ZONE;

/** Set from the terminal's configuration each time it is read (start-up, settings saved). */
export function setStoreZone(zone: Zone) {
  current = zone;
}

/** The store's time zone, for code outside React (i18n's `time` formatter). */
export function storeZone(): Zone {
  return current;
}

const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/** The styles this file formats in, by name (the name is the formatter's key, not its options). */
const STYLES = {
  dateTime: { ...DAY, ...CLOCK },
  dateTimeSeconds: { ...DAY, ...CLOCK, second: '2-digit' },
  date: DAY,
  dateWeekday: { ...DAY, weekday: 'short' },
  clock: CLOCK,
  localeClock: { hour: '2-digit', minute: '2-digit' },
  dayAndTime: { month: '2-digit', day: '2-digit', ...CLOCK },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/** One formatter per language, zone and style. */
const format = kept(
  (lang: string, timeZone: Zone, style: keyof typeof STYLES) =>
    new Intl.DateTimeFormat(lang, { timeZone, ...STYLES[style] }),
);

/** 2024-05-01 14:03, or 14:03:27 with seconds (with the locale's separators). */
export function dateTime(
  ms: number,
  lang: string,
  timeZone: Zone,
  { seconds = false }: { seconds?: boolean } = {},
): string {
  return format(lang, timeZone, seconds ? 'dateTimeSeconds' : 'dateTime').format(ms);
}

/** 2024-05-01, or with the short weekday. */
export function calendarDate(
  ms: number,
  lang: string,
  timeZone: Zone,
  { weekday = false }: { weekday?: boolean } = {},
): string {
  return format(lang, timeZone, weekday ? 'dateWeekday' : 'date').format(ms);
}

/** 14:00; `localeClock` keeps the locale's own clock (2:00 PM in English). */
export function timeOfDay(
  ms: number,
  lang: string,
  timeZone: Zone,
  { localeClock = false }: { localeClock?: boolean } = {},
): string {
  return format(lang, timeZone, localeClock ? 'localeClock' : 'clock').format(ms);
}

/** 05/01 14:00, for hours of a range longer than a day. */
export function dayAndTime(ms: number, lang: string, timeZone: Zone): string {
  return format(lang, timeZone, 'dayAndTime').format(ms);
}
