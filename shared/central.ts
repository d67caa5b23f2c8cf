/**
 * What a terminal and the chain's collector (central/) say to each other over HTTP(S): one
 * definition for both ends. A record travels exactly as it is in the terminal's log (the
 * fields its hash covers, `detail` as the stored canonical text, and the two hashes), keyed by
 * the install id and its sequence (the log's id); the editable terminal id is only a label.
 *
 *   GET  /v1/head?install_id=U   -> CentralHead: the last record of U the collector holds, and
 *                                   the most records it takes in a push (max_batch_records)
 *   POST /v1/records  PushBody   -> PushResult
 *   Authorization: Bearer <the terminal's credential>
 *   X-CardDesk-Durable-Seq: <the last record durable in the terminal's log> (optional, on both)
 *
 * The durable sequence travels as a header, not in the body, so that a terminal that sends it
 * can still push to a collector that does not know it (PushBody is strict), and a collector
 * that reads it still takes pushes from terminals that do not send it. A terminal with nothing
 * to ship asks /v1/head now and then (a heartbeat), sending it too.
 */
import { z } from 'zod';

/** The most records this collector takes in a push; it says so in /v1/head (max_batch_records). */
export const MAX_BATCH_RECORDS = 2000;
/**
 * What a terminal sends a batch to a collector that does not say its maximum (collectors before
 * max_batch_records took up to 1,000).
 */
export const DEFAULT_BATCH_RECORDS = 500;
/** The largest request body the collector reads (a batch of records as JSON). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const Hash = z.string().regex(/^[0-9a-f]{64}$/, { message: 'a SHA-256 in lower-case hex' });
/** Record times the journal takes: the years 2000 to 2099 (a partition per month). */
export const MIN_TS = Date.UTC(2000, 0, 1);
export const MAX_TS = Date.UTC(2100, 0, 1) - 1;

export const DURABLE_SEQ_HEADER = 'x-carddesk-durable-seq';

/** The header's value, if it is a sequence number; anything else is ignored. */
export function parseDurableSeq(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

export const InstallId = z.uuid({ message: 'an install id is a UUID' });

// Bounds a little above the terminal writer's (electron/audit/writer.ts LIMITS).
const text = (max: number) => z.string().max(max);
export const ShippedRecord = z
  .object({
    id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    ts: z.number().int().min(MIN_TS).max(MAX_TS),
    terminal_id: text(64).min(1),
    operator_id: text(256).nullable(),
    action: text(64).min(1),
    code: text(1024).nullable(),
    card_id: text(256).nullable(),
    outcome: text(32).min(1),
    errcode: z.number().int().nullable(),
    errmsg: text(4000).nullable(),
    duration_ms: z.number().int().nullable(),
    nonce: text(128).nullable(),
    detail: text(65_536),
    prev_hash: Hash,
    hash: Hash,
  })
  .strict();
export type ShippedRecord = z.infer<typeof ShippedRecord>;

export const PushBody = z
  .object({
    install_id: InstallId,
    records: z.array(ShippedRecord).min(1).max(MAX_BATCH_RECORDS),
  })
  .strict()
  .refine((b) => b.records.every((r, i) => i === 0 || r.id > b.records[i - 1]!.id), {
    message: 'records in ascending id order, each once',
    path: ['records'],
  });
export type PushBody = z.infer<typeof PushBody>;

const HASH = /^[0-9a-f]{64}$/;
const RECORD_KEYS = Object.keys(ShippedRecord.shape).length;
const isText = (v: unknown, min: number, max: number) =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const isTextOrNull = (v: unknown, max: number) =>
  v === null || (typeof v === 'string' && v.length <= max);
const isIntOrNull = (v: unknown) => v === null || Number.isSafeInteger(v);

function plainRecord(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  let keys = 0;
  for (const _ in r) keys++;
  return (
    keys === RECORD_KEYS &&
    Number.isSafeInteger(r.id) &&
    (r.id as number) > 0 &&
    Number.isSafeInteger(r.ts) &&
    (r.ts as number) >= MIN_TS &&
    (r.ts as number) <= MAX_TS &&
    isText(r.terminal_id, 1, 64) &&
    isTextOrNull(r.operator_id, 256) &&
    isText(r.action, 1, 64) &&
    isTextOrNull(r.code, 1024) &&
    isTextOrNull(r.card_id, 256) &&
    isText(r.outcome, 1, 32) &&
    isIntOrNull(r.errcode) &&
    isTextOrNull(r.errmsg, 4000) &&
    isIntOrNull(r.duration_ms) &&
    isTextOrNull(r.nonce, 128) &&
    isText(r.detail, 0, 65_536) &&
    typeof r.prev_hash === 'string' &&
    HASH.test(r.prev_hash) &&
    typeof r.hash === 'string' &&
    HASH.test(r.hash)
  );
}

/**
 * PushBody.safeParse's answer for a well-formed push, without zod's cost (about a tenth of the
 * collector's own work a batch): the body itself when every field is of the plain type and
 * within the bounds the schema asks for, each of a record's fields there and no other (the
 * count of its keys and a check of each). It accepts only what the schema accepts, unchanged
 * (test/unit/central/push-body.test.ts); anything else is left to zod (undefined), which
 * says what is wrong.
 */
export function plainPushBody(v: unknown): PushBody | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const b = v as Record<string, unknown>;
  let keys = 0;
  for (const _ in b) keys++;
  const { records } = b;
  if (keys !== 2 || !Array.isArray(records)) return undefined;
  if (records.length < 1 || records.length > MAX_BATCH_RECORDS) return undefined;
  if (!InstallId.safeParse(b.install_id).success) return undefined;
  let last = 0;
  for (const r of records as unknown[]) {
    if (!plainRecord(r)) return undefined;
    const id = (r as { id: number }).id;
    if (id <= last) return undefined;
    last = id;
  }
  return v as PushBody;
}

export const CentralHead = z.object({
  install_id: InstallId,
  /** The highest sequence the collector holds of this install (0: none yet): resume after it. */
  seq: z.number().int().min(0),
  hash: Hash,
  /**
   * The most records the collector takes in one push (absent from collectors before it: a
   * terminal then sends DEFAULT_BATCH_RECORDS). Terminals that do not know it ignore it.
   */
  max_batch_records: z.number().int().min(1).optional(),
});
export type CentralHead = z.infer<typeof CentralHead>;

export const PushResult = z.object({
  /** New records stored. */
  accepted: z.number().int().min(0),
  /** Records the collector held already, unchanged: nothing was written for them. */
  duplicates: z.number().int().min(0),
  /** Chain alerts this batch raised (the records were stored all the same). */
  alerts: z.array(
    z.object({
      seq: z.number().int(),
      kind: z.enum(['bad_hash', 'broken_link', 'gap', 'rewritten']),
    }),
  ),
  head: CentralHead,
});
export type PushResult = z.infer<typeof PushResult>;

export const CentralErrorBody = z.object({ error: z.string(), message: z.string() });
export type CentralErrorBody = z.infer<typeof CentralErrorBody>;
