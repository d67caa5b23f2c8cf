/**
 * Reading records back: one record, a page of a filtered journal and its count, the records of one intent,
 * the intents still open, a code's last redemption. Rows from disk are parsed with the shared
 * schema, so a record that does not fit it (only a hand-edited file has one) is reported as
 * damage instead of flowing on as a wrong type.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  AUDIT_FIELDS,
  AUDIT_PAGE_DEFAULT,
  AuditPage,
  AuditRecord,
  OPEN_OUTCOMES,
  REDEEMED_OUTCOMES,
  type AuditSearchResult,
} from '../../shared/audit';
import { AppError } from '../../shared/errors';
import { countSql, pageIdsSql, parseFilter, type Source } from './filter-sql';
import type { SearchIndex } from './search-index';
import { audit } from './storage-errors';

/** The stored columns, in the one field order (shared/audit.ts). */
export const RECORD_COLUMNS = AUDIT_FIELDS.join(', ');
/** The same columns taken from alias `a`. */
export const A_RECORD_COLUMNS = AUDIT_FIELDS.map((c) => `a.${c}`).join(', ');

type Row = Record<string, unknown>;

export function rowToRecord(row: Row, file: string): AuditRecord {
  let detail: unknown;
  try {
    detail = JSON.parse(String(row.detail));
  } catch {
    detail = undefined;
  }
  const parsed = AuditRecord.safeParse({ ...row, detail });
  if (!parsed.success) {
    throw audit('corrupt', { file, id: typeof row.id === 'number' ? row.id : 0 });
  }
  return parsed.data;
}

export interface Queries {
  get(id: number): AuditRecord | undefined;
  search(filter: unknown, page?: unknown): AuditSearchResult;
  count(filter: unknown): number;
  byNonce(nonce: string): AuditRecord[];
  unsettledIntents(): AuditRecord[];
  lastRedemption(code: string): AuditRecord | undefined;
}

export function createQueries(
  db: Database,
  ctx: { file: string; index: SearchIndex; source: () => Source },
): Queries {
  const { file, index } = ctx;
  const byId = db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit WHERE id = ?`);
  const tsOf = db.prepare('SELECT ts FROM audit WHERE id = ?').pluck();
  const cache = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let stmt = cache.get(sql);
    if (!stmt) {
      // The shapes of filters are few (which fields are set), so the cache stays small.
      if (cache.size > 200) cache.clear();
      stmt = db.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };

  const nonceRows = {
    indexed: () =>
      db.prepare(
        `SELECT ${A_RECORD_COLUMNS} FROM audit_ix x CROSS JOIN audit a ON a.id = x.id
         WHERE x.nonce = ? ORDER BY x.id`,
      ),
    direct: () => db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit WHERE nonce = ? ORDER BY id`),
  };
  // The last record of each intent, from the covering index on (nonce, outcome): SQLite takes
  // `outcome` from the row holding max(id).
  const openNonces = {
    indexed: () =>
      db
        .prepare(
          `SELECT nonce FROM (
             SELECT nonce, max(id) AS last, outcome FROM audit_ix
             WHERE nonce IS NOT NULL GROUP BY nonce)
           WHERE outcome IN (${OPEN_OUTCOMES.map((o) => `'${o}'`).join(', ')})
           ORDER BY last`,
        )
        .pluck(),
    direct: () =>
      db
        .prepare(
          `SELECT nonce FROM (
             SELECT nonce, max(id) AS last, outcome FROM audit
             WHERE nonce IS NOT NULL GROUP BY nonce)
           WHERE outcome IN (${OPEN_OUTCOMES.map((o) => `'${o}'`).join(', ')})
           ORDER BY last`,
        )
        .pluck(),
  };
  const redeemedIn = REDEEMED_OUTCOMES.map((o) => `'${o}'`).join(', ');
  const lastRedeem = {
    indexed: () =>
      db.prepare(
        `SELECT ${A_RECORD_COLUMNS} FROM audit_ix x CROSS JOIN audit a ON a.id = x.id
         WHERE x.code = ? AND x.action = 'redeem' AND x.outcome IN (${redeemedIn})
         ORDER BY x.ts DESC, x.id DESC LIMIT 1`,
      ),
    direct: () =>
      db.prepare(
        `SELECT ${RECORD_COLUMNS} FROM audit
         WHERE code = ? AND action = 'redeem' AND outcome IN (${redeemedIn})
         ORDER BY ts DESC, id DESC LIMIT 1`,
      ),
  };
  const lazy = <T>(make: { indexed: () => T; direct: () => T }) => {
    const made: Partial<Record<Source, T>> = {};
    return (source: Source): T => (made[source] ??= make[source]());
  };
  const nonceStmt = lazy(nonceRows);
  const openStmt = lazy(openNonces);
  const redeemStmt = lazy(lastRedeem);

  const ready = (): Source => {
    index.catchUp();
    return ctx.source();
  };
  const toRecords = (rows: unknown[]) => rows.map((r) => rowToRecord(r as Row, file));

  return {
    get(id) {
      if (!Number.isSafeInteger(id) || id < 1) return undefined;
      const row = byId.get(id) as Row | undefined;
      return row ? rowToRecord(row, file) : undefined;
    },

    count(filter) {
      const f = parseFilter(filter);
      const q = countSql(f, ready(), Number.MAX_SAFE_INTEGER);
      return prepared(q.sql)
        .pluck()
        .get(...q.params) as number;
    },

    search(filter, page) {
      const f = parseFilter(filter);
      const p = AuditPage.safeParse(page ?? {});
      if (!p.success) {
        throw new AppError('invalid_input', 'audit.invalid_query', { detail: 'page' });
      }
      const limit = p.data.limit ?? AUDIT_PAGE_DEFAULT;
      const source = ready();
      let cursor: { ts: number; id: number } | undefined;
      if (p.data.before !== undefined) {
        const ts = tsOf.get(p.data.before) as number | undefined;
        if (ts === undefined) return { rows: [] };
        cursor = { ts, id: p.data.before };
      }
      // One row more than asked tells whether there is a next page.
      const ids = pageIdsSql(f, source, { desc: true, cursor, limit: limit + 1 });
      const rows = prepared(
        `SELECT ${A_RECORD_COLUMNS} FROM (${ids.sql}) k CROSS JOIN audit a ON a.id = k.id
         ORDER BY k.ts DESC, k.id DESC`,
      ).all(...ids.params);
      const records = toRecords(rows.slice(0, limit));
      const more = rows.length > limit;
      return more
        ? { rows: records, nextBefore: records[records.length - 1]!.id }
        : { rows: records };
    },

    byNonce(nonce) {
      return toRecords(nonceStmt(ready()).all(nonce));
    },

    unsettledIntents() {
      const source = ready();
      const nonces = openStmt(source).all() as string[];
      const stmt = nonceStmt(source);
      const intents: AuditRecord[] = [];
      for (const nonce of nonces) {
        const first = stmt.get(nonce) as Row | undefined;
        // Only intents open a nonce; a stray record with a nonce is not one to settle.
        if (first && first.outcome === 'pending') intents.push(rowToRecord(first, file));
      }
      // Oldest intent first: the settling workflow works through them in order.
      return intents.sort((a, b) => a.id - b.id);
    },

    lastRedemption(code) {
      const row = redeemStmt(ready()).get(code) as Row | undefined;
      return row ? rowToRecord(row, file) : undefined;
    },
  };
}
