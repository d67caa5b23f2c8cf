/** The renderer's one date-and-time formatter: the zone is the caller's, never guessed. */
import { describe, expect, it } from 'vitest';
import { calendarDate, dateTime, dayAndTime, timeOfDay } from '../../../renderer/src/kit/date-time';

const AT = Date.UTC(2024, 4, 1, 6, 3, 27); // 14:03:27 in Shanghai

describe('date-time', () => {
  it('formats in the zone it is given, on a 24-hour clock', () => {
    expect(dateTime(AT, 'en-US', 'Asia/Shanghai')).toBe('05/01/2024, 14:03');
    expect(dateTime(AT, 'en-US', 'Asia/Shanghai', { seconds: true })).toBe('05/01/2024, 14:03:27');
    expect(dateTime(AT, 'en-US', 'UTC')).toBe('05/01/2024, 06:03');
    expect(timeOfDay(AT, 'zh-CN', 'Asia/Shanghai')).toBe('14:03');
    expect(dayAndTime(AT, 'en-US', 'Asia/Shanghai')).toBe('05/01, 14:03');
  });

  it('dates with or without the weekday; the locale clock on request', () => {
    expect(calendarDate(AT, 'en-US', 'Asia/Shanghai')).toBe('05/01/2024');
    expect(calendarDate(AT, 'en-US', 'Asia/Shanghai', { weekday: true })).toBe('Wed, 05/01/2024');
    expect(timeOfDay(AT, 'en-US', 'Asia/Shanghai', { localeClock: true })).toBe('02:03 PM');
  });
});
