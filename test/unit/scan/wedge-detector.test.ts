import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeOptions } from '../../../renderer/src/scan/wedge-detector';

const OPTS: WedgeOptions = { maxInterKeyMs: 35, minLength: 6, suffix: 'either', prefix: '' };

/** Drives the detector with keys at given times, and a manual clock for its timer. */
function rig(options: Partial<WedgeOptions> = {}) {
  const scans: string[] = [];
  const typed: string[] = [];
  let timer: { fn: () => void; at: number } | undefined;
  let now = 1000;
  const d = new WedgeDetector(
    { ...OPTS, ...options },
    {
      onScan: (c) => scans.push(c),
      onReplay: (t) => typed.push(t),
      setTimer: (fn, ms) => (timer = { fn, at: now + ms }),
      clearTimer: () => (timer = undefined),
    },
  );
  const prevented: string[] = [];
  const advance = (ms: number) => {
    now += ms;
    if (timer && timer.at <= now) {
      const t = timer;
      timer = undefined;
      t.fn();
    }
  };
  /** What reaches the focused field: replays by the detector and keys it lets through. */
  const key = (k: string, gapMs: number) => {
    advance(gapMs);
    const taken = d.handle({ key: k, timeStamp: now, preventDefault: () => prevented.push(k) });
    if (!taken && k.length === 1) typed.push(k);
  };
  const burst = (text: string, gapMs: number, suffix = 'Enter') => {
    for (const ch of text) key(ch, gapMs);
    if (suffix) key(suffix, gapMs);
  };
  return { d, scans, typed, prevented, key, burst, advance, now: () => now };
}

describe('WedgeDetector', () => {
  it('says when it holds keys back, so the page can note the field they were typed into', () => {
    const r = rig();
    expect(r.d.holding).toBe(false);
    r.key('1', 500);
    expect(r.d.holding).toBe(true);
    r.advance(200); // the pause is over: a person's key, handed on
    expect(r.typed).toEqual(['1']);
    expect(r.d.holding).toBe(false);
  });

  it('recognises a scanner burst ending in Enter, and nothing reaches the field', () => {
    const r = rig();
    r.burst('123456789012', 8);
    expect(r.scans).toEqual(['123456789012']);
    expect(r.typed).toEqual([]);
    expect(r.prevented.join('')).toBe('123456789012Enter');
  });

  it('accepts Tab as the suffix, or only the configured one', () => {
    const tab = rig();
    tab.burst('123456789012', 8, 'Tab');
    expect(tab.scans).toEqual(['123456789012']);
    const enterOnly = rig({ suffix: 'enter' });
    enterOnly.burst('123456789012', 8, 'Tab');
    expect(enterOnly.scans).toEqual([]);
    expect(enterOnly.typed).toEqual(['123456789012']);
  });

  it('hands human typing on to the field, even fast typing', () => {
    const r = rig();
    r.burst('hello world', 60); // a fast typist: 60 ms a key
    r.advance(100);
    expect(r.scans).toEqual([]);
    expect(r.typed.join('')).toBe('hello world');
  });

  it('a person pressing Enter after typing a code is not a scan', () => {
    const r = rig();
    r.burst('123456789012', 120);
    expect(r.scans).toEqual([]);
    expect(r.typed.join('')).toBe('123456789012');
  });

  it('two quick keys of a person (key rollover) are not a scan', () => {
    const r = rig();
    r.key('a', 200);
    r.key('b', 10);
    r.key('Enter', 150);
    expect(r.scans).toEqual([]);
    expect(r.typed.join('')).toBe('ab');
  });

  it('a burst shorter than the minimum length is typing', () => {
    const r = rig();
    r.burst('1234', 5);
    expect(r.scans).toEqual([]);
    expect(r.typed.join('')).toBe('1234');
  });

  it('strips a configured prefix', () => {
    const r = rig({ prefix: '~' });
    r.burst('~123456789012', 5);
    expect(r.scans).toEqual(['123456789012']);
  });

  it('ignores Shift inside a burst (upper-case codes) and gives up on modifier shortcuts', () => {
    const r = rig();
    for (const k of ['A', 'Shift', 'B', 'C', 'D', 'E', 'F', 'G']) r.key(k, 5);
    r.key('Enter', 5);
    expect(r.scans).toEqual(['ABCDEFG']);
    const s = rig();
    s.key('1', 5);
    s.d.handle({ key: 'v', ctrlKey: true, timeStamp: 1010, preventDefault: () => undefined });
    expect(s.typed).toEqual(['1']);
  });

  it('two scans back to back are two scans', () => {
    const r = rig();
    r.burst('111111111111', 5);
    r.advance(300);
    r.burst('222222222222', 5);
    expect(r.scans).toEqual(['111111111111', '222222222222']);
  });

  it('tolerates a scanner that jitters (one slow gap in a fast burst)', () => {
    const r = rig();
    for (const [i, ch] of [...'123456789012'].entries()) r.key(ch, i === 5 ? 80 : 4);
    r.key('Enter', 4);
    expect(r.scans).toEqual(['123456789012']);
    expect(r.typed).toEqual([]);
  });

  it('after a person starts typing, keys go straight through without delay', () => {
    const r = rig();
    r.burst('abc', 90, '');
    const before = r.prevented.length;
    r.key('d', 90);
    r.key('e', 90);
    expect(r.prevented.length).toBe(before); // d and e were not held back
    expect(r.typed.join('')).toBe('abcde');
  });

  it('a slow key after a fast burst without suffix hands the burst on', () => {
    const r = rig();
    r.burst('1234567', 5, '');
    r.key('8', 200);
    r.advance(200);
    expect(r.scans).toEqual([]);
    expect(r.typed.join('')).toBe('12345678');
  });
});

it('a scan straight after Esc is still a scan', () => {
  const scans: string[] = [];
  let now = 0;
  const d = new WedgeDetector(
    { maxInterKeyMs: 35, minLength: 6, suffix: 'either', prefix: '' },
    {
      onScan: (c) => scans.push(c),
      onReplay: () => undefined,
      setTimer: () => 0,
      clearTimer: () => undefined,
    },
  );
  const key = (k: string, gap: number) =>
    d.handle({ key: k, timeStamp: (now += gap), preventDefault: () => undefined });
  key('Escape', 0);
  for (const ch of '123456789012') key(ch, 3);
  key('Enter', 3);
  expect(scans).toEqual(['123456789012']);
});

it('a burst is one scan when the page was busy and its timer ran late behind queued keys (issue 18)', () => {
  // A 12-digit code with no gap between keys, right after a verdict appeared: the page was
  // busy drawing, so the detector's timer ran only after "178" had been handled, while the
  // other nine keys (time stamps continuing the burst) were still queued behind it.
  const scans: string[] = [];
  const typed: string[] = [];
  let timer: (() => void) | undefined;
  let clock = 1000;
  const d = new WedgeDetector(OPTS, {
    onScan: (c) => scans.push(c),
    onReplay: (t) => typed.push(t),
    setTimer: (fn) => (timer = fn),
    clearTimer: () => (timer = undefined),
    now: () => clock,
  });
  const key = (k: string, at: number) => d.handle({ key: k, timeStamp: at, preventDefault() {} });
  key('1', 1000);
  key('7', 1000);
  key('8', 1000);
  clock = 1400; // the verdict's drawing held the page for 400 ms; the timer runs first
  timer?.();
  expect(typed).toEqual([]); // not handed on yet: the queued keys come first
  for (const ch of '847660332') key(ch, 1000);
  key('Enter', 1000);
  expect(scans).toEqual(['178847660332']);
  expect(typed).toEqual([]);
});

it('a late timer with nothing queued still hands a person’s keys on', () => {
  const typed: string[] = [];
  let timer: (() => void) | undefined;
  let clock = 1000;
  const d = new WedgeDetector(OPTS, {
    onScan: () => undefined,
    onReplay: (t) => typed.push(t),
    setTimer: (fn) => (timer = fn),
    clearTimer: () => (timer = undefined),
    now: () => clock,
    inputPending: () => false,
  });
  d.handle({ key: 'a', timeStamp: 1000, preventDefault() {} });
  clock = 1400;
  timer?.(); // late: one hop to let queued keys in
  timer?.(); // nothing came: handed on
  expect(typed).toEqual(['a']);
});

describe('WedgeDetector, what use-wedge-scanner relies on', () => {
  it('never lets held keys go in the same call that holds a key', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom('1', 'a', '2', 'b', 'Enter', 'Tab', 'Backspace', 'Shift'),
            // Scanner-fast, a person's, jittery, and past the detector's pause.
            gap: fc.constantFrom(0, 5, 20, 50, 90, 150, 500),
            ctrl: fc.constantFrom(false, false, false, true),
          }),
          { maxLength: 40 },
        ),
        (keys) => {
          const r = rig();
          for (const k of keys) {
            r.advance(k.gap);
            // What was let go before this key: replays only (keys let through are not typed here).
            const before = r.typed.length;
            const taken = r.d.handle({
              key: k.key,
              timeStamp: r.now(),
              ctrlKey: k.ctrl,
              preventDefault: () => {},
            });
            if (taken && r.d.holding) expect(r.typed.length).toBe(before);
          }
        },
      ),
    );
  });
});
