/**
 * The WeChat endpoints: path, method, whether access_token is required, and the handler. A
 * handler gets the parsed JSON body as `unknown`, parses it with its schema, and returns the
 * response body; refusals are thrown as WxError and turned into {errcode, errmsg} by the
 * simulator. Paths, methods and shapes are the platform's. A route that changed the store
 * names what it changed with ctx.applied(), for the applied-writes journal.
 */
import type { WriteTarget } from './applied-writes';
import type { SandboxClock } from './clock';
import type { CardStore } from './card-store';
import { updateCard } from './card-update';
import { decryptCode } from './code-crypto';
import { type DatacubeReports, parseRange } from './datacube';
import { WxError } from './errcodes';
import { isPlainObject, parseBody } from './request-parse';
import {
  BatchGetRequest,
  CARD_STATUS_SET,
  CardIdRequest,
  CodeConsumeRequest,
  CodeDecryptRequest,
  CodeGetRequest,
  CodeUnavailableRequest,
  CodeUpdateRequest,
  DatacubeMemberDetailRequest,
  DatacubeRequest,
  ModifyStockRequest,
  UserCardListRequest,
} from './request-schemas';
import type { AppCredentials, TokenStore } from './token-store';

export interface RouteContext {
  store: CardStore;
  tokens: TokenStore;
  reports: DatacubeReports;
  clock: SandboxClock;
  apps: readonly AppCredentials[];
  /** The caller's app (from access_token); '' on the token endpoints. */
  appid: string;
  query: URLSearchParams;
  body: unknown;
  /** Called by a write route after it changed the store: what it changed, for the journal. */
  applied(target: WriteTarget): void;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Needs ?access_token=. */
  auth: boolean;
  /** Success bodies carry errcode 0 / errmsg "ok" unless raw (token and datacube answers). */
  raw?: boolean;
  handle(ctx: RouteContext): Record<string, unknown>;
}

const MAX_BATCH = 50;

/** The card of a code that exists, for the journal. */
function cardOf(store: CardStore, code: string): { card_id?: string } {
  const cardId = store.cardIdOf(code);
  return cardId !== undefined ? { card_id: cardId } : {};
}

function stableToken(ctx: RouteContext) {
  const body = ctx.body;
  if (!isPlainObject(body)) throw new WxError(47001, 'body must be a JSON object');
  const { grant_type: grantType, appid, secret, force_refresh: force } = body;
  if (grantType !== 'client_credential') throw new WxError(40002);
  if (appid !== undefined && typeof appid !== 'string')
    throw new WxError(47001, 'appid must be a string');
  if (secret !== undefined && typeof secret !== 'string')
    throw new WxError(47001, 'secret must be a string');
  if (force !== undefined && typeof force !== 'boolean') {
    throw new WxError(47001, 'force_refresh must be a boolean');
  }
  const app = ctx.tokens.authenticate(appid, secret);
  return { ...ctx.tokens.stable(app, force === true) };
}

export const ROUTES: Readonly<Record<string, Route>> = {
  '/cgi-bin/token': {
    method: 'GET',
    auth: false,
    raw: true,
    handle(ctx) {
      if (ctx.query.get('grant_type') !== 'client_credential') throw new WxError(40002);
      const appid = ctx.tokens.authenticate(
        ctx.query.get('appid') ?? undefined,
        ctx.query.get('secret') ?? undefined,
      );
      return { ...ctx.tokens.issue(appid) };
    },
  },
  '/cgi-bin/stable_token': { method: 'POST', auth: false, raw: true, handle: stableToken },

  '/card/code/get': {
    method: 'POST',
    auth: true,
    handle: (ctx) => ctx.store.getCode(ctx.appid, parseBody(CodeGetRequest, ctx.body)),
  },
  '/card/code/consume': {
    method: 'POST',
    auth: true,
    handle(ctx) {
      const input = parseBody(CodeConsumeRequest, ctx.body);
      const result = ctx.store.consume(ctx.appid, input);
      ctx.applied({ code: input.code, card_id: result.card.card_id });
      return result;
    },
  },
  '/card/code/decrypt': {
    method: 'POST',
    auth: true,
    handle(ctx) {
      const input = parseBody(CodeDecryptRequest, ctx.body);
      const app = ctx.apps.find((a) => a.appid === ctx.appid);
      const code = app ? decryptCode(input.encrypt_code, app.appid, app.secret) : undefined;
      if (code === undefined) throw new WxError(40075);
      return { code };
    },
  },
  '/card/code/unavailable': {
    method: 'POST',
    auth: true,
    handle(ctx) {
      const input = parseBody(CodeUnavailableRequest, ctx.body);
      const result = ctx.store.unavailable(ctx.appid, input);
      ctx.applied({ code: input.code, ...cardOf(ctx.store, input.code) });
      return result;
    },
  },
  '/card/code/update': {
    method: 'POST',
    auth: true,
    handle(ctx) {
      const input = parseBody(CodeUpdateRequest, ctx.body);
      const result = ctx.store.updateCode(ctx.appid, input);
      ctx.applied({
        code: input.code,
        ...cardOf(ctx.store, input.new_code),
        new_code: input.new_code,
      });
      return result;
    },
  },

  '/card/get': {
    method: 'POST',
    auth: true,
    handle: (ctx) => ctx.store.getCard(ctx.appid, parseBody(CardIdRequest, ctx.body).card_id),
  },
  '/card/batchget': {
    method: 'POST',
    auth: true,
    handle(ctx) {
      const input = parseBody(BatchGetRequest, ctx.body);
      if (input.offset < 0) throw new WxError(40097, 'offset must be >= 0');
      if (input.count < 1 || input.count > MAX_BATCH)
        throw new WxError(40097, 'count must be 1-50');
      const bad = input.status_list?.find((s) => !CARD_STATUS_SET.has(s));
      if (bad !== undefined) throw new WxError(40097, `unknown status ${bad}`);
      return ctx.store.batchGet(ctx.appid, input);
    },
  },
  '/card/update': {
    method: 'POST',
    auth: true,
    handle(ctx) {
      if (!isPlainObject(ctx.body)) throw new WxError(47001, 'body must be a JSON object');
      const result = updateCard(ctx.store, ctx.appid, ctx.body);
      // updateCard refuses anything but a string card_id before it applies.
      ctx.applied({ card_id: String(ctx.body.card_id) });
      return result;
    },
  },
  '/card/modifystock': {
    method: 'POST',
    auth: true,
    handle(ctx) {
      const input = parseBody(ModifyStockRequest, ctx.body);
      const result = ctx.store.modifyStock(ctx.appid, input);
      ctx.applied({ card_id: input.card_id });
      return result;
    },
  },
  '/card/delete': {
    method: 'POST',
    auth: true,
    handle(ctx) {
      const cardId = parseBody(CardIdRequest, ctx.body).card_id;
      const result = ctx.store.deleteCard(ctx.appid, cardId);
      ctx.applied({ card_id: cardId });
      return result;
    },
  },
  '/card/user/getcardlist': {
    method: 'POST',
    auth: true,
    handle: (ctx) => ctx.store.userCardList(ctx.appid, parseBody(UserCardListRequest, ctx.body)),
  },

  '/datacube/getcardbizuininfo': {
    method: 'POST',
    auth: true,
    raw: true,
    handle(ctx) {
      const input = parseBody(DatacubeRequest, ctx.body);
      const range = parseRange(input.begin_date, input.end_date, ctx.clock.nowSeconds());
      return { list: ctx.reports.bizUinInfo(ctx.appid, range) };
    },
  },
  '/datacube/getcardcardinfo': {
    method: 'POST',
    auth: true,
    raw: true,
    handle(ctx) {
      const input = parseBody(DatacubeRequest, ctx.body);
      const range = parseRange(input.begin_date, input.end_date, ctx.clock.nowSeconds());
      return { list: ctx.reports.cardInfo(ctx.appid, range, input.card_id || undefined) };
    },
  },
  '/datacube/getcardmembercardinfo': {
    method: 'POST',
    auth: true,
    raw: true,
    handle(ctx) {
      const input = parseBody(DatacubeRequest, ctx.body);
      const range = parseRange(input.begin_date, input.end_date, ctx.clock.nowSeconds());
      return { list: ctx.reports.memberCardInfo(ctx.appid, range) };
    },
  },
  '/datacube/getcardmembercarddetail': {
    method: 'POST',
    auth: true,
    raw: true,
    handle(ctx) {
      const input = parseBody(DatacubeMemberDetailRequest, ctx.body);
      const range = parseRange(input.begin_date, input.end_date, ctx.clock.nowSeconds());
      return { list: ctx.reports.memberCardDetail(ctx.appid, range, input.card_id) };
    },
  },
};

export const WECHAT_PATHS: readonly string[] = Object.keys(ROUTES);
