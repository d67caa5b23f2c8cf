import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../shared/office/csv';
import { checkNewCode } from '../../../shared/office/custom-code';
import { MAX_TOTAL_QUANTITY, previewStock } from '../../../shared/office/stock-rules';

describe('stock changes (card/modifystock)', () => {
  const sku = { quantity: 993, total_quantity: 1000 };

  it('previews the new stock and total', () => {
    expect(previewStock(sku, 'increase', 7)).toEqual({ ok: true, quantity: 1000, total: 1007 });
    expect(previewStock(sku, 'reduce', 993)).toEqual({ ok: true, quantity: 0, total: 7 });
  });

  it('refuses what the platform refuses', () => {
    expect(previewStock(sku, 'reduce', 994)).toMatchObject({ ok: false, problem: 'below_zero' });
    expect(previewStock({ quantity: 0, total_quantity: 10 }, 'reduce', 1)).toMatchObject({
      ok: false,
      problem: 'stock_empty',
    });
    expect(previewStock(sku, 'increase', MAX_TOTAL_QUANTITY - 1000)).toMatchObject({ ok: true });
    expect(previewStock(sku, 'increase', MAX_TOTAL_QUANTITY - 999)).toMatchObject({
      ok: false,
      problem: 'over_max',
    });
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(previewStock(sku, 'increase', bad).problem, String(bad)).toBe('not_whole_number');
    }
  });
});

describe('new custom codes (code/update)', () => {
  it('takes 1-64 printable characters that differ from the old code', () => {
    expect(checkNewCode('428653249747', 'GIFT-2026-0001')).toBeUndefined();
    expect(checkNewCode('428653249747', '')).toBe('required');
    expect(checkNewCode('428653249747', 'x'.repeat(65))).toBe('too_long');
    expect(checkNewCode('428653249747', 'has space')).toBe('not_printable');
    expect(checkNewCode('428653249747', '新码')).toBe('not_printable');
    expect(checkNewCode('428653249747', '428653249747')).toBe('same_as_old');
  });
});

describe('CSV for Excel', () => {
  it('starts with a BOM, ends lines with CRLF, quotes and defuses formulas', () => {
    const csv = toCsv(
      [
        { header: '日期', value: (r: { d: string; n: number; t: string }) => r.d },
        { header: '核销次数', value: (r) => r.n },
        { header: '卡券', value: (r) => r.t },
      ],
      [
        { d: '2026-03-01', n: 4, t: '满100减10元, "新"' },
        { d: '2026-03-02', n: 0, t: '=HYPERLINK("x")' },
      ],
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')).toEqual([
      '日期,核销次数,卡券',
      '2026-03-01,4,"满100减10元, ""新"""',
      `2026-03-02,0,"'=HYPERLINK(""x"")"`,
      '',
    ]);
  });
});
