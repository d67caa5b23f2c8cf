import { describe, expect, it } from 'vitest';
import {
  CARD_TYPES,
  CODE_STATUSES,
  SandboxSeed,
  demoSeed,
  listDemoCodes,
  DEMO_APPID,
} from '../../../electron/sandbox';
import { cardBodyOf } from '../../../electron/sandbox/seed-schema';
import { CASH, testSeed } from './fixtures';
import { TEST_NOW_MS } from './helpers';

function issuesOf(seed: unknown): string[] {
  const r = SandboxSeed.safeParse(seed);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('seed schema', () => {
  it('accepts the demo seed and the test seed', () => {
    expect(issuesOf(demoSeed())).toEqual([]);
    expect(issuesOf(testSeed())).toEqual([]);
  });

  it('rejects a seed without apps, or with unknown top-level keys', () => {
    expect(issuesOf({ apps: [], cards: [], codes: [] }).join()).toMatch(/apps/);
    expect(issuesOf({ ...testSeed(), extra: 1 }).join()).toMatch(/extra|Unrecognized/i);
  });

  it('rejects a card whose fields are under the wrong type key', () => {
    const seed = testSeed();
    const card = seed.cards[0] as Record<string, unknown>;
    card.discount = card.cash;
    delete card.cash;
    expect(issuesOf(seed).join('\n')).toMatch(
      /cards\.0\.discount: a CASH card carries its fields under "cash"/,
    );
  });

  it('rejects missing type-specific fields (a CASH card without reduce_cost)', () => {
    const seed = testSeed();
    delete ((seed.cards[0] as Record<string, unknown>).cash as Record<string, unknown>).reduce_cost;
    expect(issuesOf(seed).join('\n')).toMatch(/cards\.0\.cash\.reduce_cost/);
  });

  it('rejects a fixed range that ends before it begins and an unknown date type', () => {
    const seed = testSeed();
    const body = cardBodyOf(seed.cards[0]!);
    const raw = (seed.cards[0] as Record<string, Record<string, Record<string, unknown>>>).cash!;
    raw.base_info!.date_info = {
      ...body.base_info.date_info,
      begin_timestamp: 2_000_000_000,
      end_timestamp: 1,
    };
    expect(issuesOf(seed).join('\n')).toMatch(/begin_timestamp must not be after end_timestamp/);
    raw.base_info!.date_info = { type: 'DATE_TYPE_SOMETIMES' };
    expect(issuesOf(seed).join('\n')).toMatch(/cards\.0\.cash\.base_info\.date_info/);
  });

  it('rejects duplicate codes, codes of unknown cards, bad statuses and duplicate card ids', () => {
    const seed = testSeed();
    seed.codes.push({ ...seed.codes[0]! });
    seed.codes.push({ ...seed.codes[1]!, code: 'X1', card_id: 'pNOPE' });
    expect(issuesOf(seed).join('\n')).toMatch(/duplicate code/);
    expect(issuesOf(seed).join('\n')).toMatch(/card pNOPE is not in cards/);
    const bad = testSeed();
    (bad.codes[0] as Record<string, unknown>).status = 'USED';
    expect(issuesOf(bad).join('\n')).toMatch(/codes\.0\.status/);
    const dup = testSeed();
    dup.cards.push(structuredClone(dup.cards[0]!));
    expect(issuesOf(dup).join('\n')).toMatch(new RegExp(`duplicate card id ${CASH}`));
  });

  it('rejects wrong types, codes longer than 64 and unknown code fields', () => {
    const seed = testSeed();
    (seed.codes[0] as Record<string, unknown>).received_at = '2025-10-01';
    (seed.codes[1] as Record<string, unknown>).code = 'x'.repeat(65);
    (seed.codes[2] as Record<string, unknown>).colour = 'red';
    const text = issuesOf(seed).join('\n');
    expect(text).toMatch(/codes\.0\.received_at/);
    expect(text).toMatch(/codes\.1\.code/);
    expect(text).toMatch(/codes\.2.*colour|Unrecognized key.*colour/);
  });

  it('rejects a card owned by an app that is not in apps, and stats for unknown cards', () => {
    const seed = testSeed();
    seed.cards[0]!.appid = 'wxnobody';
    seed.stats_events!.push({ type: 'view', card_id: 'pGHOST', openid: 'o1', at: 1 });
    const text = issuesOf(seed).join('\n');
    expect(text).toMatch(/appid wxnobody is not in apps/);
    expect(text).toMatch(/stats_events\.4\.card_id/);
  });
});

describe('demo seed', () => {
  const seed = demoSeed();
  const codes = listDemoCodes(seed, TEST_NOW_MS);

  it('is deterministic: two calls give identical seeds', () => {
    expect(JSON.stringify(demoSeed())).toBe(JSON.stringify(seed));
  });

  it('has one app with a WeChat-shaped appid', () => {
    expect(seed.apps).toHaveLength(1);
    expect(seed.apps[0]!.appid).toBe(DEMO_APPID);
    expect(DEMO_APPID).toMatch(/^wx[a-z0-9]{16}$/);
  });

  it('covers every card type and every code status', () => {
    expect(new Set(seed.cards.map((c) => c.card_type))).toEqual(new Set(CARD_TYPES));
    expect(new Set(seed.codes.map((c) => c.status))).toEqual(new Set(CODE_STATUSES));
  });

  it('has the special cases: custom code, weekday time_limit, locations, deleted card, not yet valid, expired window', () => {
    const bodies = seed.cards.map(cardBodyOf);
    expect(bodies.some((b) => b.base_info.use_custom_code === true)).toBe(true);
    expect(
      bodies.some((b) => (b.advanced_info?.time_limit ?? []).some((t) => t.type === 'MONDAY')),
    ).toBe(true);
    expect(bodies.some((b) => (b.base_info.location_id_list ?? []).length > 0)).toBe(true);
    expect(bodies.some((b) => b.base_info.status === 'CARD_STATUS_DELETE')).toBe(true);
    expect(codes.some((c) => c.note.startsWith('not yet valid'))).toBe(true);
    expect(codes.some((c) => c.note.startsWith('expired (validity ended'))).toBe(true);
  });

  it('prices cash coupons in cents', () => {
    const cash = seed.cards.find((c) => c.card_type === 'CASH')!.cash as Record<string, unknown>;
    expect(cash.least_cost).toBe(10000);
    expect(cash.reduce_cost).toBe(1000);
  });

  it('has 12-digit codes and 30+ plainly redeemable codes, valid into 2035', () => {
    for (const c of seed.codes) expect(c.code).toMatch(/^[1-9]\d{11}$/);
    const plain = codes.filter((c) => c.note === 'redeemable');
    expect(plain.length).toBeGreaterThanOrEqual(30);
    expect(plain.every((c) => c.redeemable)).toBe(true);
    const in2035 = listDemoCodes(seed, Date.UTC(2035, 11, 30));
    expect(in2035.filter((c) => c.note === 'redeemable').length).toBe(plain.length);
  });

  it('lists every code with its card title, type, code_type and a note', () => {
    expect(codes).toHaveLength(seed.codes.length);
    const first = codes[0]!;
    expect(first).toMatchObject({
      title: '满100减10元代金券',
      card_type: 'CASH',
      status: 'NORMAL',
      code_type: 'CODE_TYPE_QRCODE',
      note: 'redeemable',
      redeemable: true,
      use_custom_code: false,
    });
    const notes = new Map(codes.map((c) => [c.status, c.note]));
    expect(notes.get('CONSUMED')).toBe('already redeemed');
    expect(notes.get('GIFTING')).toBe('being gifted to a friend');
    expect(notes.get('UNAVAILABLE')).toBe('set unavailable by the merchant');
    expect(codes.find((c) => c.use_custom_code)!.note).toBe(
      'redeemable; custom code: send card_id',
    );
    expect(codes.some((c) => c.note === 'redeemable; only on Mon, Tue, Wed, Thu, Fri')).toBe(true);
  });

  it('lists the codes of another seed too', () => {
    const list = listDemoCodes(testSeed(), TEST_NOW_MS);
    expect(list.find((c) => c.code === '200000000001')!.note).toBe(
      'expired (validity ended 2025-12-29)',
    );
  });
});
