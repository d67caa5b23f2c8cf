/**
 * Contract operations of the manager's back office (issue 11): every card and statistics call
 * of the API reference. All are manager-only: the host checks the role before a handler runs.
 * Writes are checked against the reference's rules (shared/office) by the host before anything
 * is sent, so what the platform would refuse never reaches it.
 */
import { z } from 'zod';
import { op } from '../contract-kit';
import { ErrorInfo } from '../errors';
import { Verdict } from '../verdict';
import { Card } from '../wechat/card';
import {
  BizUinInfoRow,
  CardInfoRow,
  CondSource,
  MemberCardDetailRow,
  MemberCardInfoRow,
} from '../wechat/datacube';
import { CardStatus, CardType, DateType, UserCardStatus } from '../wechat/enums';

/** At most 50 per card/batchget call: the platform's limit. */
export const BATCH_MAX = 50;

const CardId = z.string().trim().min(1).max(32);
const CodeText = z.string().trim().min(1).max(64);
/** Dates are checked by the host against the platform's rules (shared/office/date-rules.ts). */
const DateText = z.string().max(32);

/** What a list row shows of a card (from card/get). */
export const CardSummary = z.object({
  cardId: z.string(),
  title: z.string(),
  brand: z.string(),
  cardType: CardType,
  status: CardStatus,
  color: z.string().optional(),
  quantity: z.number(),
  total: z.number().optional(),
  customCode: z.boolean(),
  dateType: DateType,
  updateTime: z.number().optional(),
});
export type CardSummary = z.infer<typeof CardSummary>;

export const CardView = z.object({
  card: Card,
  /** True when the answer to a write was lost and reading the card showed it was done. */
  settled: z.boolean().optional(),
});
export type CardView = z.infer<typeof CardView>;

const Stock = z.object({ quantity: z.number(), total: z.number() });

export const CodeCheck = z.object({
  code: z.string(),
  cardId: z.string(),
  title: z.string(),
  status: UserCardStatus,
  canConsume: z.boolean(),
  /** The holder's openid, mostly hidden. */
  owner: z.string(),
  /** The code's validity window, unix ms. */
  begin: z.number().optional(),
  end: z.number().optional(),
});
export type CodeCheck = z.infer<typeof CodeCheck>;

const Range = { begin: DateText, end: DateText };

export const StatsInfo = z.object({
  /** The platform's today ('YYYY-MM-DD', Asia/Shanghai): reports end before it. */
  today: z.string(),
  maxDays: z.number(),
  timeZone: z.string(),
});
export type StatsInfo = z.infer<typeof StatsInfo>;

export const backOfficeOps = {
  /** card/batchget: one call, count at most 50; the screen pages on with offset. */
  officeListCards: op({
    access: 'manager',
    input: z
      .object({
        statuses: z.array(CardStatus).max(5).default([]),
        offset: z.number().int().min(0).max(1_000_000),
        count: z.number().int().min(1).max(BATCH_MAX),
      })
      .strict(),
    output: z.object({ cardIds: z.array(z.string()), total: z.number() }),
  }),
  /** card/get for the rows on screen (cached by the host), one result per card. */
  officeCardSummaries: op({
    access: 'manager',
    input: z
      .object({ cardIds: z.array(CardId).min(1).max(BATCH_MAX), fresh: z.boolean().default(false) })
      .strict(),
    output: z.object({
      items: z.array(
        z.object({
          cardId: z.string(),
          summary: CardSummary.optional(),
          error: ErrorInfo.optional(),
        }),
      ),
    }),
  }),
  /** card/get, read fresh: the details page. */
  officeGetCard: op({
    access: 'manager',
    input: z.object({ cardId: CardId }).strict(),
    output: CardView.extend({
      /** This terminal accepts the card's codes (custom-code cards: the counter finds them). */
      codesAccepted: z.boolean(),
    }),
  }),
  /**
   * "Accept this card's codes at this terminal" (custom-code cards): adds the card to, or
   * removes it from, the settings' custom-code card list; audited as a settings change.
   */
  officeAcceptCardCodes: op({
    access: 'manager',
    input: z.object({ cardId: CardId, accept: z.boolean() }).strict(),
    output: z.object({
      cardId: z.string(),
      accepted: z.boolean(),
      /** False when it was already so: nothing saved, nothing recorded. */
      changed: z.boolean(),
      /** How many cards' codes this terminal accepts now. */
      count: z.number(),
    }),
  }),
  /** card/update with the changed fields only. */
  officeUpdateCard: op({
    access: 'manager',
    input: z
      .object({
        cardId: CardId,
        cardType: CardType,
        fields: z.record(z.string(), z.unknown()),
        /** base_info.update_time of the card the form was filled from: refused if it changed. */
        basedOn: z.number().int().optional(),
      })
      .strict(),
    output: CardView.extend({ sendCheck: z.boolean() }),
  }),
  /**
   * card/modifystock. `confirmed`: the manager reviewed the change (the back office's confirm
   * step); a caller that skips the review is refused before anything reaches WeChat.
   */
  officeModifyStock: op({
    access: 'manager',
    input: z
      .object({
        cardId: CardId,
        direction: z.enum(['increase', 'reduce']),
        amount: z.number().int().min(1).max(100_000_000),
        confirmed: z.literal(true),
      })
      .strict(),
    output: CardView.extend({ before: Stock, after: Stock }),
  }),
  /** code/get with the card id: the old code of a custom-code change, checked first. */
  officeCheckCode: op({
    access: 'manager',
    input: z.object({ cardId: CardId, code: CodeText }).strict(),
    output: CodeCheck,
  }),
  /**
   * code/update of a custom code (checked with code/get first, again, by the host); confirmed
   * after the review step, as a stock change.
   */
  officeUpdateCode: op({
    access: 'manager',
    input: z
      .object({
        cardId: CardId,
        code: CodeText,
        newCode: z.string().max(64),
        confirmed: z.literal(true),
      })
      .strict(),
    output: z.object({ oldCode: z.string(), newCode: z.string(), settled: z.boolean().optional() }),
  }),
  /** card/delete, confirmed by typing the card's title. */
  officeDeleteCard: op({
    access: 'manager',
    input: z.object({ cardId: CardId, confirmTitle: z.string().max(200) }).strict(),
    output: CardView,
  }),
  /** card/user/getcardlist. */
  officeUserCards: op({
    access: 'manager',
    input: z
      .object({ openid: z.string().trim().min(1).max(64), cardId: CardId.optional() })
      .strict(),
    output: z.object({
      items: z.array(z.object({ code: z.string(), cardId: z.string() })),
      hasShareCard: z.boolean(),
    }),
  }),
  /** The counter's verdict for one of a customer's codes, on demand. */
  officeCodeVerdict: op({
    access: 'manager',
    input: z.object({ code: CodeText, cardId: CardId.optional() }).strict(),
    output: Verdict,
  }),
  /** The platform's today and the reports' limits, for the date pickers. */
  officeStatsInfo: op({
    access: 'manager',
    input: z.object({}).strict(),
    output: StatsInfo,
  }),
  /** datacube/getcardbizuininfo. */
  officeCouponSummary: op({
    access: 'manager',
    input: z.object({ ...Range, condSource: CondSource }).strict(),
    output: z.object({ rows: z.array(BizUinInfoRow) }),
  }),
  /** datacube/getcardcardinfo. */
  officeCouponCards: op({
    access: 'manager',
    input: z.object({ ...Range, condSource: CondSource, cardId: CardId.optional() }).strict(),
    output: z.object({ rows: z.array(CardInfoRow) }),
  }),
  /** datacube/getcardmembercardinfo. */
  officeMemberSummary: op({
    access: 'manager',
    input: z.object({ ...Range, condSource: CondSource }).strict(),
    output: z.object({ rows: z.array(MemberCardInfoRow) }),
  }),
  /** datacube/getcardmembercarddetail. */
  officeMemberCard: op({
    access: 'manager',
    input: z.object({ ...Range, cardId: CardId }).strict(),
    output: z.object({ rows: z.array(MemberCardDetailRow) }),
  }),
};
