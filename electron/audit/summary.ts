/**
 * A range's summary: counts by action x outcome, by operator, by card, by local hour, and the
 * most frequent rejection reasons. SQLite groups by quarter hour of UTC on the time index (a
 * day is 96 groups per action x outcome); the quarters are folded into local hours here, so
 * zones with half- and quarter-hour offsets and daylight saving come out right.
 */
import type { Database, Statement } from 'better-sqlite3';
import { AuditSummaryRange, type AuditOutcome, type AuditSummary } from '../../shared/audit';
import { AppError } from '../../shared/errors';
import type { Source } from './filter-sql';
import { trainingSql } from './migrations';
import { localHourStart, QUARTER_MS, resolveZone } from './time-zone';

type Grouped<K extends string> = Record<K, string | number | null> & {
  action: string;
  outcome: AuditOutcome;
  count: number;
};

/**
 * WeChat's message without what differs on every call: its request id (` rid: ...`) and the
 * bracketed hint (` hint: [...]`, a request id on the platform).
 */
export function withoutRequestId(errmsg: string): string {
  return errmsg
    .replace(/\s*,?\s*rid:\s*[0-9a-z-]+\s*$/i, '')
    .replace(/\s*hint:\s*\[[^\]]*\]/gi, '')
    .trim();
}

export function createSummary(db: Database, ctx: { ready: () => Source }) {
  const statements = new Map<string, Statement<(string | number)[]>>();
  const prepared = (sql: string): Statement<(string | number)[]> => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare<(string | number)[]>(sql)));
    return s;
  };

  return function summary(range: unknown): AuditSummary {
    const parsed = AuditSummaryRange.safeParse(range);
    if (!parsed.success) {
      throw new AppError('invalid_input', 'audit.invalid_query', {
        detail: parsed.error.issues[0]?.message ?? 'range',
      });
    }
    const r = parsed.data;
    const zone = resolveZone(r);
    const source = ctx.ready();
    const table = source === 'indexed' ? 'audit_ix' : 'audit';
    // Records of training exercises (Sandbox mode) are no business: left out unless asked for.
    const whereOn = (p: string) => {
      const training = r.includeTraining
        ? ''
        : source === 'indexed'
          ? ` AND ${p}training = 0`
          : ` AND NOT ${trainingSql(`${p}detail`)}`;
      const operator = r.operatorId !== undefined ? ` AND ${p}operator_id = ?` : '';
      return `${p}ts >= ? AND ${p}ts < ?${operator}${training}`;
    };
    const where = whereOn('');
    const params: (string | number)[] = [r.from, r.to];
    if (r.operatorId !== undefined) params.push(r.operatorId);

    const quarters = prepared(
      `SELECT ts / ${QUARTER_MS} AS quarter, action, outcome, count(*) AS count FROM ${table}
       WHERE ${where} GROUP BY quarter, action, outcome`,
    ).all(...params) as Grouped<'quarter'>[];
    const byOperator = prepared(
      `SELECT operator_id, action, outcome, count(*) AS count FROM ${table}
       WHERE ${where} GROUP BY operator_id, action, outcome ORDER BY count DESC`,
    ).all(...params) as Grouped<'operator_id'>[];
    const byCard = prepared(
      `SELECT card_id, action, outcome, count(*) AS count FROM ${table}
       WHERE ${where} GROUP BY card_id, action, outcome ORDER BY count DESC`,
    ).all(...params) as Grouped<'card_id'>[];
    // The reasons live in the records themselves, not in the index. Grouped by what a
    // supervisor can read: the errcode (WeChat's message differs by request id, so it is only
    // a sample), or, where WeChat gave none, the terminal's own reason key. A lookup is a
    // verdict, not a refusal: logs of older versions recorded lookups of used or expired codes
    // as `rejected`; whatever a lookup's stored outcome, it is never a rejection row (a lookup
    // that failed, "could not check", stays among the failures).
    const reasonKey = `CASE WHEN a.errcode IS NULL OR a.errcode = 0 THEN coalesce(
        json_extract(a.detail, '$.error'), json_extract(a.detail, '$.reason'),
        json_extract(a.detail, '$.verdict')) END`;
    const reasons = prepared(
      `SELECT a.action, a.outcome, a.errcode, ${reasonKey} AS reason,
         max(a.errmsg) AS errmsg, count(*) AS count
       FROM ${source === 'indexed' ? 'audit_ix x CROSS JOIN audit a ON a.id = x.id' : 'audit a'}
       WHERE ${whereOn(source === 'indexed' ? 'x.' : 'a.')}
         AND ${source === 'indexed' ? 'x' : 'a'}.outcome IN ('rejected', 'failed')
         AND NOT (a.action = 'lookup' AND a.outcome <> 'failed')
       GROUP BY a.action, a.outcome, a.errcode, reason ORDER BY count DESC LIMIT 20`,
    ).all(...params) as (Grouped<'errcode' | 'errmsg'> & {
      errcode: number | null;
      errmsg: string | null;
      reason: unknown;
    })[];

    const byActionOutcome = new Map<string, AuditSummary['byActionOutcome'][number]>();
    const byHour = new Map<string, AuditSummary['byHour'][number]>();
    let total = 0;
    for (const q of quarters) {
      total += q.count;
      const ao = `${q.action}\u0000${q.outcome}`;
      const a = byActionOutcome.get(ao);
      if (a) a.count += q.count;
      else byActionOutcome.set(ao, { action: q.action, outcome: q.outcome, count: q.count });
      const hour = localHourStart(zone, (q.quarter as number) * QUARTER_MS);
      const hk = `${hour}\u0000${ao}`;
      const h = byHour.get(hk);
      if (h) h.count += q.count;
      else byHour.set(hk, { hour, action: q.action, outcome: q.outcome, count: q.count });
    }

    return {
      from: r.from,
      to: r.to,
      timeZone: zone.name,
      total,
      byActionOutcome: [...byActionOutcome.values()].sort((x, y) => y.count - x.count),
      byOperator: byOperator.map((o) => ({
        operator_id: o.operator_id as string | null,
        action: o.action,
        outcome: o.outcome,
        count: o.count,
      })),
      byCard: byCard.map((c) => ({
        card_id: c.card_id as string | null,
        action: c.action,
        outcome: c.outcome,
        count: c.count,
      })),
      byHour: [...byHour.values()].sort((x, y) => x.hour - y.hour || y.count - x.count),
      reasons: reasons.map((x) => ({
        action: x.action,
        outcome: x.outcome,
        errcode: x.errcode,
        reason: typeof x.reason === 'string' ? x.reason.slice(0, 200) : null,
        errmsg: x.errmsg === null ? null : withoutRequestId(x.errmsg),
        count: x.count,
      })),
    };
  };
}
