import { describe, expect, it } from 'vitest';
import {
  decideVerdict,
  localTime,
  maskOpenid,
  type CodeLookup,
  type VerdictInput,
} from '../../../shared/verdict';
import { Card } from '../../../shared/wechat/card';
import type { CodeGetResult } from '../../../shared/wechat/code';

const SH = 'Asia/Shanghai';
/** Unix seconds of a Shanghai wall-clock time. */
const sh = (iso: string) => Date.parse(`${iso}+08:00`) / 1000;

function card(
  type: 'CASH' | 'DISCOUNT' | 'GIFT' | 'MEMBER_CARD',
  extra: Record<string, unknown> = {},
  base: Record<string, unknown> = {},
) {
  const key = type.toLowerCase();
  const typeFields: Record<string, unknown> = {
    CASH: { least_cost: 10000, reduce_cost: 1000 },
    DISCOUNT: { discount: 10 },
    GIFT: { gift: '一杯美式咖啡' },
    MEMBER_CARD: { prerogative: '会员9折', supply_bonus: false, supply_balance: false },
  }[type]!;
  return Card.parse({
    card_type: type,
    [key]: {
      base_info: {
        id: 'pCARD0001',
        title: '满100减10元',
        brand_name: '微信餐厅',
        code_type: 'CODE_TYPE_QRCODE',
        date_info: {
          type: 'DATE_TYPE_FIX_TIME_RANGE',
          begin_timestamp: sh('2026-01-01T00:00:00'),
          end_timestamp: sh('2026-12-31T23:59:59'),
        },
        sku: { quantity: 10 },
        status: 'CARD_STATUS_VERIFY_OK',
        color: '#10AD61',
        notice: '请出示二维码',
        ...base,
      },
      ...typeFields,
      ...extra,
    },
  });
}

function found(
  status: CodeGetResult['user_card_status'],
  over: Partial<CodeGetResult> = {},
  window = { begin_time: sh('2026-01-01T00:00:00'), end_time: sh('2026-12-31T23:59:59') },
): CodeLookup {
  return {
    kind: 'found',
    result: {
      card: { card_id: 'pCARD0001', ...window },
      openid: 'oUSER1234567890abcdef',
      can_consume: status === 'NORMAL',
      user_card_status: status,
      ...over,
    },
  };
}

function verdict(over: Partial<VerdictInput>) {
  return decideVerdict({
    code: '123456789012',
    lookup: found('NORMAL'),
    card: card('CASH'),
    now: sh('2026-11-25T12:00:00') * 1000, // a Wednesday
    timeZone: SH,
    ...over,
  });
}

describe('verdict by status', () => {
  it.each([
    ['NORMAL', 'redeemable', 'accept'],
    ['CONSUMED', 'already_redeemed', 'reject'],
    ['EXPIRE', 'expired', 'reject'],
    ['GIFTING', 'gifting', 'reject'],
    ['GIFT_TIMEOUT', 'gift_timeout', 'reject'],
    ['DELETE', 'deleted', 'reject'],
    ['UNAVAILABLE', 'invalidated', 'reject'],
  ] as const)('%s → %s (%s)', (status, kind, tone) => {
    // A discount card has nothing for the cashier to check: a clean green when redeemable.
    const v = verdict({ lookup: found(status), card: card('DISCOUNT') });
    expect(v.kind).toBe(kind);
    expect(v.tone).toBe(tone);
    expect(v.status).toBe(status);
    expect(v.owner).toBe('oUSE…cdef');
  });

  it('a redeemable cash coupon carries value, window, title, brand and the minimum spend (amber)', () => {
    const v = verdict({});
    expect(v).toMatchObject({
      kind: 'redeemable',
      tone: 'warning',
      cardId: 'pCARD0001',
      card: {
        title: '满100减10元',
        brand: '微信餐厅',
        value: { kind: 'cash', reduceCost: 1000, leastCost: 10000 },
        notice: '请出示二维码',
      },
      window: { begin: sh('2026-01-01T00:00:00') * 1000, end: sh('2026-12-31T23:59:59') * 1000 },
    });
    expect(v.warnings).toEqual([{ kind: 'min_spend', amount: 10000 }]);
  });

  it('values of other types', () => {
    expect(verdict({ card: card('DISCOUNT') }).card?.value).toEqual({
      kind: 'discount',
      percentOff: 10,
    });
    expect(verdict({ card: card('GIFT') }).card?.value).toEqual({
      kind: 'gift',
      gift: '一杯美式咖啡',
    });
    expect(verdict({ card: card('MEMBER_CARD') }).card?.value).toEqual({
      kind: 'member',
      prerogative: '会员9折',
    });
  });

  it('already redeemed carries when and by whom, if this terminal did it', () => {
    const redeemedHere = {
      at: sh('2026-11-25T11:58:00') * 1000,
      operatorId: 'ann',
      operatorName: 'Ann',
    };
    expect(verdict({ lookup: found('CONSUMED'), redeemedHere })).toMatchObject({
      kind: 'already_redeemed',
      redeemedHere,
    });
    // With check_consume true the platform answers 40099 instead of a status.
    const v = verdict({
      lookup: {
        kind: 'errcode',
        errcode: 40099,
        errmsg: 'code has been consumed',
        error: { kind: 'wechat', key: 'wechat.errcode.40099', params: {} },
      },
      redeemedHere,
    });
    expect(v).toMatchObject({ kind: 'already_redeemed', tone: 'reject', redeemedHere });
  });

  it('unknown codes, other errcodes and unreachable WeChat', () => {
    const err = (errcode: number) => ({
      kind: 'errcode' as const,
      errcode,
      errmsg: 'x',
      error: { kind: 'wechat' as const, key: `wechat.errcode.${errcode}`, params: {}, errcode },
    });
    expect(verdict({ lookup: err(40056), card: undefined })).toMatchObject({
      kind: 'unknown_code',
      tone: 'reject',
    });
    expect(verdict({ lookup: err(40127) })).toMatchObject({
      kind: 'not_allowed',
      tone: 'reject',
      error: { errcode: 40127 },
    });
    const down = verdict({
      lookup: {
        kind: 'unavailable',
        error: { kind: 'unavailable', key: 'wechat.network', params: {} },
      },
      card: undefined,
    });
    expect(down).toMatchObject({ kind: 'could_not_check', tone: 'neutral' });
  });

  it('an unsettled write of this terminal makes the verdict grey "outcome pending", whatever WeChat says', () => {
    const pending = { action: 'invalidate' as const, state: 'queued' as const, since: 1 };
    expect(verdict({ pending })).toMatchObject({
      kind: 'write_pending',
      tone: 'neutral',
      pending,
      warnings: [],
    });
    // Even a green answer from WeChat: a redemption whose answer was lost may still apply.
    const redeem = { action: 'redeem' as const, state: 'settling' as const, since: 1 };
    expect(verdict({ lookup: found('NORMAL'), pending: redeem })).toMatchObject({
      kind: 'write_pending',
      tone: 'neutral',
      status: 'NORMAL',
    });
  });

  it('NORMAL but can_consume false is not a green verdict', () => {
    expect(verdict({ lookup: found('NORMAL', { can_consume: false }) })).toMatchObject({
      kind: 'not_allowed',
      tone: 'reject',
    });
  });

  it('card details missing keeps the verdict but says so', () => {
    const v = verdict({ card: undefined });
    expect(v.kind).toBe('redeemable');
    expect(v.warnings).toEqual([{ kind: 'card_details_missing' }]);
  });
});

describe('validity window edges', () => {
  const end = sh('2026-12-31T23:59:59');
  it('is valid through the last second of the last day, expired after it', () => {
    expect(verdict({ now: end * 1000 }).kind).toBe('redeemable');
    expect(verdict({ now: end * 1000 + 999 }).kind).toBe('redeemable');
    expect(verdict({ now: (end + 1) * 1000 }).kind).toBe('expired');
  });
  it('is not yet valid before the first second', () => {
    const begin = sh('2026-01-01T00:00:00');
    expect(verdict({ now: begin * 1000 - 1 })).toMatchObject({
      kind: 'not_yet_valid',
      tone: 'reject',
    });
    expect(verdict({ now: begin * 1000 }).kind).toBe('redeemable');
  });
  it('fixed-term cards use the window WeChat computed for this code', () => {
    // Received 2026-10-01, fixed_term 90: valid 2026-10-01 to 2026-12-29 (the reference's rule).
    const fixed = card(
      'DISCOUNT',
      {},
      { date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 90, fixed_begin_term: 0 } },
    );
    const window = { begin_time: sh('2026-10-01T00:00:00'), end_time: sh('2026-12-29T23:59:59') };
    expect(
      verdict({
        card: fixed,
        lookup: found('NORMAL', {}, window),
        now: sh('2026-12-29T23:00:00') * 1000,
      }).kind,
    ).toBe('redeemable');
    expect(
      verdict({
        card: fixed,
        lookup: found('NORMAL', {}, window),
        now: sh('2026-12-30T00:00:00') * 1000,
      }).kind,
    ).toBe('expired');
    // fixed_begin_term 3: received 10-01, valid from 10-04.
    const later = { begin_time: sh('2026-10-04T00:00:00'), end_time: sh('2027-01-01T23:59:59') };
    expect(
      verdict({
        card: fixed,
        lookup: found('NORMAL', {}, later),
        now: sh('2026-10-02T09:00:00') * 1000,
      }).kind,
    ).toBe('not_yet_valid');
  });
  it('without a window from WeChat it trusts the status', () => {
    expect(verdict({ lookup: found('NORMAL', {}, {} as never) }).kind).toBe('redeemable');
  });
});

describe('restrictions the cashier must check', () => {
  const mondays = card('DISCOUNT', {
    advanced_info: { time_limit: [{ type: 'MONDAY' }, { type: 'TUESDAY' }] },
  });

  it('a weekday-limited card on another day is amber with the allowed days', () => {
    const v = verdict({ card: mondays }); // Wednesday
    expect(v).toMatchObject({ kind: 'redeemable', tone: 'warning' });
    expect(v.warnings).toContainEqual({
      kind: 'weekday',
      allowed: ['MONDAY', 'TUESDAY'],
      today: 'WEDNESDAY',
    });
    expect(verdict({ card: mondays, now: sh('2026-11-24T12:00:00') * 1000 }).tone).toBe('accept'); // Tuesday
  });

  it('weekdays are judged in the terminal time zone', () => {
    // Monday 23:30 UTC is Tuesday 07:30 in Shanghai.
    const now = Date.parse('2026-11-23T23:30:00Z');
    const mondayOnly = card('DISCOUNT', { advanced_info: { time_limit: [{ type: 'MONDAY' }] } });
    expect(verdict({ card: mondayOnly, now, timeZone: 'UTC' }).tone).toBe('accept');
    expect(verdict({ card: mondayOnly, now, timeZone: SH }).tone).toBe('warning');
    expect(localTime(now, SH)).toEqual({ weekday: 'TUESDAY', minutes: 7 * 60 + 30 });
  });

  it('hour limits on the allowed day', () => {
    const lunch = card('DISCOUNT', {
      advanced_info: {
        time_limit: [
          { type: 'WEDNESDAY', begin_hour: 11, begin_minute: 0, end_hour: 14, end_minute: 0 },
        ],
      },
    });
    expect(verdict({ card: lunch, now: sh('2026-11-25T12:00:00') * 1000 }).tone).toBe('accept');
    const late = verdict({ card: lunch, now: sh('2026-11-25T14:00:00') * 1000 });
    expect(late.tone).toBe('warning');
    expect(late.warnings[0]).toMatchObject({ kind: 'weekday', hours: '11:00–14:00' });
  });

  it('another store is amber; this store, all stores or no store configured is fine', () => {
    const stores = card('DISCOUNT', {}, { location_id_list: [101, 102] });
    expect(verdict({ card: stores, storePoiId: 999 })).toMatchObject({
      tone: 'warning',
      warnings: [{ kind: 'other_store' }],
    });
    expect(verdict({ card: stores, storePoiId: 102 }).tone).toBe('accept');
    expect(verdict({ card: stores }).tone).toBe('accept');
    const all = card('DISCOUNT', {}, { location_id_list: [101], use_all_locations: true });
    expect(verdict({ card: all, storePoiId: 999 }).tone).toBe('accept');
  });
});

it('masks openids', () => {
  expect(maskOpenid('oUSER1234567890abcdef')).toBe('oUSE…cdef');
  expect(maskOpenid('short')).toBe('****');
});

describe('colours: one meaning each', () => {
  const errcode = (n: number): CodeLookup => ({
    kind: 'errcode',
    errcode: n,
    errmsg: `e${n}`,
    error: { kind: 'wechat', key: `wechat.errcode_${n}`, params: {}, errcode: n },
  });

  it('card details that could not be loaded make a redeemable code amber, never green', () => {
    const v = verdict({ card: undefined });
    expect(v).toMatchObject({ kind: 'redeemable', tone: 'warning' });
    expect(v.warnings).toEqual([{ kind: 'card_details_missing' }]);
  });

  it.each([45009, 40164, 48001, 40125, 40001, 45011, -1, 99999])(
    'errcode %i is about the terminal, not the coupon: grey "could not check" with the reason',
    (n) => {
      expect(verdict({ lookup: errcode(n) })).toMatchObject({
        kind: 'could_not_check',
        tone: 'neutral',
        error: { errcode: n },
      });
    },
  );

  it.each([
    [40056, 'unknown_code'],
    [40099, 'already_redeemed'],
    [40127, 'not_allowed'],
    [45030, 'not_allowed'],
  ] as const)('errcode %i is about the coupon: red %s', (n, kind) => {
    expect(verdict({ lookup: errcode(n) })).toMatchObject({ kind, tone: 'reject' });
  });

  it('a settled redemption of ours says so', () => {
    const v = verdict({
      lookup: found('CONSUMED'),
      redeemedHere: { at: 1, operatorId: 'ann', operatorName: 'Ann', settled: true },
    });
    expect(v).toMatchObject({ kind: 'already_redeemed', redeemedHere: { settled: true } });
  });
});
