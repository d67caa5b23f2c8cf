/**
 * Dates and times in the operator's language, in the time zone the caller passes: the one
 * place the renderer formats them. The zone is an IANA name (the review screens pass the
 * terminal's, from reviewInfo) or LOCAL_ZONE, this machine's zone (the counter, refunds, back
 * office and settings).
 */
export type Zone = string | undefined;
export const LOCAL_ZONE: Zone = undefined;

const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: string, timeZone: Zone, opts: Intl.DateTimeFormatOptions) {
  const key = `${lang}|${timeZone ?? ''}|${JSON.stringify(opts)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { ...(timeZone ? { timeZone } : {}), ...opts });
    formats.set(key, f);
  }
  return f;
}

const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/** 2024-05-01 14:03, or 14:03:27 with seconds (with the locale's separators). */
export function dateTime(
  ms: number,
  lang: string,
  timeZone: Zone,
  { seconds = false }: { seconds?: boolean } = {},
): string {
  return format(lang, timeZone, {
    ...DAY,
    ...CLOCK,
    ...(seconds ? { second: '2-digit' } : {}),
  }).format(ms);
}

/** 2024-05-01, or with the short weekday. */
export function calendarDate(
  ms: number,
  lang: string,
  timeZone: Zone,
  { weekday = false }: { weekday?: boolean } = {},
): string {
  return format(lang, timeZone, { ...DAY, ...(weekday ? { weekday: 'short' } : {}) }).format(ms);
}

/** 14:00; `localeClock` keeps the locale's own clock (2:00 PM in English). */
export function timeOfDay(
  ms: number,
  lang: string,
  timeZone: Zone,
  { localeClock = false }: { localeClock?: boolean } = {},
): string {
  return format(
    lang,
    timeZone,
    localeClock ? { hour: '2-digit', minute: '2-digit' } : CLOCK,
  ).format(ms);
}

/** 05/01 14:00, for hours of a range longer than a day. */
export function dayAndTime(ms: number, lang: string, timeZone: Zone): string {
  return format(lang, timeZone, { month: '2-digit', day: '2-digit', ...CLOCK }).format(ms);
}
