/**
 * Local days in a time zone (an IANA name), without a date library: the one place the terminal
 * turns an instant into a local date and a local date into the instant it begins. The review's
 * ranges, the shift's "today", the summary's days and the export's local times all use it.
 * (The platform's fixed UTC+8 day of the datacube reports is in office/date-rules.ts; the
 * sandbox keeps its own deliberately independent copy.)
 */
import { kept } from './kept';

const partsFormat = kept(
  (timeZone: string) =>
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }),
);

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(ms: number, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(ms)) p[part.type] = Number(part.value);
  return {
    year: p.year!,
    month: p.month!,
    day: p.day!,
    hour: p.hour!,
    minute: p.minute!,
    second: p.second!,
  };
}

/** Minutes to add to UTC to get the local time at instant `ms`. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = localParts(whole, timeZone);
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((local - whole) / 60_000);
}

/** `YYYY-MM-DD` of instant `ms` in the zone. */
export function localDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant local midnight of `date` (YYYY-MM-DD) begins in the zone. */
export function localDayStart(date: string, timeZone: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Two rounds settle the offset also when midnight is next to a daylight saving change.
  let t = naive - zoneOffsetMinutes(naive, timeZone) * 60_000;
  t = naive - zoneOffsetMinutes(t, timeZone) * 60_000;
  return t;
}

/** The calendar date `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return d.toISOString().slice(0, 10);
}

/** The instant today began in the zone: a cashier's shift starts here. */
export function startOfLocalDay(ms: number, timeZone: string): number {
  return localDayStart(localDate(ms, timeZone), timeZone);
}
