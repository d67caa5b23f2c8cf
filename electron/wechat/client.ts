/**
 * The WeChat card API client: one typed function per call, on the rules of interpret.ts and
 * retry.ts. Reads are retried on transient failures; writes are sent once (plus at most one
 * resend when the platform rejected the token, which it does before acting on the call).
 */
import type { z } from 'zod';
import {
  CardBatchGetResponse,
  CardGetResponse,
  CardUpdateResponse,
  CodeConsumeResponse,
  CodeDecryptResponse,
  CodeGetResponse,
  Envelope,
  UserCardListResponse,
  WECHAT_API_CALLS,
  BizUinInfoRow,
  CardInfoRow,
  MemberCardDetailRow,
  MemberCardInfoRow,
  cardTypeKey,
  datacubeList,
  type BizUinInfoRequest,
  type Card,
  type CardBatchGetResult,
  type CardInfoRequest,
  type CardStatus,
  type CardType,
  type CardUpdateFields,
  type CodeConsumeResult,
  type CodeGetResult,
  type MemberCardDetailRequest,
  type MemberCardInfoRequest,
  type UserCardListResult,
  type WeChatApiCall,
} from '../../shared/wechat';
import { DEFAULT_TIMEOUTS, createHttp, type Timeouts } from './http';
import { interpret } from './interpret';
import { backoffDelay, retryOptions, sleep, type RetryOptions } from './retry';
import type { TokenProvider } from './token-provider';

export interface WeChatClientOptions {
  /** https://api.weixin.qq.com, the sandbox's URL, or a merchant's proxy. */
  baseUrl: string;
  tokens: TokenProvider;
  timeouts?: { connectMs?: number; totalMs?: number };
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** For the backoff jitter; injectable for tests. */
  random?: () => number;
}

/** Told about each HTTP request a call makes (after the token is in hand). */
export interface SendHooks {
  /** Right before a request leaves: the moment a write's settling window counts from. */
  beforeRequest?(): void;
}

export interface WeChatClient {
  /** Reads a code's status. Read. */
  codeGet(req: { code: string; card_id?: string; check_consume?: boolean }): Promise<CodeGetResult>;
  /** Redeems a code. Write: never resent blindly; a lost answer is OutcomeUnknownError. */
  codeConsume(
    req: { code: string; card_id?: string },
    hooks?: SendHooks,
  ): Promise<CodeConsumeResult>;
  /** Turns an encrypt_code into the code. Read. */
  codeDecrypt(req: { encrypt_code: string }): Promise<{ code: string }>;
  /** Invalidates a code (refunds). Write; cannot be undone. */
  codeUnavailable(
    req: { code: string; card_id?: string; reason?: string },
    hooks?: SendHooks,
  ): Promise<void>;
  /** Changes a custom code. Write. */
  codeUpdate(req: { code: string; card_id?: string; new_code: string }): Promise<void>;
  /** A card's details. Read. */
  cardGet(card_id: string): Promise<Card>;
  /** The merchant's card ids, a page at a time (count at most 50). Read. */
  cardBatchGet(req: {
    offset: number;
    count: number;
    status_list?: CardStatus[];
  }): Promise<CardBatchGetResult>;
  /** Changes the fields the reference allows for the card's type. Write. */
  cardUpdate<T extends CardType>(
    card_id: string,
    cardType: T,
    fields: CardUpdateFields<T>,
  ): Promise<{ send_check: boolean }>;
  /** Adds to or takes from a card's stock. Write. */
  cardModifyStock(req: {
    card_id: string;
    increase_stock_value?: number;
    reduce_stock_value?: number;
  }): Promise<void>;
  /** Deletes a card (codes customers already hold stay valid). Write. */
  cardDelete(card_id: string): Promise<void>;
  /** The codes a customer holds under this AppID. Read. */
  userGetCardList(req: { openid: string; card_id?: string }): Promise<UserCardListResult>;
  /** The statistics reports, one row per day (and card). Reads. */
  datacube: {
    getCardBizUinInfo(req: BizUinInfoRequest): Promise<BizUinInfoRow[]>;
    getCardCardInfo(req: CardInfoRequest): Promise<CardInfoRow[]>;
    getCardMemberCardInfo(req: MemberCardInfoRequest): Promise<MemberCardInfoRow[]>;
    getCardMemberCardDetail(req: MemberCardDetailRequest): Promise<MemberCardDetailRow[]>;
  };
}

export function createWeChatClient(opts: WeChatClientOptions): WeChatClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeouts: Timeouts = {
    connectMs: opts.timeouts?.connectMs ?? DEFAULT_TIMEOUTS.connectMs,
    totalMs: opts.timeouts?.totalMs ?? DEFAULT_TIMEOUTS.totalMs,
  };
  const retry: RetryOptions = retryOptions(opts.retry);
  const random = opts.random ?? Math.random;
  const http = createHttp(timeouts);
  const { tokens } = opts;

  async function send<S extends z.ZodType>(
    call: WeChatApiCall,
    body: Record<string, unknown>,
    schema: S,
    hooks: SendHooks = {},
  ): Promise<z.output<S>> {
    const kind = WECHAT_API_CALLS[call];
    const payload = JSON.stringify(body);
    let token = await tokens.getToken();
    let tokenResent = false;
    for (let attempt = 1; ; attempt++) {
      hooks.beforeRequest?.();
      const exchange = await http.request({
        method: 'POST',
        url: `${base}/${call}?access_token=${encodeURIComponent(token)}`,
        body: payload,
      });
      const verdict = interpret(
        { call, kind, schema, totalMs: timeouts.totalMs, secrets: [token], usesToken: true },
        exchange,
      );
      switch (verdict.type) {
        case 'ok':
          return verdict.value;
        case 'token_rejected': {
          // Once only, and only with a different token: a provider that hands back the same
          // rejected token would otherwise loop (wechatpy's unbounded retry did).
          if (!tokenResent) {
            tokenResent = true;
            await tokens.invalidate(token);
            const next = await tokens.getToken();
            if (next !== token) {
              token = next;
              attempt--; // the token resend does not use up a retry
              continue;
            }
          }
          throw verdict.error;
        }
        case 'transient':
          if (kind === 'read' && attempt < retry.attempts) {
            await sleep(backoffDelay(attempt, retry, random));
            token = await tokens.getToken();
            continue;
          }
          throw verdict.error;
        case 'final':
          throw verdict.error;
      }
    }
  }

  return {
    codeGet: ({ code, card_id, check_consume }) =>
      send('card/code/get', { code, card_id, check_consume }, CodeGetResponse),
    codeConsume: ({ code, card_id }, hooks) =>
      send('card/code/consume', { code, card_id }, CodeConsumeResponse, hooks),
    codeDecrypt: async ({ encrypt_code }) => {
      const r = await send('card/code/decrypt', { encrypt_code }, CodeDecryptResponse);
      return { code: r.code };
    },
    codeUnavailable: async ({ code, card_id, reason }, hooks) => {
      await send('card/code/unavailable', { code, card_id, reason }, Envelope, hooks);
    },
    codeUpdate: async ({ code, card_id, new_code }) => {
      await send('card/code/update', { code, card_id, new_code }, Envelope);
    },
    cardGet: async (card_id) => (await send('card/get', { card_id }, CardGetResponse)).card,
    cardBatchGet: async ({ offset, count, status_list }) => {
      const r = await send('card/batchget', { offset, count, status_list }, CardBatchGetResponse);
      return { card_id_list: r.card_id_list, total_num: r.total_num };
    },
    cardUpdate: async (card_id, cardType, fields) => {
      const body = { card_id, [cardTypeKey(cardType)]: fields };
      const r = await send('card/update', body, CardUpdateResponse);
      return { send_check: r.send_check ?? false };
    },
    cardModifyStock: async ({ card_id, increase_stock_value, reduce_stock_value }) => {
      const body = { card_id, increase_stock_value, reduce_stock_value };
      await send('card/modifystock', body, Envelope);
    },
    cardDelete: async (card_id) => {
      await send('card/delete', { card_id }, Envelope);
    },
    userGetCardList: async ({ openid, card_id }) => {
      const r = await send('card/user/getcardlist', { openid, card_id }, UserCardListResponse);
      return {
        card_list: r.card_list.map(({ code, card_id: id }) => ({ code, card_id: id })),
        has_share_card: r.has_share_card ?? false,
      };
    },
    datacube: {
      getCardBizUinInfo: async ({ begin_date, end_date, cond_source }) => {
        const body = { begin_date, end_date, cond_source };
        return (await send('datacube/getcardbizuininfo', body, datacubeList(BizUinInfoRow))).list;
      },
      getCardCardInfo: async ({ begin_date, end_date, cond_source, card_id }) => {
        const body = { begin_date, end_date, cond_source, card_id };
        return (await send('datacube/getcardcardinfo', body, datacubeList(CardInfoRow))).list;
      },
      getCardMemberCardInfo: async ({ begin_date, end_date, cond_source }) => {
        const body = { begin_date, end_date, cond_source };
        const schema = datacubeList(MemberCardInfoRow);
        return (await send('datacube/getcardmembercardinfo', body, schema)).list;
      },
      getCardMemberCardDetail: async ({ begin_date, end_date, card_id }) => {
        const body = { begin_date, end_date, card_id };
        const schema = datacubeList(MemberCardDetailRow);
        return (await send('datacube/getcardmembercarddetail', body, schema)).list;
      },
    },
  };
}
