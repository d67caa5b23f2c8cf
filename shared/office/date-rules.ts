/**
 * The datacube reports' date rules, checked before a call (reference, "Collecting Statistics"):
 * dates written exactly YYYY-MM-DD (else 61500), at most 62 days counted inclusively, the end
 * not before the begin, and nothing from today on (else 61501). "Today" is the platform's day:
 * Asia/Shanghai, a fixed UTC+8 without daylight saving.
 */

export const MAX_RANGE_DAYS = 62;
export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';
const PLATFORM_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Day number (days since 1970-01-01) of a strict 'YYYY-MM-DD' calendar date, else undefined. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // 2025-02-30 is not a date, even though Date.UTC rolls it over to March.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return ms / DAY_MS;
}

/** 'YYYY-MM-DD' of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The platform's day number (Asia/Shanghai) at unix ms `now`. */
export function platformDay(nowMs: number): number {
  return Math.floor((nowMs + PLATFORM_OFFSET_MS) / DAY_MS);
}

/** 'YYYY-MM-DD' of the platform's today at unix ms `now`. */
export function platformToday(nowMs: number): string {
  return formatDay(platformDay(nowMs));
}

export function addDays(date: string, days: number): string {
  const day = parseDay(date);
  if (day === undefined) throw new RangeError(`not a date: ${date}`);
  return formatDay(day + days);
}

/** Unix seconds of 00:00:00 Asia/Shanghai on `date`. */
export function platformDayStart(date: string): number {
  const day = parseDay(date);
  if (day === undefined) throw new RangeError(`not a date: ${date}`);
  return (day * DAY_MS - PLATFORM_OFFSET_MS) / 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DDTHH:mm' in the platform's time, for datetime-local inputs. */
export function platformDateTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000 + PLATFORM_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(
    d.getUTCHours(),
  )}:${pad(d.getUTCMinutes())}`;
}

/** Unix seconds of a 'YYYY-MM-DDTHH:mm' platform time, or undefined. */
export function parsePlatformDateTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, date, hh, mm] = m;
  if (parseDay(date!) === undefined || Number(hh) > 23 || Number(mm) > 59) return undefined;
  return platformDayStart(date!) + Number(hh) * 3600 + Number(mm) * 60;
}

/** 'YYYY-MM-DD' (Asia/Shanghai) of unix seconds. */
export function platformDate(unixSeconds: number): string {
  return formatDay(platformDay(unixSeconds * 1000));
}

export type DateProblem =
  'begin_format' | 'end_format' | 'end_before_begin' | 'too_long' | 'not_before_today';

export interface RangeCheck {
  ok: boolean;
  problems: DateProblem[];
  /** Days in the range, counted inclusively, when both dates are dates. */
  days?: number;
}

/**
 * Checks a report's range against the platform's rules, with `today` the platform's today
 * ('YYYY-MM-DD'). Every problem is listed, so a form can mark each field.
 */
export function checkDatacubeRange(
  range: { begin: string; end: string },
  today: string,
): RangeCheck {
  const problems: DateProblem[] = [];
  const first = parseDay(range.begin);
  const last = parseDay(range.end);
  const todayDay = parseDay(today);
  if (todayDay === undefined) throw new RangeError(`not a date: ${today}`);
  if (first === undefined) problems.push('begin_format');
  if (last === undefined) problems.push('end_format');
  if (first === undefined || last === undefined) return { ok: false, problems };
  const days = last - first + 1;
  if (last < first) problems.push('end_before_begin');
  else if (days > MAX_RANGE_DAYS) problems.push('too_long');
  if (last >= todayDay || first >= todayDay) problems.push('not_before_today');
  return { ok: problems.length === 0, problems, days };
}

/** The last `days` days before today: a range the platform accepts. */
export function lastDays(today: string, days: number): { begin: string; end: string } {
  const n = Math.min(Math.max(1, Math.floor(days)), MAX_RANGE_DAYS);
  const end = addDays(today, -1);
  return { begin: addDays(end, -(n - 1)), end };
}
