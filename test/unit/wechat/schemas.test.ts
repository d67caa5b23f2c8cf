/**
 * The response schemas: the reference's own examples parse, unknown fields are kept (the
 * platform adds fields), known fields with the wrong type are rejected, and a malformed body
 * reaching the client becomes an error that names the call and the field.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BizUinInfoRow,
  Card,
  CardGetResponse,
  CardInfoRow,
  CodeGetResponse,
  MemberCardDetailRow,
  UserCardListResponse,
  cardBody,
  datacubeList,
} from '../../../shared/wechat';
import {
  OutcomeUnknownError,
  WeChatUnavailableError,
  createWeChatClient,
  type TokenProvider,
} from '../../../electron/wechat';
import { FAST, rejection } from './sandbox-rig';

/** card/get's example in the reference, verbatim. */
const REFERENCE_CARD = {
  card_type: 'DISCOUNT',
  discount: {
    base_info: {
      id: 'pbLatjnP97_F9PudzBARQhn7xR7A',
      logo_url:
        'http://mmbiz.qpic.cn/mmbiz/p98FjXy8LafmY25YclQ7vw5noBxeVH3DG5AKFR1ZsRgMgsvjll7EkUsZib00J964AEpTjkNXF2HorJHt5mtt45Q/0?wx_fmt=png',
      code_type: 'CODE_TYPE_NONE',
      brand_name: 'Weixin Restaurant',
      title: '10%-off Coupon',
      date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30, fixed_begin_term: 0 },
      color: '#10AD61',
      notice: 'Available in Store',
      description: '',
      location_id_list: [218384742, 402521653, 402521608],
      get_limit: 3,
      can_share: true,
      can_give_friend: true,
      status: 'CARD_STATUS_VERIFY_OK',
      sku: { quantity: 100096, total_quantity: 100100 },
      create_time: 1457525546,
      update_time: 1457526240,
      area_code_list: [],
    },
    discount: 10,
    advanced_info: {
      time_limit: [{ type: 'MONDAY' }, { type: 'TUESDAY' }],
      text_image_list: [],
      business_service: [],
      consume_share_card_list: [],
      abstract: {
        abstract: 'Learn More',
        icon_url_list: [
          'http://mmbiz.qpic.cn/mmbiz/p98FjXy8LafiawSeJeqBzk8qC40iaKIwUPm4TSCelulzEbAywKr7tWjkd5vRjbmFloUFeThfwhwMUZIXmsCtJpyQ/0?wx_fmt=jpeg',
        ],
      },
      share_friends: false,
    },
  },
};

describe('card schema', () => {
  it("parses the reference's card/get example", () => {
    const card = Card.parse(REFERENCE_CARD);
    if (card.card_type !== 'DISCOUNT') throw new Error('wrong type');
    expect(card.discount.discount).toBe(10);
    const body = cardBody(card);
    expect(body.base_info.date_info).toEqual({
      type: 'DATE_TYPE_FIX_TERM',
      fixed_term: 30,
      fixed_begin_term: 0,
    });
    expect(body.advanced_info?.time_limit?.map((t) => t.type)).toEqual(['MONDAY', 'TUESDAY']);
    expect(body.base_info.location_id_list).toEqual([218384742, 402521653, 402521608]);
  });

  it('keeps fields it does not know, at every level', () => {
    const withNew = structuredClone(REFERENCE_CARD) as typeof REFERENCE_CARD & { x_top: number };
    withNew.x_top = 1;
    Object.assign(withNew.discount, { x_body: 'b' });
    Object.assign(withNew.discount.base_info, { x_base: true });
    Object.assign(withNew.discount.base_info.sku, { x_sku: 2 });
    Object.assign(withNew.discount.base_info.date_info, { x_date: 3 });
    const parsed = CardGetResponse.parse({ errcode: 0, errmsg: 'ok', card: withNew, x_resp: 4 });
    expect(parsed.x_resp).toBe(4);
    expect(parsed.card).toEqual(withNew);
  });

  it('rejects a known field of the wrong type, and a body under the wrong type key', () => {
    const wrong = structuredClone(REFERENCE_CARD);
    (wrong.discount.base_info as Record<string, unknown>).title = 42;
    const r = Card.safeParse(wrong);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['discount', 'base_info', 'title']);
    expect(Card.safeParse({ card_type: 'CASH', discount: REFERENCE_CARD.discount }).success).toBe(
      false,
    );
    expect(Card.safeParse({ ...REFERENCE_CARD, card_type: 'COUPON_OF_THE_FUTURE' }).success).toBe(
      false,
    );
  });

  it('reads the legacy numeric validity type (unverified whether the platform still sends it)', () => {
    const legacy = structuredClone(REFERENCE_CARD) as unknown as {
      discount: { base_info: { date_info: unknown } };
    };
    legacy.discount.base_info.date_info = { type: 1, begin_timestamp: 10, end_timestamp: 20 };
    const card = Card.parse(legacy);
    expect(cardBody(card).base_info.date_info).toEqual({
      type: 'DATE_TYPE_FIX_TIME_RANGE',
      begin_timestamp: 10,
      end_timestamp: 20,
    });
  });
});

describe('code and list schemas', () => {
  it("parses the reference's code/get answers and rejects an unknown status", () => {
    const ok = {
      errcode: 0,
      errmsg: 'ok',
      card: {
        card_id: 'pbLatjk4T4Hx-QFQGL4zGQy27_Qg',
        begin_time: 1457452800,
        end_time: 1463155199,
      },
      openid: 'obLatjm43RA5C6QfMO5szKYnT3dM',
      can_consume: true,
      outer_str: '12b',
      user_card_status: 'NORMAL',
    };
    expect(CodeGetResponse.parse(ok).user_card_status).toBe('NORMAL');
    expect(
      CodeGetResponse.parse({ ...ok, user_card_status: 'GIFTING', can_consume: false }),
    ).toMatchObject({ user_card_status: 'GIFTING', can_consume: false });
    expect(CodeGetResponse.safeParse({ ...ok, user_card_status: 'LOST' }).success).toBe(false);
    expect(CodeGetResponse.safeParse({ ...ok, can_consume: 'yes' }).success).toBe(false);
  });

  it('parses user/getcardlist and the datacube rows of the reference', () => {
    const list = UserCardListResponse.parse({
      errcode: 0,
      errmsg: 'ok',
      card_list: [
        { code: 'xxx1434079154', card_id: 'xxxxxxxxxx' },
        { code: 'xxx1434079155', card_id: 'xxxxxxxxxx' },
      ],
      has_share_card: true,
    });
    expect(list.card_list).toHaveLength(2);
    const biz = datacubeList(BizUinInfoRow).parse({
      list: [
        {
          ref_date: '2015-06-23',
          view_cnt: 1,
          view_user: 1,
          receive_cnt: 1,
          receive_user: 1,
          verify_cnt: 0,
          verify_user: 0,
          given_cnt: 0,
          given_user: 0,
          expire_cnt: 0,
          expire_user: 0,
        },
      ],
    });
    expect(biz.list[0]?.ref_date).toBe('2015-06-23');
    const card = CardInfoRow.parse({
      ...biz.list[0],
      card_id: 'po8pktyDLmakNY2fn2VyhkiEPqGE',
      card_type: 3,
    });
    expect(card.card_type).toBe(3);
    const detail = MemberCardDetailRow.parse({
      ref_date: '2016-07-06',
      merchanttype: 2,
      cardid: 'p4WkzwieuDBzzn7Jed6SBO0-ZgaU',
      submerchantid: 0,
      view_cnt: 2,
      view_user: 1,
      receive_cnt: 1,
      receive_user: 1,
      verify_cnt: 0,
      verify_user: 0,
      active_cnt: 1,
      active_user: 1,
      total_user: 249,
      new_user: 0,
      payOriginalFee: 0,
      fee: 0,
    });
    expect(detail.total_user).toBe(249);
    expect(datacubeList(BizUinInfoRow).safeParse({ list: [{ ref_date: 1 }] }).success).toBe(false);
  });
});

describe('a malformed body through the client', () => {
  let server: Server;
  let url = '';
  let body = '';
  let status = 200;
  beforeEach(() => {
    status = 200;
  });
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const tokens: TokenProvider = {
    kind: 'sandbox',
    getToken: async () => 'fixed-test-token-0123456789',
    invalidate: async () => undefined,
  };

  it('on a read: an unavailable error naming the call and the field', async () => {
    body = JSON.stringify({ errcode: 0, errmsg: 'ok', card: { card_type: 'CASH', cash: {} } });
    const client = createWeChatClient({ baseUrl: url, tokens, ...FAST });
    const e = (await rejection(client.cardGet('pAnyCard'))) as WeChatUnavailableError;
    expect(e).toBeInstanceOf(WeChatUnavailableError);
    expect(e.toInfo()).toMatchObject({
      kind: 'unavailable',
      key: 'wechat.malformed_response',
      params: { call: 'card/get' },
    });
    expect(e.params.detail).toContain('card.cash.base_info');
    expect(e.message).toContain('card/get');
  });

  it('on a read: a body that is JSON but not an object, or with a text errcode', async () => {
    const client = createWeChatClient({ baseUrl: url, tokens, ...FAST });
    for (const bad of ['[1,2,3]', '"ok"', '{"errcode":"0","errmsg":"ok"}', '']) {
      body = bad;
      const e = (await rejection(client.codeGet({ code: '123' }))) as WeChatUnavailableError;
      expect(e.key, bad).toBe('wechat.malformed_response');
    }
  });

  it('on a write: outcome unknown, since the platform may have acted', async () => {
    body = '{"errcode":0,"errmsg":"o';
    const client = createWeChatClient({ baseUrl: url, tokens, ...FAST });
    const e = (await rejection(client.codeConsume({ code: '123' }))) as OutcomeUnknownError;
    expect(e).toBeInstanceOf(OutcomeUnknownError);
    expect(e.toInfo()).toMatchObject({
      kind: 'outcome_unknown',
      params: { call: 'card/code/consume', reason: 'malformed_response' },
    });
  });

  it('on a write with errcode 0 and sparse fields: success (errcode 0 is what counts)', async () => {
    body = '{"errcode":0,"errmsg":"ok"}';
    const client = createWeChatClient({ baseUrl: url, tokens, ...FAST });
    await expect(client.codeConsume({ code: '123' })).resolves.toMatchObject({ errcode: 0 });
    await expect(client.cardUpdate('p1', 'CASH', {})).resolves.toEqual({ send_check: false });
  });

  it('a 4xx page without an errcode (wrong base URL, proxy) is a refusal, never outcome unknown', async () => {
    status = 404;
    body = '<html><body>Not Found</body></html>';
    const client = createWeChatClient({ baseUrl: url, tokens, ...FAST });
    const e = (await rejection(client.codeConsume({ code: '123' }))) as WeChatUnavailableError;
    expect(e).toBeInstanceOf(WeChatUnavailableError);
    expect(e.toInfo()).toMatchObject({ key: 'wechat.http_status', params: { status: 404 } });
    status = 400;
    body = JSON.stringify({ errcode: 47001, errmsg: 'data format error' });
    expect(await rejection(client.codeConsume({ code: '123' }))).toMatchObject({
      kind: 'wechat',
      errcode: 47001,
    });
  });
});
