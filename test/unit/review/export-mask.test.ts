/** A cashier's export: codes masked in CSV and JSON Lines without disturbing anything else. */
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../electron/audit/export';
import { maskCsvColumn, maskJsonLines } from '../../../electron/services/audit-review';
import { maskCode } from '../../../shared/ops/audit-review';

const row = (cells: (string | number | null)[]) => cells.map(csvCell).join(',') + '\r\n';

describe('maskCsvColumn', () => {
  it('masks the code column of whole CSV records, quoted cells and all', () => {
    const text =
      row([
        1,
        'T-01',
        'ann',
        'redeem',
        '178847660332',
        'pA',
        'msg, with "quotes"\nand a line',
        '{"a":1}',
      ]) +
      row([2, 'T-01', 'ann', 'scan', 'bad,"code"\r\nx y z', null, null, '{}']) +
      row([3, 'T-01', null, 'sign_in', null, null, '=1+1', '{}']);
    const masked = maskCsvColumn(text, 4, maskCode);
    expect(masked).toBe(
      row([
        1,
        'T-01',
        'ann',
        'redeem',
        '1788****0332',
        'pA',
        'msg, with "quotes"\nand a line',
        '{"a":1}',
      ]) +
        row([2, 'T-01', 'ann', 'scan', maskCode('bad,"code"\r\nx y z'), null, null, '{}']) +
        row([3, 'T-01', null, 'sign_in', null, null, '=1+1', '{}']),
    );
  });

  it('keeps a formula-defused code defused', () => {
    const masked = maskCsvColumn(row([1, '=HYPERLINK("x")']), 1, maskCode);
    expect(masked).toBe('1,"\'=HY****""x"")"\r\n');
  });
});

describe('maskJsonLines', () => {
  it('masks `code` and leaves every other field as it was', () => {
    const a = { id: 1, code: '178847660332', detail: { code: 'kept', n: 1 } };
    const b = { id: 2, code: null, detail: {} };
    const text = `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`;
    expect(maskJsonLines(text, maskCode)).toBe(
      `${JSON.stringify({ ...a, code: '1788****0332' })}\n${JSON.stringify(b)}\n`,
    );
  });
});
