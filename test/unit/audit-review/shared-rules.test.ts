/** The review's shared rules: masking, local days in a zone, ranges, the summary's kinds. */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  localDate,
  localDayStart,
  startOfLocalDay,
  zoneOffsetMinutes,
} from '../../../shared/local-days';
import { kindOf, maskCode, rangeBounds } from '../../../shared/ops/audit-review';

describe('maskCode', () => {
  it('keeps four digits at each end of a usual code', () => {
    expect(maskCode('178847660332')).toBe('1788****0332');
    expect(maskCode('123456789')).toBe('1234****6789');
  });
  it('keeps less of short codes and nothing of tiny ones', () => {
    expect(maskCode('12345678')).toBe('12****78');
    expect(maskCode('123456')).toBe('12****56');
    expect(maskCode('12345')).toBe('****');
    expect(maskCode('')).toBe('****');
  });
  it('counts characters, not UTF-16 units', () => {
    expect(maskCode('码码码码码码码码码码')).toBe('码码码码****码码码码');
  });
});

describe('local days', () => {
  const SH = 'Asia/Shanghai';
  it('finds midnight in Shanghai (UTC+8)', () => {
    expect(localDayStart('2024-05-01', SH)).toBe(Date.UTC(2024, 3, 30, 16));
    expect(localDate(Date.UTC(2024, 3, 30, 16), SH)).toBe('2024-05-01');
    expect(localDate(Date.UTC(2024, 3, 30, 15, 59, 59, 999), SH)).toBe('2024-04-30');
    expect(zoneOffsetMinutes(Date.UTC(2024, 0, 1), SH)).toBe(480);
  });

  it('follows daylight saving (New York) and half-hour zones (Kolkata)', () => {
    const NY = 'America/New_York';
    // 2024-03-10: clocks go forward at 02:00; midnight is still at UTC-5.
    expect(localDayStart('2024-03-10', NY)).toBe(Date.UTC(2024, 2, 10, 5));
    expect(localDayStart('2024-03-11', NY)).toBe(Date.UTC(2024, 2, 11, 4));
    // The day of the change is 23 hours long.
    expect(localDayStart('2024-03-11', NY) - localDayStart('2024-03-10', NY)).toBe(23 * 3_600_000);
    expect(localDayStart('2024-11-04', NY) - localDayStart('2024-11-03', NY)).toBe(25 * 3_600_000);
    expect(localDayStart('2024-05-01', 'Asia/Kolkata')).toBe(Date.UTC(2024, 3, 30, 18, 30));
  });

  it('starts a shift at the start of the local day', () => {
    expect(startOfLocalDay(Date.UTC(2024, 4, 1, 3, 0), 'Asia/Shanghai')).toBe(
      Date.UTC(2024, 3, 30, 16),
    );
  });

  it('adds calendar days across months and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});

describe('rangeBounds', () => {
  const SH = 'Asia/Shanghai';
  // Thursday 2024-05-02 10:00 in Shanghai.
  const now = Date.UTC(2024, 4, 2, 2);
  const day = (d: string) => localDayStart(d, SH);

  it('today, yesterday and this week (from Monday)', () => {
    expect(rangeBounds({ preset: 'today' }, now, SH)).toEqual({
      from: day('2024-05-02'),
      to: day('2024-05-03'),
    });
    expect(rangeBounds({ preset: 'yesterday' }, now, SH)).toEqual({
      from: day('2024-05-01'),
      to: day('2024-05-02'),
    });
    expect(rangeBounds({ preset: 'week' }, now, SH)).toEqual({
      from: day('2024-04-29'),
      to: day('2024-05-06'),
    });
    // On a Sunday the week is the one that ends today.
    expect(rangeBounds({ preset: 'week' }, Date.UTC(2024, 4, 5, 2), SH).from).toBe(
      day('2024-04-29'),
    );
  });

  it('custom whole days, both inclusive; open ends and all time are unbounded', () => {
    expect(
      rangeBounds({ preset: 'custom', fromDate: '2024-04-01', toDate: '2024-04-03' }, now, SH),
    ).toEqual({ from: day('2024-04-01'), to: day('2024-04-04') });
    expect(rangeBounds({ preset: 'custom', fromDate: '2024-04-01' }, now, SH)).toEqual({
      from: day('2024-04-01'),
    });
    expect(rangeBounds({ preset: 'custom', fromDate: 'nonsense' }, now, SH)).toEqual({});
    expect(rangeBounds({ preset: 'all' }, now, SH)).toEqual({});
  });
});

describe('kindOf', () => {
  it('counts done redemptions and refunds, and counter rejections and failures', () => {
    expect(kindOf('redeem', 'ok')).toBe('redemptions');
    expect(kindOf('redeem', 'settled')).toBe('redemptions');
    expect(kindOf('redeem', 'pending')).toBeUndefined();
    expect(kindOf('redeem', 'unknown')).toBeUndefined();
    expect(kindOf('invalidate', 'ok')).toBe('refunds');
    // A lookup reads a state; it is never a rejection, whatever an older version stored.
    expect(kindOf('lookup', 'rejected')).toBeUndefined();
    expect(kindOf('scan', 'rejected')).toBe('rejections');
    expect(kindOf('redeem', 'rejected')).toBe('rejections');
    expect(kindOf('lookup', 'failed')).toBe('failures');
    // Not the counter's: a wrong PIN is not a coupon rejection.
    expect(kindOf('sign_in_failed', 'rejected')).toBeUndefined();
    expect(kindOf('export', 'failed')).toBeUndefined();
  });
});
