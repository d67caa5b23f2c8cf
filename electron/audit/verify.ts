/**
 * The chain check: walk the records in id order, recompute each hash from the previous hash
 * and the record's canonical form, and report the first broken link. What it can and cannot
 * detect is in docs/audit-log.md ("What verify detects").
 *
 * Speed: SQLite builds the canonical array (json_array) and hands over four columns per row;
 * one SHA-256 per row in node:crypto. About 2 s for a million records on the 2-core build
 * machine. It yields to the event loop between chunks, reports progress and can be cancelled.
 */
import type { Database } from 'better-sqlite3';
import type { AuditAnchor, VerifyResult, VerifyWarning } from '../../shared/audit';
import {
  CANONICAL_SQL,
  canonicalRecord,
  chainHash,
  GENESIS_HASH,
  type ChainFields,
} from './canonical';
import { RECORD_COLUMNS } from './queries';
import { audit, sqliteCode } from './storage-errors';

export interface VerifyOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** An id and hash written down earlier (from `head()`): the record must still be there, unchanged. */
  anchor?: AuditAnchor;
  /** Rows per chunk (tests use small chunks). */
  chunkRows?: number;
}

/** A record's columns in table order, as `.raw()` reads them. */
export type RecordTuple = [
  number,
  number,
  string,
  string | null,
  string,
  string | null,
  string | null,
  string,
  number | null,
  string | null,
  number | null,
  string | null,
  string,
  string,
  string,
];

function fields(r: RecordTuple): ChainFields {
  return {
    id: r[0],
    ts: r[1],
    terminal_id: r[2],
    operator_id: r[3],
    action: r[4],
    code: r[5],
    card_id: r[6],
    outcome: r[7],
    errcode: r[8],
    errmsg: r[9],
    duration_ms: r[10],
    nonce: r[11],
    detail: r[12],
  };
}

/** Whether row `r` hashes correctly from `prevHash` with id `asId` (the spec's canonical form). */
function hashesAs(r: RecordTuple, prevHash: string, asId = r[0]): boolean {
  try {
    return chainHash(prevHash, canonicalRecord({ ...fields(r), id: asId })) === r[14];
  } catch {
    return false;
  }
}

function isCorrupt(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_NOTADB' || (code?.startsWith('SQLITE_CORRUPT') ?? false);
}

const GUARDS = ['audit_no_update', 'audit_no_delete', 'audit_chain'];
/** Rows per chunk: small enough that each chunk's strings die young (measured: 20,000 is 40% slower). */
const CHUNK_ROWS = 2000;

export function createVerifier(db: Database) {
  const fast = db
    .prepare(
      `SELECT id, ${CANONICAL_SQL}, prev_hash, hash FROM audit WHERE id > ? ORDER BY id LIMIT ?`,
    )
    .raw();
  const slow = db
    .prepare(`SELECT ${RECORD_COLUMNS} FROM audit WHERE id > ? ORDER BY id LIMIT ?`)
    .raw();
  const around = db
    .prepare(`SELECT ${RECORD_COLUMNS} FROM audit WHERE id >= ? ORDER BY id LIMIT 2`)
    .raw();
  const hashOf = db.prepare('SELECT hash FROM audit WHERE id = ?').pluck();
  const maxId = db.prepare('SELECT coalesce(max(id), 0) FROM audit').pluck();
  const triggers = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger'`).pluck();
  const tableNames = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck();

  function truncationRecords(indexed: boolean) {
    const where = `action = 'verify' AND outcome = 'failed'`;
    const rows = (
      indexed
        ? [
            ...db
              .prepare(
                `SELECT a.id, a.detail FROM audit_ix x CROSS JOIN audit a ON a.id = x.id
                 WHERE x.${where.replace(' AND ', ' AND x.')} ORDER BY x.id`,
              )
              .all(),
            ...db
              .prepare(
                `SELECT id, detail FROM audit WHERE ${where}
                 AND id > (SELECT coalesce(max(id), 0) FROM audit_ix) ORDER BY id`,
              )
              .all(),
          ]
        : db.prepare(`SELECT id, detail FROM audit WHERE ${where} ORDER BY id`).all()
    ) as { id: number; detail: string }[];
    for (const row of rows) {
      try {
        const d = JSON.parse(row.detail) as Record<string, unknown>;
        if (
          d.problem === 'truncated' &&
          typeof d.first_missing_id === 'number' &&
          typeof d.last_missing_id === 'number'
        ) {
          return { id: row.id, from: d.first_missing_id, to: d.last_missing_id };
        }
      } catch {
        // not one of ours
      }
    }
    return undefined;
  }

  /** The first bad row is `r` (id >= the expected one); say what happened to the chain there. */
  function classify(
    prev: { id: number; hash: string },
    r: RecordTuple,
    next: RecordTuple | undefined,
    checked: number,
  ): VerifyResult {
    const expectedId = prev.id + 1;
    const bad = (
      problem: 'changed' | 'deleted' | 'inserted',
      firstBadId: number,
      detail: string,
      lastBadId?: number,
    ): VerifyResult => ({
      ok: false,
      problem,
      firstBadId,
      detail,
      // Intact records before the broken one (the broken one may be the last one checked).
      checked: Math.max(0, Math.min(checked, firstBadId - 1)),
      ...(lastBadId !== undefined ? { lastBadId } : {}),
    });
    const id = r[0];
    if (id < expectedId) {
      return bad('inserted', id, `record ${id} has an id that the log never hands out`);
    }
    if (id > expectedId) {
      return bad(
        'deleted',
        expectedId,
        id - 1 > expectedId
          ? `records ${expectedId} to ${id - 1} are missing`
          : `record ${expectedId} is missing`,
        id - 1,
      );
    }
    // Same id as expected. Was `r` slipped in and the later ids shifted up by one?
    if (next && next[13] === prev.hash && hashesAs(next, prev.hash, id)) {
      return bad(
        'inserted',
        id,
        `record ${id} was not written by the log; the records after it were renumbered`,
      );
    }
    if (r[13] !== prev.hash) {
      // `r` is an intact record written with id - 1: one was slipped in before it (the one
      // just checked, whose hash a forger computed) and the later ids shifted up.
      if (prev.id > 0 && hashesAs(r, r[13], id - 1)) {
        return bad(
          'inserted',
          prev.id,
          `record ${prev.id} was not written by the log; the records after it were renumbered`,
        );
      }
      // Written with id + 1: the expected record was deleted and the later ids shifted down.
      if (hashesAs(r, r[13], id + 1)) {
        return bad(
          'deleted',
          id,
          `record ${id} is missing; the records after it were renumbered`,
          id,
        );
      }
      // Intact but pointing to another hash: its predecessor was rewritten, hash and all.
      if (prev.id > 0 && hashesAs(r, r[13])) {
        return bad(
          'changed',
          prev.id,
          `record ${prev.id} was rewritten (its successor ${id} recorded another hash)`,
        );
      }
    }
    return bad('changed', id, `record ${id} does not match its hash (changed or forged)`);
  }

  return async function verify(opts: VerifyOptions = {}): Promise<VerifyResult> {
    const { signal, onProgress } = opts;
    const chunk = opts.chunkRows ?? CHUNK_ROWS;
    const total = maxId.get() as number;
    let prev = { id: 0, hash: GENESIS_HASH };
    // Where the next chunk starts: below any id, so that forged ids 0 or -5 are read too.
    let cursor = Number.MIN_SAFE_INTEGER;
    let checked = 0;
    const corrupt = (): VerifyResult => ({
      ok: false,
      problem: 'corrupt',
      firstBadId: prev.id + 1,
      detail: `SQLite cannot read the file after record ${prev.id}`,
      checked,
    });
    const accept = (id: number, hash: string) => {
      prev = { id, hash };
      cursor = id;
      checked++;
    };

    /** Checks rows in order; returns the verdict at the first bad one. */
    function checkFast(rows: [number, string, string, string][]): VerifyResult | undefined {
      for (const [id, canonical, prevHash, hash] of rows) {
        if (
          id === prev.id + 1 &&
          prevHash === prev.hash &&
          chainHash(prevHash, canonical) === hash
        ) {
          accept(id, hash);
          continue;
        }
        // Confirm with the spec's canonical form before calling the record broken.
        const [r, next] = around.all(id) as RecordTuple[];
        if (r && r[0] === prev.id + 1 && r[13] === prev.hash && hashesAs(r, prev.hash)) {
          accept(id, r[14]);
          continue;
        }
        return classify(prev, r!, next, checked);
      }
      return undefined;
    }
    function checkSlow(rows: RecordTuple[]): VerifyResult | undefined {
      for (const r of rows) {
        if (r[0] !== prev.id + 1 || r[13] !== prev.hash || !hashesAs(r, prev.hash)) {
          const [, next] = around.all(r[0]) as RecordTuple[];
          return classify(prev, r, next, checked);
        }
        accept(r[0], r[14]);
      }
      return undefined;
    }
    /** Reads one chunk; a damaged page is narrowed down to the first record it takes with it. */
    function readChunk(): { rows: number; verdict?: VerifyResult } {
      try {
        const rows = fast.all(cursor, chunk) as [number, string, string, string][];
        return { rows: rows.length, verdict: checkFast(rows) };
      } catch (err) {
        if (isCorrupt(err)) {
          for (let i = 0; i < chunk; i++) {
            let one: [number, string, string, string][];
            try {
              one = fast.all(cursor, 1) as [number, string, string, string][];
            } catch {
              return { rows: 0, verdict: corrupt() };
            }
            if (one.length === 0) return { rows: i };
            const verdict = checkFast(one);
            if (verdict) return { rows: i + 1, verdict };
          }
          return { rows: chunk };
        }
        // json_array refuses values no CardDesk writes (a BLOB): check this chunk the slow way.
        const rows = slow.all(cursor, chunk) as RecordTuple[];
        return { rows: rows.length, verdict: checkSlow(rows) };
      }
    }

    onProgress?.(0, total);
    for (;;) {
      if (signal?.aborted) throw audit('cancelled', {});
      let step: { rows: number; verdict?: VerifyResult };
      try {
        step = readChunk();
      } catch (err) {
        if (isCorrupt(err)) return corrupt();
        throw err;
      }
      if (step.verdict) return step.verdict;
      onProgress?.(checked, Math.max(total, checked));
      if (step.rows < chunk) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }

    // Records removed from the end leave a valid, shorter chain. Two places remember ids
    // beyond it: the search index and the text index (derived, but a separate edit each).
    const tables = new Set(tableNames.all() as string[]);
    const witnesses: { name: string; max: number }[] = [];
    if (tables.has('audit_ix')) {
      witnesses.push({
        name: 'the search index',
        max: db.prepare('SELECT coalesce(max(id), 0) FROM audit_ix').pluck().get() as number,
      });
    }
    if (tables.has('audit_text')) {
      witnesses.push({
        name: 'the text index',
        max: db.prepare('SELECT coalesce(max(rowid), 0) FROM audit_text').pluck().get() as number,
      });
    }
    const beyond = witnesses.filter((w) => w.max > prev.id);
    if (beyond.length > 0) {
      const last = Math.max(...beyond.map((w) => w.max));
      return {
        ok: false,
        problem: 'truncated',
        firstBadId: prev.id + 1,
        lastBadId: last,
        detail: `records ${prev.id + 1} to ${last} were removed from the end (${beyond.map((w) => w.name).join(', ')} knew them)`,
        checked,
      };
    }

    // A truncation found when the log was opened is recorded in the log itself (log.ts): it
    // stays a finding, even after new records have taken the missing ids.
    const found = truncationRecords(tables.has('audit_ix'));
    if (found) {
      return {
        ok: false,
        problem: 'truncated',
        firstBadId: found.from,
        lastBadId: found.to,
        detail: `records ${found.from} to ${found.to} were removed from the end (found at open, see record ${found.id})`,
        checked: Math.min(checked, found.from - 1),
      };
    }

    if (opts.anchor) {
      const anchored = hashOf.get(opts.anchor.id) as string | undefined;
      if (anchored === undefined) {
        return {
          ok: false,
          problem: 'truncated',
          firstBadId: Math.min(opts.anchor.id, prev.id + 1),
          lastBadId: opts.anchor.id,
          detail: `record ${opts.anchor.id}, noted down earlier, is gone`,
          checked,
        };
      }
      if (anchored !== opts.anchor.hash) {
        return {
          ok: false,
          problem: 'changed',
          firstBadId: opts.anchor.id,
          detail: `the chain was rewritten at or before record ${opts.anchor.id} (its hash differs from the one noted down)`,
          checked,
        };
      }
    }

    const warnings: VerifyWarning[] = [];
    const present = new Set(triggers.all() as string[]);
    if (GUARDS.some((g) => !present.has(g))) {
      warnings.push('guards_missing');
    }
    if (
      tables.has('audit_ix') &&
      witnesses.find((w) => w.name === 'the search index')!.max < prev.id
    ) {
      warnings.push('search_index_behind');
    }
    onProgress?.(checked, Math.max(total, checked));
    return {
      ok: true,
      count: checked,
      ...(prev.id > 0 ? { head: { id: prev.id, hash: prev.hash } } : {}),
      warnings,
    };
  };
}
