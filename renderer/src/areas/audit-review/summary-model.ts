/**
 * From the host's AuditSummary to what the summary screen shows: the four kinds (redemptions,
 * refunds, rejections, failures; defined once in shared/ops/audit-review.ts) in total, by hour
 * (every hour of the range, empty ones too), by operator and by card, and the busiest hour.
 * Pure, so the numbers are tested without a screen.
 */
import type { AuditSummary } from '../../../../shared/audit';
import { kindOf, REVIEW_KINDS, type ReviewKind } from '../../../../shared/ops/audit-review';

export type KindCounts = Record<ReviewKind, number> & { total: number };

const HOUR_MS = 3_600_000;

const zero = (): KindCounts => ({
  redemptions: 0,
  refunds: 0,
  rejections: 0,
  failures: 0,
  total: 0,
});

function add(into: KindCounts, action: string, outcome: string, count: number) {
  into.total += count;
  const kind = kindOf(action, outcome);
  if (kind) into[kind] += count;
}

interface SummaryModel {
  kinds: KindCounts;
  hours: ({ hour: number } & KindCounts)[];
  /** The hour with the most records of any kind (the earliest of equals); none if empty. */
  busiest?: { hour: number; count: number } | undefined;
  operators: ({ operatorId: string | null } & KindCounts)[];
  cards: ({ cardId: string } & KindCounts)[];
}

export function summaryModel(s: AuditSummary): SummaryModel {
  const kinds = zero();
  for (const r of s.byActionOutcome) add(kinds, r.action, r.outcome, r.count);

  const hours = new Map<number, { hour: number } & KindCounts>();
  // Every hour of the range, so the chart shows quiet hours as quiet.
  const span = (s.to - s.from) / HOUR_MS;
  if (span <= 24 * 62) {
    for (let h = s.from; h < s.to; h += HOUR_MS) hours.set(h, { hour: h, ...zero() });
  }
  for (const r of s.byHour) {
    let h = hours.get(r.hour);
    if (!h) hours.set(r.hour, (h = { hour: r.hour, ...zero() }));
    add(h, r.action, r.outcome, r.count);
  }
  const hourList = [...hours.values()].sort((a, b) => a.hour - b.hour);
  let busiest: SummaryModel['busiest'];
  for (const h of hourList) {
    if (h.total > 0 && (!busiest || h.total > busiest.count))
      busiest = { hour: h.hour, count: h.total };
  }

  const operators = new Map<string | null, { operatorId: string | null } & KindCounts>();
  for (const r of s.byOperator) {
    let o = operators.get(r.operator_id);
    if (!o) operators.set(r.operator_id, (o = { operatorId: r.operator_id, ...zero() }));
    add(o, r.action, r.outcome, r.count);
  }
  const cards = new Map<string, { cardId: string } & KindCounts>();
  for (const r of s.byCard) {
    if (r.card_id === null) continue; // sign-ins, settings...: not about a card
    let c = cards.get(r.card_id);
    if (!c) cards.set(r.card_id, (c = { cardId: r.card_id, ...zero() }));
    add(c, r.action, r.outcome, r.count);
  }
  const byTotal = <T extends KindCounts>(a: T, b: T) =>
    b.redemptions - a.redemptions || b.total - a.total;
  return {
    kinds,
    hours: hourList,
    busiest,
    operators: [...operators.values()].sort(byTotal),
    cards: [...cards.values()].sort(byTotal),
  };
}

export { REVIEW_KINDS };
