import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../../../electron/sandbox';
import {
  formatDay,
  parseDay,
  shanghaiDay,
  shanghaiTime,
} from '../../../electron/sandbox/shanghai-time';
import { PERMANENT_END, validityWindow, windowPosition } from '../../../electron/sandbox/validity';

describe('validity windows', () => {
  it('counts a fixed term from the day of receipt: Oct 1 + 90 days -> Oct 1 to Dec 29 (reference)', () => {
    const received = shanghaiTime(2013, 10, 1, 18, 45);
    const w = validityWindow(
      { type: 'DATE_TYPE_FIX_TERM', fixed_term: 90, fixed_begin_term: 0 },
      received,
    );
    expect(w.begin).toBe(shanghaiTime(2013, 10, 1));
    expect(w.end).toBe(shanghaiTime(2013, 12, 29, 23, 59, 59));
  });

  it('uses the Asia/Shanghai day: 23:30 UTC on Sep 30 is already Oct 1 in China', () => {
    const received = Date.UTC(2013, 8, 30, 23, 30) / 1000;
    const w = validityWindow({ type: 'DATE_TYPE_FIX_TERM', fixed_term: 1 }, received);
    expect(w.begin).toBe(shanghaiTime(2013, 10, 1));
    expect(w.end).toBe(shanghaiTime(2013, 10, 1, 23, 59, 59));
  });

  it('starts fixed_begin_term days after receipt', () => {
    const w = validityWindow(
      { type: 'DATE_TYPE_FIX_TERM', fixed_term: 10, fixed_begin_term: 3 },
      shanghaiTime(2025, 10, 1, 9),
    );
    expect(w.begin).toBe(shanghaiTime(2025, 10, 4));
    expect(w.end).toBe(shanghaiTime(2025, 10, 13, 23, 59, 59));
    expect(windowPosition(w, shanghaiTime(2025, 10, 3, 23, 59, 59))).toBe('before');
    expect(windowPosition(w, shanghaiTime(2025, 10, 4))).toBe('inside');
    expect(windowPosition(w, shanghaiTime(2025, 10, 14))).toBe('after');
  });

  it('caps a fixed term at an optional end_timestamp', () => {
    const cap = shanghaiTime(2025, 10, 5, 12);
    const w = validityWindow(
      { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, end_timestamp: cap },
      shanghaiTime(2025, 10, 1),
    );
    expect(w.end).toBe(cap);
  });

  it('uses the timestamps of a fixed range, and a far end for permanent cards', () => {
    expect(
      validityWindow(
        { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 10, end_timestamp: 20 },
        5,
      ),
    ).toEqual({ begin: 10, end: 20 });
    const p = validityWindow({ type: 'DATE_TYPE_PERMANENT' }, shanghaiTime(2025, 10, 1, 15));
    expect(p).toEqual({ begin: shanghaiTime(2025, 10, 1), end: PERMANENT_END });
    expect(formatDay(shanghaiDay(PERMANENT_END))).toBe('2099-12-31');
  });
});

describe('Shanghai dates', () => {
  it('parses strict YYYY-MM-DD calendar dates only', () => {
    expect(formatDay(parseDay('2025-02-28')!)).toBe('2025-02-28');
    expect(parseDay('2025-02-30')).toBeUndefined();
    expect(parseDay('2025-2-3')).toBeUndefined();
    expect(parseDay('2025/02/03')).toBeUndefined();
    expect(parseDay('2025-02-03T00:00')).toBeUndefined();
  });
});

describe('sandbox clock', () => {
  it('frozen: moves only by set and advance', () => {
    const c = new SandboxClock({ startTime: 1000, frozen: true });
    expect(c.now()).toBe(1000);
    c.advance(500);
    expect(c.now()).toBe(1500);
    c.set(42_000);
    expect(c.nowSeconds()).toBe(42);
  });

  it('ticking: follows the wall clock from its start time and after set', () => {
    let wall = 5_000;
    const c = new SandboxClock({ startTime: 1_000_000, wallClock: () => wall });
    wall += 250;
    expect(c.now()).toBe(1_000_250);
    c.set(2_000_000);
    wall += 100;
    expect(c.now()).toBe(2_000_100);
    expect(() => c.set(Number.NaN)).toThrow(RangeError);
  });
});
