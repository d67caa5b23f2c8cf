/**
 * WeChat counts days in China Standard Time (UTC+8, no daylight saving since 1991): the day a
 * coupon was received, the last valid day, datacube's ref_date and its "not today" rule. A
 * fixed offset is exact for every date the platform can produce, so no tz database is needed.
 */
const OFFSET_S = 8 * 3600;
const DAY_S = 86_400;

/** Days since 1970-01-01 in Asia/Shanghai for a unix-seconds instant. */
export function shanghaiDay(unixSeconds: number): number {
  return Math.floor((unixSeconds + OFFSET_S) / DAY_S);
}

/** Unix seconds of 00:00:00 Asia/Shanghai on the given day number. */
export function shanghaiDayStart(day: number): number {
  return day * DAY_S - OFFSET_S;
}

/** 'YYYY-MM-DD' (Asia/Shanghai) of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_S * 1000).toISOString().slice(0, 10);
}

/** Day number of a strict 'YYYY-MM-DD' calendar date, or undefined if it is not one. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Reject dates that Date.UTC silently rolls over, such as 2025-02-30.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return ms / (DAY_S * 1000);
}

/** Unix seconds of a Shanghai wall-clock time; handy for writing seeds readably. */
export function shanghaiTime(y: number, month: number, d: number, h = 0, mi = 0, s = 0): number {
  return Date.UTC(y, month - 1, d, h, mi, s) / 1000 - OFFSET_S;
}

export const SECONDS_PER_DAY = DAY_S;
