import { describe, expect, it } from 'vitest';
import { demoSeed } from '../../../electron/sandbox';
import { CASH, CUSTOM, MEMBER, MOVIE, OTHER_APP_CARD, RANGE, TERM, testSeed } from './fixtures';
import { sandbox, TEST_NOW_MS, Wx, type Json } from './helpers';

async function setup() {
  const sb = await sandbox({ seed: testSeed() });
  return { sb, wx: new Wx(sb) };
}

describe('card/get', () => {
  it('returns the card exactly as seeded, under the lower-case type key', async () => {
    const { wx } = await setup();
    const body = await wx.post('/card/get', { card_id: CASH });
    expect(body.errcode).toBe(0);
    const seedCard = structuredClone(testSeed().cards[0]!);
    expect(body.card).toEqual(seedCard);
    const card = body.card as { card_type: string; cash: Json & { base_info: Json } };
    expect(card.card_type).toBe('CASH');
    expect(card.cash.base_info.id).toBe(CASH);
    expect(card.cash.least_cost).toBe(10000);
  });

  it('returns every demo card type with its type-specific key', async () => {
    const sb = await sandbox({ seed: demoSeed() });
    const wx = new Wx(sb);
    for (const seedCard of demoSeed().cards) {
      const key = seedCard.card_type.toLowerCase();
      const id = ((seedCard[key] as Json).base_info as Json).id as string;
      const body = await wx.post('/card/get', { card_id: id });
      expect(body.card).toEqual(seedCard);
    }
  });

  it("unknown card 40073, another app's card 45030, missing card_id 41012, wrong type 47001", async () => {
    const { wx } = await setup();
    expect((await wx.post('/card/get', { card_id: 'pNOPE' })).errcode).toBe(40073);
    expect((await wx.post('/card/get', { card_id: OTHER_APP_CARD })).errcode).toBe(45030);
    expect((await wx.post('/card/get', {})).errcode).toBe(41012);
    expect((await wx.post('/card/get', { card_id: 12 })).errcode).toBe(47001);
    expect((await wx.post('/card/get', { card_id: 'p'.repeat(33) })).errcode).toBe(45021);
  });
});

describe('card/batchget', () => {
  it("pages through the app's cards with offset/count and reports total_num", async () => {
    const { wx } = await setup();
    expect(await wx.post('/card/batchget', { offset: 0, count: 2 })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      card_id_list: [CASH, TERM],
      total_num: 5,
    });
    const rest = await wx.post('/card/batchget', { offset: 2, count: 50 });
    expect(rest.card_id_list).toEqual([CUSTOM, MEMBER, MOVIE]);
    expect((await wx.post('/card/batchget', { offset: 10, count: 5 })).card_id_list).toEqual([]);
  });

  it('filters by status_list', async () => {
    const { sb, wx } = await setup();
    sb.sim.setCardStatus(TERM, 'CARD_STATUS_DISPATCH');
    await wx.post('/card/delete', { card_id: MOVIE });
    const body = await wx.post('/card/batchget', {
      offset: 0,
      count: 10,
      status_list: ['CARD_STATUS_DISPATCH', 'CARD_STATUS_DELETE'],
    });
    expect(body).toMatchObject({ card_id_list: [TERM, MOVIE], total_num: 2 });
  });

  it('count above 50, count 0, negative offset or unknown status: 40097; missing count 41011', async () => {
    const { wx } = await setup();
    expect((await wx.post('/card/batchget', { offset: 0, count: 51 })).errcode).toBe(40097);
    expect((await wx.post('/card/batchget', { offset: 0, count: 0 })).errcode).toBe(40097);
    expect((await wx.post('/card/batchget', { offset: -1, count: 5 })).errcode).toBe(40097);
    expect(
      (await wx.post('/card/batchget', { offset: 0, count: 5, status_list: ['OK'] })).errcode,
    ).toBe(40097);
    expect((await wx.post('/card/batchget', { offset: 0 })).errcode).toBe(41011);
    expect((await wx.post('/card/batchget', { offset: 0, count: '5' })).errcode).toBe(47001);
  });
});

describe('card/update', () => {
  it('applies fields that need no review: send_check false, status unchanged', async () => {
    const { sb, wx } = await setup();
    const body = await wx.post('/card/update', {
      card_id: CASH,
      cash: {
        base_info: {
          service_phone: '020-88888888',
          location_id_list: [1, 2, 3],
          can_share: false,
          code_type: 'CODE_TYPE_BARCODE',
        },
      },
    });
    expect(body).toEqual({ errcode: 0, errmsg: 'ok', send_check: false });
    const base = (sb.sim.card(CASH)!.card.cash as Json).base_info as Json;
    expect(base).toMatchObject({
      service_phone: '020-88888888',
      location_id_list: [1, 2, 3],
      can_share: false,
      code_type: 'CODE_TYPE_BARCODE',
      status: 'CARD_STATUS_VERIFY_OK',
      update_time: Math.floor(TEST_NOW_MS / 1000),
    });
  });

  it('review-required fields: send_check true and the card goes back to CARD_STATUS_NOT_VERIFY', async () => {
    const { sb, wx } = await setup();
    const body = await wx.post('/card/update', {
      card_id: CASH,
      cash: { base_info: { notice: '新的提示', color: 'Color010' } },
    });
    expect(body.send_check).toBe(true);
    expect(sb.sim.card(CASH)!.status).toBe('CARD_STATUS_NOT_VERIFY');
    expect(((sb.sim.card(CASH)!.card.cash as Json).base_info as Json).notice).toBe('新的提示');
  });

  it('member card fields beside base_info (review and no review)', async () => {
    const { sb, wx } = await setup();
    const a = await wx.post('/card/update', {
      card_id: MEMBER,
      member_card: { custom_cell1: { name: 'Shop', tips: 'Go', url: 'https://x.invalid' } },
    });
    expect(a.send_check).toBe(false);
    const b = await wx.post('/card/update', {
      card_id: MEMBER,
      member_card: { bonus_rules: '1 CNY = 2 points', prerogative: '' },
    });
    expect(b.send_check).toBe(true);
    const card = sb.sim.card(MEMBER)!.card.member_card as Json;
    expect(card).toMatchObject({
      bonus_rules: '1 CNY = 2 points',
      prerogative: '',
      custom_cell1: { name: 'Shop' },
    });
    expect(
      (await wx.post('/card/update', { card_id: MOVIE, movie_ticket: { detail: 'IMAX' } }))
        .send_check,
    ).toBe(true);
  });

  it('"0" clears location_id_list', async () => {
    const { sb, wx } = await setup();
    await wx.post('/card/update', {
      card_id: CASH,
      cash: { base_info: { location_id_list: '0' } },
    });
    expect(((sb.sim.card(CASH)!.card.cash as Json).base_info as Json).location_id_list).toEqual([]);
  });

  it('rejects fields the reference does not list (40097), a wrong type key (40071), nothing changes', async () => {
    const { sb, wx } = await setup();
    const before = JSON.stringify(sb.sim.card(CASH));
    expect(
      (await wx.post('/card/update', { card_id: CASH, cash: { reduce_cost: 1 } })).errcode,
    ).toBe(40097);
    expect(
      (await wx.post('/card/update', { card_id: CASH, cash: { base_info: { title: 'new' } } }))
        .errcode,
    ).toBe(40097);
    expect(
      (
        await wx.post('/card/update', {
          card_id: CASH,
          cash: { base_info: { sku: { quantity: 1 } } },
        })
      ).errcode,
    ).toBe(40097);
    // A valid field next to a forbidden one: the whole update is refused.
    expect(
      (
        await wx.post('/card/update', {
          card_id: CASH,
          cash: { base_info: { service_phone: '1', title: 'x' } },
        })
      ).errcode,
    ).toBe(40097);
    expect(
      (await wx.post('/card/update', { card_id: CASH, member_card: { bonus_rules: 'x' } })).errcode,
    ).toBe(40071);
    expect((await wx.post('/card/update', { card_id: CASH, foo: 1, cash: {} })).errcode).toBe(
      40097,
    );
    expect((await wx.post('/card/update', { card_id: CASH })).errcode).toBe(41011);
    expect((await wx.post('/card/update', { cash: {} })).errcode).toBe(41012);
    expect(JSON.stringify(sb.sim.card(CASH))).toBe(before);
  });

  it('checks lengths in UTF-8 bytes (45021) and types (47001)', async () => {
    const { sb, wx } = await setup();
    const before = JSON.stringify(sb.sim.card(CASH));
    // notice is string(48): 16 Chinese characters fit, 17 do not.
    expect(
      (
        await wx.post('/card/update', {
          card_id: CASH,
          cash: { base_info: { notice: '字'.repeat(16) } },
        })
      ).errcode,
    ).toBe(0);
    expect(
      (
        await wx.post('/card/update', {
          card_id: CASH,
          cash: { base_info: { notice: '字'.repeat(17) } },
        })
      ).errcode,
    ).toBe(45021);
    expect(
      (
        await wx.post('/card/update', {
          card_id: CASH,
          cash: { base_info: { service_phone: '1'.repeat(25) } },
        })
      ).errcode,
    ).toBe(45021);
    expect(
      (await wx.post('/card/update', { card_id: CASH, cash: { base_info: { can_share: 'no' } } }))
        .errcode,
    ).toBe(47001);
    expect(
      (
        await wx.post('/card/update', {
          card_id: CASH,
          cash: { base_info: { code_type: 'CODE_TYPE_FANCY' } },
        })
      ).errcode,
    ).toBe(47001);
    expect((await wx.post('/card/update', { card_id: CASH, cash: 'x' })).errcode).toBe(47001);
    const after = sb.sim.card(CASH)!;
    expect(((after.card.cash as Json).base_info as Json).notice).toBe('字'.repeat(16));
    expect(JSON.parse(before).status).toBe('CARD_STATUS_VERIFY_OK');
  });

  it('date_info: a fixed range may only be extended (40100 otherwise); fixed terms cannot change', async () => {
    const { sb, wx } = await setup();
    const upd = (date_info: unknown, card_id = CASH) =>
      wx.post('/card/update', {
        card_id,
        [card_id === CASH ? 'cash' : 'discount']: { base_info: { date_info } },
      });
    const later = RANGE.end_timestamp + 86400 * 365;
    expect(
      (
        await upd({
          type: 'DATE_TYPE_FIX_TIME_RANGE',
          begin_timestamp: RANGE.begin_timestamp,
          end_timestamp: RANGE.end_timestamp - 1,
        })
      ).errcode,
    ).toBe(40100);
    expect(
      (
        await upd({
          type: 'DATE_TYPE_FIX_TIME_RANGE',
          begin_timestamp: RANGE.begin_timestamp + 1,
          end_timestamp: later,
        })
      ).errcode,
    ).toBe(40100);
    expect((await upd({ type: 'DATE_TYPE_FIX_TERM', fixed_term: 10 })).errcode).toBe(40100);
    expect(
      (await upd({ type: 'DATE_TYPE_FIX_TIME_RANGE', end_timestamp: later }, TERM)).errcode,
    ).toBe(40100);
    const ok = await upd({
      type: 'DATE_TYPE_FIX_TIME_RANGE',
      begin_timestamp: RANGE.begin_timestamp,
      end_timestamp: later,
    });
    expect(ok).toEqual({ errcode: 0, errmsg: 'ok', send_check: false });
    expect((await wx.post('/card/code/get', { code: '100000000001' })).card).toMatchObject({
      end_time: later,
    });
    expect(sb.sim.card(CASH)!.status).toBe('CARD_STATUS_VERIFY_OK');
  });

  it('unknown card 40073, deleted card 40078', async () => {
    const { wx } = await setup();
    expect((await wx.post('/card/update', { card_id: 'pNOPE', cash: {} })).errcode).toBe(40073);
    await wx.post('/card/delete', { card_id: CASH });
    expect(
      (
        await wx.post('/card/update', {
          card_id: CASH,
          cash: { base_info: { service_phone: '1' } },
        })
      ).errcode,
    ).toBe(40078);
  });
});

describe('card/modifystock', () => {
  it('increases and reduces quantity and total_quantity', async () => {
    const { sb, wx } = await setup();
    expect(await wx.post('/card/modifystock', { card_id: CASH, increase_stock_value: 5 })).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    expect(sb.sim.card(CASH)).toMatchObject({ quantity: 15, total_quantity: 25 });
    expect(
      (await wx.post('/card/modifystock', { card_id: CASH, reduce_stock_value: 15 })).errcode,
    ).toBe(0);
    expect(sb.sim.card(CASH)).toMatchObject({ quantity: 0, total_quantity: 10 });
    expect((await wx.post('/card/modifystock', { card_id: CASH })).errcode).toBe(0);
  });

  it('reducing below zero: 40122, or 45031 when the stock is already zero; limits and signs checked', async () => {
    const { sb, wx } = await setup();
    expect(
      (await wx.post('/card/modifystock', { card_id: CASH, reduce_stock_value: 11 })).errcode,
    ).toBe(40122);
    expect(sb.sim.card(CASH)!.quantity).toBe(10);
    await wx.post('/card/modifystock', { card_id: CASH, reduce_stock_value: 10 });
    expect(
      (await wx.post('/card/modifystock', { card_id: CASH, reduce_stock_value: 1 })).errcode,
    ).toBe(45031);
    expect(
      (await wx.post('/card/modifystock', { card_id: CASH, increase_stock_value: -1 })).errcode,
    ).toBe(40122);
    expect(
      (await wx.post('/card/modifystock', { card_id: CASH, increase_stock_value: 100_000_000 }))
        .errcode,
    ).toBe(40122);
    expect(
      (await wx.post('/card/modifystock', { card_id: CASH, increase_stock_value: 1.5 })).errcode,
    ).toBe(47001);
    expect((await wx.post('/card/modifystock', { increase_stock_value: 1 })).errcode).toBe(41012);
    expect(sb.sim.card(CASH)).toMatchObject({ quantity: 0, total_quantity: 10 });
  });
});

describe('card/delete', () => {
  it('marks the card deleted; card/get still shows it; deleting again 40078', async () => {
    const { sb, wx } = await setup();
    expect(await wx.post('/card/delete', { card_id: TERM })).toEqual({ errcode: 0, errmsg: 'ok' });
    const got = await wx.post('/card/get', { card_id: TERM });
    expect(((got.card as Json).discount as { base_info: Json }).base_info.status).toBe(
      'CARD_STATUS_DELETE',
    );
    expect((await wx.post('/card/delete', { card_id: TERM })).errcode).toBe(40078);
    expect((await wx.post('/card/delete', { card_id: OTHER_APP_CARD })).errcode).toBe(45030);
    expect(sb.sim.card(OTHER_APP_CARD)!.status).toBe('CARD_STATUS_VERIFY_OK');
  });
});
