/**
 * The verdict: from what WeChat answered about a code (code/get), the card's details
 * (card/get) and what this terminal knows (its own redemptions, pending refunds), the one
 * answer the cashier sees. Pure: no I/O, no clock of its own; fully unit-tested.
 */
import { z } from 'zod';
import { ErrorInfo } from './errors';
import { kept } from './kept';
import { cardBody, type Card } from './wechat/card';
import type { CodeGetResult } from './wechat/code';
import { Weekday } from './wechat/enums';
import { classifyErrcode } from './wechat/errcode-class';

export const VerdictKind = z.enum([
  'redeemable',
  'already_redeemed',
  'expired',
  'not_yet_valid',
  'gifting',
  'gift_timeout',
  'deleted',
  'invalidated',
  'unknown_code',
  'not_allowed',
  'could_not_check',
  /**
   * This terminal has a write to WeChat for the code (a redemption or an invalidation) whose
   * outcome is not settled yet: no other write until it is ("outcome pending: do not hand over
   * goods").
   */
  'write_pending',
  /** What was scanned cannot be a code: no call was made. */
  'invalid_scan',
  /**
   * The counter's answer to a redemption that did not go through (the verdict before it was
   * "redeemable"): WeChat refused it ("not redeemed — do not hand over goods")...
   */
  'redeem_refused',
  /** ...it certainly did not happen (WeChat unreachable before sending, quota): try again... */
  'redeem_failed',
  /** ...or it was sent and the answer was lost: being settled, do not redeem again. */
  'redeem_unknown',
]);
export type VerdictKind = z.infer<typeof VerdictKind>;

/**
 * One meaning per colour, on every screen (also in ../shared/docs/ui.md and the README):
 * accept = green: nothing to check, go ahead (the only tone redeem-on-scan acts on);
 * warning = amber: redeemable, but the cashier must check something first (minimum spend,
 *   another store, weekday, card details missing);
 * reject = red: do not give the discount (used, expired, gifting, not yet valid,
 *   invalidated, unknown);
 * neutral = grey: the terminal could not tell, or an earlier write is still unsettled.
 */
export const Tone = z.enum(['accept', 'reject', 'warning', 'neutral']);
export type Tone = z.infer<typeof Tone>;

export const CardValue = z.discriminatedUnion('kind', [
  /** percentOff 10 = "10% off" = 9 折. */
  z.object({ kind: z.literal('discount'), percentOff: z.number() }),
  /** Cents. */
  z.object({ kind: z.literal('cash'), reduceCost: z.number(), leastCost: z.number() }),
  z.object({ kind: z.literal('gift'), gift: z.string() }),
  z.object({ kind: z.literal('deal'), detail: z.string() }),
  z.object({ kind: z.literal('general'), detail: z.string() }),
  z.object({ kind: z.literal('member'), prerogative: z.string() }),
  z.object({ kind: z.literal('ticket'), detail: z.string() }),
]);
export type CardValue = z.infer<typeof CardValue>;

export const Warning = z.discriminatedUnion('kind', [
  /** The card is limited to some weekdays (and hours) and now is not one of them. */
  z.object({
    kind: z.literal('weekday'),
    allowed: z.array(Weekday),
    today: Weekday,
    hours: z.string().optional(),
  }),
  /** This store (its WeChat location id) is not among the card's stores. */
  z.object({ kind: z.literal('other_store') }),
  /** Not a blocker, but the cashier must check the bill. Cents. */
  z.object({ kind: z.literal('min_spend'), amount: z.number() }),
  /** card/get failed: value, weekday, store and minimum spend are unchecked (amber). */
  z.object({ kind: z.literal('card_details_missing') }),
]);
export type Warning = z.infer<typeof Warning>;

export const CardSummary = z.object({
  cardId: z.string(),
  type: z.string(),
  title: z.string(),
  brand: z.string(),
  color: z.string().optional(),
  logoUrl: z.string().optional(),
  notice: z.string().optional(),
  description: z.string().optional(),
  value: CardValue.optional(),
  weekdays: z.array(Weekday).optional(),
});
export type CardSummary = z.infer<typeof CardSummary>;

export const RedeemedHere = z.object({
  at: z.number(),
  operatorId: z.string(),
  operatorName: z.string(),
  /**
   * The answer to our consume was lost and the code was CONSUMED when the terminal settled it:
   * counted as ours ("settled, not confirmed here"), though code/get cannot say who did it.
   */
  settled: z.boolean().optional(),
});
export type RedeemedHere = z.infer<typeof RedeemedHere>;

export const PendingWrite = z.object({
  action: z.enum(['redeem', 'invalidate']),
  /** queued: waiting to be sent; checking/sending: out now; settling: answer lost, being checked. */
  state: z.enum(['queued', 'checking', 'sending', 'settling']),
  since: z.number(),
});
export type PendingWrite = z.infer<typeof PendingWrite>;

export const Verdict = z.object({
  kind: VerdictKind,
  tone: Tone,
  code: z.string(),
  /** invalid_scan: what was read (at most 64 characters, control characters shown as �). */
  read: z.string().max(200).optional(),
  cardId: z.string().optional(),
  /** openid with most characters hidden: enough to tell two customers apart, no more. */
  owner: z.string().optional(),
  card: CardSummary.optional(),
  /** The code's validity window (unix ms), as WeChat computed it for this code. */
  window: z.object({ begin: z.number().optional(), end: z.number().optional() }).optional(),
  warnings: z.array(Warning),
  /** When and by whom this terminal redeemed it, if its log knows. */
  redeemedHere: RedeemedHere.optional(),
  /** write_pending: the unsettled write and since when. */
  pending: PendingWrite.optional(),
  /** For not_allowed, could_not_check, invalid_scan: what went wrong. */
  error: ErrorInfo.optional(),
  /** The user_card_status WeChat reported, for the IT person. */
  status: z.string().optional(),
  /**
   * A code of a custom-code card whose codes this terminal does not accept (Settings' list,
   * or "accept this card's codes at this terminal" on the card's page): the counter answers
   * "unknown code" for it. Set by the back office and the demo codes, which know the card.
   */
  notAcceptedHere: z.literal(true).optional(),
});
export type Verdict = z.infer<typeof Verdict>;

export type CodeLookup =
  | { kind: 'found'; result: CodeGetResult }
  | { kind: 'errcode'; errcode: number; errmsg: string; error: ErrorInfo }
  | { kind: 'unavailable'; error: ErrorInfo };

export interface VerdictInput {
  code: string;
  lookup: CodeLookup;
  card?: Card | undefined;
  /** Unix ms. */
  now: number;
  /** The terminal's IANA time zone, for weekday limits. */
  timeZone: string;
  storePoiId?: number | undefined;
  redeemedHere?: RedeemedHere | undefined;
  /** An unsettled write of this terminal for the code: the verdict is write_pending. */
  pending?: PendingWrite | undefined;
}

/** The tone of each kind when nothing needs checking (see toneOf). */
const TONES: Record<VerdictKind, Tone> = {
  redeemable: 'accept',
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

/**
 * THE colour rule, for every screen (counter, refunds, demo codes, back office, journal): a
 * redeemable code is green only when there is nothing to check; any warning (minimum spend,
 * another store, weekday, card details missing) makes it amber, still redeemable. Every kind
 * that must not be given the discount is red whatever its warnings (gifting, not yet valid,
 * gift timed out are never amber); grey when the terminal could not tell or a write is
 * unsettled. Screens take a verdict's tone from here (or from verdict.tone, made here), never
 * from a mapping of their own.
 */
export function toneOf(kind: VerdictKind, warnings: readonly Warning[] = []): Tone {
  if (kind === 'redeemable') return warnings.length > 0 ? 'warning' : 'accept';
  return TONES[kind];
}

/**
 * The outcome of a write (a redemption or a refund's invalidation) in the same colours: done
 * green, refused or certainly not done red, sent-but-unsettled or queued grey.
 */
export function writeOutcomeTone(outcome: string): Tone {
  switch (outcome) {
    case 'redeemed':
    case 'invalidated':
      return 'accept';
    case 'rejected':
    case 'failed':
      return 'reject';
    default:
      return 'neutral';
  }
}

/**
 * What the counter's big box says after a redemption that did not go through, built from the
 * verdict the cashier redeemed (its card and code stay) and the refusal's reason. A refusal
 * because this terminal redeemed the code already (no error: the re-read verdict says when and
 * by whom) keeps that verdict; "busy" keeps its write_pending verdict.
 */
export function redeemFailure(
  outcome: 'rejected' | 'failed' | 'unknown',
  before: Verdict,
  after?: Verdict,
  error?: ErrorInfo,
): Verdict {
  if (outcome === 'rejected' && !error && after) return after;
  const kind: VerdictKind =
    outcome === 'rejected'
      ? 'redeem_refused'
      : outcome === 'failed'
        ? 'redeem_failed'
        : 'redeem_unknown';
  const { error: _e, redeemedHere: _r, pending: _p, ...rest } = before;
  return { ...rest, kind, tone: toneOf(kind), warnings: [], ...(error ? { error } : {}) };
}

/**
 * What the counter says about a code of a custom-code card this terminal does not accept: it
 * asks WeChat without the card id, and WeChat answers "unknown code" (40056). The back office
 * and the demo codes, which know the card, show this instead of "redeemable", with the fix.
 */
export function notAcceptedHere(v: Verdict): Verdict {
  return {
    ...v,
    kind: 'unknown_code',
    tone: toneOf('unknown_code'),
    warnings: [],
    notAcceptedHere: true,
  };
}

export function maskOpenid(openid: string): string {
  return openid.length <= 8 ? '****' : `${openid.slice(0, 4)}…${openid.slice(-4)}`;
}

export function cardValue(card: Card): CardValue | undefined {
  switch (card.card_type) {
    case 'DISCOUNT':
      return { kind: 'discount', percentOff: card.discount.discount };
    case 'CASH':
      return {
        kind: 'cash',
        reduceCost: card.cash.reduce_cost,
        leastCost: card.cash.least_cost ?? 0,
      };
    case 'GIFT':
      return { kind: 'gift', gift: card.gift.gift };
    case 'GROUPON':
      return { kind: 'deal', detail: card.groupon.deal_detail };
    case 'GENERAL_COUPON':
      return { kind: 'general', detail: card.general_coupon.default_detail };
    case 'MEMBER_CARD':
      return { kind: 'member', prerogative: card.member_card.prerogative };
    case 'MEETING_TICKET':
      return { kind: 'ticket', detail: card.meeting_ticket.meeting_detail };
    case 'MOVIE_TICKET':
      return card.movie_ticket.detail
        ? { kind: 'ticket', detail: card.movie_ticket.detail }
        : undefined;
    case 'BOARDING_PASS':
      return {
        kind: 'ticket',
        detail: `${card.boarding_pass.flight} ${card.boarding_pass.from} → ${card.boarding_pass.to}`,
      };
    default:
      return undefined;
  }
}

export function summariseCard(card: Card): CardSummary {
  const body = cardBody(card);
  const b = body.base_info;
  const weekdays = body.advanced_info?.time_limit?.map((t) => t.type);
  const value = cardValue(card);
  return {
    cardId: b.id,
    type: card.card_type,
    title: b.title,
    brand: b.brand_name,
    ...(b.color ? { color: b.color } : {}),
    ...(b.logo_url ? { logoUrl: b.logo_url } : {}),
    ...(b.notice ? { notice: b.notice } : {}),
    ...(b.description ? { description: b.description } : {}),
    ...(value ? { value } : {}),
    ...(weekdays?.length ? { weekdays } : {}),
  };
}

const JS_WEEKDAYS: Weekday[] = [
  'SUNDAY',
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
];

/** One formatter per zone (each lookup asks). */
const weekdayClock = kept(
  (timeZone: string) =>
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }),
);

/** Weekday and minutes since midnight of an instant in a time zone. */
export function localTime(ms: number, timeZone: string): { weekday: Weekday; minutes: number } {
  const parts = weekdayClock(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const short = get('weekday').toUpperCase();
  const weekday = JS_WEEKDAYS.find((d) => d.startsWith(short)) ?? 'MONDAY';
  return { weekday, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

function weekdayWarning(card: Card, now: number, timeZone: string): Warning | undefined {
  const limits = cardBody(card).advanced_info?.time_limit?.filter((t) => t.type !== 'HOLIDAY');
  if (!limits?.length) return undefined;
  const { weekday, minutes } = localTime(now, timeZone);
  const todays = limits.filter((t) => t.type === weekday);
  const inHours = (t: (typeof limits)[number]) => {
    if (t.begin_hour === undefined || t.end_hour === undefined) return true;
    const from = t.begin_hour * 60 + (t.begin_minute ?? 0);
    const to = t.end_hour * 60 + (t.end_minute ?? 0);
    return minutes >= from && minutes < to;
  };
  if (todays.some(inHours)) return undefined;
  const withHours = limits.find((t) => t.begin_hour !== undefined && t.end_hour !== undefined);
  const pad = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  return {
    kind: 'weekday',
    allowed: [...new Set(limits.map((t) => t.type))],
    today: weekday,
    ...(withHours
      ? {
          hours: `${pad(withHours.begin_hour)}:${pad(withHours.begin_minute)}–${pad(withHours.end_hour)}:${pad(withHours.end_minute)}`,
        }
      : {}),
  };
}

function cardWarnings(card: Card | undefined, input: VerdictInput): Warning[] {
  if (!card) return [{ kind: 'card_details_missing' }];
  const warnings: Warning[] = [];
  const weekday = weekdayWarning(card, input.now, input.timeZone);
  if (weekday) warnings.push(weekday);
  const b = cardBody(card).base_info;
  if (
    input.storePoiId !== undefined &&
    !b.use_all_locations &&
    b.location_id_list?.length &&
    !b.location_id_list.includes(input.storePoiId)
  ) {
    warnings.push({ kind: 'other_store' });
  }
  if (card.card_type === 'CASH' && (card.cash.least_cost ?? 0) > 0) {
    warnings.push({ kind: 'min_spend', amount: card.cash.least_cost ?? 0 });
  }
  return warnings;
}

const STATUS_KIND: Record<CodeGetResult['user_card_status'], VerdictKind> = {
  NORMAL: 'redeemable',
  CONSUMED: 'already_redeemed',
  EXPIRE: 'expired',
  GIFTING: 'gifting',
  GIFT_TIMEOUT: 'gift_timeout',
  DELETE: 'deleted',
  UNAVAILABLE: 'invalidated',
};

export function decideVerdict(input: VerdictInput): Verdict {
  const base = { code: input.code, warnings: [] as Warning[] };
  const make = (kind: VerdictKind, extra: Partial<Verdict> = {}): Verdict => ({
    ...base,
    kind,
    tone: toneOf(kind),
    ...extra,
  });
  const card = input.card ? summariseCard(input.card) : undefined;
  const withCard = card ? { card, cardId: card.cardId } : {};

  const verdict = decideFromLookup(input, make, withCard);
  // An unsettled write of ours overrides whatever WeChat says now: it may still change it.
  if (input.pending) {
    const { kind: _k, tone: _t, warnings: _w, redeemedHere: _r, ...details } = verdict;
    return { ...details, ...make('write_pending'), pending: input.pending };
  }
  return verdict;
}

function decideFromLookup(
  input: VerdictInput,
  make: (kind: VerdictKind, extra?: Partial<Verdict>) => Verdict,
  withCard: Partial<Verdict>,
): Verdict {
  const { lookup } = input;
  if (lookup.kind === 'unavailable') return make('could_not_check', { error: lookup.error });
  if (lookup.kind === 'errcode') {
    // Only errcodes about the code or its card are a claim about the coupon (red); the
    // terminal's own problems (quota, whitelist, permissions, token) are grey with the reason.
    if (classifyErrcode(lookup.errcode) !== 'code') {
      return make('could_not_check', { ...withCard, error: lookup.error });
    }
    // With check_consume true the platform answers some statuses as errcodes instead.
    switch (lookup.errcode) {
      case 40056:
        return make('unknown_code', { error: lookup.error });
      case 40099:
        return make('already_redeemed', { ...withCard, ...redeemedHere(input) });
      default:
        return make('not_allowed', { ...withCard, error: lookup.error });
    }
  }

  const r = lookup.result;
  const window = {
    ...(r.card.begin_time ? { begin: r.card.begin_time * 1000 } : {}),
    ...(r.card.end_time ? { end: r.card.end_time * 1000 } : {}),
  };
  const common = {
    ...withCard,
    cardId: r.card.card_id,
    owner: maskOpenid(r.openid),
    status: r.user_card_status,
    ...(window.begin || window.end ? { window } : {}),
  };
  let kind = STATUS_KIND[r.user_card_status];
  if (kind === 'redeemable') {
    // The end time is the last second of the last valid day, so it is still valid then.
    if (window.end !== undefined && input.now > window.end + 999) kind = 'expired';
    else if (window.begin !== undefined && input.now < window.begin) kind = 'not_yet_valid';
    else if (!r.can_consume) kind = 'not_allowed';
  }
  if (kind === 'already_redeemed') return make(kind, { ...common, ...redeemedHere(input) });
  if (kind !== 'redeemable') {
    return make(kind, {
      ...common,
      ...(kind === 'not_allowed'
        ? { error: { kind: 'wechat', key: 'verdict.cannot_consume', params: {} } }
        : {}),
    });
  }
  // Any warning is something the cashier must check first: amber, never redeemed on scan.
  const warnings = cardWarnings(input.card, input);
  return { ...make('redeemable', common), tone: toneOf('redeemable', warnings), warnings };
}

function redeemedHere(input: VerdictInput) {
  return input.redeemedHere ? { redeemedHere: input.redeemedHere } : {};
}
