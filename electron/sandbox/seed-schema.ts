/**
 * The seed format: what the sandbox starts from. Cards are written exactly as card/get
 * returns them (plus an optional owner `appid`), codes as the platform knows them. Parsed
 * once at the edge; everything inside the simulator is typed from these schemas.
 */
import { z } from 'zod';
import {
  CARD_STATUSES,
  CARD_TYPES,
  CODE_STATUSES,
  CODE_TYPES,
  WEEKDAYS,
  typeKey,
  TYPE_KEYS,
  type CardType,
} from './card-types';

const UnixSeconds = z.int().min(0).max(4_294_967_295);
const NonNegInt = z.int().min(0);

export const CardId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'card_id: 1-32 characters of A-Z a-z 0-9 _ -');
/** Printable ASCII without spaces: codes are scanned and typed at a counter. */
export const CodeText = z
  .string()
  .regex(/^[\x21-\x7e]{1,64}$/, 'code: 1-64 printable ASCII characters');
export const OpenId = z.string().min(1).max(64);

export const DateInfo = z.discriminatedUnion('type', [
  z
    .looseObject({
      type: z.literal('DATE_TYPE_FIX_TIME_RANGE'),
      begin_timestamp: UnixSeconds,
      end_timestamp: UnixSeconds,
    })
    .refine((d) => d.begin_timestamp <= d.end_timestamp, {
      message: 'begin_timestamp must not be after end_timestamp',
    }),
  z.looseObject({
    type: z.literal('DATE_TYPE_FIX_TERM'),
    /** Days the code stays valid, counted from its first valid day. */
    fixed_term: z.int().min(1),
    /** Days between the day of receipt and the first valid day. */
    fixed_begin_term: NonNegInt.optional(),
    /** Optional overall cut-off: no code is valid after this, whatever its term. */
    end_timestamp: UnixSeconds.optional(),
  }),
  z.looseObject({ type: z.literal('DATE_TYPE_PERMANENT') }),
]);
export type DateInfo = z.infer<typeof DateInfo>;

export const TimeLimit = z.looseObject({
  type: z.enum(WEEKDAYS),
  begin_hour: z.int().min(0).max(23).optional(),
  begin_minute: z.int().min(0).max(59).optional(),
  end_hour: z.int().min(0).max(24).optional(),
  end_minute: z.int().min(0).max(59).optional(),
});

export const AdvancedInfo = z.looseObject({ time_limit: z.array(TimeLimit).optional() });

export const BaseInfo = z.looseObject({
  id: CardId,
  logo_url: z.string().optional(),
  code_type: z.enum(CODE_TYPES),
  brand_name: z.string().min(1),
  title: z.string().min(1),
  color: z.string().optional(),
  notice: z.string().optional(),
  description: z.string().optional(),
  date_info: DateInfo,
  sku: z
    .looseObject({ quantity: NonNegInt, total_quantity: NonNegInt.max(100_000_000) })
    .refine((s) => s.quantity <= s.total_quantity, {
      message: 'sku.quantity must not exceed sku.total_quantity',
    }),
  location_id_list: z.array(NonNegInt).optional(),
  use_all_locations: z.boolean().optional(),
  use_custom_code: z.boolean().optional(),
  get_limit: NonNegInt.optional(),
  can_share: z.boolean().optional(),
  can_give_friend: z.boolean().optional(),
  service_phone: z.string().optional(),
  status: z.enum(CARD_STATUSES),
  create_time: UnixSeconds.optional(),
  update_time: UnixSeconds.optional(),
});
export type BaseInfo = z.infer<typeof BaseInfo>;

/** What every card body has, whatever its type; the simulator works on this. */
export const CardBody = z.looseObject({
  base_info: BaseInfo,
  advanced_info: AdvancedInfo.optional(),
});
export type CardBody = z.infer<typeof CardBody>;

/** The fields each type must (or may) carry beside base_info. */
const TYPE_FIELDS: Record<CardType, z.ZodType> = {
  GROUPON: CardBody.extend({ deal_detail: z.string() }),
  DISCOUNT: CardBody.extend({ discount: z.int().min(1).max(99) }),
  GIFT: CardBody.extend({ gift: z.string() }),
  CASH: CardBody.extend({ least_cost: NonNegInt.optional(), reduce_cost: z.int().min(1) }),
  GENERAL_COUPON: CardBody.extend({ default_detail: z.string() }),
  MEMBER_CARD: CardBody.extend({
    prerogative: z.string(),
    supply_bonus: z.boolean(),
    supply_balance: z.boolean(),
    bonus_cleared: z.string().optional(),
    bonus_rules: z.string().optional(),
    balance_rules: z.string().optional(),
  }),
  SCENIC_TICKET: CardBody.extend({ guide_url: z.string().optional() }),
  MOVIE_TICKET: CardBody.extend({ detail: z.string().optional() }),
  BOARDING_PASS: CardBody.extend({
    from: z.string(),
    to: z.string(),
    flight: z.string(),
    departure_time: UnixSeconds.optional(),
    landing_time: UnixSeconds.optional(),
    boarding_time: UnixSeconds.optional(),
    gate: z.string().optional(),
  }),
  MEETING_TICKET: CardBody.extend({ meeting_detail: z.string(), map_url: z.string().optional() }),
  BUS_TICKET: CardBody,
};

/**
 * A card exactly as card/get returns it under "card": {"card_type":"CASH","cash":{...}}.
 * `appid` (sandbox only) names the owning app; without it the card belongs to the first app.
 */
export const SeedCard = z
  .looseObject({ card_type: z.enum(CARD_TYPES), appid: z.string().optional() })
  .superRefine((card, ctx) => {
    const key = typeKey(card.card_type);
    for (const other of Object.keys(card)) {
      if (other !== key && TYPE_KEYS.has(other)) {
        ctx.addIssue({
          code: 'custom',
          path: [other],
          message: `a ${card.card_type} card carries its fields under "${key}", not "${other}"`,
        });
      }
    }
    const body = TYPE_FIELDS[card.card_type].safeParse(card[key]);
    if (!body.success) {
      for (const issue of body.error.issues) {
        ctx.addIssue({ code: 'custom', path: [key, ...issue.path], message: issue.message });
      }
    }
  });
export type SeedCard = z.infer<typeof SeedCard>;

export const SeedCode = z.strictObject({
  code: CodeText,
  card_id: CardId,
  openid: OpenId,
  status: z.enum(CODE_STATUSES),
  /** Unix seconds the user received the code; fixed-term validity counts from its day. */
  received_at: UnixSeconds,
  outer_str: z.string().max(128).optional(),
  /** Unix seconds the code entered its status (consumed, gifted...); default received_at. */
  status_at: UnixSeconds.optional(),
  /** The reason given to card/code/unavailable, for UNAVAILABLE codes. */
  unavailable_reason: z.string().optional(),
  /** The code came from a friend's share: card/user/getcardlist reports has_share_card. */
  from_friend: z.boolean().optional(),
});
export type SeedCode = z.infer<typeof SeedCode>;

export const STATS_EVENT_TYPES = [
  'view',
  'receive',
  'verify',
  'give',
  'expire',
  'activate',
] as const;
export type StatsEventType = (typeof STATS_EVENT_TYPES)[number];

/** Extra datacube activity the codes alone cannot express (views, activations...). */
export const SeedStatsEvent = z.strictObject({
  type: z.enum(STATS_EVENT_TYPES),
  card_id: CardId,
  openid: OpenId,
  at: UnixSeconds,
});
export type SeedStatsEvent = z.infer<typeof SeedStatsEvent>;

export const SeedApp = z.strictObject({
  appid: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'appid: 1-32 characters of A-Z a-z 0-9 _ -'),
  secret: z.string().min(1).max(64),
});

export const SandboxSeed = z
  .strictObject({
    apps: z.array(SeedApp).min(1),
    cards: z.array(SeedCard),
    codes: z.array(SeedCode),
    stats_events: z.array(SeedStatsEvent).optional(),
    /**
     * Generated everyday activity (views, receipts, redemptions, gifts, expiries, member
     * activations) on each of the `days` days before the sandbox's today, so the statistics
     * reports have a plausible recent history whatever the date (the demo seed: 120 days).
     */
    history: z.strictObject({ days: z.number().int().min(1).max(400) }).optional(),
  })
  .superRefine((seed, ctx) => {
    const appids = new Set<string>();
    seed.apps.forEach((app, i) => {
      if (appids.has(app.appid)) {
        ctx.addIssue({ code: 'custom', path: ['apps', i, 'appid'], message: 'duplicate appid' });
      }
      appids.add(app.appid);
    });
    const cardIds = new Set<string>();
    seed.cards.forEach((card, i) => {
      const body = card[typeKey(card.card_type)];
      const parsed = CardBody.safeParse(body);
      if (!parsed.success) return; // already reported by SeedCard
      const id = parsed.data.base_info.id;
      if (cardIds.has(id)) {
        ctx.addIssue({ code: 'custom', path: ['cards', i], message: `duplicate card id ${id}` });
      }
      cardIds.add(id);
      if (card.appid !== undefined && !appids.has(card.appid)) {
        ctx.addIssue({
          code: 'custom',
          path: ['cards', i, 'appid'],
          message: `appid ${card.appid} is not in apps`,
        });
      }
    });
    const codes = new Set<string>();
    seed.codes.forEach((code, i) => {
      // One code string names one coupon across the whole seed, so a scan is unambiguous.
      if (codes.has(code.code)) {
        ctx.addIssue({ code: 'custom', path: ['codes', i, 'code'], message: 'duplicate code' });
      }
      codes.add(code.code);
      if (!cardIds.has(code.card_id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['codes', i, 'card_id'],
          message: `card ${code.card_id} is not in cards`,
        });
      }
    });
    (seed.stats_events ?? []).forEach((event, i) => {
      if (!cardIds.has(event.card_id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stats_events', i, 'card_id'],
          message: `card ${event.card_id} is not in cards`,
        });
      }
    });
  });
export type SandboxSeed = z.infer<typeof SandboxSeed>;

/** The body of a seed card, typed; only call on cards that passed SandboxSeed. */
export function cardBodyOf(card: SeedCard): CardBody {
  return CardBody.parse(card[typeKey(card.card_type)]);
}

/** A readable one-line-per-problem summary of a seed's validation errors. */
export function describeSeedError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `  ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}
