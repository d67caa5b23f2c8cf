import { describe, expect, it } from 'vitest';
import {
  addDays,
  checkDatacubeRange,
  lastDays,
  parseDay,
  platformDayStart,
  platformToday,
} from '../../../shared/office/date-rules';

const TODAY = '2026-03-15';

describe('datacube date rules (reference: YYYY-MM-DD, at most 62 days, not today)', () => {
  it('accepts a range that ends yesterday', () => {
    expect(checkDatacubeRange({ begin: '2026-03-01', end: '2026-03-14' }, TODAY)).toEqual({
      ok: true,
      problems: [],
      days: 14,
    });
  });

  it('takes exactly 62 days counted inclusively, refuses 63', () => {
    expect(checkDatacubeRange({ begin: '2026-01-12', end: '2026-03-14' }, TODAY)).toMatchObject({
      ok: true,
      days: 62,
    });
    expect(checkDatacubeRange({ begin: '2026-01-11', end: '2026-03-14' }, TODAY)).toMatchObject({
      ok: false,
      problems: ['too_long'],
      days: 63,
    });
  });

  it('refuses today and the future', () => {
    expect(checkDatacubeRange({ begin: '2026-03-10', end: TODAY }, TODAY).problems).toEqual([
      'not_before_today',
    ]);
    expect(checkDatacubeRange({ begin: '2026-04-01', end: '2026-04-02' }, TODAY).problems).toEqual([
      'not_before_today',
    ]);
  });

  it('refuses an end before the begin', () => {
    expect(checkDatacubeRange({ begin: '2026-03-10', end: '2026-03-09' }, TODAY).problems).toEqual([
      'end_before_begin',
    ]);
  });

  it('refuses every other spelling of a date, and dates that do not exist', () => {
    for (const bad of [
      '2026-3-1',
      '2026/03/01',
      '20260301',
      '2026-03-01 ',
      '2026-02-30',
      '2026-13-01',
      '',
    ]) {
      expect(checkDatacubeRange({ begin: bad, end: '2026-03-14' }, TODAY).problems, bad).toEqual([
        'begin_format',
      ]);
    }
    expect(checkDatacubeRange({ begin: 'x', end: 'y' }, TODAY).problems).toEqual([
      'begin_format',
      'end_format',
    ]);
    expect(parseDay('2024-02-29')).toBeDefined();
    expect(parseDay('2025-02-29')).toBeUndefined();
  });

  it('lists every problem at once', () => {
    expect(checkDatacubeRange({ begin: '2025-01-01', end: '2026-03-20' }, TODAY).problems).toEqual([
      'too_long',
      'not_before_today',
    ]);
  });

  it('counts days in Asia/Shanghai: 16:00 UTC is already the next day there', () => {
    expect(platformToday(Date.UTC(2026, 2, 14, 15, 59, 59))).toBe('2026-03-14');
    expect(platformToday(Date.UTC(2026, 2, 14, 16, 0, 0))).toBe('2026-03-15');
    expect(platformDayStart('2026-03-15')).toBe(Date.UTC(2026, 2, 14, 16) / 1000);
  });

  it('offers ranges the platform accepts', () => {
    expect(lastDays(TODAY, 1)).toEqual({ begin: '2026-03-14', end: '2026-03-14' });
    expect(lastDays(TODAY, 30)).toEqual({ begin: '2026-02-13', end: '2026-03-14' });
    const max = lastDays(TODAY, 500);
    expect(checkDatacubeRange(max, TODAY)).toMatchObject({ ok: true, days: 62 });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
});
