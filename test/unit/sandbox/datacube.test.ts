import { describe, expect, it } from 'vitest';
import { shanghaiTime } from '../../../electron/sandbox/shanghai-time';
import { CASH, CUSTOM, MEMBER, TERM, testSeed } from './fixtures';
import { sandbox, Wx, type Json } from './helpers';

async function setup() {
  const sb = await sandbox({ seed: testSeed() });
  return { sb, wx: new Wx(sb) };
}

const zero = {
  view_cnt: 0,
  view_user: 0,
  receive_cnt: 0,
  receive_user: 0,
  verify_cnt: 0,
  verify_user: 0,
  given_cnt: 0,
  given_user: 0,
  expire_cnt: 0,
  expire_user: 0,
};

describe('datacube/getcardbizuininfo', () => {
  it('counts views, receipts, redemptions and gifts per day from the seed, one row per day', async () => {
    const { wx } = await setup();
    const body = await wx.post('/datacube/getcardbizuininfo', {
      begin_date: '2025-09-30',
      end_date: '2025-10-03',
      cond_source: 0,
    });
    expect(Object.keys(body)).toEqual(['list']);
    expect(body.list).toEqual([
      { ref_date: '2025-09-30', ...zero },
      {
        ref_date: '2025-10-01',
        ...zero,
        view_cnt: 3,
        view_user: 2,
        receive_cnt: 13,
        receive_user: 2,
        given_cnt: 1,
        given_user: 1,
      },
      {
        ref_date: '2025-10-02',
        ...zero,
        receive_cnt: 1,
        receive_user: 1,
        verify_cnt: 1,
        verify_user: 1,
      },
      { ref_date: '2025-10-03', ...zero, given_cnt: 1, given_user: 1 },
    ]);
  });

  it('counts a consume made through the API on the (Shanghai) day it happened', async () => {
    const { sb, wx } = await setup();
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
    sb.sim.clock.advance(24 * 3600 * 1000);
    await wx.fetchToken();
    const body = await wx.post('/datacube/getcardbizuininfo', {
      begin_date: '2026-01-15',
      end_date: '2026-01-15',
      cond_source: 1,
    });
    expect(body.list).toEqual([{ ref_date: '2026-01-15', ...zero, verify_cnt: 1, verify_user: 1 }]);
  });
});

describe('datacube/getcardcardinfo', () => {
  it('has rows per day and free coupon with activity, with the numeric card_type', async () => {
    const { wx } = await setup();
    const body = await wx.post('/datacube/getcardcardinfo', {
      begin_date: '2025-10-01',
      end_date: '2025-10-03',
      cond_source: 0,
    });
    expect(body.list).toEqual([
      {
        ref_date: '2025-10-01',
        card_id: CASH,
        card_type: 1,
        ...zero,
        view_cnt: 3,
        view_user: 2,
        receive_cnt: 8,
        receive_user: 2,
        given_cnt: 1,
        given_user: 1,
      },
      {
        ref_date: '2025-10-01',
        card_id: TERM,
        card_type: 0,
        ...zero,
        receive_cnt: 1,
        receive_user: 1,
      },
      {
        ref_date: '2025-10-01',
        card_id: CUSTOM,
        card_type: 3,
        ...zero,
        receive_cnt: 2,
        receive_user: 2,
      },
      {
        ref_date: '2025-10-02',
        card_id: CASH,
        card_type: 1,
        ...zero,
        verify_cnt: 1,
        verify_user: 1,
      },
      { ref_date: '2025-10-03', card_id: CASH, card_type: 1, ...zero, given_cnt: 1, given_user: 1 },
    ]);
  });

  it('counts an expiry on the day after the window ended, and filters by card_id', async () => {
    const { wx } = await setup();
    const body = await wx.post('/datacube/getcardcardinfo', {
      begin_date: '2025-12-25',
      end_date: '2025-12-31',
      cond_source: 0,
      card_id: TERM,
    });
    expect(body.list).toEqual([
      {
        ref_date: '2025-12-30',
        card_id: TERM,
        card_type: 0,
        ...zero,
        expire_cnt: 1,
        expire_user: 1,
      },
    ]);
    const member = await wx.post('/datacube/getcardcardinfo', {
      begin_date: '2025-10-01',
      end_date: '2025-10-03',
      cond_source: 0,
      card_id: MEMBER,
    });
    expect(member.list).toEqual([]);
    expect(
      (
        await wx.post('/datacube/getcardcardinfo', {
          begin_date: '2025-10-01',
          end_date: '2025-10-03',
          cond_source: 0,
          card_id: 'pNOPE',
        })
      ).errcode,
    ).toBe(40073);
  });
});

describe('member card reports', () => {
  it('getcardmembercardinfo: receipts, activations and running member totals', async () => {
    const { wx } = await setup();
    const body = await wx.post('/datacube/getcardmembercardinfo', {
      begin_date: '2025-10-01',
      end_date: '2025-10-02',
      cond_source: 0,
    });
    expect(body.list).toEqual([
      {
        ref_date: '2025-10-01',
        view_cnt: 0,
        view_user: 0,
        receive_cnt: 1,
        receive_user: 1,
        verify_cnt: 0,
        verify_user: 0,
        active_user: 1,
        total_user: 1,
        total_receive_user: 1,
      },
      {
        ref_date: '2025-10-02',
        view_cnt: 0,
        view_user: 0,
        receive_cnt: 1,
        receive_user: 1,
        verify_cnt: 0,
        verify_user: 0,
        active_user: 0,
        total_user: 2,
        total_receive_user: 2,
      },
    ]);
  });

  it('getcardmembercarddetail: one card per day; an unavailable member leaves total_user', async () => {
    const { sb, wx } = await setup();
    sb.sim.clock.set(shanghaiTime(2025, 10, 3, 9) * 1000);
    await wx.fetchToken();
    expect((await wx.post('/card/code/unavailable', { code: '300000000002' })).errcode).toBe(0);
    sb.sim.clock.set(shanghaiTime(2025, 10, 5, 9) * 1000);
    await wx.fetchToken();
    const body = await wx.post('/datacube/getcardmembercarddetail', {
      begin_date: '2025-10-01',
      end_date: '2025-10-03',
      card_id: MEMBER,
    });
    const rows = body.list as Json[];
    expect(
      rows.map((r) => [r.ref_date, r.receive_cnt, r.active_cnt, r.total_user, r.new_user]),
    ).toEqual([
      ['2025-10-01', 1, 1, 1, 1],
      ['2025-10-02', 1, 0, 2, 1],
      ['2025-10-03', 0, 0, 1, 0],
    ]);
    expect(rows[0]).toMatchObject({
      cardid: MEMBER,
      merchanttype: 1,
      submerchantid: 0,
      payOriginalFee: 0,
      fee: 0,
    });
    expect(
      (
        await wx.post('/datacube/getcardmembercarddetail', {
          begin_date: '2025-10-01',
          end_date: '2025-10-03',
          card_id: CASH,
        })
      ).list,
    ).toEqual([]);
    expect(
      (
        await wx.post('/datacube/getcardmembercarddetail', {
          begin_date: '2025-10-01',
          end_date: '2025-10-03',
        })
      ).errcode,
    ).toBe(41012);
  });
});

describe('datacube date rules', () => {
  const range = (begin_date: unknown, end_date: unknown) => ({
    begin_date,
    end_date,
    cond_source: 0,
  });

  it('61500 for anything but a strict YYYY-MM-DD date', async () => {
    const { wx } = await setup();
    for (const bad of ['2025/10/01', '2025-10-1', '2025-02-30', '20251001', 20251001, '', null]) {
      const body = await wx.post('/datacube/getcardbizuininfo', range(bad, '2025-10-02'));
      expect(body.errcode).toBe(61500);
      expect(body.errmsg).toMatch(/^date format error/);
    }
  });

  it('61501 for end before begin, more than 62 days, or an end date of today or later', async () => {
    const { wx } = await setup();
    const post = (b: string, e: string) => wx.post('/datacube/getcardcardinfo', range(b, e));
    expect((await post('2025-10-02', '2025-10-01')).errcode).toBe(61501);
    // 2025-10-01..2025-12-01 is 62 days inclusive; one more is too many.
    expect((await post('2025-10-01', '2025-12-01')).list).toEqual(expect.any(Array));
    expect((await post('2025-10-01', '2025-12-02')).errcode).toBe(61501);
    // The test clock is 2026-01-15 12:00 Shanghai.
    expect((await post('2026-01-14', '2026-01-14')).list).toEqual([]);
    expect((await post('2026-01-14', '2026-01-15')).errcode).toBe(61501);
    expect((await post('2026-01-16', '2026-01-17')).errcode).toBe(61501);
  });

  it('uses the Shanghai day for "today", not the UTC day', async () => {
    const { sb, wx } = await setup();
    // 2026-01-14 23:30 in Shanghai: the 14th is still today.
    sb.sim.clock.set(Date.UTC(2026, 0, 14, 15, 30));
    await wx.fetchToken();
    expect(
      (await wx.post('/datacube/getcardbizuininfo', range('2026-01-14', '2026-01-14'))).errcode,
    ).toBe(61501);
    // 2026-01-15 00:30 in Shanghai (still the 14th in UTC): the 14th is now yesterday.
    sb.sim.clock.set(Date.UTC(2026, 0, 14, 16, 30));
    await wx.fetchToken();
    expect(
      (await wx.post('/datacube/getcardbizuininfo', range('2026-01-14', '2026-01-14'))).list,
    ).toHaveLength(1);
  });

  it('missing fields 41011, a bad cond_source 47001', async () => {
    const { wx } = await setup();
    expect(
      (await wx.post('/datacube/getcardbizuininfo', { end_date: '2025-10-01', cond_source: 0 }))
        .errcode,
    ).toBe(41011);
    expect(
      (
        await wx.post('/datacube/getcardbizuininfo', {
          begin_date: '2025-10-01',
          end_date: '2025-10-01',
        })
      ).errcode,
    ).toBe(41011);
    expect(
      (
        await wx.post('/datacube/getcardbizuininfo', {
          begin_date: '2025-10-01',
          end_date: '2025-10-01',
          cond_source: 7,
        })
      ).errcode,
    ).toBe(47001);
  });
});

describe('the demo seed’s history', () => {
  // 2026-01-15 12:00 Shanghai: the 120 days before it are 2025-09-17 .. 2026-01-14.
  async function demo() {
    const { demoSeed } = await import('../../../electron/sandbox');
    const sb = await sandbox({ seed: demoSeed() });
    return { sb, wx: new Wx(sb) };
  }
  const range = (begin: string, end: string) => ({
    begin_date: begin,
    end_date: end,
    cond_source: 0,
  });

  it('fills every report with plausible activity for the last months, the same on every run', async () => {
    const { sb, wx } = await demo();
    const biz = (await wx.post('/datacube/getcardbizuininfo', range('2025-11-16', '2026-01-14')))
      .list as Json[];
    expect(biz).toHaveLength(60);
    for (const row of biz) {
      expect(row.view_cnt as number).toBeGreaterThan(0);
      expect(row.receive_cnt as number).toBeGreaterThan(0);
      expect(row.verify_cnt as number).toBeGreaterThan(0);
      expect(row.view_user as number).toBeLessThanOrEqual(row.view_cnt as number);
      expect(row.receive_cnt as number).toBeLessThanOrEqual(row.view_cnt as number);
    }
    // Weekends are busier than weekdays, on the whole.
    const day = (r: Json) => new Date(`${r.ref_date as string}T12:00:00+08:00`).getUTCDay();
    const avg = (rows: Json[]) =>
      rows.reduce((n, r) => n + (r.view_cnt as number), 0) / rows.length;
    const weekend = biz.filter((r) => day(r) === 0 || day(r) === 6);
    const weekdays = biz.filter((r) => day(r) !== 0 && day(r) !== 6);
    expect(avg(weekend)).toBeGreaterThan(avg(weekdays));

    const cards = (await wx.post('/datacube/getcardcardinfo', range('2025-12-01', '2025-12-31')))
      .list as Json[];
    expect(new Set(cards.map((r) => r.ref_date)).size).toBe(31);
    expect(new Set(cards.map((r) => r.card_id)).size).toBeGreaterThan(5);

    const members = (
      await wx.post('/datacube/getcardmembercardinfo', range('2025-12-01', '2025-12-31'))
    ).list as Json[];
    expect(members.every((r) => (r.active_user as number) > 0)).toBe(true);
    const memberId = sb.sim.cards().find((c) => c.card_type === 'MEMBER_CARD')!.card_id;
    const detail = (
      await wx.post('/datacube/getcardmembercarddetail', {
        ...range('2025-12-01', '2025-12-31'),
        card_id: memberId,
      })
    ).list as Json[];
    expect(detail.every((r) => (r.view_cnt as number) > 0 && (r.active_cnt as number) > 0)).toBe(
      true,
    );

    const again = await demo();
    expect(
      (await again.wx.post('/datacube/getcardbizuininfo', range('2025-11-16', '2026-01-14'))).list,
    ).toEqual(biz);
  });

  it('stops before the history begins, and a seed without history keeps its zeros', async () => {
    const { wx } = await demo();
    const old = (await wx.post('/datacube/getcardbizuininfo', range('2025-07-01', '2025-07-31')))
      .list as Json[];
    const { demoSeed } = await import('../../../electron/sandbox');
    const without = await sandbox({ seed: { ...demoSeed(), history: undefined } });
    // Before the 120 days, the reports are exactly the seed's own activity.
    expect(
      (await new Wx(without).post('/datacube/getcardbizuininfo', range('2025-07-01', '2025-07-31')))
        .list,
    ).toEqual(old);
    expect(
      (await new Wx(without).post('/datacube/getcardbizuininfo', range('2025-12-01', '2025-12-31')))
        .list,
    ).not.toEqual(
      (await wx.post('/datacube/getcardbizuininfo', range('2025-12-01', '2025-12-31'))).list,
    );
    const { wx: plain } = await setup();
    const rows = (
      await plain.post('/datacube/getcardbizuininfo', range('2025-12-01', '2025-12-03'))
    ).list as Json[];
    expect(rows).toEqual([
      { ref_date: '2025-12-01', ...zero },
      { ref_date: '2025-12-02', ...zero },
      { ref_date: '2025-12-03', ...zero },
    ]);
  });
});
