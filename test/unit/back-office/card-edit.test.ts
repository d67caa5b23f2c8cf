import { describe, expect, it } from 'vitest';
import { demoSeed } from '../../../electron/sandbox';
import {
  buildUpdate,
  checkUpdateFields,
  draftFromCard,
  editableFields,
  isUrlField,
  utf8Bytes,
} from '../../../shared/office/card-edit';
import { Card } from '../../../shared/wechat/card';

const seed = demoSeed();
const cardOf = (type: string, title?: string): Card =>
  Card.parse(
    seed.cards.find(
      (c) =>
        c.card_type === type &&
        (!title ||
          (c as unknown as Record<string, { base_info: { title: string } }>)[type.toLowerCase()]!
            .base_info.title === title),
    ),
  );
const cash = cardOf('CASH', '满100减10元代金券'); // fixed range 2024-01-01 – 2035-12-31
const member = cardOf('MEMBER_CARD');
const movie = cardOf('MOVIE_TICKET');
const boarding = cardOf('BOARDING_PASS');
const termCard = cardOf('CASH', '50元无门槛券'); // fixed term

describe('which fields card/update takes, per card type', () => {
  it('has the common fields for every type and the type fields only for theirs', () => {
    const names = (c: Card) => editableFields(c.card_type).map((f) => f.name);
    expect(names(cash)).toContain('notice');
    expect(names(cash)).not.toContain('bonus_rules');
    expect(names(member)).toEqual(expect.arrayContaining(['prerogative', 'custom_cell1']));
    expect(names(movie)).toContain('detail');
    expect(names(boarding)).toEqual(expect.arrayContaining(['gate', 'boarding_time']));
    expect(names(cash)).not.toContain('title');
  });

  it('refuses fields the reference does not list, or another type’s', () => {
    expect(checkUpdateFields(cash, { base_info: { title: 'x' } }).problems).toEqual([
      { field: 'title', problem: 'not_allowed' },
    ]);
    expect(checkUpdateFields(cash, { bonus_rules: 'x' }).problems).toEqual([
      { field: 'bonus_rules', problem: 'not_allowed' },
    ]);
    expect(checkUpdateFields(member, { bonus_rules: 'x' }).ok).toBe(true);
    expect(checkUpdateFields(cash, {}).problems).toEqual([
      { field: 'fields', problem: 'nothing_changed' },
    ]);
  });
});

describe('limits of the reference, in UTF-8 bytes', () => {
  it('notice is string(48): 16 Chinese characters fit, 17 do not', () => {
    expect(utf8Bytes('结账时出示二维码')).toBe(24);
    const ok = '一二三四五六七八九十一二三四五六';
    expect(checkUpdateFields(cash, { base_info: { notice: ok } }).ok).toBe(true);
    expect(checkUpdateFields(cash, { base_info: { notice: `${ok}七` } }).problems).toEqual([
      { field: 'notice', problem: 'too_long', max: 48 },
    ]);
  });

  it('checks each length of the table', () => {
    const over = (n: number) => 'a'.repeat(n + 1);
    const cases: [Card, Record<string, unknown>, string, number][] = [
      [cash, { base_info: { service_phone: '1'.repeat(25) } }, 'service_phone', 24],
      [cash, { base_info: { center_title: over(18) } }, 'center_title', 18],
      [cash, { base_info: { center_sub_title: over(24) } }, 'center_sub_title', 24],
      [cash, { base_info: { custom_url_name: over(16) } }, 'custom_url_name', 16],
      [cash, { base_info: { custom_url_sub_title: over(18) } }, 'custom_url_sub_title', 18],
      [cash, { base_info: { promotion_url_name: over(16) } }, 'promotion_url_name', 16],
      [cash, { base_info: { promotion_url_sub_title: over(18) } }, 'promotion_url_sub_title', 18],
      [cash, { base_info: { description: over(3072) } }, 'description', 3072],
      [cash, { base_info: { logo_url: `https://a.cn/${over(120)}` } }, 'logo_url', 128],
      [member, { prerogative: over(3072) }, 'prerogative', 3072],
      [boarding, { gate: over(12) }, 'gate', 12],
    ];
    for (const [card, fields, field, max] of cases) {
      expect(checkUpdateFields(card, fields).problems, field).toContainEqual({
        field,
        problem: 'too_long',
        max,
      });
    }
  });

  it('checks URL fields', () => {
    for (const good of ['qq.com', 'www.qq.com', 'mmbiz.qpic.cn/', 'https://a.example.cn/x?y=1', ''])
      expect(isUrlField(good), good).toBe(true);
    for (const bad of ['not a url', 'javascript:alert(1)', 'ftp://x.cn', 'http://', 'qq'])
      expect(isUrlField(bad), bad).toBe(false);
    expect(checkUpdateFields(cash, { base_info: { custom_url: 'no url' } }).problems).toEqual([
      { field: 'custom_url', problem: 'not_url' },
    ]);
    expect(
      checkUpdateFields(member, { custom_cell1: { name: '积分商城', url: 'bad url' } }).problems,
    ).toEqual([{ field: 'custom_cell1.url', problem: 'not_url' }]);
    expect(
      checkUpdateFields(member, { custom_cell1: { name: '', url: 'qq.com' } }).problems,
    ).toEqual([{ field: 'custom_cell1.name', problem: 'required' }]);
  });
});

describe('validity: extend-only, fixed ranges only', () => {
  const range = (b: number, e: number) => ({
    base_info: {
      date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: b, end_timestamp: e },
    },
  });
  const BEGIN = 1704038400;
  const END = 2082729599;

  it('takes a wider range', () => {
    expect(checkUpdateFields(cash, range(BEGIN - 86400, END + 86400)).ok).toBe(true);
    expect(checkUpdateFields(cash, range(BEGIN, END)).ok).toBe(true);
  });

  it('refuses a later begin or an earlier end', () => {
    expect(checkUpdateFields(cash, range(BEGIN + 1, END)).problems).toEqual([
      { field: 'date_info.begin', problem: 'validity_begin_later' },
    ]);
    expect(checkUpdateFields(cash, range(BEGIN, END - 1)).problems).toEqual([
      { field: 'date_info.end', problem: 'validity_end_earlier' },
    ]);
  });

  it('refuses any change to a fixed-term card, and a fixed term as the new rule', () => {
    expect(checkUpdateFields(termCard, range(BEGIN, END)).problems).toEqual([
      { field: 'date_info', problem: 'validity_not_range' },
    ]);
    expect(
      checkUpdateFields(cash, {
        base_info: { date_info: { type: 'DATE_TYPE_FIX_TERM', fixed_term: 30 } },
      }).ok,
    ).toBe(false);
    expect(draftFromCard(termCard).date_info).toBeUndefined();
  });
});

describe('the edit form’s draft → only the changed fields, and which need review', () => {
  it('sends nothing when nothing changed', () => {
    const built = buildUpdate(cash, draftFromCard(cash));
    expect(built.changes).toEqual([]);
    expect(built.ok).toBe(false);
  });

  it('marks review fields (notice, colour, description, logo, member rules, movie detail)', () => {
    const draft = { ...draftFromCard(cash), notice: '新的提醒', service_phone: '021-1234' };
    const built = buildUpdate(cash, draft);
    expect(built.ok).toBe(true);
    expect(built.fields).toEqual({ base_info: { notice: '新的提醒', service_phone: '021-1234' } });
    expect(built.review).toEqual(['notice']);
    expect(built.changes.map((c) => [c.field, c.review])).toEqual([
      ['notice', true],
      ['service_phone', false],
    ]);
    expect(buildUpdate(member, { ...draftFromCard(member), bonus_rules: 'x' }).review).toEqual([
      'bonus_rules',
    ]);
    expect(buildUpdate(movie, { ...draftFromCard(movie), detail: 'x' }).review).toEqual(['detail']);
    expect(buildUpdate(cash, { ...draftFromCard(cash), get_limit: '5' }).review).toEqual([]);
  });

  it('turns typed values into the platform’s types', () => {
    const built = buildUpdate(cash, {
      ...draftFromCard(cash),
      get_limit: '5',
      can_share: false,
      location_id_list: '1, 2，3',
      date_info: { begin: '2024-01-01', end: '2036-06-30' },
    });
    expect(built.fields).toEqual({
      base_info: {
        get_limit: 5,
        can_share: false,
        location_id_list: [1, 2, 3],
        // The unchanged begin day keeps its exact time; the new end is 23:59:59 Beijing time.
        date_info: {
          type: 'DATE_TYPE_FIX_TIME_RANGE',
          begin_timestamp: 1704038400,
          end_timestamp: Date.UTC(2036, 5, 30, 15, 59, 59) / 1000,
        },
      },
    });
    // Clearing the stores sends the reference's "0".
    expect(buildUpdate(cash, { ...draftFromCard(cash), location_id_list: '' }).fields).toEqual({
      base_info: { location_id_list: [0] },
    });
    expect(
      buildUpdate(boarding, {
        ...draftFromCard(boarding),
        gate: 'B12',
        boarding_time: '2030-05-01T08:30',
      }).fields,
    ).toEqual({ gate: 'B12', boarding_time: Date.UTC(2030, 4, 1, 0, 30) / 1000 });
  });

  it('reports what was typed wrong, by field', () => {
    const built = buildUpdate(cash, {
      ...draftFromCard(cash),
      get_limit: '0',
      location_id_list: '12, abc',
      date_info: { begin: '2024-01-01', end: '2030-01-01' },
    });
    expect(built.ok).toBe(false);
    expect(built.problems).toEqual(
      expect.arrayContaining([
        { field: 'get_limit', problem: 'at_least_one' },
        { field: 'location_id_list', problem: 'not_locations' },
        { field: 'date_info.end', problem: 'validity_end_earlier' },
      ]),
    );
  });
});
