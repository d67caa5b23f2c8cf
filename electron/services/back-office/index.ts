/**
 * The manager's back office (issue 11): every card and statistics call of the reference.
 * Each handler checks what the platform would refuse before sending (shared/office), records
 * one audit entry per call (action, outcome, errcode, duration, before/after), and clears the
 * counter's card cache after a change so the counter shows the card as it is now. A write whose
 * answer was lost is never sent again: the card (or code) is read back, and only if that shows
 * the change was made is it reported done ("settled"); otherwise the manager is told the
 * outcome is unknown.
 */
import { AppError, toErrorInfo } from '../../../shared/errors';
import { checkUpdateFields, type EditProblem } from '../../../shared/office/card-edit';
import { checkNewCode } from '../../../shared/office/custom-code';
import { previewStock } from '../../../shared/office/stock-rules';
import { summarise } from '../../../shared/office/card-summary';
import type { backOfficeOps } from '../../../shared/ops/back-office';
import { maskOpenid, notAcceptedHere } from '../../../shared/verdict';
import { cardBody, type Card, type CardUpdateFields } from '../../../shared/wechat/card';
import { OutcomeUnknownError } from '../../wechat';
import type { AreaHandlers, CallContext, OperatorOf } from '../call-context';
import type { AuditAppend } from '../../audit';
import type { CardCache } from '../card-cache';
import type { Lookup } from '../lookup';
import type { WriteEngine } from '../writes/engine';
import type { WeChatClient } from '../../wechat';
import { createAudited } from './audited';
import { createStatisticsHandlers } from './statistics';

export interface BackOfficeDeps {
  audit: AuditAppend;
  client(): Promise<WeChatClient>;
  /** The counter's card cache: forgotten after a change, so the counter shows the card as it is. */
  cards(): CardCache;
  lookup: Pick<Lookup, 'lookup'>;
  /**
   * A code with a write open here keeps its name until the write settles, no write of it
   * begins while it is being renamed, and its writes here follow it to its new name.
   */
  writes: Pick<WriteEngine, 'holdForRename' | 'renamed'>;
  operatorOf: OperatorOf;
  now(): number;
  /**
   * The custom-code cards whose codes this terminal accepts (Settings' customCodeCardIds): the
   * counter tries them for codes WeChat does not know without a card id.
   */
  acceptedCards: {
    ids(): string[];
    /** Saves the list as a settings change (audited as one). */
    save(ids: string[], call: CallContext): Promise<unknown>;
  };
}

/** As Settings.customCodeCardIds allows. */
const MAX_ACCEPTED = 100;

/** A refusal before anything was sent: what the platform would have refused. */
function refused(key: string, params: Record<string, string | number> = {}): AppError {
  return new AppError('invalid_input', `office.errors.${key}`, params);
}

function problemText(problems: readonly EditProblem[]): string {
  return problems
    .map((p) =>
      p.problem === 'too_long' ? `${p.field}: too_long (${p.max})` : `${p.field}: ${p.problem}`,
    )
    .join('; ');
}

/** Runs `tasks` at most `limit` at a time, keeping their order. */
async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

const equalJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function createBackOfficeHandlers(ctx: BackOfficeDeps): AreaHandlers<typeof backOfficeOps> {
  const audited = createAudited(ctx);

  async function freshCard(cardId: string): Promise<Card> {
    const card = await (await ctx.client()).cardGet(cardId);
    // The counter keeps cards for a while: a card that changed elsewhere is forgotten there.
    const cached = ctx.cards().peek(cardId);
    if (cached && !equalJson(cached, card)) ctx.cards().clear();
    return card;
  }

  /** After a write: the counter forgets cached cards, and the card is read back. */
  async function afterWrite(cardId: string, fallback: Card): Promise<Card> {
    ctx.cards().clear();
    try {
      return await (await ctx.client()).cardGet(cardId);
    } catch {
      return fallback;
    }
  }

  /**
   * A write whose answer was lost: read back, and report it done only if the read shows it was;
   * otherwise the outcome stays unknown (the error goes to the manager; nothing is resent).
   */
  async function settle<T>(err: unknown, check: () => Promise<T | undefined>): Promise<T> {
    if (!(err instanceof OutcomeUnknownError)) throw err;
    const seen = await check().catch(() => undefined);
    if (seen === undefined) throw err;
    return seen;
  }

  function usable(card: Card) {
    if (cardBody(card).base_info.status === 'CARD_STATUS_DELETE') throw refused('card_deleted');
  }

  /** Renames a custom code on WeChat (the caller holds both names); audited by the caller. */
  async function rename(code: string, newCode: string, cardId: string) {
    const client = await ctx.client();
    const card = await ctx.cards().get(cardId);
    if (cardBody(card).base_info.use_custom_code !== true) throw refused('not_custom_code');
    const problem = checkNewCode(code, newCode);
    if (problem) throw refused(`new_code_${problem}`);
    // The old code, checked on this card first: it must exist here and not be redeemed.
    const old = await client.codeGet({ code, card_id: cardId, check_consume: false });
    if (old.user_card_status === 'CONSUMED') throw refused('code_consumed');
    // This terminal's redemptions and refunds of the coupon go to its new name before the
    // rename is sent, and come back only if it certainly did not apply (see renamed()).
    const moveBack = ctx.writes.renamed(code, newCode);
    let settled = false;
    try {
      await client.codeUpdate({ code, card_id: cardId, new_code: newCode });
    } catch (err) {
      if (!(err instanceof OutcomeUnknownError)) {
        moveBack();
        throw err;
      }
      await settle(err, async () => {
        const r = await client.codeGet({ code: newCode, card_id: cardId, check_consume: false });
        return r.card.card_id === cardId ? true : undefined;
      });
      settled = true;
    }
    return {
      value: { oldCode: code, newCode, ...(settled ? { settled } : {}) },
      ...(settled ? { outcome: 'settled' as const } : {}),
      detail: {
        status_before: old.user_card_status,
        ...(settled ? { lost_answer: true } : {}),
      },
    };
  }

  return {
    async officeListCards(input, call) {
      return audited(
        call,
        {
          action: 'card_list',
          detail: { offset: input.offset, count: input.count, statuses: input.statuses },
        },
        async () => {
          const r = await (
            await ctx.client()
          ).cardBatchGet({
            offset: input.offset,
            count: input.count,
            ...(input.statuses.length ? { status_list: input.statuses } : {}),
          });
          return {
            value: { cardIds: r.card_id_list, total: r.total_num },
            detail: { total: r.total_num, returned: r.card_id_list.length },
          };
        },
      );
    },

    async officeCardSummaries(input, call) {
      const cache = ctx.cards();
      const cached = input.fresh ? 0 : input.cardIds.filter((id) => cache.peek(id)).length;
      return audited(
        call,
        { action: 'card_get', detail: { cards: input.cardIds.length, fresh: input.fresh } },
        async () => {
          const items = await pool(
            6,
            input.cardIds.map((cardId) => async () => {
              try {
                const card = input.fresh ? await freshCard(cardId) : await cache.get(cardId);
                return { cardId, summary: summarise(card) };
              } catch (err) {
                return { cardId, error: toErrorInfo(err) };
              }
            }),
          );
          const failed = items.filter((i) => i.error).length;
          return {
            value: { items },
            outcome: failed === items.length ? 'failed' : 'ok',
            detail: { from_cache: cached, failed },
          };
        },
      );
    },

    async officeGetCard(input, call) {
      return audited(
        call,
        { action: 'card_get', card_id: input.cardId, detail: { fresh: true } },
        async () => {
          const card = await freshCard(input.cardId);
          const codesAccepted = ctx.acceptedCards.ids().includes(input.cardId);
          return {
            value: { card, codesAccepted },
            detail: { title: cardBody(card).base_info.title },
          };
        },
      );
    },

    async officeUpdateCard(input, call) {
      return audited(
        call,
        { action: 'card_update', card_id: input.cardId, detail: { card_type: input.cardType } },
        async () => {
          const client = await ctx.client();
          const before = await client.cardGet(input.cardId);
          if (before.card_type !== input.cardType) throw refused('type_mismatch');
          usable(before);
          const b = cardBody(before).base_info;
          if (
            input.basedOn !== undefined &&
            b.update_time !== undefined &&
            b.update_time !== input.basedOn
          ) {
            throw refused('card_changed');
          }
          const checked = checkUpdateFields(before, input.fields);
          if (!checked.ok || !checked.fields) {
            throw refused('update_refused', { detail: problemText(checked.problems) });
          }
          const fields = checked.fields;
          const sent = flatten(fields);
          let sendCheck: boolean;
          let settled = false;
          try {
            ({ send_check: sendCheck } = await client.cardUpdate(
              input.cardId,
              before.card_type,
              fields as CardUpdateFields<typeof before.card_type>,
            ));
          } catch (err) {
            const now = await settle(err, async () => {
              const card = await client.cardGet(input.cardId);
              const got = pick(card, Object.keys(sent));
              return equalJson(got, sent) ? card : undefined;
            });
            settled = true;
            sendCheck =
              checked.review.length > 0 ||
              cardBody(now).base_info.status === 'CARD_STATUS_NOT_VERIFY';
          }
          const card = await afterWrite(input.cardId, before);
          const changes = Object.fromEntries(
            Object.entries(sent).map(([k, after]) => [k, { before: pick(before, [k])[k], after }]),
          );
          return {
            value: { card, sendCheck, ...(settled ? { settled } : {}) },
            ...(settled ? { outcome: 'settled' as const } : {}),
            detail: {
              title: b.title,
              fields: Object.keys(sent),
              review: checked.review,
              send_check: sendCheck,
              changes,
              status_before: b.status,
              status_after: cardBody(card).base_info.status,
              ...(settled ? { lost_answer: true } : {}),
            },
          };
        },
      );
    },

    async officeModifyStock(input, call) {
      return audited(
        call,
        {
          action: 'stock_change',
          card_id: input.cardId,
          detail: { direction: input.direction, amount: input.amount },
        },
        async () => {
          const client = await ctx.client();
          const card0 = await client.cardGet(input.cardId);
          usable(card0);
          const sku = cardBody(card0).base_info.sku;
          const before = { quantity: sku.quantity, total: sku.total_quantity ?? sku.quantity };
          const preview = previewStock(sku, input.direction, input.amount);
          if (!preview.ok) {
            throw refused(`stock_${preview.problem!}`, {
              quantity: before.quantity,
              total: before.total,
            });
          }
          const req = {
            card_id: input.cardId,
            ...(input.direction === 'increase'
              ? { increase_stock_value: input.amount }
              : { reduce_stock_value: input.amount }),
          };
          let settled = false;
          try {
            await client.cardModifyStock(req);
          } catch (err) {
            // The total only moves by modifystock (receipts move the quantity): it tells.
            await settle(err, async () => {
              const s = cardBody(await client.cardGet(input.cardId)).base_info.sku;
              return s.total_quantity === preview.total ? true : undefined;
            });
            settled = true;
          }
          const card = await afterWrite(input.cardId, card0);
          const s = cardBody(card).base_info.sku;
          const after = { quantity: s.quantity, total: s.total_quantity ?? s.quantity };
          return {
            value: { card, before, after, ...(settled ? { settled } : {}) },
            ...(settled ? { outcome: 'settled' as const } : {}),
            detail: {
              title: cardBody(card).base_info.title,
              before,
              after,
              ...(settled ? { lost_answer: true } : {}),
            },
          };
        },
      );
    },

    async officeCheckCode(input, call) {
      return audited(
        call,
        { action: 'code_check', card_id: input.cardId, code: input.code },
        async () => {
          const client = await ctx.client();
          const card = await ctx.cards().get(input.cardId);
          const b = cardBody(card).base_info;
          if (b.use_custom_code !== true) throw refused('not_custom_code');
          const r = await client.codeGet({
            code: input.code,
            card_id: input.cardId,
            check_consume: false,
          });
          return {
            value: {
              code: input.code,
              cardId: r.card.card_id,
              title: b.title,
              status: r.user_card_status,
              canConsume: r.can_consume,
              owner: maskOpenid(r.openid),
              ...(r.card.begin_time ? { begin: r.card.begin_time * 1000 } : {}),
              ...(r.card.end_time ? { end: r.card.end_time * 1000 } : {}),
            },
            detail: { status: r.user_card_status },
          };
        },
      );
    },

    async officeUpdateCode(input, call) {
      const newCode = input.newCode.trim();
      return audited(
        call,
        {
          action: 'code_update',
          card_id: input.cardId,
          code: input.code,
          detail: { new_code: newCode },
        },
        async () => {
          // A code with a redemption or refund still open here keeps its name until it settles:
          // the settling reads ask for it by this name. And no redemption or refund of it (old
          // name or new) begins until the rename is over: checked and claimed at once.
          const hold = ctx.writes.holdForRename([input.code, newCode]);
          if ('refused' in hold) throw hold.refused;
          try {
            return await rename(input.code, newCode, input.cardId);
          } finally {
            hold.release();
          }
        },
      );
    },

    async officeDeleteCard(input, call) {
      return audited(call, { action: 'card_delete', card_id: input.cardId }, async () => {
        const client = await ctx.client();
        const before = await client.cardGet(input.cardId);
        usable(before);
        const b = cardBody(before).base_info;
        if (input.confirmTitle.trim() !== b.title.trim()) throw refused('title_mismatch');
        let settled = false;
        try {
          await client.cardDelete(input.cardId);
        } catch (err) {
          await settle(err, async () =>
            cardBody(await client.cardGet(input.cardId)).base_info.status === 'CARD_STATUS_DELETE'
              ? true
              : undefined,
          );
          settled = true;
        }
        const card = await afterWrite(input.cardId, before);
        return {
          value: { card, ...(settled ? { settled } : {}) },
          ...(settled ? { outcome: 'settled' as const } : {}),
          detail: {
            title: b.title,
            status_before: b.status,
            status_after: cardBody(card).base_info.status,
            ...(settled ? { lost_answer: true } : {}),
          },
        };
      });
    },

    async officeUserCards(input, call) {
      return audited(
        call,
        {
          action: 'user_cards',
          card_id: input.cardId,
          detail: { openid: maskOpenid(input.openid) },
        },
        async () => {
          const r = await (
            await ctx.client()
          ).userGetCardList({
            openid: input.openid,
            ...(input.cardId ? { card_id: input.cardId } : {}),
          });
          return {
            value: {
              items: r.card_list.map((c) => ({ code: c.code, cardId: c.card_id })),
              hasShareCard: r.has_share_card,
            },
            detail: { codes: r.card_list.length, has_share_card: r.has_share_card },
          };
        },
      );
    },

    async officeCodeVerdict(input, call) {
      const verdict = await ctx.lookup.lookup({
        raw: input.code,
        cardId: input.cardId,
        purpose: 'back_office',
        operatorId: ctx.operatorOf(call),
      });
      // Asked with its card id, a custom code is found; the counter asks without one and gets
      // "unknown code" unless the card is accepted here: say what the counter would say.
      const id = verdict.cardId;
      if (verdict.status === undefined || !id || ctx.acceptedCards.ids().includes(id)) {
        return verdict;
      }
      const card = await ctx
        .cards()
        .get(id)
        .catch(() => undefined);
      return card && cardBody(card).base_info.use_custom_code ? notAcceptedHere(verdict) : verdict;
    },

    /**
     * "Accept this card's codes at this terminal" on a custom-code card's page: the same list
     * as Settings > custom-code cards, saved as a settings change. Idempotent: asking for what
     * is already so changes nothing and records nothing.
     */
    async officeAcceptCardCodes(input, call) {
      const ids = ctx.acceptedCards.ids();
      const has = ids.includes(input.cardId);
      if (has === input.accept) {
        return { cardId: input.cardId, accepted: has, changed: false, count: ids.length };
      }
      if (input.accept) {
        // Only a custom-code card needs (or may take) a place in the list.
        const card = await ctx.cards().get(input.cardId);
        if (!cardBody(card).base_info.use_custom_code) throw refused('accept_not_custom_code');
      }
      // Read again after the card check: another change may have been saved meanwhile.
      const now = ctx.acceptedCards.ids();
      const next = input.accept
        ? now.includes(input.cardId)
          ? now
          : [...now, input.cardId]
        : now.filter((id) => id !== input.cardId);
      if (next.length > MAX_ACCEPTED) throw refused('too_many_accepted', { max: MAX_ACCEPTED });
      const changed = JSON.stringify(next) !== JSON.stringify(now);
      if (changed) await ctx.acceptedCards.save(next, call);
      return { cardId: input.cardId, accepted: input.accept, changed, count: next.length };
    },

    ...createStatisticsHandlers({ ...ctx, audited }),
  };
}

/** card/update's fields as 'base_info.notice' / 'bonus_rules' → value. */
function flatten(fields: CardUpdateFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'base_info' && v && typeof v === 'object') {
      for (const [bk, bv] of Object.entries(v)) out[`base_info.${bk}`] = bv;
    } else out[k] = v;
  }
  return out;
}

/** The card's values at flattened paths, as card/get has them (location "0" reads as none). */
function pick(card: Card, paths: string[]): Record<string, unknown> {
  const body = cardBody(card) as Record<string, unknown> & { base_info: Record<string, unknown> };
  return Object.fromEntries(
    paths.map((p) => {
      const value = p.startsWith('base_info.') ? body.base_info[p.slice(10)] : body[p];
      // A cleared store list is sent as [0] and reads back as [].
      if (p === 'base_info.location_id_list' && Array.isArray(value) && value.length === 0)
        return [p, [0]];
      if (p === 'base_info.date_info' && value && typeof value === 'object') {
        const d = value as Record<string, unknown>;
        return [
          p,
          { type: d.type, begin_timestamp: d.begin_timestamp, end_timestamp: d.end_timestamp },
        ];
      }
      return [p, value];
    }),
  );
}
