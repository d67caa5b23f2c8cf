import { describe, expect, it } from 'vitest';
import { shanghaiTime } from '../../../electron/sandbox/shanghai-time';
import { APP2, CASH, CUSTOM, MEMBER, RECEIVED, TERM, U1, testSeed } from './fixtures';
import { sandbox, Wx } from './helpers';

async function setup(startMs?: number) {
  const sb = await sandbox({ seed: testSeed(), ...(startMs ? { startTime: startMs } : {}) });
  return { sb, wx: new Wx(sb) };
}

describe('card/code/get', () => {
  it('answers a normal code exactly like the reference', async () => {
    const { wx } = await setup();
    const body = await wx.post('/card/code/get', { code: '100000000001', check_consume: true });
    expect(body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      card: {
        card_id: CASH,
        begin_time: shanghaiTime(2025, 1, 1),
        end_time: shanghaiTime(2030, 12, 31, 23, 59, 59),
      },
      openid: U1,
      can_consume: true,
      outer_str: 'qr',
      user_card_status: 'NORMAL',
    });
    expect(Object.keys(body)).toEqual([
      'errcode',
      'errmsg',
      'card',
      'openid',
      'can_consume',
      'outer_str',
      'user_card_status',
    ]);
  });

  it('check_consume true: CONSUMED 40099, the other abnormal statuses 40127', async () => {
    const { wx } = await setup();
    const get = (code: string) => wx.post('/card/code/get', { code, check_consume: true });
    expect((await get('100000000003')).errcode).toBe(40099);
    for (const code of [
      '100000000004',
      '100000000005',
      '100000000006',
      '100000000007',
      '100000000008',
    ]) {
      const body = await get(code);
      expect(body.errcode).toBe(40127);
      expect(body.errmsg).toMatch(/^invalid user-card status!/);
    }
  });

  it('check_consume defaults to true', async () => {
    const { wx } = await setup();
    expect((await wx.post('/card/code/get', { code: '100000000003' })).errcode).toBe(40099);
  });

  it('check_consume false: errcode 0 with the status and can_consume false', async () => {
    const { wx } = await setup();
    const expected: Record<string, string> = {
      '100000000003': 'CONSUMED',
      '100000000004': 'GIFTING',
      '100000000005': 'GIFT_TIMEOUT',
      '100000000006': 'DELETE',
      '100000000007': 'UNAVAILABLE',
      '100000000008': 'EXPIRE',
    };
    for (const [code, status] of Object.entries(expected)) {
      const body = await wx.post('/card/code/get', { code, check_consume: false });
      expect(body).toMatchObject({ errcode: 0, user_card_status: status, can_consume: false });
    }
  });

  it('unknown codes, codes of another app and codes with a wrong card_id answer 40056 either way', async () => {
    const { wx } = await setup();
    for (const check of [true, false]) {
      expect(
        (await wx.post('/card/code/get', { code: '999999999999', check_consume: check })).errcode,
      ).toBe(40056);
      expect(
        (await wx.post('/card/code/get', { code: '900000000001', check_consume: check })).errcode,
      ).toBe(40056);
      expect(
        (
          await wx.post('/card/code/get', {
            code: '100000000001',
            card_id: TERM,
            check_consume: check,
          })
        ).errcode,
      ).toBe(40056);
    }
    const other = new Wx(wx.sb, APP2);
    expect((await other.post('/card/code/get', { code: '900000000001' })).errcode).toBe(0);
  });

  it('custom codes need card_id (40056 without it)', async () => {
    const { wx } = await setup();
    expect((await wx.post('/card/code/get', { code: 'CUSTOM-0001' })).errcode).toBe(40056);
    expect(
      (await wx.post('/card/code/get', { code: 'CUSTOM-0001', check_consume: false })).errcode,
    ).toBe(40056);
    const ok = await wx.post('/card/code/get', { code: 'CUSTOM-0001', card_id: CUSTOM });
    expect(ok).toMatchObject({ errcode: 0, can_consume: true, card: { card_id: CUSTOM } });
  });

  it('computes a fixed-term window from the receipt and reports EXPIRE once it has passed', async () => {
    // Inside: 2025-11-01.
    const { sb, wx } = await setup(shanghaiTime(2025, 11, 1, 12) * 1000);
    const inside = await wx.post('/card/code/get', { code: '200000000001' });
    expect(inside).toMatchObject({
      errcode: 0,
      can_consume: true,
      user_card_status: 'NORMAL',
      card: {
        begin_time: shanghaiTime(2025, 10, 1),
        end_time: shanghaiTime(2025, 12, 29, 23, 59, 59),
      },
    });
    sb.sim.clock.set(shanghaiTime(2025, 12, 30) * 1000);
    await wx.fetchToken(); // two months later the old token has long expired
    expect(
      await wx.post('/card/code/get', { code: '200000000001', check_consume: false }),
    ).toMatchObject({
      errcode: 0,
      can_consume: false,
      user_card_status: 'EXPIRE',
    });
    expect((await wx.post('/card/code/get', { code: '200000000001' })).errcode).toBe(40127);
    expect(sb.sim.code('200000000001')).toMatchObject({
      status: 'NORMAL',
      user_card_status: 'EXPIRE',
    });
  });

  it('a code whose window has not begun: NORMAL, can_consume false, errcode 0 even with check_consume', async () => {
    const { wx } = await setup(shanghaiTime(2024, 12, 31, 23) * 1000);
    const body = await wx.post('/card/code/get', { code: '100000000001', check_consume: true });
    expect(body).toMatchObject({ errcode: 0, user_card_status: 'NORMAL', can_consume: false });
  });

  it('a permanent member card reports the day of receipt to 2099-12-31', async () => {
    const { wx } = await setup();
    const body = await wx.post('/card/code/get', { code: '300000000001' });
    expect(body.card).toEqual({
      card_id: MEMBER,
      begin_time: shanghaiTime(2025, 10, 1),
      end_time: 4102415999,
    });
  });
});

describe('card/code/consume', () => {
  it("consumes a normal code once, with the facts' response shape; twice answers 40099", async () => {
    const { sb, wx } = await setup();
    const body = await wx.post('/card/code/consume', { code: '100000000001' });
    expect(body).toEqual({ errcode: 0, errmsg: 'ok', card: { card_id: CASH }, openid: U1 });
    expect(sb.sim.code('100000000001')).toMatchObject({
      status: 'CONSUMED',
      status_at: sb.sim.clock.nowSeconds(),
    });
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(40099);
    expect(sb.sim.callCount('/card/code/consume')).toBe(2);
  });

  it('refuses the abnormal statuses: GIFTING, GIFT_TIMEOUT, DELETE, UNAVAILABLE 40127; EXPIRE 40079', async () => {
    const { sb, wx } = await setup();
    for (const code of ['100000000004', '100000000005', '100000000006', '100000000007']) {
      expect((await wx.post('/card/code/consume', { code })).errcode).toBe(40127);
    }
    expect((await wx.post('/card/code/consume', { code: '100000000008' })).errcode).toBe(40079);
    expect(sb.sim.codes({ status: 'CONSUMED' }).map((c) => c.code)).toEqual(['100000000003']);
  });

  it('refuses outside the window with 40079 (before and after)', async () => {
    const { sb, wx } = await setup(shanghaiTime(2025, 12, 30) * 1000);
    expect((await wx.post('/card/code/consume', { code: '200000000001' })).errcode).toBe(40079);
    sb.sim.clock.set(shanghaiTime(2024, 6, 1) * 1000);
    const before = await wx.post('/card/code/consume', { code: '100000000001' });
    expect(before.errcode).toBe(40079);
    expect(before.errmsg).toMatch(/^invalid time hint: \[code not yet valid\]/);
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
  });

  it('unknown 40056; custom code without card_id 40056, with it ok', async () => {
    const { sb, wx } = await setup();
    expect((await wx.post('/card/code/consume', { code: '123' })).errcode).toBe(40056);
    expect((await wx.post('/card/code/consume', { code: 'CUSTOM-0001' })).errcode).toBe(40056);
    expect(sb.sim.code('CUSTOM-0001')!.status).toBe('NORMAL');
    const ok = await wx.post('/card/code/consume', { code: 'CUSTOM-0001', card_id: CUSTOM });
    expect(ok).toMatchObject({ errcode: 0, card: { card_id: CUSTOM } });
  });

  it("a deleted card's received codes stay consumable (reference)", async () => {
    const { sb, wx } = await setup();
    expect((await wx.post('/card/delete', { card_id: CASH })).errcode).toBe(0);
    expect(sb.sim.card(CASH)!.status).toBe('CARD_STATUS_DELETE');
    expect((await wx.post('/card/code/consume', { code: '100000000002' })).errcode).toBe(0);
  });
});

describe('card/code/decrypt', () => {
  it("decrypts the simulator's encrypt_code; the encryption is deterministic", async () => {
    const { sb, wx } = await setup();
    const enc = sb.sim.encryptCode('100000000001');
    expect(enc).toBe(sb.sim.encryptCode('100000000001'));
    expect(enc).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await wx.post('/card/code/decrypt', { encrypt_code: enc })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      code: '100000000001',
    });
  });

  it('rejects tampered, URL-encoded, foreign-app and garbage input with 40075', async () => {
    const { sb, wx } = await setup();
    const enc = sb.sim.encryptCode('100000000001');
    const flipped = `${enc.slice(0, 5)}${enc[5] === 'A' ? 'B' : 'A'}${enc.slice(6)}`;
    for (const bad of [
      flipped,
      encodeURIComponent(enc),
      sb.sim.encryptCode('100000000001', APP2.appid),
      'hello',
      '',
    ]) {
      expect((await wx.post('/card/code/decrypt', { encrypt_code: bad })).errcode).toBe(40075);
    }
    expect((await wx.post('/card/code/decrypt', {})).errcode).toBe(41011);
  });
});

describe('card/code/unavailable', () => {
  it('sets a normal code unavailable and stores the reason', async () => {
    const { sb, wx } = await setup();
    expect(
      await wx.post('/card/code/unavailable', { code: '100000000002', reason: '用户退款' }),
    ).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    expect(sb.sim.code('100000000002')).toMatchObject({
      status: 'UNAVAILABLE',
      unavailable_reason: '用户退款',
    });
    expect((await wx.post('/card/code/consume', { code: '100000000002' })).errcode).toBe(40127);
    expect((await wx.post('/card/code/unavailable', { code: '100000000002' })).errcode).toBe(40127);
  });

  it('refuses consumed (40099) and unknown (40056) codes; custom codes need card_id', async () => {
    const { wx } = await setup();
    expect((await wx.post('/card/code/unavailable', { code: '100000000003' })).errcode).toBe(40099);
    expect((await wx.post('/card/code/unavailable', { code: 'nope' })).errcode).toBe(40056);
    expect((await wx.post('/card/code/unavailable', { code: 'CUSTOM-0002' })).errcode).toBe(40056);
    expect(
      (await wx.post('/card/code/unavailable', { code: 'CUSTOM-0002', card_id: CUSTOM })).errcode,
    ).toBe(0);
  });

  it('refuses a reason longer than 64 bytes with 45021 and changes nothing', async () => {
    const { sb, wx } = await setup();
    const body = await wx.post('/card/code/unavailable', {
      code: '100000000002',
      reason: '退'.repeat(22),
    });
    expect(body.errcode).toBe(45021);
    expect(sb.sim.code('100000000002')!.status).toBe('NORMAL');
  });
});

describe('card/code/update', () => {
  it('changes a custom code; the old code no longer exists (40056)', async () => {
    const { sb, wx } = await setup();
    const newCode = `N${'9'.repeat(63)}`;
    const ok = await wx.post('/card/code/update', {
      code: 'CUSTOM-0002',
      card_id: CUSTOM,
      new_code: newCode,
    });
    expect(ok).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(sb.sim.code('CUSTOM-0002')).toBeUndefined();
    expect(sb.sim.code(newCode)).toMatchObject({
      card_id: CUSTOM,
      status: 'NORMAL',
      received_at: RECEIVED,
    });
    expect(
      (await wx.post('/card/code/get', { code: 'CUSTOM-0002', card_id: CUSTOM })).errcode,
    ).toBe(40056);
    expect((await wx.post('/card/code/get', { code: newCode, card_id: CUSTOM })).errcode).toBe(0);
  });

  it('non-custom cards 43009; bad or taken new_code 40116; custom without card_id 40056', async () => {
    const { sb, wx } = await setup();
    expect(
      (await wx.post('/card/code/update', { code: '100000000001', new_code: '555' })).errcode,
    ).toBe(43009);
    const up = (new_code: string) =>
      wx.post('/card/code/update', { code: 'CUSTOM-0002', card_id: CUSTOM, new_code });
    expect((await up('x'.repeat(65))).errcode).toBe(40116);
    expect((await up('has space')).errcode).toBe(40116);
    expect((await up('')).errcode).toBe(40116);
    expect((await up('CUSTOM-0001')).errcode).toBe(40116);
    expect(
      (await wx.post('/card/code/update', { code: 'CUSTOM-0002', new_code: 'Z1' })).errcode,
    ).toBe(40056);
    expect(sb.sim.code('CUSTOM-0002')!.status).toBe('NORMAL');
  });
});

describe('card/user/getcardlist', () => {
  it("lists the user's codes of this app, normal and abnormal, without consumed or deleted ones", async () => {
    const { wx } = await setup();
    const body = await wx.post('/card/user/getcardlist', {
      openid: 'oTESTuser0000000000000000002',
    });
    expect(body.errcode).toBe(0);
    expect(body.card_list).toEqual([
      { code: '100000000004', card_id: CASH },
      { code: '100000000005', card_id: CASH },
      { code: '100000000007', card_id: CASH },
      { code: '100000000008', card_id: CASH },
      { code: 'CUSTOM-0002', card_id: CUSTOM },
      { code: '300000000002', card_id: MEMBER },
    ]);
    expect(body.has_share_card).toBe(false);
  });

  it("filters by card_id, reports has_share_card for a friend's coupon, needs openid (41009)", async () => {
    const { wx } = await setup();
    const mine = await wx.post('/card/user/getcardlist', { openid: U1, card_id: CUSTOM });
    expect(mine).toEqual({
      errcode: 0,
      errmsg: 'ok',
      card_list: [{ code: 'CUSTOM-0001', card_id: CUSTOM }],
      has_share_card: true,
    });
    const all = await wx.post('/card/user/getcardlist', { openid: U1 });
    expect((all.card_list as unknown[]).length).toBe(6); // not the other app's card
    expect((await wx.post('/card/user/getcardlist', {})).errcode).toBe(41009);
    expect((await wx.post('/card/user/getcardlist', { openid: 'nobody' })).card_list).toEqual([]);
  });
});
