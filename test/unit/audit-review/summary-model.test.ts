/** The summary screen's arithmetic over the host's summary. */
import { describe, expect, it } from 'vitest';
import type { AuditSummary } from '../../../shared/audit';
import { summaryModel } from '../../../renderer/src/areas/audit-review/summary-model';

const H = 3_600_000;
const from = Date.UTC(2024, 3, 30, 16); // 2024-05-01 00:00 in Shanghai

function summary(part: Partial<AuditSummary>): AuditSummary {
  return {
    from,
    to: from + 24 * H,
    timeZone: 'Asia/Shanghai',
    total: 0,
    byActionOutcome: [],
    byOperator: [],
    byCard: [],
    byHour: [],
    reasons: [],
    ...part,
  };
}

describe('summaryModel', () => {
  const s = summary({
    total: 10,
    byActionOutcome: [
      { action: 'redeem', outcome: 'ok', count: 3 },
      { action: 'redeem', outcome: 'settled', count: 1 },
      { action: 'redeem', outcome: 'pending', count: 4 },
      { action: 'redeem', outcome: 'rejected', count: 1 },
      // An older version's lookup of a used code: a verdict, never a rejection.
      { action: 'lookup', outcome: 'rejected', count: 2 },
      { action: 'sign_in_failed', outcome: 'rejected', count: 1 },
    ],
    byHour: [
      { hour: from + 9 * H, action: 'redeem', outcome: 'ok', count: 2 },
      { hour: from + 9 * H, action: 'redeem', outcome: 'pending', count: 2 },
      { hour: from + 12 * H, action: 'redeem', outcome: 'ok', count: 1 },
      { hour: from + 12 * H, action: 'redeem', outcome: 'settled', count: 1 },
      { hour: from + 12 * H, action: 'redeem', outcome: 'pending', count: 2 },
      { hour: from + 13 * H, action: 'redeem', outcome: 'rejected', count: 1 },
      { hour: from + 14 * H, action: 'lookup', outcome: 'rejected', count: 2 },
      { hour: from + 13 * H, action: 'sign_in_failed', outcome: 'rejected', count: 1 },
    ],
    byOperator: [
      { operator_id: 'ann', action: 'redeem', outcome: 'ok', count: 3 },
      { operator_id: 'sue', action: 'redeem', outcome: 'settled', count: 1 },
      { operator_id: null, action: 'sign_in_failed', outcome: 'rejected', count: 1 },
    ],
    byCard: [
      { card_id: 'pA', action: 'redeem', outcome: 'ok', count: 3 },
      { card_id: null, action: 'sign_in_failed', outcome: 'rejected', count: 1 },
    ],
  });
  const m = summaryModel(s);

  it('adds the four kinds up', () => {
    expect(m.kinds).toEqual({ redemptions: 4, refunds: 0, rejections: 1, failures: 0, total: 12 });
    expect(m.hours[14]).toMatchObject({ rejections: 0, total: 2 });
  });

  it('has every hour of the range, quiet ones at zero', () => {
    expect(m.hours).toHaveLength(24);
    expect(m.hours[0]).toMatchObject({ hour: from, total: 0 });
    expect(m.hours[9]).toMatchObject({ redemptions: 2, total: 4 });
    expect(m.hours[12]).toMatchObject({ redemptions: 2, total: 4 });
  });

  it('picks the busiest hour by all records, the earliest of equals', () => {
    expect(m.busiest).toEqual({ hour: from + 9 * H, count: 4 });
    expect(summaryModel(summary({})).busiest).toBeUndefined();
  });

  it('groups by operator (no operator too) and by card (records without one left out)', () => {
    expect(m.operators.map((o) => [o.operatorId, o.redemptions, o.total])).toEqual([
      ['ann', 3, 3],
      ['sue', 1, 1],
      [null, 0, 1],
    ]);
    expect(m.cards.map((c) => c.cardId)).toEqual(['pA']);
  });
});
