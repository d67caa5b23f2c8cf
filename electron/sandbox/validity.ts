/**
 * When a received code may be used. Fixed ranges are the card's timestamps; fixed terms count
 * whole Asia/Shanghai days from the day of receipt (the reference's example: received Oct 1,
 * term 90 days -> Oct 1 to Dec 29, i.e. 23:59:59 of the 90th day).
 */
import type { DateInfo } from './seed-schema';
import { SECONDS_PER_DAY, shanghaiDay, shanghaiDayStart } from './shanghai-time';

export interface ValidityWindow {
  /** First valid second (unix seconds, inclusive). */
  begin: number;
  /** Last valid second (unix seconds, inclusive). */
  end: number;
}

/**
 * The reference shows no window for permanent (member) cards; the sandbox reports the day of
 * receipt to 2099-12-31 23:59:59 Asia/Shanghai so clients that compare end_time still work.
 */
export const PERMANENT_END = 4_102_415_999;

export function validityWindow(dateInfo: DateInfo, receivedAt: number): ValidityWindow {
  switch (dateInfo.type) {
    case 'DATE_TYPE_FIX_TIME_RANGE':
      return { begin: dateInfo.begin_timestamp, end: dateInfo.end_timestamp };
    case 'DATE_TYPE_FIX_TERM': {
      const firstDay = shanghaiDay(receivedAt) + (dateInfo.fixed_begin_term ?? 0);
      const begin = shanghaiDayStart(firstDay);
      const termEnd = begin + dateInfo.fixed_term * SECONDS_PER_DAY - 1;
      const end =
        dateInfo.end_timestamp === undefined ? termEnd : Math.min(termEnd, dateInfo.end_timestamp);
      return { begin, end };
    }
    case 'DATE_TYPE_PERMANENT':
      return { begin: shanghaiDayStart(shanghaiDay(receivedAt)), end: PERMANENT_END };
  }
}

export type WindowPosition = 'before' | 'inside' | 'after';

export function windowPosition(w: ValidityWindow, nowSeconds: number): WindowPosition {
  if (nowSeconds < w.begin) return 'before';
  if (nowSeconds > w.end) return 'after';
  return 'inside';
}
