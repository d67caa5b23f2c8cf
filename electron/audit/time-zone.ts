/**
 * Local time for summaries and exports: an IANA zone (follows daylight saving) or a fixed
 * offset. The offset is looked up once per quarter hour of UTC (every zone's offset is a
 * multiple of 15 minutes, and changes happen on quarter hours), which keeps Intl out of
 * per-record loops.
 */
import { AppError } from '../../shared/errors';
import { zoneOffsetMinutes } from '../../shared/local-days';

export const QUARTER_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;

export interface Zone {
  /** An IANA name, or a fixed offset such as '+08:00'. */
  name: string;
  /** Minutes to add to UTC to get local time, at instant `ms`. */
  offsetAt(ms: number): number;
}

export function offsetName(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function resolveZone(opts: { tzOffsetMinutes?: number; timeZone?: string }): Zone {
  if (opts.tzOffsetMinutes !== undefined) {
    const fixed = opts.tzOffsetMinutes;
    return { name: offsetName(fixed), offsetAt: () => fixed };
  }
  const name = opts.timeZone ?? hostTimeZone();
  try {
    zoneOffsetMinutes(0, name); // an unknown zone throws here, not in the middle of an export
  } catch {
    throw new AppError('invalid_input', 'audit.invalid_query', {
      detail: `unknown time zone ${name}`,
    });
  }
  const cache = new Map<number, number>();
  return {
    name,
    offsetAt(ms) {
      const quarter = Math.floor(ms / QUARTER_MS);
      let offset = cache.get(quarter);
      if (offset === undefined) {
        offset = zoneOffsetMinutes(quarter * QUARTER_MS, name);
        if (cache.size > 10_000) cache.clear();
        cache.set(quarter, offset);
      }
      return offset;
    },
  };
}

/** The UTC instant at which the local hour containing `ms` starts. */
export function localHourStart(zone: Zone, ms: number): number {
  const offset = zone.offsetAt(ms) * 60_000;
  return Math.floor((ms + offset) / HOUR_MS) * HOUR_MS - offset;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const TWO = Array.from({ length: 60 }, (_, i) => pad(i, 2));
const THREE = Array.from({ length: 1000 }, (_, i) => pad(i, 3));
const DAY_MS = 86_400_000;
const dates = new Map<number, string>();

/**
 * 'YYYY-MM-DD HH:mm:ss.SSS' of `ms` shifted by `offsetMinutes` (Excel reads this as a date).
 * Arithmetic and a per-day cache instead of a Date per call: export formats two per row.
 */
export function formatTime(ms: number, offsetMinutes = 0): string {
  const t = ms + offsetMinutes * 60_000;
  const day = Math.floor(t / DAY_MS);
  let date = dates.get(day);
  if (date === undefined) {
    const d = new Date(day * DAY_MS);
    date = `${pad(d.getUTCFullYear(), 4)}-${TWO[d.getUTCMonth() + 1]}-${TWO[d.getUTCDate()]} `;
    if (dates.size > 4096) dates.clear();
    dates.set(day, date);
  }
  let rest = t - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${date}${TWO[h]}:${TWO[m]}:${TWO[sec]}.${THREE[rest - sec * 1000]}`;
}
