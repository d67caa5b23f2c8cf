/**
 * AuditFilter -> SQL, shared by search, export and counting. Queries run on the search index
 * (`audit_ix`, one B-tree per filter column, each ordered by time within its key) so the first
 * page of a filtered journal reads about one page of index entries, however big the log is.
 * When the index cannot be used (a read-only copy whose index lags), the same filters run on
 * `audit` directly: slower, never wrong.
 */
import { AuditFilter } from '../../shared/audit';
import { AppError } from '../../shared/errors';
import { SEARCH_TEXT_SQL, trainingSql } from './migrations';

export type ParsedFilter = ReturnType<typeof AuditFilter.parse>;
export type Source = 'indexed' | 'direct';
export type Bind = string | number;

export function parseFilter(filter: unknown): ParsedFilter {
  const parsed = AuditFilter.safeParse(filter ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || 'filter'}: ${i.message}`)
      .join('; ');
    throw new AppError('invalid_input', 'audit.invalid_query', { detail });
  }
  return parsed.data;
}

/** The smallest string above every string that starts with `prefix` (by code point). */
export function prefixUpperBound(prefix: string): string | undefined {
  const cps = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (cps.length > 0) {
    let last = cps.pop()! + 1;
    if (last >= 0xd800 && last <= 0xdfff) last = 0xe000;
    if (last <= 0x10ffff) return String.fromCodePoint(...cps, last);
  }
  return undefined;
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The FTS5 trigram index answers substrings of 3 characters or more. */
const TRIGRAM = 3;

export interface WhereClause {
  sql: string[];
  params: Bind[];
}

/** Conditions for `filter` on alias `t` (audit_ix in 'indexed' mode, audit in 'direct' mode). */
export function whereFor(filter: ParsedFilter, source: Source, t: string): WhereClause {
  const sql: string[] = [];
  const params: Bind[] = [];
  if (filter.from !== undefined) {
    sql.push(`${t}.ts >= ?`);
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    sql.push(`${t}.ts < ?`);
    params.push(filter.to);
  }
  if (filter.operatorId !== undefined) {
    sql.push(`${t}.operator_id = ?`);
    params.push(filter.operatorId);
  }
  for (const [column, values] of [
    ['action', filter.actions],
    ['outcome', filter.outcomes],
  ] as const) {
    if (!values) continue;
    if (values.length === 0) {
      sql.push('0'); // an empty list matches nothing
    } else if (values.length === 1) {
      sql.push(`${t}.${column} = ?`);
      params.push(values[0]!);
    } else {
      sql.push(`${t}.${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    }
  }
  for (const [column, prefix] of [
    ['code', filter.codePrefix],
    ['card_id', filter.cardPrefix],
  ] as const) {
    if (prefix === undefined) continue;
    // A range on the column, so its index is used (LIKE 'x%' would not be: case rules).
    sql.push(`${t}.${column} >= ?`);
    params.push(prefix);
    const upper = prefixUpperBound(prefix);
    if (upper !== undefined) {
      sql.push(`${t}.${column} < ?`);
      params.push(upper);
    }
  }
  if (filter.training === 'exclude' || filter.training === 'only') {
    const want = filter.training === 'only' ? 1 : 0;
    sql.push(
      source === 'indexed' ? `${t}.training = ${want}` : `${trainingSql(`${t}.detail`)} = ${want}`,
    );
  }
  if (filter.text !== undefined) {
    const text = filter.text;
    if (source === 'indexed') {
      if (Array.from(text).length >= TRIGRAM) {
        sql.push(`${t}.id IN (SELECT rowid FROM audit_text WHERE audit_text MATCH ?)`);
        params.push(`"${text.replace(/"/g, '""')}"`);
      } else {
        // Too short for trigrams: scan the (small) text index itself.
        sql.push(`${t}.id IN (SELECT rowid FROM audit_text WHERE instr(lower(text), ?) > 0)`);
        params.push(asciiLower(text));
      }
    } else {
      // `t` is the only table of the sub-query, so the bare column names are its own.
      sql.push(`instr(lower(${SEARCH_TEXT_SQL}), ?) > 0`);
      params.push(asciiLower(text));
    }
  }
  return { sql, params };
}

export interface Keyset {
  ts: number;
  id: number;
}

/**
 * A query for the ids and times of one page, in time order (`desc`: newest first), after
 * `cursor`. With several actions or outcomes, one sub-query per value, merged: each is then
 * read in index order instead of sorting every match.
 */
export function pageIdsSql(
  filter: ParsedFilter,
  source: Source,
  opts: { desc: boolean; cursor?: Keyset; limit: number; maxId?: number },
): { sql: string; params: Bind[] } {
  const table = source === 'indexed' ? 'audit_ix' : 'audit';
  const dir = opts.desc ? 'DESC' : 'ASC';
  const split =
    (filter.outcomes?.length ?? 0) > 1
      ? ('outcomes' as const)
      : (filter.actions?.length ?? 0) > 1
        ? ('actions' as const)
        : undefined;
  const variants: ParsedFilter[] = split
    ? (filter[split] as string[]).map((v) => ({ ...filter, [split]: [v] }) as ParsedFilter)
    : [filter];

  const branches: string[] = [];
  const params: Bind[] = [];
  for (const f of variants) {
    const where = whereFor(f, source, 't');
    if (opts.cursor) {
      // (ts, id) beyond the cursor, written so that the ts bound can use the index.
      if (opts.desc) where.sql.push('t.ts <= ? AND (t.ts < ? OR t.id < ?)');
      else where.sql.push('t.ts >= ? AND (t.ts > ? OR t.id > ?)');
      where.params.push(opts.cursor.ts, opts.cursor.ts, opts.cursor.id);
    }
    if (opts.maxId !== undefined) {
      where.sql.push('t.id <= ?');
      where.params.push(opts.maxId);
    }
    const clause = where.sql.length ? `WHERE ${where.sql.join(' AND ')}` : '';
    branches.push(
      `SELECT t.id AS id, t.ts AS ts FROM ${table} t ${clause}
       ORDER BY t.ts ${dir}, t.id ${dir} LIMIT ?`,
    );
    params.push(...where.params, opts.limit);
  }
  if (branches.length === 1) return { sql: branches[0]!, params };
  return {
    sql: `SELECT id, ts FROM (${branches.map((b) => `SELECT * FROM (${b})`).join(' UNION ALL ')})
          ORDER BY ts ${dir}, id ${dir} LIMIT ?`,
    params: [...params, opts.limit],
  };
}

/** Number of records matching `filter` (for export progress). */
export function countSql(
  filter: ParsedFilter,
  source: Source,
  maxId: number,
): { sql: string; params: Bind[] } {
  const table = source === 'indexed' ? 'audit_ix' : 'audit';
  const where = whereFor(filter, source, 't');
  where.sql.push('t.id <= ?');
  where.params.push(maxId);
  return {
    sql: `SELECT count(*) FROM ${table} t WHERE ${where.sql.join(' AND ')}`,
    params: where.params,
  };
}
