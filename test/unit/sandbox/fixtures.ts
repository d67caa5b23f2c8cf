/**
 * A small hand-written seed whose every date is known, so tests can assert exact windows,
 * statuses and report rows. Two apps: the second owns one card, to test cross-app access.
 */
import type { SandboxSeed } from '../../../electron/sandbox';
import { shanghaiTime } from '../../../electron/sandbox/shanghai-time';

export const APP = { appid: 'wxtest00000000001', secret: 'test-secret-one' };
export const APP2 = { appid: 'wxtest00000000002', secret: 'test-secret-two' };

export const CASH = 'pTESTcash000000000000000001';
export const TERM = 'pTESTterm000000000000000001';
export const CUSTOM = 'pTESTcustom0000000000000001';
export const MEMBER = 'pTESTmember0000000000000001';
export const MOVIE = 'pTESTmovie00000000000000001';
export const OTHER_APP_CARD = 'pTESTother00000000000000001';

export const U1 = 'oTESTuser0000000000000000001';
export const U2 = 'oTESTuser0000000000000000002';

/** Received 2025-10-01 10:00 Shanghai; the term card then runs Oct 1 - Dec 29 (90 days). */
export const RECEIVED = shanghaiTime(2025, 10, 1, 10, 0);

const base = (id: string, title: string, dateInfo: Record<string, unknown>, extra = {}) => ({
  id,
  logo_url: 'https://example.invalid/logo.png',
  code_type: 'CODE_TYPE_QRCODE',
  brand_name: 'Test Brand',
  title,
  color: '#10AD61',
  notice: 'Show the code',
  description: 'desc',
  date_info: dateInfo,
  sku: { quantity: 10, total_quantity: 20 },
  location_id_list: [111, 222],
  status: 'CARD_STATUS_VERIFY_OK',
  create_time: RECEIVED - 86400,
  update_time: RECEIVED - 86400,
  ...extra,
});

export const RANGE = {
  type: 'DATE_TYPE_FIX_TIME_RANGE',
  begin_timestamp: shanghaiTime(2025, 1, 1),
  end_timestamp: shanghaiTime(2030, 12, 31, 23, 59, 59),
};

export function testSeed(): SandboxSeed {
  return {
    apps: [APP, APP2],
    cards: [
      {
        card_type: 'CASH',
        cash: {
          base_info: base(CASH, '满100减10元代金券', RANGE),
          least_cost: 10000,
          reduce_cost: 1000,
        },
      },
      {
        card_type: 'DISCOUNT',
        discount: {
          base_info: base(TERM, '9折券', {
            type: 'DATE_TYPE_FIX_TERM',
            fixed_term: 90,
            fixed_begin_term: 0,
          }),
          discount: 10,
        },
      },
      {
        card_type: 'GENERAL_COUPON',
        general_coupon: {
          base_info: base(CUSTOM, 'Custom code coupon', RANGE, { use_custom_code: true }),
          default_detail: 'detail',
        },
      },
      {
        card_type: 'MEMBER_CARD',
        member_card: {
          base_info: base(MEMBER, 'Member', { type: 'DATE_TYPE_PERMANENT' }),
          prerogative: 'perks',
          supply_bonus: true,
          supply_balance: false,
          bonus_rules: '1 CNY = 1 point',
        },
      },
      {
        card_type: 'MOVIE_TICKET',
        movie_ticket: { base_info: base(MOVIE, 'Movie', RANGE), detail: '2D' },
      },
      {
        card_type: 'CASH',
        appid: APP2.appid,
        cash: { base_info: base(OTHER_APP_CARD, 'Other app', RANGE), reduce_cost: 100 },
      },
    ],
    codes: [
      {
        code: '100000000001',
        card_id: CASH,
        openid: U1,
        status: 'NORMAL',
        received_at: RECEIVED,
        outer_str: 'qr',
      },
      { code: '100000000002', card_id: CASH, openid: U1, status: 'NORMAL', received_at: RECEIVED },
      {
        code: '100000000003',
        card_id: CASH,
        openid: U2,
        status: 'CONSUMED',
        received_at: RECEIVED,
        status_at: RECEIVED + 86400,
      },
      {
        code: '100000000004',
        card_id: CASH,
        openid: U2,
        status: 'GIFTING',
        received_at: RECEIVED,
        status_at: RECEIVED + 2 * 86400,
      },
      {
        code: '100000000005',
        card_id: CASH,
        openid: U2,
        status: 'GIFT_TIMEOUT',
        received_at: RECEIVED,
      },
      { code: '100000000006', card_id: CASH, openid: U2, status: 'DELETE', received_at: RECEIVED },
      {
        code: '100000000007',
        card_id: CASH,
        openid: U2,
        status: 'UNAVAILABLE',
        received_at: RECEIVED,
        unavailable_reason: 'refund',
      },
      { code: '100000000008', card_id: CASH, openid: U2, status: 'EXPIRE', received_at: RECEIVED },
      { code: '200000000001', card_id: TERM, openid: U1, status: 'NORMAL', received_at: RECEIVED },
      {
        code: 'CUSTOM-0001',
        card_id: CUSTOM,
        openid: U1,
        status: 'NORMAL',
        received_at: RECEIVED,
        from_friend: true,
      },
      { code: 'CUSTOM-0002', card_id: CUSTOM, openid: U2, status: 'NORMAL', received_at: RECEIVED },
      {
        code: '300000000001',
        card_id: MEMBER,
        openid: U1,
        status: 'NORMAL',
        received_at: RECEIVED,
      },
      {
        code: '300000000002',
        card_id: MEMBER,
        openid: U2,
        status: 'NORMAL',
        received_at: RECEIVED + 86400,
      },
      { code: '400000000001', card_id: MOVIE, openid: U1, status: 'NORMAL', received_at: RECEIVED },
      {
        code: '900000000001',
        card_id: OTHER_APP_CARD,
        openid: U1,
        status: 'NORMAL',
        received_at: RECEIVED,
      },
    ],
    stats_events: [
      { type: 'view', card_id: CASH, openid: U1, at: RECEIVED - 3600 },
      { type: 'view', card_id: CASH, openid: U1, at: RECEIVED - 1800 },
      { type: 'view', card_id: CASH, openid: U2, at: RECEIVED - 600 },
      { type: 'activate', card_id: MEMBER, openid: U1, at: RECEIVED + 600 },
    ],
  };
}
