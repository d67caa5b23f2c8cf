/**
 * The four datacube/getcard* reports, computed from what happened in the simulator: receipts
 * (seed codes), redemptions (seed CONSUMED codes and every consume), gifts, expiries (codes
 * whose window ended) and the seed's extra stats events (views, activations).
 *
 * Date rules (reference): strict 'YYYY-MM-DD' else 61500; end before begin, a range of more
 * than 62 days (counted inclusively) or an end date of today or later (Asia/Shanghai, on the
 * sandbox clock) 61501.
 * Row policy (the sandbox's choice): the summary reports (getcardbizuininfo,
 * getcardmembercardinfo, getcardmembercarddetail) have one row per day of the range, zeros
 * included; getcardcardinfo has one row per day and card that had any activity.
 */
import { DATACUBE_COUPON_TYPE, type CodeStatus } from './card-types';
import type { ActivityEvent, CardRecord, CardStore } from './card-store';
import { WxError } from './errcodes';
import type { StatsEventType } from './seed-schema';
import { formatDay, parseDay, shanghaiDay, shanghaiDayStart } from './shanghai-time';

export const MAX_RANGE_DAYS = 62;

export interface DayRange {
  first: number;
  last: number;
}

function dayOf(value: unknown, field: string): number {
  if (value === undefined) throw new WxError(41011, `${field} missing`);
  const day = typeof value === 'string' ? parseDay(value) : undefined;
  if (day === undefined) throw new WxError(61500, `${field} must be YYYY-MM-DD`);
  return day;
}

export function parseRange(begin: unknown, end: unknown, nowSeconds: number): DayRange {
  const first = dayOf(begin, 'begin_date');
  const last = dayOf(end, 'end_date');
  if (last < first) throw new WxError(61501, 'end_date before begin_date');
  if (last - first + 1 > MAX_RANGE_DAYS) throw new WxError(61501, 'range over 62 days');
  if (last >= shanghaiDay(nowSeconds)) throw new WxError(61501, 'end_date must be before today');
  return { first, last };
}

class Tally {
  private readonly cnt = new Map<StatsEventType, number>();
  private readonly users = new Map<StatsEventType, Set<string>>();

  add(e: ActivityEvent): void {
    this.cnt.set(e.type, (this.cnt.get(e.type) ?? 0) + 1);
    const set = this.users.get(e.type) ?? new Set<string>();
    set.add(e.openid);
    this.users.set(e.type, set);
  }

  count(type: StatsEventType): number {
    return this.cnt.get(type) ?? 0;
  }

  userCount(type: StatsEventType): number {
    return this.users.get(type)?.size ?? 0;
  }

  get empty(): boolean {
    return this.cnt.size === 0;
  }
}

const INACTIVE: ReadonlySet<CodeStatus> = new Set(['DELETE', 'UNAVAILABLE']);

/** A small deterministic hash of a day and a card: the same history on every run. */
function mix(day: number, text: string): number {
  let h = (day * 2_654_435_761) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16_777_619) >>> 0;
  h ^= h >>> 15;
  return Math.imul(h, 2_246_822_519) >>> 0;
}

/**
 * The seed's `history`: everyday activity of one card on one day, generated from the day and
 * the card alone (weekends busier, each card its own size), so the reports of the last months
 * look like a shop's whatever today is. The openids come from one pool of regulars, so
 * `*_user` counts distinct customers below the counts, and a customer uses several cards.
 */
export function historyEvents(day: number, card: CardRecord): ActivityEvent[] {
  const h = mix(day, card.cardId);
  const weekday = (((day + 4) % 7) + 7) % 7; // day 0 (1970-01-01) was a Thursday; 0 = Sunday
  const weekend = weekday === 0 || weekday === 6 ? 1.6 : 1;
  const size = 0.5 + (mix(0, card.cardId) % 100) / 100; // 0.5 to 1.5 per card
  const n = (base: number, spread: number, salt: number) =>
    Math.round((base + ((h >>> salt) % spread)) * weekend * size);
  const views = n(12, 30, 1);
  const receives = Math.min(views, n(3, 10, 5));
  const verifies = Math.min(receives + 2, n(1, 8, 9));
  const counts: [StatsEventType, number][] = [
    ['view', views],
    ['receive', receives],
    ['verify', verifies],
    ['give', (h >>> 13) % 4 === 0 ? 1 : 0],
    ['expire', (h >>> 17) % 5 === 0 ? 1 + ((h >>> 20) % 2) : 0],
  ];
  if (card.cardType === 'MEMBER_CARD') counts.push(['activate', Math.ceil(receives / 2)]);
  const start = shanghaiDayStart(day) + 9 * 3600; // from 09:00
  // The shop's regulars: one pool of customers shared by every card.
  const pool = 260 + (mix(day, 'pool') % 80);
  const events: ActivityEvent[] = [];
  for (const [type, count] of counts) {
    for (let i = 0; i < count; i++) {
      events.push({
        type,
        cardId: card.cardId,
        openid: `oHISTcustomer${(h + i * 7919) % pool}`,
        at: start + ((i * 2_473 + (h % 600)) % (12 * 3600)),
      });
    }
  }
  return events;
}

export class DatacubeReports {
  constructor(
    private readonly store: CardStore,
    private readonly history?: { days: number },
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** The generated history's events of these cards within `range` (see historyEvents). */
  private historyIn(cards: ReadonlySet<string>, range?: DayRange): ActivityEvent[] {
    if (!this.history || !range) return [];
    const today = shanghaiDay(this.nowSeconds());
    const first = Math.max(range.first, today - this.history.days);
    const last = Math.min(range.last, today - 1);
    const out: ActivityEvent[] = [];
    const records = this.store.allCards().filter((c) => cards.has(c.cardId));
    for (let day = first; day <= last; day++) {
      for (const card of records) out.push(...historyEvents(day, card));
    }
    return out;
  }

  /** Logged activity plus one expiry per code whose validity has run out. */
  private activity(cards: ReadonlySet<string>, range?: DayRange): ActivityEvent[] {
    const events = this.store.events().filter((e) => cards.has(e.cardId));
    events.push(...this.historyIn(cards, range));
    for (const code of this.store.allCodes()) {
      if (!cards.has(code.cardId)) continue;
      if (code.status === 'EXPIRE') {
        events.push({
          type: 'expire',
          cardId: code.cardId,
          openid: code.openid,
          at: code.statusAt,
        });
      } else if (this.store.effectiveStatus(code) === 'EXPIRE') {
        const at = this.store.window(code).end + 1;
        events.push({ type: 'expire', cardId: code.cardId, openid: code.openid, at });
      }
    }
    return events;
  }

  private tallies(cards: readonly CardRecord[], range: DayRange, perCard: boolean) {
    const ids = new Set(cards.map((c) => c.cardId));
    const byKey = new Map<string, Tally>();
    for (const e of this.activity(ids, range)) {
      const day = shanghaiDay(e.at);
      if (day < range.first || day > range.last) continue;
      const key = perCard ? `${day}|${e.cardId}` : `${day}`;
      const tally = byKey.get(key) ?? new Tally();
      tally.add(e);
      byKey.set(key, tally);
    }
    return byKey;
  }

  private appCards(appid: string): CardRecord[] {
    return this.store.allCards().filter((c) => c.appid === appid);
  }

  private static days(range: DayRange): number[] {
    const out: number[] = [];
    for (let d = range.first; d <= range.last; d++) out.push(d);
    return out;
  }

  private static counts(t: Tally | undefined) {
    const tally = t ?? new Tally();
    return {
      view_cnt: tally.count('view'),
      view_user: tally.userCount('view'),
      receive_cnt: tally.count('receive'),
      receive_user: tally.userCount('receive'),
      verify_cnt: tally.count('verify'),
      verify_user: tally.userCount('verify'),
    };
  }

  /** datacube/getcardbizuininfo: all of the app's cards, per day. */
  bizUinInfo(appid: string, range: DayRange) {
    const tallies = this.tallies(this.appCards(appid), range, false);
    return DatacubeReports.days(range).map((day) => {
      const t = tallies.get(`${day}`) ?? new Tally();
      return {
        ref_date: formatDay(day),
        ...DatacubeReports.counts(t),
        given_cnt: t.count('give'),
        given_user: t.userCount('give'),
        expire_cnt: t.count('expire'),
        expire_user: t.userCount('expire'),
      };
    });
  }

  /** datacube/getcardcardinfo: free coupons only, per day and card with activity. */
  cardInfo(appid: string, range: DayRange, cardId: string | undefined) {
    const cards = (cardId ? [this.store.findCard(appid, cardId)] : this.appCards(appid)).filter(
      (c) => DATACUBE_COUPON_TYPE[c.cardType] !== undefined,
    );
    const tallies = this.tallies(cards, range, true);
    const rows = [];
    for (const day of DatacubeReports.days(range)) {
      for (const card of cards) {
        const t = tallies.get(`${day}|${card.cardId}`);
        if (!t || t.empty) continue;
        rows.push({
          ref_date: formatDay(day),
          card_id: card.cardId,
          card_type: DATACUBE_COUPON_TYPE[card.cardType] ?? 0,
          ...DatacubeReports.counts(t),
          given_cnt: t.count('give'),
          given_user: t.userCount('give'),
          expire_cnt: t.count('expire'),
          expire_user: t.userCount('expire'),
        });
      }
    }
    return rows;
  }

  /** Members at the end of `day`: received by then and not deleted or set unavailable by then. */
  private members(cardIds: ReadonlySet<string>, day: number) {
    const received = new Set<string>();
    const holding = new Set<string>();
    const firstReceipt = new Map<string, number>();
    for (const code of this.store.allCodes()) {
      if (!cardIds.has(code.cardId)) continue;
      const receivedDay = shanghaiDay(code.receivedAt);
      const prev = firstReceipt.get(code.openid);
      if (prev === undefined || receivedDay < prev) firstReceipt.set(code.openid, receivedDay);
      if (receivedDay > day) continue;
      received.add(code.openid);
      const gone = INACTIVE.has(code.status) && shanghaiDay(code.statusAt) <= day;
      if (!gone) holding.add(code.openid);
    }
    const newUsers = [...firstReceipt.values()].filter((d) => d === day).length;
    return { totalReceive: received.size, total: holding.size, newUsers };
  }

  /** datacube/getcardmembercardinfo: all member cards of the app, per day. */
  memberCardInfo(appid: string, range: DayRange) {
    const cards = this.appCards(appid).filter((c) => c.cardType === 'MEMBER_CARD');
    const ids = new Set(cards.map((c) => c.cardId));
    const tallies = this.tallies(cards, range, false);
    return DatacubeReports.days(range).map((day) => {
      const t = tallies.get(`${day}`) ?? new Tally();
      const m = this.members(ids, day);
      return {
        ref_date: formatDay(day),
        ...DatacubeReports.counts(t),
        active_user: t.userCount('activate'),
        total_user: m.total,
        total_receive_user: m.totalReceive,
      };
    });
  }

  /** datacube/getcardmembercarddetail: one member card, per day. Other card types: no rows. */
  memberCardDetail(appid: string, range: DayRange, cardId: string) {
    const card = this.store.findCard(appid, cardId);
    if (card.cardType !== 'MEMBER_CARD') return [];
    const ids = new Set([card.cardId]);
    const tallies = this.tallies([card], range, false);
    return DatacubeReports.days(range).map((day) => {
      const t = tallies.get(`${day}`) ?? new Tally();
      const m = this.members(ids, day);
      return {
        ref_date: formatDay(day),
        merchanttype: 1,
        cardid: card.cardId,
        submerchantid: 0,
        ...DatacubeReports.counts(t),
        active_cnt: t.count('activate'),
        active_user: t.userCount('activate'),
        total_user: m.total,
        new_user: m.newUsers,
        // The sandbox models no WeChat Pay checkout.
        payOriginalFee: 0,
        fee: 0,
      };
    });
  }
}
