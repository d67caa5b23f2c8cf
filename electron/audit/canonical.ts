/**
 * The canonical form of a record and its hash: the definition every chain check relies on.
 * Change nothing here without a new canonical version (the leading `1` in the array) and a
 * migration note in docs/audit-log.md: records already written must keep verifying.
 *
 *   canonical(r) = JSON.stringify([1, id, ts, terminal_id, operator_id, action, code, card_id,
 *                                  outcome, errcode, errmsg, duration_ms, nonce, detail])
 *   hash(r)      = hex(SHA-256(utf8(prev_hash + canonical(r))))
 *
 * `detail` enters as the stored text (JSON with keys sorted at every level, no spaces), so the
 * check hashes exactly the bytes on disk and never re-serialises a parsed object.
 */
import { hash as oneShotHash } from 'node:crypto';
import type { JsonObject } from '../../shared/audit';
import { maskedIfSecret, mayHoldSecret as mayHoldText, redact } from '../redact';

export const CANONICAL_VERSION = 1;
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  id: number;
  ts: number;
  terminal_id: string;
  operator_id: string | null;
  action: string;
  code: string | null;
  card_id: string | null;
  outcome: string;
  errcode: number | null;
  errmsg: string | null;
  duration_ms: number | null;
  nonce: string | null;
  /** The canonical detail text as stored. */
  detail: string;
}

export function canonicalRecord(r: ChainFields): string {
  return JSON.stringify([
    CANONICAL_VERSION,
    r.id,
    r.ts,
    r.terminal_id,
    r.operator_id,
    r.action,
    r.code,
    r.card_id,
    r.outcome,
    r.errcode,
    r.errmsg,
    r.duration_ms,
    r.nonce,
    r.detail,
  ]);
}

export function sha256Hex(text: string): string {
  return oneShotHash('sha256', text, 'hex');
}

export function chainHash(prevHash: string, canonical: string): string {
  return sha256Hex(prevHash + canonical);
}

/**
 * The same array as `canonicalRecord`, built by SQLite's json_array: verify reads this one
 * column instead of thirteen, which halves its time. json_array quotes text exactly as
 * JSON.stringify does (a test checks every BMP character); where the two could still differ,
 * verify re-checks the row with `canonicalRecord` before calling it broken.
 */
export const CANONICAL_SQL = `json_array(${CANONICAL_VERSION}, id, ts, terminal_id, operator_id,
  action, code, card_id, outcome, errcode, errmsg, duration_ms, nonce, detail)`;

// ---------------------------------------------------------------------------------------------
// Detail: plain JSON, keys sorted, secrets scrubbed (by electron/redact.ts, the one rule set
// shared with the log file and error texts).

export { REDACTED, isSecretName as isSecretKey } from '../redact';

/** A lone UTF-16 surrogate cannot be stored as UTF-8: it would come back as U+FFFD and break the hash. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

/** Text as it may enter a record: well-formed UTF-16, no secret values in URLs or messages. */
export function cleanText(text: string): string {
  let t = text;
  if (LONE_SURROGATE.test(t)) t = t.replace(LONE_SURROGATE_ALL, '\uFFFD');
  return redact(t);
}

const MAX_DEPTH = 32;

export class DetailError extends Error {}

/**
 * Any value to plain JSON with JSON.stringify's rules (undefined and functions dropped from
 * objects, NaN and Infinity -> null, Dates -> ISO text, bigint -> decimal text), object keys
 * sorted, secret keys replaced by '***', secrets in URLs and messages removed.
 */
function toJson(value: unknown, depth: number, seen: Set<object>): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return cleanText(value);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (depth > MAX_DEPTH) throw new DetailError('detail is nested too deeply');
  const obj = value as object;
  if (seen.has(obj)) throw new DetailError('detail contains a cycle');
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  const withToJson = obj as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') {
    return toJson((withToJson.toJSON as () => unknown).call(obj), depth + 1, seen);
  }
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      return obj.map((v) => {
        const j = toJson(v, depth + 1, seen);
        return j === undefined ? null : j;
      });
    }
    // Keys sorted by UTF-16 code units (Array.prototype.sort) after cleaning.
    const entries: [string, unknown][] = [];
    for (const key of Object.keys(obj)) {
      const v = (obj as Record<string, unknown>)[key];
      const masked = maskedIfSecret(key, v);
      if (masked.secret) {
        // `***`, or a value that says nothing about the secret (null, false, '').
        const j = toJson(masked.value, depth + 1, seen);
        if (j !== undefined) entries.push([cleanText(key), j]);
        continue;
      }
      const j = toJson(v, depth + 1, seen);
      if (j !== undefined) entries.push([cleanText(key), j]);
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return Object.fromEntries(entries);
  } finally {
    seen.delete(obj);
  }
}

/**
 * A detail object as plain, scrubbed JSON (`value`) and its stored text: canonical, i.e. keys
 * sorted at every level, no spaces (`text`).
 */
export function canonicalDetail(detail: Record<string, unknown> | undefined): {
  text: string;
  value: JsonObject;
} {
  if (detail === undefined) return { text: '{}', value: {} };
  const value = (toJson(detail, 0, new Set()) ?? {}) as JsonObject;
  // JSON.stringify keeps insertion order, which toJson made sorted.
  return { text: JSON.stringify(value), value };
}

/** Cheap pre-check used by export: could this stored detail text hold a secret? */
export function mayHoldSecret(detailText: string): boolean {
  return mayHoldText(detailText);
}

/** Re-scrubs a stored detail text (for export, defence in depth). */
export function rescrubDetail(detailText: string): string {
  try {
    const parsed: unknown = JSON.parse(detailText);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return '{}';
    return canonicalDetail(parsed as Record<string, unknown>).text;
  } catch {
    return '{}';
  }
}
