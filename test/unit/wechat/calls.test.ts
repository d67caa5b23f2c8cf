/** Every call of the client against the sandbox: the success path and its errcode paths. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { cardBody, CARD_TYPES, type CardUpdateFields } from '../../../shared/wechat';
import { WeChatApiError } from '../../../electron/wechat';
import { redeemable, rejection, useSandbox } from './sandbox-rig';

const rig = useSandbox();

async function expectErrcode(p: Promise<unknown>, errcode: number, call: string) {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(WeChatApiError);
  const e = err as WeChatApiError;
  expect(e).toBeInstanceOf(AppError);
  expect(e.kind).toBe('wechat');
  expect(e.errcode).toBe(errcode);
  expect(e.call).toBe(call);
  expect(e.key).toBe(`wechat.errcode_${errcode}`);
  expect(e.params).toMatchObject({ errcode, call });
  expect(e.toInfo()).toMatchObject({ kind: 'wechat', errcode, key: `wechat.errcode_${errcode}` });
  return e;
}

function customCodeCard() {
  const card = rig.sb.sim.cards().find((c) => c.use_custom_code);
  if (!card) throw new Error('the demo seed has no custom-code card');
  const code = rig.sb.sim.codes({ card_id: card.card_id, status: 'NORMAL' })[0];
  if (!code) throw new Error('the custom-code card has no NORMAL code');
  return { card, code };
}

describe('card/code/get', () => {
  it('reads a redeemable code exactly as the sandbox holds it', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    const r = await client.codeGet({ code: code.code, check_consume: true });
    expect(r.user_card_status).toBe('NORMAL');
    expect(r.can_consume).toBe(true);
    expect(r.openid).toBe(code.openid);
    expect(r.card.card_id).toBe(code.card_id);
    expect(r.card.begin_time).toBe(code.begin_time);
    expect(r.card.end_time).toBe(code.end_time);
    expect(r.outer_str).toBe(code.outer_str);
  });

  it('reports a consumed code as 40099 with check_consume, as CONSUMED without', async () => {
    const { client } = rig.connect();
    const consumed = rig.sb.sim
      .codes({ status: 'CONSUMED' })
      .find((c) => !rig.sb.sim.card(c.card_id)?.use_custom_code);
    if (!consumed) throw new Error('no consumed code in the seed');
    await expectErrcode(
      client.codeGet({ code: consumed.code, check_consume: true }),
      40099,
      'card/code/get',
    );
    const r = await client.codeGet({ code: consumed.code, check_consume: false });
    expect(r.user_card_status).toBe('CONSUMED');
    expect(r.can_consume).toBe(false);
  });

  it('answers 40056 for an unknown code, and for a custom code without its card_id', async () => {
    const { client } = rig.connect();
    await expectErrcode(client.codeGet({ code: '100000000001' }), 40056, 'card/code/get');
    const { card, code } = customCodeCard();
    await expectErrcode(client.codeGet({ code: code.code }), 40056, 'card/code/get');
    const r = await client.codeGet({ code: code.code, card_id: card.card_id });
    expect(r.card.card_id).toBe(card.card_id);
  });
});

describe('card/code/consume', () => {
  it('consumes a code once; the second consume is 40099', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    const r = await client.codeConsume({ code: code.code });
    expect(r.card?.card_id).toBe(code.card_id);
    expect(r.openid).toBe(code.openid);
    expect(rig.sb.sim.code(code.code)?.status).toBe('CONSUMED');
    await expectErrcode(client.codeConsume({ code: code.code }), 40099, 'card/code/consume');
    expect(rig.count('/card/code/consume')).toBe(2);
  });

  it('refuses a code that is being gifted with 40127', async () => {
    const { client } = rig.connect();
    const gifting = rig.sb.sim.codes({ status: 'GIFTING' })[0];
    if (!gifting) throw new Error('no gifting code in the seed');
    await expectErrcode(client.codeConsume({ code: gifting.code }), 40127, 'card/code/consume');
    expect(rig.sb.sim.code(gifting.code)?.status).toBe('GIFTING');
  });
});

describe('card/code/decrypt', () => {
  it('decrypts an encrypt_code and refuses garbage with 40075', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    const r = await client.codeDecrypt({ encrypt_code: rig.sb.sim.encryptCode(code.code) });
    expect(r).toEqual({ code: code.code });
    await expectErrcode(
      client.codeDecrypt({ encrypt_code: 'bm90IGFuIGVuY3J5cHRlZCBjb2RlIGF0IGFsbA==' }),
      40075,
      'card/code/decrypt',
    );
  });
});

describe('card/code/unavailable', () => {
  it('invalidates a code with its reason; an unknown code is 40056', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    await client.codeUnavailable({ code: code.code, reason: 'refund' });
    const after = rig.sb.sim.code(code.code);
    expect(after?.status).toBe('UNAVAILABLE');
    expect(after?.unavailable_reason).toBe('refund');
    await expectErrcode(
      client.codeUnavailable({ code: '100000000001', reason: 'refund' }),
      40056,
      'card/code/unavailable',
    );
  });
});

describe('card/code/update', () => {
  it('changes a custom code; a non-custom card is 43009', async () => {
    const { client } = rig.connect();
    const { card, code } = customCodeCard();
    await client.codeUpdate({ code: code.code, card_id: card.card_id, new_code: 'NEWCODE-0001' });
    expect(rig.sb.sim.code('NEWCODE-0001')?.card_id).toBe(card.card_id);
    expect(rig.sb.sim.code(code.code)).toBeUndefined();
    const plain = redeemable(rig.sb);
    await expectErrcode(
      client.codeUpdate({ code: plain.code, card_id: plain.card_id, new_code: 'NEWCODE-0002' }),
      43009,
      'card/code/update',
    );
  });
});

describe('card/get', () => {
  it('parses a card of every type in the reference, with its type-specific fields', async () => {
    const { client } = rig.connect();
    const seen = new Set<string>();
    for (const snapshot of rig.sb.sim.cards()) {
      const card = await client.cardGet(snapshot.card_id);
      expect(card.card_type).toBe(snapshot.card_type);
      expect(card).toEqual(snapshot.card);
      const body = cardBody(card);
      expect(body.base_info.id).toBe(snapshot.card_id);
      expect(body.base_info.title).toBe(snapshot.title);
      expect(body.base_info.sku.quantity).toBe(snapshot.quantity);
      seen.add(card.card_type);
      if (card.card_type === 'CASH') expect(card.cash.reduce_cost).toBeGreaterThan(0);
      if (card.card_type === 'DISCOUNT') expect(card.discount.discount).toBeGreaterThan(0);
      if (card.card_type === 'MEMBER_CARD')
        expect(typeof card.member_card.supply_bonus).toBe('boolean');
      if (card.card_type === 'BOARDING_PASS') expect(card.boarding_pass.flight).not.toBe('');
    }
    expect([...seen].sort()).toEqual([...CARD_TYPES].sort());
  });

  it('answers 40073 for an unknown card', async () => {
    const { client } = rig.connect();
    await expectErrcode(client.cardGet('pSBXnotACardAtAll000000000'), 40073, 'card/get');
  });
});

describe('card/batchget', () => {
  it('lists the cards, filters by status, and refuses a count over 50 with 40097', async () => {
    const { client } = rig.connect();
    const all = rig.sb.sim.cards();
    const r = await client.cardBatchGet({ offset: 0, count: 50 });
    expect(r.total_num).toBe(all.length);
    expect([...r.card_id_list].sort()).toEqual(all.map((c) => c.card_id).sort());
    const page = await client.cardBatchGet({ offset: 2, count: 3 });
    expect(page.card_id_list).toEqual(r.card_id_list.slice(2, 5));
    const ok = await client.cardBatchGet({
      offset: 0,
      count: 50,
      status_list: ['CARD_STATUS_VERIFY_OK'],
    });
    const expected = all.filter((c) => c.status === 'CARD_STATUS_VERIFY_OK').map((c) => c.card_id);
    expect([...ok.card_id_list].sort()).toEqual(expected.sort());
    await expectErrcode(client.cardBatchGet({ offset: 0, count: 51 }), 40097, 'card/batchget');
  });
});

describe('card/update', () => {
  it('updates allowed fields and reports send_check; a field of another type is refused', async () => {
    const { client } = rig.connect();
    const member = rig.sb.sim.cards().find((c) => c.card_type === 'MEMBER_CARD');
    if (!member) throw new Error('no member card');
    const quiet = await client.cardUpdate(member.card_id, 'MEMBER_CARD', {
      base_info: { service_phone: '021-12345678' },
    });
    expect(quiet.send_check).toBe(false);
    const reviewed = await client.cardUpdate(member.card_id, 'MEMBER_CARD', {
      prerogative: 'Members save 20% on everything.',
    });
    expect(reviewed.send_check).toBe(true);
    const after = await client.cardGet(member.card_id);
    if (after.card_type !== 'MEMBER_CARD') throw new Error('type changed');
    expect(after.member_card.prerogative).toBe('Members save 20% on everything.');
    expect(after.member_card.base_info.service_phone).toBe('021-12345678');
    expect(after.member_card.base_info.status).toBe('CARD_STATUS_NOT_VERIFY');

    const cash = rig.sb.sim.cards().find((c) => c.card_type === 'CASH');
    if (!cash) throw new Error('no cash card');
    // What the types forbid, sent anyway: the platform's refusal must come back typed.
    const wrong = { prerogative: 'not a member card' } as unknown as CardUpdateFields<'CASH'>;
    await expectErrcode(client.cardUpdate(cash.card_id, 'CASH', wrong), 40097, 'card/update');
  });
});

describe('card/modifystock', () => {
  it('changes the stock; taking more than there is is refused', async () => {
    const { client } = rig.connect();
    const card = rig.sb.sim.cards().find((c) => c.card_type === 'GIFT' && c.quantity > 0);
    if (!card) throw new Error('no gift card with stock');
    await client.cardModifyStock({ card_id: card.card_id, increase_stock_value: 7 });
    expect(rig.sb.sim.card(card.card_id)?.quantity).toBe(card.quantity + 7);
    await client.cardModifyStock({ card_id: card.card_id, reduce_stock_value: 2 });
    expect(rig.sb.sim.card(card.card_id)?.quantity).toBe(card.quantity + 5);
    await expectErrcode(
      client.cardModifyStock({ card_id: card.card_id, reduce_stock_value: card.quantity + 6 }),
      40122,
      'card/modifystock',
    );
    expect(rig.sb.sim.card(card.card_id)?.quantity).toBe(card.quantity + 5);
  });
});

describe('card/delete', () => {
  it('deletes a card, whose received codes stay usable; deleting again is 40078', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    await client.cardDelete(code.card_id);
    expect(rig.sb.sim.card(code.card_id)?.status).toBe('CARD_STATUS_DELETE');
    const r = await client.codeGet({ code: code.code, check_consume: true });
    expect(r.can_consume).toBe(true);
    await expectErrcode(client.cardDelete(code.card_id), 40078, 'card/delete');
  });
});

describe('card/user/getcardlist', () => {
  it("lists a customer's codes, optionally for one card; the daily quota error is typed", async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    const r = await client.userGetCardList({ openid: code.openid });
    const held = rig.sb.sim.codes({ openid: code.openid });
    expect(r.card_list.map((c) => c.code)).toContain(code.code);
    expect(r.card_list.length).toBeGreaterThan(0);
    expect(r.card_list.length).toBeLessThanOrEqual(held.length);
    expect(typeof r.has_share_card).toBe('boolean');
    const one = await client.userGetCardList({ openid: code.openid, card_id: code.card_id });
    expect(one.card_list.every((c) => c.card_id === code.card_id)).toBe(true);
    expect(one.card_list.map((c) => c.code)).toContain(code.code);
    rig.sb.sim.faults.add({ path: '/card/user/getcardlist', kind: 'errcode', errcode: 45009 });
    const e = await expectErrcode(
      client.userGetCardList({ openid: code.openid }),
      45009,
      'card/user/getcardlist',
    );
    expect(e.errmsg).toContain('quota');
    expect(rig.count('/card/user/getcardlist')).toBe(3); // 45009 is final: not retried
  });
});

describe('datacube', () => {
  const range = { begin_date: '2026-02-01', end_date: '2026-03-01' };

  it('returns the four reports as typed rows', async () => {
    const { client } = rig.connect();
    const biz = await client.datacube.getCardBizUinInfo({ ...range, cond_source: 1 });
    expect(Array.isArray(biz)).toBe(true);
    for (const row of biz) expect(row.ref_date).toMatch(/^2026-0[23]-\d\d$/);
    const cards = await client.datacube.getCardCardInfo({ ...range, cond_source: 1 });
    for (const row of cards) expect([0, 1, 2, 3, 4]).toContain(row.card_type);
    const members = await client.datacube.getCardMemberCardInfo({ ...range, cond_source: 1 });
    for (const row of members) expect(typeof row.total_user).toBe('number');
    const member = rig.sb.sim.cards().find((c) => c.card_type === 'MEMBER_CARD');
    if (!member) throw new Error('no member card');
    const detail = await client.datacube.getCardMemberCardDetail({
      ...range,
      card_id: member.card_id,
    });
    for (const row of detail) expect(row.cardid).toBe(member.card_id);
  });

  it('reports what happened: a redemption yesterday shows in the summary', async () => {
    const { client } = rig.connect();
    const code = redeemable(rig.sb);
    await client.codeConsume({ code: code.code });
    rig.sb.sim.clock.advance(24 * 3600 * 1000);
    const rows = await client.datacube.getCardBizUinInfo({
      begin_date: '2026-03-10',
      end_date: '2026-03-10',
      cond_source: 1,
    });
    const day = rows.find((r) => r.ref_date === '2026-03-10');
    expect(day?.verify_cnt).toBeGreaterThanOrEqual(1);
  });

  it('refuses a bad date format (61500) and a span over 62 days (61501)', async () => {
    const { client } = rig.connect();
    await expectErrcode(
      client.datacube.getCardBizUinInfo({
        begin_date: '2026/02/01',
        end_date: '2026-03-01',
        cond_source: 0,
      }),
      61500,
      'datacube/getcardbizuininfo',
    );
    await expectErrcode(
      client.datacube.getCardCardInfo({
        begin_date: '2025-10-01',
        end_date: '2026-03-01',
        cond_source: 0,
      }),
      61501,
      'datacube/getcardcardinfo',
    );
    await expectErrcode(
      client.datacube.getCardMemberCardInfo({
        begin_date: '2026-03-01',
        end_date: '2026-03-10',
        cond_source: 0,
      }),
      61501,
      'datacube/getcardmembercardinfo',
    );
  });
});
