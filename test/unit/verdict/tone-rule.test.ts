/**
 * The one colour rule (shared/verdict.ts toneOf), kind by kind and warning by warning: amber is
 * "redeemable, check this first", never "cannot redeem"; a minimum spend is amber like another
 * store; what must not be given the discount is red whatever its warnings; grey is "could not
 * tell" or "a write is unsettled". decideVerdict gives the same tones from real inputs.
 */
import { describe, expect, it } from 'vitest';
import {
  decideVerdict,
  notAcceptedHere,
  toneOf,
  VerdictKind,
  writeOutcomeTone,
  type Tone,
  type Warning,
} from '../../../shared/verdict';
import { Card } from '../../../shared/wechat/card';
import type { CodeGetResult } from '../../../shared/wechat/code';

const WARNINGS: Record<string, Warning[]> = {
  none: [],
  min_spend: [{ kind: 'min_spend', amount: 5000 }],
  other_store: [{ kind: 'other_store' }],
  weekday: [{ kind: 'weekday', allowed: ['MONDAY'], today: 'WEDNESDAY' }],
  card_details_missing: [{ kind: 'card_details_missing' }],
  min_spend_and_other_store: [{ kind: 'min_spend', amount: 5000 }, { kind: 'other_store' }],
};

/** What each kind must look like; redeemable depends on its warnings. */
const EXPECTED: Record<VerdictKind, Tone | 'by_warnings'> = {
  redeemable: 'by_warnings',
  already_redeemed: 'reject',
  expired: 'reject',
  not_yet_valid: 'reject',
  gifting: 'reject',
  gift_timeout: 'reject',
  deleted: 'reject',
  invalidated: 'reject',
  unknown_code: 'reject',
  not_allowed: 'reject',
  could_not_check: 'neutral',
  write_pending: 'neutral',
  invalid_scan: 'neutral',
  redeem_refused: 'reject',
  redeem_failed: 'reject',
  redeem_unknown: 'neutral',
};

describe('toneOf: every kind × every warning', () => {
  const cases = VerdictKind.options.flatMap((kind) =>
    Object.entries(WARNINGS).map(([name, warnings]) => [kind, name, warnings] as const),
  );
  it.each(cases)('%s with %s', (kind, name, warnings) => {
    const expected = EXPECTED[kind];
    const tone = toneOf(kind, warnings);
    if (expected === 'by_warnings') expect(tone).toBe(name === 'none' ? 'accept' : 'warning');
    else expect(tone).toBe(expected);
  });

  it('amber never means "cannot redeem": only redeemable is ever amber', () => {
    for (const kind of VerdictKind.options) {
      for (const warnings of Object.values(WARNINGS)) {
        if (toneOf(kind, warnings) === 'warning') expect(kind).toBe('redeemable');
      }
    }
  });
});

const sh = (iso: string) => Date.parse(`${iso}+08:00`) / 1000;

function cashCard(base: Record<string, unknown> = {}, leastCost = 0) {
  return Card.parse({
    card_type: 'CASH',
    cash: {
      base_info: {
        id: 'pCASH',
        title: '满50减20',
        brand_name: '示范超市',
        code_type: 'CODE_TYPE_QRCODE',
        date_info: {
          type: 'DATE_TYPE_FIX_TIME_RANGE',
          begin_timestamp: sh('2026-01-01T00:00:00'),
          end_timestamp: sh('2026-12-31T23:59:59'),
        },
        sku: { quantity: 10 },
        status: 'CARD_STATUS_VERIFY_OK',
        ...base,
      },
      least_cost: leastCost,
      reduce_cost: 2000,
    },
  });
}

function decide(status: CodeGetResult['user_card_status'], card: Card, begin = '2026-01-01') {
  return decideVerdict({
    code: '123456789012',
    lookup: {
      kind: 'found',
      result: {
        card: { card_id: 'pCASH', begin_time: sh(`${begin}T00:00:00`) },
        openid: 'oUSER1234567890',
        can_consume: status === 'NORMAL',
        user_card_status: status,
      },
    },
    card,
    now: sh('2026-11-25T12:00:00') * 1000,
    timeZone: 'Asia/Shanghai',
    storePoiId: 999,
  });
}

describe('decideVerdict uses the rule', () => {
  const minSpend = cashCard({}, 5000);
  const otherStore = cashCard({ location_id_list: [101] });

  it('a minimum spend and another store are both amber (redeemable)', () => {
    expect(decide('NORMAL', minSpend)).toMatchObject({ kind: 'redeemable', tone: 'warning' });
    expect(decide('NORMAL', otherStore)).toMatchObject({ kind: 'redeemable', tone: 'warning' });
    expect(decide('NORMAL', cashCard())).toMatchObject({ kind: 'redeemable', tone: 'accept' });
  });

  it.each(['GIFTING', 'GIFT_TIMEOUT', 'CONSUMED', 'UNAVAILABLE', 'DELETE'] as const)(
    '%s is red even on a card with warnings',
    (status) => {
      expect(decide(status, minSpend).tone).toBe('reject');
      expect(decide(status, otherStore).tone).toBe('reject');
    },
  );

  it('not valid yet is red even on a card with warnings', () => {
    const v = decide('NORMAL', otherStore, '2027-01-01');
    expect(v).toMatchObject({ kind: 'not_yet_valid', tone: 'reject' });
  });

  it('a code the counter would not accept (custom-code card not listed) is red "unknown code"', () => {
    const v = notAcceptedHere(decide('NORMAL', minSpend));
    expect(v).toMatchObject({
      kind: 'unknown_code',
      tone: 'reject',
      warnings: [],
      notAcceptedHere: true,
    });
  });
});

describe('write outcomes in the same colours', () => {
  it.each([
    ['redeemed', 'accept'],
    ['invalidated', 'accept'],
    ['rejected', 'reject'],
    ['failed', 'reject'],
    ['unknown', 'neutral'],
    ['queued', 'neutral'],
    ['busy', 'neutral'],
  ] as const)('%s is %s', (outcome, tone) => {
    expect(writeOutcomeTone(outcome)).toBe(tone);
  });
});
