/** The journal's filters in the location, and back. */
import { describe, expect, it } from 'vitest';
import { localDayStart } from '../../../shared/local-days';
import {
  readParams,
  readView,
  toFilter,
  writeParams,
} from '../../../renderer/src/areas/audit-review/params';

const SH = 'Asia/Shanghai';
const now = Date.UTC(2024, 4, 2, 2);

describe('review params', () => {
  it('reads every filter from the query and writes it back', () => {
    const q = new URLSearchParams(
      'view=record&id=7&range=custom&from=2024-04-01&to=2024-04-03&op=ann&act=redeem,lookup&out=ok,settled,bogus&code=1788&card=pA&q=过期',
    );
    const p = readParams(q);
    expect(readView(q)).toBe('record');
    expect(p).toEqual({
      range: 'custom',
      fromDate: '2024-04-01',
      toDate: '2024-04-03',
      operator: 'ann',
      actions: ['redeem', 'lookup'],
      outcomes: ['ok', 'settled'],
      code: '1788',
      card: 'pA',
      text: '过期',
    });
    expect(readParams(new URLSearchParams(writeParams(p) as Record<string, string>))).toEqual(p);
  });

  it('defaults to today and the journal', () => {
    const q = new URLSearchParams('range=nonsense&view=nonsense');
    expect(readParams(q)).toEqual({
      range: 'today',
      fromDate: undefined,
      toDate: undefined,
      operator: undefined,
      actions: [],
      outcomes: [],
      code: undefined,
      card: undefined,
      text: undefined,
    });
    expect(readView(q)).toBe('journal');
  });

  it('turns them into the audit filter in the terminal’s zone', () => {
    const p = readParams(new URLSearchParams('range=yesterday&op=ann&out=rejected&q=%20x%20'));
    expect(toFilter(p, now, SH)).toEqual({
      from: localDayStart('2024-05-01', SH),
      to: localDayStart('2024-05-02', SH),
      operatorId: 'ann',
      outcomes: ['rejected'],
      text: 'x',
    });
    expect(toFilter(readParams(new URLSearchParams('range=all')), now, SH)).toEqual({});
  });
});
