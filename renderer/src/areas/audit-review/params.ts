/**
 * The review screens keep their state in the location's query (`#/audit?view=...&range=...`),
 * so Back and Forward move between filters and records, and a reload comes back to the same
 * place. This module turns that query into an AuditFilter and back.
 */
import { AUDIT_OUTCOMES, type AuditFilter } from '../../../../shared/audit';
import { RANGE_PRESETS, rangeBounds, type RangePreset } from '../../../../shared/ops/audit-review';

const VIEWS = ['journal', 'record', 'summary', 'verify'] as const;
export type View = (typeof VIEWS)[number];

export interface ReviewParams {
  range: RangePreset;
  fromDate?: string | undefined;
  toDate?: string | undefined;
  operator?: string | undefined;
  actions: string[];
  outcomes: string[];
  code?: string | undefined;
  card?: string | undefined;
  text?: string | undefined;
}

const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);
const opt = (v: string | null) => (v && v.trim() ? v : undefined);

export function readView(p: URLSearchParams): View {
  const v = p.get('view');
  return (VIEWS as readonly string[]).includes(v ?? '') ? (v as View) : 'journal';
}

export function readParams(p: URLSearchParams, fallback: RangePreset = 'today'): ReviewParams {
  const range = p.get('range');
  return {
    range: (RANGE_PRESETS as readonly string[]).includes(range ?? '')
      ? (range as RangePreset)
      : fallback,
    fromDate: opt(p.get('from')),
    toDate: opt(p.get('to')),
    operator: opt(p.get('op')),
    actions: list(p.get('act')),
    outcomes: list(p.get('out')).filter((o) => (AUDIT_OUTCOMES as readonly string[]).includes(o)),
    code: opt(p.get('code')),
    card: opt(p.get('card')),
    text: opt(p.get('q')),
  };
}

/** The query of these params (for navigate / routeHref), without the view. */
export function writeParams(r: ReviewParams): Record<string, string | undefined> {
  return {
    range: r.range,
    from: r.range === 'custom' ? r.fromDate : undefined,
    to: r.range === 'custom' ? r.toDate : undefined,
    op: r.operator,
    act: r.actions.join(',') || undefined,
    out: r.outcomes.join(',') || undefined,
    code: r.code,
    card: r.card,
    q: r.text,
  };
}

export function toFilter(r: ReviewParams, now: number, timeZone: string): AuditFilter {
  const { from, to } = rangeBounds(
    { preset: r.range, fromDate: r.fromDate, toDate: r.toDate },
    now,
    timeZone,
  );
  const text = r.text?.trim();
  return {
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(r.operator ? { operatorId: r.operator } : {}),
    ...(r.actions.length ? { actions: r.actions } : {}),
    ...(r.outcomes.length ? { outcomes: r.outcomes as AuditFilter['outcomes'] } : {}),
    ...(r.code ? { codePrefix: r.code } : {}),
    ...(r.card ? { cardPrefix: r.card } : {}),
    ...(text ? { text } : {}),
  };
}
