/**
 * The writer's fast check of a new record (plainRecord) must accept only what the schema
 * (NewAuditRecord, zod) accepts, and hand on the same values; everything else goes to zod.
 */
import { describe, expect, it } from 'vitest';
import { plainRecord } from '../../../electron/audit/writer';
import { NewAuditRecord } from '../../../shared/audit';
import { expectAppError, open } from './helpers';

const base = {
  action: 'lookup',
  outcome: 'ok' as const,
  operator_id: 'op03',
  code: '123456789012',
  card_id: 'pFS7Fjg8kV1IdDz01r4SQwMk0003',
  errcode: 0,
  duration_ms: 87,
  detail: { title: '满100减20', value: 2000 },
};

const FIELDS = [
  'action',
  'outcome',
  'operator_id',
  'code',
  'card_id',
  'errcode',
  'errmsg',
  'duration_ms',
  'nonce',
  'detail',
] as const;

/** Variations of one field each, valid and not. */
const variants: Record<(typeof FIELDS)[number], unknown[]> = {
  action: ['redeem', 'my_extension_2', 'Redeem', '2fa', '', 'a'.repeat(40), 'a'.repeat(41), 7],
  outcome: ['pending', 'settled', 'weird', null, undefined],
  operator_id: [null, undefined, '', 'x'.repeat(500), 5, {}],
  code: [null, undefined, '😀', 12, ['1']],
  card_id: [null, undefined, 'c', true],
  errcode: [
    null,
    undefined,
    -1,
    40099,
    1.5,
    NaN,
    Infinity,
    2 ** 53 - 1,
    2 ** 53,
    -(2 ** 53),
    -0,
    '0',
  ],
  errmsg: [null, undefined, 'x', 0],
  duration_ms: [null, undefined, 0, -0, 12.7, -1, NaN, Infinity, '5'],
  nonce: [null, undefined, '', 'n', 'n'.repeat(128), 'n'.repeat(129), '😀'.repeat(64), 1],
  detail: [
    undefined,
    null,
    {},
    { a: undefined, b: [1, { c: 2 }] },
    Object.create(null) as object,
    [],
    new Date(0),
    new Map(),
    'text',
  ],
};

describe('plainRecord', () => {
  const cases: unknown[] = [base, null, undefined, 'lookup', [], { ...base, extra: 1 }];
  for (const field of FIELDS) {
    for (const value of variants[field]) cases.push({ ...base, [field]: value });
  }

  it('accepts only what the schema accepts, with the same values', () => {
    let fast = 0;
    for (const c of cases) {
      const mine = plainRecord(c);
      const theirs = NewAuditRecord.safeParse(c);
      if (mine === undefined) continue;
      fast++;
      expect(theirs.success, JSON.stringify(c)).toBe(true);
      if (!theirs.success) continue;
      for (const field of FIELDS) {
        expect(mine[field], `${field} of ${JSON.stringify(c)}`).toEqual(theirs.data[field]);
      }
    }
    // The common record takes the fast path, and so do most valid variations.
    expect(plainRecord(base)).toBe(base);
    expect(fast).toBeGreaterThan(30);
  });

  it('leaves every record the schema refuses to the schema', () => {
    for (const c of cases) {
      if (!NewAuditRecord.safeParse(c).success) expect(plainRecord(c)).toBeUndefined();
    }
  });

  it('an append of a refused record still fails with the schema’s reason', () => {
    const log = open(':memory:');
    expectAppError(() => log.append({ ...base, errcode: 1.5 }), 'audit.invalid_record');
    expectAppError(
      () => log.append({ ...base, action: 'Not Snake' } as never),
      'audit.invalid_record',
    );
    expect(log.append({ ...base, duration_ms: 12.7 }).duration_ms).toBe(13);
    log.close();
  });
});
