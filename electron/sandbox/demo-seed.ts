/**
 * The built-in demo seed: one app, every card type, codes in every status, realistic
 * Chinese/English titles. Everything is a pure function of constants (no Date.now()), and the
 * redeemable codes stay valid until the end of 2035 (fixed ranges) or longer (fixed terms of
 * 5000 days from receipts in 2025), so the demo works whenever it runs and every run is the
 * same. There are far more redeemable codes than a demo needs, because end-to-end tests
 * consume them and must not collide.
 */
import { createHash } from 'node:crypto';
import { typeKey, type CardType, type CodeStatus } from './card-types';
import {
  cardBodyOf,
  type SandboxSeed,
  type SeedCard,
  type SeedCode,
  type SeedStatsEvent,
} from './seed-schema';
import { formatDay, shanghaiDay, shanghaiTime, SECONDS_PER_DAY } from './shanghai-time';
import { validityWindow, windowPosition } from './validity';

export const DEMO_APPID = 'wxsandbox000000001';
export const DEMO_SECRET = 'sandbox0secret0for0carddesk0demo';

const RANGE_BEGIN = shanghaiTime(2024, 1, 1);
const RANGE_END = shanghaiTime(2035, 12, 31, 23, 59, 59);
const CREATED = shanghaiTime(2024, 12, 20, 9, 30);
const FIRST_RECEIPT = shanghaiTime(2025, 3, 1, 10, 0);
const LONG_TERM_DAYS = 5000;

function hashed(label: string): string {
  return createHash('sha256').update(`carddesk-demo:${label}`).digest('base64url');
}

/** 28-character ids shaped like the platform's ("pbLatjk4T4Hx-QFQGL4zGQy27_Qg"). */
const cardId = (key: string) => `pSBX${hashed(`card:${key}`).slice(0, 24)}`;
const openId = (n: number) => `oSBX${hashed(`user:${n}`).slice(0, 24)}`;

/** 12-digit codes that look random but are fixed, first digit never 0. */
function code12(label: string): string {
  const n = BigInt(
    `0x${createHash('sha256').update(`carddesk-demo-code:${label}`).digest('hex').slice(0, 16)}`,
  );
  return (100_000_000_000n + (n % 900_000_000_000n)).toString();
}

const fixedRange = (begin = RANGE_BEGIN, end = RANGE_END) => ({
  type: 'DATE_TYPE_FIX_TIME_RANGE' as const,
  begin_timestamp: begin,
  end_timestamp: end,
});
const fixedTerm = (term = LONG_TERM_DAYS, beginTerm = 0) => ({
  type: 'DATE_TYPE_FIX_TERM' as const,
  fixed_term: term,
  fixed_begin_term: beginTerm,
});

interface DemoCardSpec {
  key: string;
  type: CardType;
  title: string;
  brand: string;
  codeType: string;
  dateInfo: Record<string, unknown>;
  color: string;
  notice: string;
  description: string;
  fields: Record<string, unknown>;
  status?: string;
  customCode?: boolean;
  locations?: number[];
  advanced?: Record<string, unknown>;
  /** When its codes were received (default: spread over March-April 2025). */
  firstReceipt?: number;
  /** Statuses of the codes to create for this card, in order. */
  codes: CodeStatus[];
}

const N = (n: number): CodeStatus[] => Array.from({ length: n }, () => 'NORMAL' as const);

const STORES = [218384742, 402521653, 402521608];

const SPECS: DemoCardSpec[] = [
  {
    key: 'cash-100-10',
    type: 'CASH',
    title: '满100减10元代金券',
    brand: 'CardDesk 示范咖啡',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedRange(),
    color: '#10AD61',
    notice: '结账时出示二维码',
    description: '满100元可用，每单限用一张。Spend ¥100, save ¥10.',
    fields: { least_cost: 10000, reduce_cost: 1000 },
    locations: STORES,
    codes: [...N(8), 'CONSUMED', 'GIFTING', 'UNAVAILABLE'],
  },
  {
    key: 'cash-50',
    type: 'CASH',
    title: '50元无门槛券',
    brand: 'CardDesk 示范咖啡',
    codeType: 'CODE_TYPE_BARCODE',
    dateInfo: fixedTerm(),
    color: '#CC463D',
    notice: '结账时出示条码',
    description: '无最低消费。¥50 off, no minimum spend.',
    fields: { least_cost: 0, reduce_cost: 5000 },
    status: 'CARD_STATUS_DISPATCH',
    codes: [...N(5), 'GIFT_TIMEOUT', 'DELETE'],
  },
  {
    key: 'discount-85',
    type: 'DISCOUNT',
    title: '全场8.5折券',
    brand: 'CardDesk 示范书店',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedRange(),
    color: '#2C9F67',
    notice: '出示二维码享8.5折',
    description: '全场商品8.5折，特价商品除外。15% off everything.',
    fields: { discount: 15 },
    locations: [STORES[0] ?? 0],
    advanced: {
      time_limit: [],
      text_image_list: [],
      business_service: [],
      consume_share_card_list: [],
      abstract: { abstract: '了解更多 Learn more', icon_url_list: [] },
      share_friends: false,
    },
    codes: [...N(6), 'CONSUMED'],
  },
  {
    key: 'discount-weekday',
    type: 'DISCOUNT',
    title: '工作日9折券',
    brand: 'CardDesk 示范书店',
    codeType: 'CODE_TYPE_BARCODE',
    dateInfo: fixedRange(),
    color: '#509FC9',
    notice: '仅限周一至周五使用',
    description: '周一至周五 10:00-22:00 可用。Weekdays only, 10% off.',
    fields: { discount: 10 },
    advanced: {
      time_limit: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((type) => ({
        type,
        begin_hour: 10,
        begin_minute: 0,
        end_hour: 22,
        end_minute: 0,
      })),
    },
    codes: N(3),
  },
  {
    key: 'gift-americano',
    type: 'GIFT',
    title: '免费美式咖啡一杯',
    brand: 'CardDesk 示范咖啡',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedTerm(),
    color: '#A9D92D',
    notice: '到店出示兑换',
    description: '兑换中杯美式咖啡一杯。One free regular Americano.',
    fields: { gift: '中杯美式咖啡一杯 (Regular Americano)' },
    locations: STORES,
    codes: [...N(5), 'CONSUMED', 'GIFTING'],
  },
  {
    key: 'groupon-tea',
    type: 'GROUPON',
    title: '双人下午茶套餐',
    brand: 'CardDesk 示范茶餐厅',
    codeType: 'CODE_TYPE_TEXT',
    dateInfo: fixedRange(),
    color: '#E75735',
    notice: '请向服务员出示券码',
    description: '含两杯饮品和一份甜点拼盘。Afternoon tea for two.',
    fields: { deal_detail: '饮品两杯 + 甜点拼盘一份 (2 drinks + dessert platter)' },
    codes: [...N(4), 'UNAVAILABLE'],
  },
  {
    key: 'general-parking',
    type: 'GENERAL_COUPON',
    title: '停车2小时券',
    brand: 'CardDesk 示范商场',
    codeType: 'CODE_TYPE_ONLY_QRCODE',
    dateInfo: fixedRange(),
    color: '#63B359',
    notice: '离场时出示二维码',
    description: '免费停车2小时。2 hours of free parking.',
    fields: { default_detail: '商场停车场免费停车2小时 (2h free parking)' },
    codes: N(4),
  },
  {
    key: 'member',
    type: 'MEMBER_CARD',
    title: '示范会员卡',
    brand: 'CardDesk 示范商场',
    codeType: 'CODE_TYPE_BARCODE',
    dateInfo: { type: 'DATE_TYPE_PERMANENT' },
    color: '#5885CF',
    notice: '结账时出示会员卡',
    description: '会员享积分和专属优惠。Members earn points.',
    fields: {
      prerogative: '会员全场95折，生日双倍积分。5% off for members.',
      supply_bonus: true,
      supply_balance: false,
      bonus_cleared: '每年12月31日清零积分',
      bonus_rules: '每消费1元积1分',
    },
    codes: N(4),
  },
  {
    key: 'scenic',
    type: 'SCENIC_TICKET',
    title: '西湖游船票',
    brand: 'CardDesk 示范景区',
    codeType: 'CODE_TYPE_ONLY_BARCODE',
    dateInfo: fixedRange(),
    color: '#9062C0',
    notice: '检票口出示条码',
    description: '成人票一张。One adult boat ticket.',
    fields: { ticket_class: '成人票', guide_url: 'https://sandbox.carddesk.invalid/guide' },
    codes: N(2),
  },
  {
    key: 'movie',
    type: 'MOVIE_TICKET',
    title: '2D电影票',
    brand: 'CardDesk 示范影城',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedRange(),
    color: '#D09A45',
    notice: '取票机扫码取票',
    description: '任意2D场次可用。Any 2D screening.',
    fields: { detail: '2D电影票一张，不含3D/IMAX。One 2D ticket.' },
    codes: N(2),
  },
  {
    key: 'boarding',
    type: 'BOARDING_PASS',
    title: '登机牌 深圳-北京',
    brand: 'CardDesk 示范航空',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedRange(),
    color: '#5885CF',
    notice: '登机口出示二维码',
    description: '经济舱。Economy class.',
    fields: {
      from: '深圳 Shenzhen',
      to: '北京 Beijing',
      flight: 'CD1234',
      departure_time: shanghaiTime(2035, 6, 1, 8, 0),
      landing_time: shanghaiTime(2035, 6, 1, 11, 15),
      boarding_time: shanghaiTime(2035, 6, 1, 7, 30),
      gate: 'A12',
      check_in_url: 'https://sandbox.carddesk.invalid/checkin',
    },
    codes: N(2),
  },
  {
    key: 'meeting',
    type: 'MEETING_TICKET',
    title: '开发者大会门票',
    brand: 'CardDesk 示范会展',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedRange(),
    color: '#10AD61',
    notice: '入场时出示二维码',
    description: '全天通票。Full-day pass.',
    fields: {
      meeting_detail: '主会场 A 厅，09:00 开始。Hall A, 09:00.',
      map_url: 'https://sandbox.carddesk.invalid/map',
    },
    codes: N(2),
  },
  {
    key: 'bus',
    type: 'BUS_TICKET',
    title: '机场大巴票',
    brand: 'CardDesk 示范客运',
    codeType: 'CODE_TYPE_BARCODE',
    dateInfo: fixedRange(),
    color: '#CC463D',
    notice: '上车时出示条码',
    description: '市区至机场单程。One way to the airport.',
    fields: {},
    codes: N(2),
  },
  {
    key: 'cash-custom',
    type: 'CASH',
    title: '自定义码20元券',
    brand: 'CardDesk 示范超市',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedRange(),
    color: '#E75735',
    notice: '结账时出示二维码',
    description: '满50元减20元，商户自定义券码。Custom-code ¥20 voucher.',
    fields: { least_cost: 5000, reduce_cost: 2000 },
    customCode: true,
    codes: [...N(4), 'CONSUMED'],
  },
  {
    key: 'discount-expired',
    type: 'DISCOUNT',
    title: '2023春节9折券',
    brand: 'CardDesk 示范书店',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedRange(shanghaiTime(2023, 1, 20), shanghaiTime(2023, 2, 28, 23, 59, 59)),
    color: '#509FC9',
    notice: '活动已结束',
    description: '2023年春节活动券，已过期。Expired in 2023.',
    fields: { discount: 10 },
    firstReceipt: shanghaiTime(2023, 1, 25, 11, 0),
    codes: ['NORMAL', 'EXPIRE'],
  },
  {
    key: 'gift-future',
    type: 'GIFT',
    title: '周年庆礼品券',
    brand: 'CardDesk 示范咖啡',
    codeType: 'CODE_TYPE_QRCODE',
    // Valid only 7300 days (20 years) after receipt: not yet valid for a long time.
    dateInfo: fixedTerm(30, 7300),
    color: '#A9D92D',
    notice: '周年庆当天可用',
    description: '领取20年后生效的周年礼品。Not valid yet.',
    fields: { gift: '周年纪念杯一个 (Anniversary mug)' },
    codes: N(2),
  },
  {
    key: 'general-deleted',
    type: 'GENERAL_COUPON',
    title: '洗车券 (已下架)',
    brand: 'CardDesk 示范商场',
    codeType: 'CODE_TYPE_QRCODE',
    dateInfo: fixedRange(),
    color: '#63B359',
    notice: '洗车时出示二维码',
    description: '商户已删除此券，已领取的券仍可使用。Card deleted; received codes still work.',
    fields: { default_detail: '标准洗车一次 (one car wash)' },
    status: 'CARD_STATUS_DELETE',
    codes: N(2),
  },
];

const USERS = 12;

function buildCard(spec: DemoCardSpec, index: number): SeedCard {
  const issued = spec.codes.length;
  return {
    card_type: spec.type,
    [typeKey(spec.type)]: {
      base_info: {
        id: cardId(spec.key),
        logo_url: `https://sandbox.carddesk.invalid/logo/${spec.key}.png`,
        code_type: spec.codeType,
        brand_name: spec.brand,
        title: spec.title,
        date_info: spec.dateInfo,
        color: spec.color,
        notice: spec.notice,
        description: spec.description,
        location_id_list: spec.locations ?? [],
        use_custom_code: spec.customCode ?? false,
        get_limit: 3,
        can_share: true,
        can_give_friend: true,
        status: spec.status ?? 'CARD_STATUS_VERIFY_OK',
        sku: { quantity: 1000 - issued, total_quantity: 1000 },
        create_time: CREATED + index * 60,
        update_time: CREATED + index * 60,
        area_code_list: [],
      },
      ...spec.fields,
      ...(spec.advanced ? { advanced_info: spec.advanced } : {}),
    },
  };
}

/** The demo seed; a fresh object on every call. */
export function demoSeed(): SandboxSeed {
  const cards = SPECS.map(buildCard);
  const codes: SeedCode[] = [];
  const used = new Set<string>();
  let n = 0;
  SPECS.forEach((spec) => {
    spec.codes.forEach((status, i) => {
      let code = code12(`${spec.key}:${i}`);
      for (let salt = 1; used.has(code); salt++) code = code12(`${spec.key}:${i}:${salt}`);
      used.add(code);
      const receivedAt =
        (spec.firstReceipt ?? FIRST_RECEIPT) + (n % 60) * SECONDS_PER_DAY + (n % 7) * 3600;
      const entry: SeedCode = {
        code,
        card_id: cardId(spec.key),
        openid: openId((n * 7 + Math.floor(n / USERS)) % USERS),
        status,
        received_at: receivedAt,
        outer_str: ['mp', 'qrcode', 'h5', 'sandbox'][n % 4] ?? '',
      };
      if (status === 'CONSUMED') entry.status_at = receivedAt + 2 * SECONDS_PER_DAY;
      if (status === 'GIFTING' || status === 'GIFT_TIMEOUT' || status === 'DELETE') {
        entry.status_at = receivedAt + SECONDS_PER_DAY;
      }
      if (status === 'UNAVAILABLE') {
        entry.status_at = receivedAt + 3 * SECONDS_PER_DAY;
        entry.unavailable_reason = '用户退款 Refund';
      }
      if (spec.key === 'gift-americano' && i === 0) entry.from_friend = true;
      codes.push(entry);
      n++;
    });
  });
  const stats: SeedStatsEvent[] = [];
  SPECS.slice(0, 8).forEach((spec, s) => {
    for (let v = 0; v < 6; v++) {
      stats.push({
        type: 'view',
        card_id: cardId(spec.key),
        openid: openId((s + v * 5) % USERS),
        at: FIRST_RECEIPT + (v * 3 + s) * SECONDS_PER_DAY + 3600,
      });
    }
  });
  for (let u = 0; u < 3; u++) {
    stats.push({
      type: 'activate',
      card_id: cardId('member'),
      openid: openId(u),
      at: FIRST_RECEIPT + (40 + u) * SECONDS_PER_DAY,
    });
  }
  return {
    apps: [{ appid: DEMO_APPID, secret: DEMO_SECRET }],
    cards,
    codes,
    stats_events: stats,
    history: { days: 120 },
  };
}

export interface DemoCode {
  code: string;
  card_id: string;
  title: string;
  card_type: string;
  /** The stored status (NORMAL, CONSUMED, ...). */
  status: string;
  /** CODE_TYPE_QRCODE etc: how the code is shown to the cashier. */
  code_type: string;
  /** Short English description, e.g. 'redeemable', 'expired'. */
  note: string;
  /** card/code/consume would succeed at `now` (weekday time_limit not considered). */
  redeemable: boolean;
  /** Custom-code card: every call must carry card_id. */
  use_custom_code: boolean;
  /** Where `now` is in the code's validity window, and the window (unix seconds). */
  position: 'before' | 'inside' | 'after';
  valid_from: number;
  valid_until: number;
  /** The card's weekday limits (MONDAY, ..., HOLIDAY): redeemable only on those days. */
  weekdays: string[];
  /** The merchant deleted the card; codes already received stay valid. */
  card_deleted: boolean;
}

const DAY_NAMES: Record<string, string> = {
  MONDAY: 'Mon',
  TUESDAY: 'Tue',
  WEDNESDAY: 'Wed',
  THURSDAY: 'Thu',
  FRIDAY: 'Fri',
  SATURDAY: 'Sat',
  SUNDAY: 'Sun',
  HOLIDAY: 'holidays',
};

const STATUS_NOTES: Record<Exclude<CodeStatus, 'NORMAL'>, string> = {
  CONSUMED: 'already redeemed',
  EXPIRE: 'expired',
  GIFTING: 'being gifted to a friend',
  GIFT_TIMEOUT: 'gift timed out',
  DELETE: 'deleted by the user',
  UNAVAILABLE: 'set unavailable by the merchant',
};

/** The seed's codes with a description of each, for the demo codes screen. */
export function listDemoCodes(
  seed: SandboxSeed = demoSeed(),
  now: number = Date.now(),
): DemoCode[] {
  const nowSeconds = Math.floor(now / 1000);
  const cards = new Map(seed.cards.map((c) => [cardBodyOf(c).base_info.id, c]));
  return seed.codes.flatMap((code) => {
    const card = cards.get(code.card_id);
    if (!card) return [];
    const body = cardBodyOf(card);
    const base = body.base_info;
    const window = validityWindow(base.date_info, code.received_at);
    const position = windowPosition(window, nowSeconds);
    const redeemable = code.status === 'NORMAL' && position === 'inside';
    let note: string;
    if (code.status !== 'NORMAL') {
      note = STATUS_NOTES[code.status];
    } else if (position === 'before') {
      note = `not yet valid (from ${formatDay(shanghaiDay(window.begin))})`;
    } else if (position === 'after') {
      note = `expired (validity ended ${formatDay(shanghaiDay(window.end))})`;
    } else {
      const caveats = ['redeemable'];
      if (base.use_custom_code) caveats.push('custom code: send card_id');
      const days = body.advanced_info?.time_limit ?? [];
      if (days.length > 0)
        caveats.push(`only on ${days.map((d) => DAY_NAMES[d.type] ?? d.type).join(', ')}`);
      if (base.status === 'CARD_STATUS_DELETE')
        caveats.push('card deleted by merchant, code still valid');
      note = caveats.join('; ');
    }
    return [
      {
        code: code.code,
        card_id: code.card_id,
        title: base.title,
        card_type: card.card_type,
        status: code.status,
        code_type: base.code_type,
        note,
        redeemable,
        use_custom_code: base.use_custom_code === true,
        position,
        valid_from: window.begin,
        valid_until: window.end,
        weekdays: (body.advanced_info?.time_limit ?? []).map((d) => d.type),
        card_deleted: base.status === 'CARD_STATUS_DELETE',
      },
    ];
  });
}
