/**
 * Head office's read queries over the central journal: the chain-wide journal (filters,
 * newest first, keyset pages), the summary per day, store and terminal, the terminals behind
 * or with chain alerts, and the reconciliation with WeChat's consume counts. Days are WeChat's
 * (Asia/Shanghai, UTC+8 all year).
 */
import { maskCode } from '../../shared/ops/audit-review';
import type {
  JournalPage,
  JournalQuery,
  JournalRow,
  ReconciliationRow,
  SummaryRow,
  TerminalRow,
} from '../../shared/head-office';
import type { Sql } from '../db';
import type { CardDayCount } from './datacube';

/** The Shanghai day of `ts` (a timestamptz column) as YYYY-MM-DD. */
const SHANGHAI_DAY = (col: string) =>
  `to_char((${col} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

/** The first instant of a Shanghai day, UTC ms. */
export const dayStart = (day: string) => Date.parse(`${day}T00:00:00+08:00`);
export const dayAfter = (day: string) => dayStart(day) + 86_400_000;

/** Credentials issued and not revoked that no terminal has used yet: terminals not shipping. */
const UNUSED_CREDENTIALS = `SELECT store || ' / ' || terminal AS name, NULL::bigint AS last_ms
  FROM credentials WHERE install_id IS NULL AND revoked_at IS NULL`;

const REDEEMED = `action = 'redeem' AND outcome IN ('ok', 'settled')`;

function likePrefix(s: string): string {
  return `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface DbJournalRow extends Omit<JournalRow, 'ts' | 'seq'> {
  ts_ms: number | string;
  seq: number | string;
}

export async function journal(
  sql: Sql,
  q: JournalQuery,
  opts: { masked: boolean },
): Promise<JournalPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (q.store) where.push(`store = ${p(q.store)}`);
  if (q.terminal) where.push(`terminal = ${p(q.terminal)}`);
  if (q.operator) where.push(`operator_id = ${p(q.operator)}`);
  if (q.card) where.push(`card_id = ${p(q.card)}`);
  if (q.code) {
    // A viewer sees codes masked: a prefix search would let them spell a code out.
    if (opts.masked) where.push(`code = ${p(q.code)}`);
    else where.push(`code LIKE ${p(likePrefix(q.code))}`);
  }
  if (q.outcome) where.push(`outcome = ${p(q.outcome)}`);
  if (q.action) where.push(`action = ${p(q.action)}`);
  if (q.from !== undefined) where.push(`ts >= to_timestamp(${p(q.from / 1000)})`);
  if (q.to !== undefined) where.push(`ts < to_timestamp(${p(q.to / 1000)})`);
  if (q.cursor) {
    const [ms, install, seq] = q.cursor.split('_');
    where.push(
      `(ts, install_id, seq) < (to_timestamp(${p(Number(ms) / 1000)}), ${p(install)}::uuid, ${p(Number(seq))})`,
    );
  }
  const r = await sql.query<DbJournalRow>(
    `SELECT install_id::text AS install_id, seq, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms,
       store, terminal, terminal_id, operator_id, action, code, card_id, outcome, errcode,
       errmsg, chain_ok
     FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ts DESC, install_id DESC, seq DESC LIMIT ${p(q.limit + 1)}`,
    params,
  );
  const rows: JournalRow[] = r.rows.slice(0, q.limit).map(({ ts_ms, seq, ...row }) => ({
    ...row,
    ts: Number(ts_ms),
    seq: Number(seq),
    code: row.code !== null && opts.masked ? maskCode(row.code) : row.code,
  }));
  const last = rows[rows.length - 1];
  const next = r.rows.length > q.limit && last ? `${last.ts}_${last.install_id}_${last.seq}` : null;
  return { rows, next, masked: opts.masked };
}

export async function summary(sql: Sql, from: string, to: string): Promise<SummaryRow[]> {
  const r = await sql.query<SummaryRow>(
    `SELECT ${SHANGHAI_DAY('ts')} AS day, coalesce(store, '') AS store,
       coalesce(terminal, '') AS terminal,
       count(*) FILTER (WHERE ${REDEEMED})::int AS redeemed,
       count(*) FILTER (WHERE action = 'invalidate' AND outcome IN ('ok', 'settled'))::int
         AS refunded,
       count(*) FILTER (WHERE action = 'redeem' AND outcome IN ('rejected', 'failed'))::int
         AS failed,
       count(*) FILTER (WHERE action = 'lookup')::int AS lookups
     FROM records WHERE ts >= to_timestamp($1) AND ts < to_timestamp($2)
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [dayStart(from) / 1000, dayAfter(to) / 1000],
  );
  return r.rows;
}

/**
 * Every install and unused credential, with where its shipping stands. A terminal is behind
 * when it has said it holds records the collector has not received (its last durable sequence
 * above head_seq: "N records behind"), or when it has not been heard from (a push, or a
 * heartbeat of a terminal with nothing to ship) for `behindMs`, or never.
 */
export async function terminals(sql: Sql, behindMs: number): Promise<TerminalRow[]> {
  const r = await sql.query<{
    install_id: string | null;
    store: string | null;
    terminal: string | null;
    head_seq: number | string;
    reported_seq: number | string | null;
    last_push_ms: number | string | null;
    last_seen_ms: number | string | null;
    flagged_ms: number | string | null;
    flag_reason: string | null;
    alerts: number;
  }>(
    `SELECT i.install_id::text AS install_id, a.store, a.terminal, i.head_seq, i.reported_seq,
       (extract(epoch FROM i.last_push_at) * 1000)::bigint AS last_push_ms,
       (extract(epoch FROM greatest(i.last_seen_at, i.last_push_at)) * 1000)::bigint
         AS last_seen_ms,
       (extract(epoch FROM i.flagged_at) * 1000)::bigint AS flagged_ms, i.flag_reason,
       (SELECT count(*)::int FROM alerts x WHERE x.install_id = i.install_id) AS alerts
     FROM installs i
     LEFT JOIN install_assignments a ON a.install_id = i.install_id AND a.valid_to IS NULL
     UNION ALL
     SELECT NULL, store, terminal, 0, NULL, NULL, NULL, NULL, NULL, 0 FROM credentials
     WHERE install_id IS NULL AND revoked_at IS NULL
     ORDER BY store NULLS LAST, terminal, install_id`,
  );
  const now = Date.now();
  const ms = (v: number | string | null) => (v === null ? null : Number(v));
  return r.rows.map((row) => {
    const headSeq = Number(row.head_seq);
    const reported = ms(row.reported_seq);
    const seen = ms(row.last_seen_ms);
    const recordsBehind = reported === null ? null : Math.max(0, reported - headSeq);
    return {
      install_id: row.install_id,
      store: row.store,
      terminal: row.terminal,
      head_seq: headSeq,
      last_push_at: ms(row.last_push_ms),
      flagged_at: ms(row.flagged_ms),
      flag_reason: row.flag_reason,
      alerts: row.alerts,
      reported_seq: reported,
      records_behind: recordsBehind,
      last_seen_at: seen,
      behind: (recordsBehind ?? 0) > 0 || seen === null || now - seen > behindMs,
    };
  });
}

/** Card titles the terminals recorded (a look-up's detail carries the card's title). */
export async function journalCardTitles(sql: Sql, cardIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (cardIds.length === 0) return out;
  // Per card, the newest look-up that carries a title: one backward index scan each.
  const r = await sql.query<{ card_id: string; detail: string | null }>(
    `SELECT c.id AS card_id,
       (SELECT detail FROM records r WHERE r.card_id = c.id AND r.action = 'lookup'
          AND r.detail LIKE '%"title":%' ORDER BY r.ts DESC LIMIT 1) AS detail
     FROM unnest($1::text[]) AS c(id)`,
    [cardIds],
  );
  for (const row of r.rows) {
    if (!row.detail) continue;
    try {
      // The detail is the terminal's canonical JSON text; a damaged one is only skipped.
      const title = (JSON.parse(row.detail) as { title?: unknown }).title;
      if (typeof title === 'string' && title.trim()) out.set(row.card_id, title.trim());
    } catch {
      // not JSON: no title from this record
    }
  }
  return out;
}

/**
 * Redemptions per card and Shanghai day in the journal against WeChat's consume counts. The
 * journal counts distinct codes (a code two terminals both recorded as redeemed is one
 * consume at WeChat: listed as claimed twice); a terminal that has not pushed since the end of
 * a day may still hold that day's redemptions (not shipped); when WeChat counts more and every
 * terminal has shipped, the rest was consumed outside CardDesk.
 */
export async function reconcile(
  sql: Sql,
  from: string,
  to: string,
  wechat: CardDayCount[],
  opts: { masked: boolean },
): Promise<ReconciliationRow[]> {
  const range = [dayStart(from) / 1000, dayAfter(to) / 1000];
  const counts = await sql.query<{ day: string; card_id: string; n: number; codes: number }>(
    `SELECT ${SHANGHAI_DAY('ts')} AS day, card_id, count(*)::int AS n,
       count(DISTINCT code)::int AS codes
     FROM records WHERE ${REDEEMED} AND card_id IS NOT NULL
       AND ts >= to_timestamp($1) AND ts < to_timestamp($2)
     GROUP BY 1, 2`,
    range,
  );
  const twice = await sql.query<{ day: string; card_id: string; code: string; who: string[] }>(
    `SELECT ${SHANGHAI_DAY('min(ts)')} AS day, card_id, code,
       array_agg(DISTINCT coalesce(store, '?') || ' / ' || coalesce(terminal, terminal_id)) AS who
     FROM records WHERE ${REDEEMED} AND card_id IS NOT NULL AND code IS NOT NULL
       AND ts >= to_timestamp($1) AND ts < to_timestamp($2)
     GROUP BY card_id, code HAVING count(DISTINCT install_id) > 1`,
    range,
  );
  // Terminals whose last push is before the end of a day (or never): per day.
  const installs = await sql.query<{ name: string; last_ms: number | string | null }>(
    `SELECT coalesce(a.store, '?') || ' / ' || coalesce(a.terminal, i.install_id::text) AS name,
       (extract(epoch FROM i.last_push_at) * 1000)::bigint AS last_ms
     FROM installs i
     LEFT JOIN install_assignments a ON a.install_id = i.install_id AND a.valid_to IS NULL
     UNION ALL
     ${UNUSED_CREDENTIALS}`,
  );
  const key = (day: string, card: string) => `${day}|${card}`;
  const rows = new Map<string, ReconciliationRow>();
  const row = (day: string, card: string) => {
    let r = rows.get(key(day, card));
    if (!r) {
      r = {
        day,
        card_id: card,
        card_title: null,
        card_title_from: null,
        wechat: 0,
        journal: 0,
        journal_codes: 0,
        difference: 0,
        claimed_twice: [],
        behind: [],
        explanation: [],
      };
      rows.set(key(day, card), r);
    }
    return r;
  };
  for (const w of wechat) {
    if (w.day < from || w.day > to) continue;
    row(w.day, w.card_id).wechat += w.verify_cnt;
  }
  for (const c of counts.rows) {
    const r = row(c.day, c.card_id);
    r.journal = c.n;
    r.journal_codes = c.codes;
  }
  for (const t of twice.rows) {
    row(t.day, t.card_id).claimed_twice.push({
      code: opts.masked ? maskCode(t.code) : t.code,
      terminals: [...t.who].sort(),
    });
  }
  const out = [...rows.values()].sort((a, b) =>
    a.day === b.day ? a.card_id.localeCompare(b.card_id) : a.day.localeCompare(b.day),
  );
  for (const r of out) {
    if (r.wechat === 0 && r.journal === 0) continue;
    r.difference = r.wechat - r.journal_codes;
    r.behind = installs.rows
      .filter((i) => i.last_ms === null || Number(i.last_ms) < dayAfter(r.day))
      .map((i) => i.name)
      .sort();
    if (r.journal > r.journal_codes || r.claimed_twice.length > 0)
      r.explanation.push('claimed_twice');
    if (r.difference > 0) r.explanation.push(r.behind.length > 0 ? 'not_shipped' : 'outside');
    if (r.difference < 0) r.explanation.push('journal_more');
    if (r.explanation.length === 0) r.explanation.push('match');
    if (r.difference <= 0) r.behind = [];
  }
  return out;
}
