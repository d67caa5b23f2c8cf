/**
 * Cards, received codes and the activity log: the simulator's state and the rules of the
 * code and card endpoints. Handlers validate first and change state last, so a refused call
 * never leaves a partial change behind. Every change bumps `mutations`, which is how the
 * simulator knows that a call wrote something (journal, state file) without diffing state.
 */
import type { SandboxClock } from './clock';
import { typeKey, type CardStatus, type CardType, type CodeStatus } from './card-types';
import { WxError } from './errcodes';
import {
  cardBodyOf,
  type CardBody,
  type SandboxSeed,
  type SeedCard,
  type SeedStatsEvent,
  type StatsEventType,
} from './seed-schema';
import type { StateCode } from './state-file';
import { validityWindow, windowPosition, type ValidityWindow } from './validity';

export interface CardRecord {
  appid: string;
  cardId: string;
  cardType: CardType;
  body: CardBody;
}

export interface CodeRecord {
  code: string;
  cardId: string;
  openid: string;
  status: CodeStatus;
  receivedAt: number;
  /** When the code entered its current status (unix seconds). */
  statusAt: number;
  outerStr: string;
  unavailableReason?: string;
  fromFriend: boolean;
}

/** Something datacube counts. Expiries are derived from the codes when a report is asked. */
export interface ActivityEvent {
  type: StatsEventType;
  cardId: string;
  openid: string;
  at: number;
}

/** A code as tests and the control API see it. */
export interface CodeSnapshot {
  code: string;
  card_id: string;
  card_type: CardType;
  appid: string;
  openid: string;
  /** The stored status. */
  status: CodeStatus;
  /** What card/code/get reports now: EXPIRE for a NORMAL code whose window has passed. */
  user_card_status: CodeStatus;
  can_consume: boolean;
  begin_time: number;
  end_time: number;
  received_at: number;
  status_at: number;
  outer_str: string;
  unavailable_reason?: string;
  from_friend: boolean;
}

/** A card as tests and the control API see it; `card` is what card/get returns. */
export interface CardSnapshot {
  card_id: string;
  appid: string;
  card_type: CardType;
  status: CardStatus;
  title: string;
  quantity: number;
  total_quantity: number;
  use_custom_code: boolean;
  card: Record<string, unknown>;
}

/** The part of the state file the store owns; order is kept (batchget answers in it). */
export interface StoreState {
  cards: SeedCard[];
  codes: StateCode[];
  activity: SeedStatsEvent[];
}

export const MAX_TOTAL_QUANTITY = 100_000_000;

export class CardStore {
  private readonly cards = new Map<string, CardRecord>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly activity: ActivityEvent[] = [];
  private changes = 0;

  /** From the seed, or from a saved state (already validated against the seed's apps). */
  constructor(
    seed: SandboxSeed,
    private readonly clock: SandboxClock,
    state?: StoreState,
  ) {
    if (state) this.loadState(state);
    else this.loadSeed(seed);
  }

  /** How many changes were applied since construction; grows by one or more per write. */
  get mutations(): number {
    return this.changes;
  }

  private loadSeed(seed: SandboxSeed): void {
    const defaultApp = seed.apps[0]?.appid ?? '';
    for (const card of seed.cards) {
      const body = cardBodyOf(structuredClone(card));
      this.cards.set(body.base_info.id, {
        appid: card.appid ?? defaultApp,
        cardId: body.base_info.id,
        cardType: card.card_type,
        body,
      });
    }
    for (const c of seed.codes) {
      const card = this.mustCard(c.card_id);
      const window = validityWindow(card.body.base_info.date_info, c.received_at);
      // An expired code with no recorded moment expired when its window ended.
      const statusAt = c.status_at ?? (c.status === 'EXPIRE' ? window.end + 1 : c.received_at);
      const record: CodeRecord = {
        code: c.code,
        cardId: c.card_id,
        openid: c.openid,
        status: c.status,
        receivedAt: c.received_at,
        statusAt,
        outerStr: c.outer_str ?? '',
        fromFriend: c.from_friend ?? false,
        ...(c.unavailable_reason !== undefined ? { unavailableReason: c.unavailable_reason } : {}),
      };
      this.codes.set(c.code, record);
      this.activity.push({
        type: 'receive',
        cardId: c.card_id,
        openid: c.openid,
        at: c.received_at,
      });
      if (c.status === 'CONSUMED') this.log('verify', record, statusAt);
      if (c.status === 'GIFTING' || c.status === 'GIFT_TIMEOUT') this.log('give', record, statusAt);
    }
    for (const e of seed.stats_events ?? []) {
      this.activity.push({ type: e.type, cardId: e.card_id, openid: e.openid, at: e.at });
    }
  }

  private loadState(state: StoreState): void {
    for (const card of state.cards) {
      const body = cardBodyOf(structuredClone(card));
      this.cards.set(body.base_info.id, {
        appid: card.appid ?? '',
        cardId: body.base_info.id,
        cardType: card.card_type,
        body,
      });
    }
    for (const c of state.codes) {
      this.mustCard(c.card_id);
      this.codes.set(c.code, {
        code: c.code,
        cardId: c.card_id,
        openid: c.openid,
        status: c.status,
        receivedAt: c.received_at,
        statusAt: c.status_at,
        outerStr: c.outer_str ?? '',
        fromFriend: c.from_friend ?? false,
        ...(c.unavailable_reason !== undefined ? { unavailableReason: c.unavailable_reason } : {}),
      });
    }
    for (const e of state.activity) {
      this.activity.push({ type: e.type, cardId: e.card_id, openid: e.openid, at: e.at });
    }
  }

  /** Everything the state file keeps of the store, as plain JSON (copies). */
  exportState(): StoreState {
    return {
      cards: this.allCards().map((card) => ({
        card_type: card.cardType,
        appid: card.appid,
        [typeKey(card.cardType)]: structuredClone(card.body),
      })),
      codes: this.allCodes().map((c) => ({
        code: c.code,
        card_id: c.cardId,
        openid: c.openid,
        status: c.status,
        received_at: c.receivedAt,
        status_at: c.statusAt,
        outer_str: c.outerStr,
        ...(c.unavailableReason !== undefined ? { unavailable_reason: c.unavailableReason } : {}),
        from_friend: c.fromFriend,
      })),
      activity: this.activity.map((e) => ({
        type: e.type,
        card_id: e.cardId,
        openid: e.openid,
        at: e.at,
      })),
    };
  }

  // ---- reads ---------------------------------------------------------------------------

  card(cardId: string): CardRecord | undefined {
    return this.cards.get(cardId);
  }

  allCards(): CardRecord[] {
    return [...this.cards.values()];
  }

  cardIdOf(code: string): string | undefined {
    return this.codes.get(code)?.cardId;
  }

  allCodes(): CodeRecord[] {
    return [...this.codes.values()];
  }

  events(): readonly ActivityEvent[] {
    return this.activity;
  }

  window(code: CodeRecord): ValidityWindow {
    return validityWindow(this.mustCard(code.cardId).body.base_info.date_info, code.receivedAt);
  }

  /** The status card/code/get reports: a NORMAL code past its window reads EXPIRE. */
  effectiveStatus(code: CodeRecord): CodeStatus {
    if (code.status !== 'NORMAL') return code.status;
    return windowPosition(this.window(code), this.clock.nowSeconds()) === 'after'
      ? 'EXPIRE'
      : 'NORMAL';
  }

  codeSnapshot(code: string): CodeSnapshot | undefined {
    const record = this.codes.get(code);
    if (!record) return undefined;
    const card = this.mustCard(record.cardId);
    const window = this.window(record);
    const status = this.effectiveStatus(record);
    return {
      code: record.code,
      card_id: record.cardId,
      card_type: card.cardType,
      appid: card.appid,
      openid: record.openid,
      status: record.status,
      user_card_status: status,
      can_consume:
        status === 'NORMAL' && windowPosition(window, this.clock.nowSeconds()) === 'inside',
      begin_time: window.begin,
      end_time: window.end,
      received_at: record.receivedAt,
      status_at: record.statusAt,
      outer_str: record.outerStr,
      ...(record.unavailableReason !== undefined
        ? { unavailable_reason: record.unavailableReason }
        : {}),
      from_friend: record.fromFriend,
    };
  }

  cardSnapshot(cardId: string): CardSnapshot | undefined {
    const card = this.cards.get(cardId);
    if (!card) return undefined;
    const base = card.body.base_info;
    return {
      card_id: card.cardId,
      appid: card.appid,
      card_type: card.cardType,
      status: base.status,
      title: base.title,
      quantity: base.sku.quantity,
      total_quantity: base.sku.total_quantity,
      use_custom_code: base.use_custom_code === true,
      card: this.cardJson(card),
    };
  }

  /** The card exactly as card/get puts it under "card" (a copy). */
  cardJson(card: CardRecord): Record<string, unknown> {
    return { card_type: card.cardType, [typeKey(card.cardType)]: structuredClone(card.body) };
  }

  // ---- lookups with the platform's errcodes --------------------------------------------

  /**
   * A code of this app. Unknown codes, codes of another app or card, and custom codes asked
   * without card_id all answer 40056: the facts say the platform treats a custom code without
   * its card_id "as if the code did not exist".
   */
  findCode(appid: string, code: string, cardId: string | undefined): CodeRecord {
    const record = this.codes.get(code);
    if (!record) throw new WxError(40056);
    const card = this.mustCard(record.cardId);
    if (card.appid !== appid) throw new WxError(40056);
    if (cardId !== undefined && cardId !== '' && cardId !== record.cardId) throw new WxError(40056);
    if (card.body.base_info.use_custom_code === true && !cardId) {
      throw new WxError(40056, 'custom code needs card_id');
    }
    return record;
  }

  /** A card of this app: unknown 40073, another app's 45030. */
  findCard(appid: string, cardId: string): CardRecord {
    if (cardId === '') throw new WxError(41012);
    const card = this.cards.get(cardId);
    if (!card) throw new WxError(40073);
    if (card.appid !== appid) throw new WxError(45030);
    return card;
  }

  // ---- the code endpoints ----------------------------------------------------------------

  getCode(appid: string, input: { code: string; card_id?: string; check_consume?: boolean }) {
    const record = this.findCode(appid, input.code, input.card_id);
    const status = this.effectiveStatus(record);
    // check_consume defaults to true (the platform's default). With it, CONSUMED answers
    // 40099 (observed) and every other abnormal status, EXPIRE included, 40127 (reference).
    if (input.check_consume !== false) {
      if (status === 'CONSUMED') throw new WxError(40099);
      if (status !== 'NORMAL') throw new WxError(40127);
    }
    const window = this.window(record);
    const inside = windowPosition(window, this.clock.nowSeconds()) === 'inside';
    return {
      card: { card_id: record.cardId, begin_time: window.begin, end_time: window.end },
      openid: record.openid,
      can_consume: status === 'NORMAL' && inside,
      outer_str: record.outerStr,
      user_card_status: status,
    };
  }

  consume(appid: string, input: { code: string; card_id?: string }) {
    const record = this.findCode(appid, input.code, input.card_id);
    const now = this.clock.nowSeconds();
    switch (record.status) {
      case 'CONSUMED':
        throw new WxError(40099);
      case 'EXPIRE':
        throw new WxError(40079, 'code expired');
      case 'NORMAL': {
        const pos = windowPosition(this.window(record), now);
        if (pos === 'before') throw new WxError(40079, 'code not yet valid');
        if (pos === 'after') throw new WxError(40079, 'code expired');
        break;
      }
      default:
        throw new WxError(40127);
    }
    record.status = 'CONSUMED';
    record.statusAt = now;
    this.log('verify', record, now);
    this.changes += 1;
    return { card: { card_id: record.cardId }, openid: record.openid };
  }

  unavailable(appid: string, input: { code: string; card_id?: string; reason?: string }) {
    const record = this.findCode(appid, input.code, input.card_id);
    if (record.status === 'CONSUMED') throw new WxError(40099);
    if (record.status !== 'NORMAL') throw new WxError(40127);
    record.status = 'UNAVAILABLE';
    record.statusAt = this.clock.nowSeconds();
    // Stored although unverified whether the platform keeps it (facts file).
    if (input.reason !== undefined) record.unavailableReason = input.reason;
    this.changes += 1;
    return {};
  }

  updateCode(appid: string, input: { code: string; card_id?: string; new_code: string }) {
    const record = this.findCode(appid, input.code, input.card_id);
    const card = this.mustCard(record.cardId);
    if (card.body.base_info.use_custom_code !== true) throw new WxError(43009);
    if (!/^[\x21-\x7e]{1,64}$/.test(input.new_code)) {
      throw new WxError(40116, 'new_code must be 1-64 printable characters');
    }
    if (this.codes.has(input.new_code)) throw new WxError(40116, 'new_code already exists');
    if (record.status === 'CONSUMED') throw new WxError(40099);
    // The old code stops existing: later calls with it answer 40056.
    this.codes.delete(record.code);
    record.code = input.new_code;
    this.codes.set(record.code, record);
    this.changes += 1;
    return {};
  }

  // ---- the card endpoints ----------------------------------------------------------------

  getCard(appid: string, cardId: string) {
    return { card: this.cardJson(this.findCard(appid, cardId)) };
  }

  batchGet(appid: string, input: { offset: number; count: number; status_list?: string[] }) {
    const wanted =
      input.status_list && input.status_list.length > 0 ? new Set(input.status_list) : undefined;
    const matching = this.allCards().filter(
      (c) => c.appid === appid && (!wanted || wanted.has(c.body.base_info.status)),
    );
    return {
      card_id_list: matching.slice(input.offset, input.offset + input.count).map((c) => c.cardId),
      total_num: matching.length,
    };
  }

  deleteCard(appid: string, cardId: string) {
    const card = this.findCard(appid, cardId);
    if (card.body.base_info.status === 'CARD_STATUS_DELETE')
      throw new WxError(40078, 'card already deleted');
    // Received codes stay usable (reference): only the card's own status changes.
    card.body.base_info.status = 'CARD_STATUS_DELETE';
    card.body.base_info.update_time = this.clock.nowSeconds();
    this.changes += 1;
    return {};
  }

  modifyStock(
    appid: string,
    input: { card_id: string; increase_stock_value?: number; reduce_stock_value?: number },
  ) {
    const card = this.findCard(appid, input.card_id);
    const inc = input.increase_stock_value ?? 0;
    const red = input.reduce_stock_value ?? 0;
    if (inc < 0 || red < 0) throw new WxError(40122, 'stock values must not be negative');
    if (card.body.base_info.status === 'CARD_STATUS_DELETE')
      throw new WxError(40078, 'card deleted');
    const sku = card.body.base_info.sku;
    const quantity = sku.quantity + inc - red;
    const total = sku.total_quantity + inc - red;
    if (quantity < 0) {
      throw sku.quantity === 0
        ? new WxError(45031)
        : new WxError(40122, `only ${sku.quantity} left`);
    }
    if (total > MAX_TOTAL_QUANTITY) throw new WxError(40122, 'total_quantity above 100000000');
    sku.quantity = quantity;
    sku.total_quantity = total;
    card.body.base_info.update_time = this.clock.nowSeconds();
    this.changes += 1;
    return {};
  }

  /** card/update's last step, once card-update.ts has checked every field. */
  applyCardUpdate(
    card: CardRecord,
    changes: { base: Record<string, unknown>; type: Record<string, unknown>; sendCheck: boolean },
  ): void {
    Object.assign(card.body.base_info, changes.base);
    Object.assign(card.body, changes.type);
    card.body.base_info.update_time = this.clock.nowSeconds();
    if (changes.sendCheck) card.body.base_info.status = 'CARD_STATUS_NOT_VERIFY';
    this.changes += 1;
  }

  /**
   * The user's coupons under this app "both normal and abnormal". Consumed codes and codes
   * the user deleted are no longer in their Cards & Offers, so they are left out.
   */
  userCardList(appid: string, input: { openid: string; card_id?: string }) {
    const list = this.allCodes().filter((c) => {
      const card = this.mustCard(c.cardId);
      return (
        card.appid === appid &&
        c.openid === input.openid &&
        (!input.card_id || c.cardId === input.card_id) &&
        c.status !== 'CONSUMED' &&
        c.status !== 'DELETE'
      );
    });
    return {
      card_list: list.map((c) => ({ code: c.code, card_id: c.cardId })),
      has_share_card: list.some((c) => c.fromFriend),
    };
  }

  // ---- control (tests and the control API) -----------------------------------------------

  setCodeStatus(code: string, status: CodeStatus): void {
    const record = this.codes.get(code);
    if (!record) throw new RangeError(`no code ${code}`);
    const now = this.clock.nowSeconds();
    if (status === 'CONSUMED') this.log('verify', record, now);
    if (status === 'GIFTING') this.log('give', record, now);
    record.status = status;
    record.statusAt = now;
    this.changes += 1;
  }

  setCardStatus(cardId: string, status: CardStatus): void {
    const card = this.cards.get(cardId);
    if (!card) throw new RangeError(`no card ${cardId}`);
    card.body.base_info.status = status;
    this.changes += 1;
  }

  private mustCard(cardId: string): CardRecord {
    const card = this.cards.get(cardId);
    if (!card) throw new Error(`sandbox state: no card ${cardId}`);
    return card;
  }

  private log(type: StatsEventType, code: CodeRecord, at: number): void {
    this.activity.push({ type, cardId: code.cardId, openid: code.openid, at });
  }
}
