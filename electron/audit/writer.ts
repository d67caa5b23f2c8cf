/**
 * Appending records: validate, scrub, chain, write in one durable transaction.
 *
 * The previous record's id and hash are cached in memory (read once at open) so an append is
 * one INSERT and one fsync. The cache is only trusted for top-level appends: inside a caller's
 * transaction (the outbox writes its row and the record together) it is re-read, since that
 * transaction may still roll back. The audit_chain trigger refuses a record that does not
 * continue the chain, so a stale cache can never fork it: the append re-reads and retries.
 *
 * Durability is per record, by action (durability.ts): a `normal` record's own commit runs with
 * synchronous=NORMAL (no fsync), and the connection is set back to FULL right after.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { AppError } from '../../shared/errors';
import {
  AUDIT_OUTCOMES,
  NewAuditRecord,
  OPEN_OUTCOMES,
  type AuditOutcome,
  type AuditRecord,
  type JsonObject,
  type NewAuditIntent,
} from '../../shared/audit';
import {
  canonicalDetail,
  canonicalRecord,
  chainHash,
  cleanText,
  DetailError,
  GENESIS_HASH,
  type ChainFields,
} from './canonical';
import { durabilityOf, normalCommits } from './durability';
import type { SearchIndex } from './search-index';
import { asAuditError, sqliteCode } from './storage-errors';

/** Longest values kept; longer ones are cut (marked with '…') rather than refused. */
export const LIMITS = { operator_id: 128, code: 512, card_id: 128, errmsg: 2000 } as const;
/** A detail bigger than this is a bug in the caller, not something to record. */
export const MAX_DETAIL_CHARS = 64 * 1024;
/** WAL pages an append and its index catch-up write, roughly (for checkpoint pacing). */
export const PAGES_PER_APPEND = 10;

export interface Head {
  id: number;
  hash: string;
}

interface IntentInfo {
  id: number;
  operator_id: string | null;
  code: string | null;
  card_id: string | null;
}

export interface Writer {
  append(rec: NewAuditRecord): AuditRecord;
  appendIntent(rec: NewAuditIntent): AuditRecord;
  appendResult(nonce: string, rec: NewAuditRecord): AuditRecord;
  head(): Head | undefined;
}

function invalid(detail: string): AppError {
  return new AppError('internal', 'audit.invalid_record', { detail });
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'record'}: ${i.message}`)
    .join('; ');
}

const ACTION_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const OUTCOMES: ReadonlySet<string> = new Set(AUDIT_OUTCOMES);
const optionalText = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/**
 * NewAuditRecord.safeParse's answer for the common record, without zod's cost (a third of an
 * append's own work): every field of the plain type the schema asks for. It accepts only what
 * the schema accepts, unchanged (test/unit/audit/writer-parse.test.ts); anything else, an error
 * to report or an unusual value, is left to zod (undefined).
 */
export function plainRecord(rec: unknown): z.output<typeof NewAuditRecord> | undefined {
  if (typeof rec !== 'object' || rec === null) return undefined;
  const r = rec as Record<string, unknown>;
  const { action, outcome, errcode, duration_ms, nonce, detail } = r;
  if (typeof action !== 'string' || !ACTION_NAME.test(action)) return undefined;
  if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) return undefined;
  if (
    !optionalText(r.operator_id) ||
    !optionalText(r.code) ||
    !optionalText(r.card_id) ||
    !optionalText(r.errmsg)
  ) {
    return undefined;
  }
  if (!(errcode === undefined || errcode === null || Number.isSafeInteger(errcode))) {
    return undefined;
  }
  if (!(
    duration_ms === undefined ||
    duration_ms === null ||
    (typeof duration_ms === 'number' && Number.isFinite(duration_ms) && duration_ms >= 0)
  )) {
    return undefined;
  }
  if (!(
    nonce === undefined ||
    nonce === null ||
    (typeof nonce === 'string' && nonce.length >= 1 && nonce.length <= 128)
  )) {
    return undefined;
  }
  if (!(
    detail === undefined ||
    (typeof detail === 'object' &&
      detail !== null &&
      Object.getPrototypeOf(detail) === Object.prototype)
  )) {
    return undefined;
  }
  return r as z.output<typeof NewAuditRecord>;
}

function cut(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const text = cleanText(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function createWriter(
  db: Database,
  ctx: { file: string; terminalId: () => string; now: () => number; index: SearchIndex },
): Writer {
  const { file, terminalId, now, index } = ctx;
  const insert = db.prepare(
    `INSERT INTO audit (id, ts, terminal_id, operator_id, action, code, card_id, outcome, errcode,
       errmsg, duration_ms, nonce, detail, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const readHead = db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
  const asNormal = normalCommits(db);
  const firstOfNonce = db.prepare(
    `SELECT a.id, a.operator_id, a.code, a.card_id FROM audit_ix x CROSS JOIN audit a
     ON a.id = x.id WHERE x.nonce = ? ORDER BY x.id LIMIT 1`,
  );

  const loadHead = (): Head | undefined => readHead.get() as Head | undefined;
  let cachedHead = loadHead();
  /** Intents written by this process and still open: appendResult needs no query for them. */
  const openIntents = new Map<string, IntentInfo>();

  // One INSERT is one transaction: SQLite commits it on its own (autocommit), durably, and the
  // chain trigger checks the head inside that same transaction. Inside a caller's transaction
  // it simply joins it. No BEGIN/COMMIT round trips around it.
  const insertRecord = (fields: ChainFields, prevHash: string, hash: string) => {
    insert.run(
      fields.id,
      fields.ts,
      fields.terminal_id,
      fields.operator_id,
      fields.action,
      fields.code,
      fields.card_id,
      fields.outcome,
      fields.errcode,
      fields.errmsg,
      fields.duration_ms,
      fields.nonce,
      fields.detail,
      prevHash,
      hash,
    );
  };

  function normalise(rec: NewAuditRecord): {
    fields: Omit<ChainFields, 'id' | 'ts' | 'terminal_id'>;
    detail: JsonObject;
  } {
    let r = plainRecord(rec);
    if (!r) {
      const parsed = NewAuditRecord.safeParse(rec);
      if (!parsed.success) throw invalid(describeIssues(parsed.error));
      r = parsed.data;
    }
    let detail: { text: string; value: JsonObject };
    try {
      detail = canonicalDetail(r.detail);
    } catch (err) {
      throw invalid(err instanceof DetailError ? err.message : 'detail is not plain data');
    }
    if (detail.text.length > MAX_DETAIL_CHARS) {
      throw invalid(`detail is ${detail.text.length} characters, at most ${MAX_DETAIL_CHARS}`);
    }
    return {
      fields: {
        operator_id: cut(r.operator_id, LIMITS.operator_id),
        action: r.action,
        code: cut(r.code, LIMITS.code),
        card_id: cut(r.card_id, LIMITS.card_id),
        outcome: r.outcome,
        errcode: r.errcode ?? null,
        errmsg: cut(r.errmsg, LIMITS.errmsg),
        duration_ms:
          r.duration_ms === null || r.duration_ms === undefined ? null : Math.round(r.duration_ms),
        nonce: r.nonce ?? null,
        detail: detail.text,
      },
      detail: detail.value,
    };
  }

  function write(rec: NewAuditRecord): AuditRecord {
    const { fields, detail } = normalise(rec);
    const nested = db.inTransaction;
    const ts = Math.round(now());
    const terminal = terminalId();
    let written: { chain: ChainFields; prevHash: string; hash: string } | undefined;
    let useCache = !nested && cachedHead !== undefined;
    // Only a record committed on its own can be relaxed; inside a caller's transaction it
    // shares that transaction's (FULL) commit.
    const relaxed = !nested && durabilityOf(fields.action) === 'normal';
    const insertChained = () => {
      for (let attempt = 0; attempt < 2 && !written; attempt++) {
        try {
          const head = useCache ? cachedHead : loadHead();
          const prevHash = head?.hash ?? GENESIS_HASH;
          const chain: ChainFields = {
            id: (head?.id ?? 0) + 1,
            ts,
            terminal_id: terminal,
            ...fields,
          };
          const hash = chainHash(prevHash, canonicalRecord(chain));
          insertRecord(chain, prevHash, hash);
          written = { chain, prevHash, hash };
        } catch (err) {
          // The trigger refused a stale head (another writer, a rolled-back outer transaction):
          // read the real head and try once more.
          const staleHead =
            sqliteCode(err) === 'SQLITE_CONSTRAINT_TRIGGER' &&
            /out of chain/.test((err as Error).message);
          cachedHead = undefined;
          if (!staleHead || attempt > 0) throw asAuditError(err, file);
          useCache = false;
        }
      }
    };
    if (relaxed) asNormal(insertChained);
    else insertChained();
    const { chain, prevHash, hash } = written!;
    // Inside an outer transaction the record may still be rolled back: do not cache it.
    cachedHead = nested ? undefined : { id: chain.id, hash };
    index.noteAppend(PAGES_PER_APPEND);
    return {
      id: chain.id,
      ts: chain.ts,
      terminal_id: chain.terminal_id,
      operator_id: chain.operator_id,
      action: chain.action,
      code: chain.code,
      card_id: chain.card_id,
      outcome: chain.outcome as AuditOutcome,
      errcode: chain.errcode,
      errmsg: chain.errmsg,
      duration_ms: chain.duration_ms,
      nonce: chain.nonce,
      detail,
      prev_hash: prevHash,
      hash,
    };
  }

  function findIntent(nonce: string): IntentInfo | undefined {
    const cached = openIntents.get(nonce);
    if (cached) return cached;
    index.catchUp();
    return firstOfNonce.get(nonce) as IntentInfo | undefined;
  }

  return {
    append(rec) {
      return write(rec);
    },

    appendIntent(rec) {
      if (rec.outcome !== undefined && rec.outcome !== 'pending') {
        throw invalid('an intent is always pending');
      }
      const nonce = rec.nonce ?? randomUUID();
      if (rec.nonce !== undefined && rec.nonce !== null && findIntent(nonce)) {
        throw invalid(`the nonce ${nonce} is already in use`);
      }
      const record = write({ ...rec, outcome: 'pending', nonce });
      if (!db.inTransaction) {
        openIntents.set(nonce, {
          id: record.id,
          operator_id: record.operator_id,
          code: record.code,
          card_id: record.card_id,
        });
      }
      return record;
    },

    appendResult(nonce, rec) {
      if (rec.outcome === 'pending') throw invalid('a result cannot be pending');
      if (rec.nonce !== undefined && rec.nonce !== null && rec.nonce !== nonce) {
        throw invalid('the record carries another nonce');
      }
      let intent: IntentInfo | undefined;
      try {
        intent = findIntent(nonce);
      } catch (err) {
        throw asAuditError(err, file);
      }
      if (!intent) throw new AppError('internal', 'audit.unknown_intent', { nonce });
      // A result is about the same code and card; the operator stays the intent's unless the
      // caller says otherwise (a settlement in the background has no operator of its own).
      const record = write({
        ...rec,
        nonce,
        operator_id: rec.operator_id === undefined ? intent.operator_id : rec.operator_id,
        code: rec.code === undefined ? intent.code : rec.code,
        card_id: rec.card_id === undefined ? intent.card_id : rec.card_id,
      });
      if (!(OPEN_OUTCOMES as readonly string[]).includes(record.outcome)) openIntents.delete(nonce);
      return record;
    },

    head() {
      const h = cachedHead ?? loadHead();
      return h ? { id: h.id, hash: h.hash } : undefined;
    },
  };
}
