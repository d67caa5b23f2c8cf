/**
 * The collector's fast check of a push (plainPushBody) must accept only what the schema
 * (PushBody, zod) accepts, and hand on the same values; everything else goes to zod, which
 * says what is wrong.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_BATCH_RECORDS,
  MAX_TS,
  MIN_TS,
  plainPushBody,
  PushBody,
} from '../../../shared/central';

const H = (c: string) => c.repeat(64);
const record = (id: number) => ({
  id,
  ts: Date.UTC(2026, 0, 5, 10, 0, id),
  terminal_id: 'T-1',
  operator_id: 'op03',
  action: 'redeem',
  code: '123456789012',
  card_id: 'pFS7Fjg8kV1IdDz01r4SQwMk0003',
  outcome: 'ok',
  errcode: 0,
  errmsg: null,
  duration_ms: 87,
  nonce: 'n-1',
  detail: '{"title":"满100减20"}',
  prev_hash: H('a'),
  hash: H('b'),
});
const INSTALL = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
const body = (records: unknown[] = [record(1), record(2)], more: object = {}) => ({
  install_id: INSTALL,
  records,
  ...more,
});

/** Variations of one field of a record each, valid and not. */
const variants: Record<string, unknown[]> = {
  id: [1, 0, -1, 1.5, 2 ** 53 - 1, 2 ** 53, '1', null],
  ts: [MIN_TS, MIN_TS - 1, MAX_TS, MAX_TS + 1, 1.5, '0', null],
  terminal_id: ['', 'x', 'x'.repeat(64), 'x'.repeat(65), null, 7],
  operator_id: [null, '', 'x'.repeat(256), 'x'.repeat(257), 5, undefined],
  action: ['', 'a', 'a'.repeat(64), 'a'.repeat(65), null],
  code: [null, '', '😀', 'x'.repeat(1024), 'x'.repeat(1025), 12, ['1']],
  card_id: [null, 'c', 'c'.repeat(257), true],
  outcome: ['', 'ok', 'weird', 'o'.repeat(33), null],
  errcode: [null, -1, 40099, 1.5, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), '0', undefined],
  errmsg: [null, '', 'x'.repeat(4000), 'x'.repeat(4001), 0],
  duration_ms: [null, 0, -1, 12.7, 2 ** 53, '5'],
  nonce: [null, '', 'n'.repeat(128), 'n'.repeat(129), 1],
  detail: ['', '{}', 'x'.repeat(65_536), 'x'.repeat(65_537), null, {}],
  prev_hash: [H('0'), H('A'), H('g'), 'a'.repeat(63), 'a'.repeat(65), null],
  hash: [H('f'), H('F'), '', null],
};

function cases(): unknown[] {
  const out: unknown[] = [
    body(),
    null,
    'x',
    [],
    [body()],
    body([]),
    body([record(1)]),
    body([record(2), record(1)]),
    body([record(1), record(1)]),
    body([record(1), record(3)]),
    body(Array.from({ length: MAX_BATCH_RECORDS }, (_, i) => record(i + 1))),
    body(Array.from({ length: MAX_BATCH_RECORDS + 1 }, (_, i) => record(i + 1))),
    body(undefined, { extra: 1 }),
    { records: [record(1)] },
    { install_id: INSTALL },
    { install_id: 'not-a-uuid', records: [record(1)] },
    { install_id: INSTALL.toUpperCase(), records: [record(1)] },
    { install_id: 7, records: [record(1)] },
    { install_id: INSTALL, records: {} },
    body([{ ...record(1), extra: 1 }]),
    body([null]),
    body([[record(1)]]),
  ];
  for (const [field, values] of Object.entries(variants)) {
    for (const value of values) out.push(body([{ ...record(1), [field]: value }]));
    // The field left out altogether.
    const rest: Record<string, unknown> = { ...record(1) };
    delete rest[field];
    out.push(body([rest]));
  }
  // What a body looks like when it arrives: through JSON.
  return out.map((c) => (c === undefined ? c : (JSON.parse(JSON.stringify(c)) as unknown)));
}

describe('plainPushBody', () => {
  it('accepts only what the schema accepts, with the same values', () => {
    let fast = 0;
    for (const c of cases()) {
      const mine = plainPushBody(c);
      const theirs = PushBody.safeParse(c);
      if (mine === undefined) continue;
      fast++;
      expect(theirs.success, JSON.stringify(c).slice(0, 300)).toBe(true);
      if (theirs.success) expect(mine).toEqual(theirs.data);
    }
    // The common body takes the fast path, and so do most valid variations.
    const common = body();
    expect(plainPushBody(common)).toBe(common);
    expect(fast).toBeGreaterThan(40);
  });

  it('leaves every body the schema refuses to the schema', () => {
    let refused = 0;
    for (const c of cases()) {
      if (PushBody.safeParse(c).success) continue;
      refused++;
      expect(plainPushBody(c), JSON.stringify(c).slice(0, 300)).toBeUndefined();
    }
    expect(refused).toBeGreaterThan(50);
  });
});
