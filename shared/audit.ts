/**
 * The audit log's record format and the shapes of its queries, shared by the main process
 * (electron/audit), the host bindings and the review screens. Pure zod: no Node imports here,
 * the renderer imports this file too. The on-disk format is described in docs/audit-log.md.
 *
 * Record fields are snake_case on purpose: they are the column names of the SQLite table, of
 * the CSV export and of the JSON Lines export, so one name means one thing everywhere.
 */
import { z } from 'zod';

/** Actions this version writes. Other lowercase names are accepted, so features can add theirs. */
export const AUDIT_ACTIONS = [
  'scan',
  'lookup',
  'redeem',
  'invalidate',
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'lockout',
  'settings_change',
  'export',
  'verify',
  'outbox_enqueue',
  'outbox_attempt',
  'outbox_result',
  'outbox_cancel',
  'send',
  'settle',
] as const;
export const KnownAuditAction = z.enum(AUDIT_ACTIONS);
export type KnownAuditAction = z.infer<typeof KnownAuditAction>;

/** A known action, or any other snake_case name (an extension). */
export const AuditAction = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'an action is a snake_case name' });
// `KnownAuditAction | (string & {})` keeps editor completion for the known names.
export type AuditAction = KnownAuditAction | (string & {});

/**
 * What became of the action. For a write to WeChat recorded as an intent (see appendIntent):
 * `pending` (the intent, before the call) and `unknown` (the answer was lost) leave it open;
 * `ok`, `rejected`, `failed`, `settled` (an unknown outcome, settled: it did happen) and
 * `cancelled` close it; `queued` hands it to the outbox, which owns it from then on.
 */
export const AUDIT_OUTCOMES = [
  'ok',
  'rejected',
  'failed',
  'unknown',
  'pending',
  'queued',
  'settled',
  'cancelled',
] as const;
export const AuditOutcome = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** Outcomes that leave an intent open: the settling workflow must pick these up. */
export const OPEN_OUTCOMES = ['pending', 'unknown'] as const satisfies readonly AuditOutcome[];
/** Outcomes of a redeem that mean the code was redeemed by this terminal. */
export const REDEEMED_OUTCOMES = ['ok', 'settled'] as const satisfies readonly AuditOutcome[];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export const JsonObject = z.record(z.string(), z.json());
export type JsonObject = { [k: string]: JsonValue };

/**
 * What a caller appends. The log adds id, ts, terminal_id, prev_hash and hash. Over-long
 * strings are cut rather than refused (a garbage scan must still be recorded), see the writer.
 * `detail` is any plain object: values are turned into JSON (undefined dropped, NaN -> null),
 * keys that look like secrets are replaced by '***'.
 */
export const NewAuditRecord = z.object({
  action: AuditAction,
  outcome: AuditOutcome,
  operator_id: z.string().nullish(),
  code: z.string().nullish(),
  card_id: z.string().nullish(),
  /** WeChat's errcode (0 for success), or null when WeChat was not asked or did not answer. */
  errcode: z.number().int().nullish(),
  errmsg: z.string().nullish(),
  /** Milliseconds the action took (e.g. the WeChat round trip). Rounded to an integer. */
  duration_ms: z.number().nonnegative().finite().nullish(),
  /** Ties an intent to its result; set by appendIntent / appendResult. */
  nonce: z.string().min(1).max(128).nullish(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type NewAuditRecord = z.input<typeof NewAuditRecord>;

/** An intent: always `pending`; a nonce is generated when none is given. */
export type NewAuditIntent = Omit<NewAuditRecord, 'outcome'> & { outcome?: 'pending' };

export const HASH_HEX = z.string().regex(/^[0-9a-f]{64}$/);

/** One record as stored and as read back. */
export const AuditRecord = z.object({
  /** 1, 2, 3... without gaps, in the order written; the chain order. */
  id: z.number().int().positive(),
  /** When it was written, UTC milliseconds (the terminal's clock). */
  ts: z.number().int(),
  terminal_id: z.string(),
  operator_id: z.string().nullable(),
  action: AuditAction,
  code: z.string().nullable(),
  card_id: z.string().nullable(),
  outcome: AuditOutcome,
  errcode: z.number().int().nullable(),
  errmsg: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  nonce: z.string().nullable(),
  detail: JsonObject,
  /** The previous record's hash (64 zeros for the first record). */
  prev_hash: HASH_HEX,
  /** SHA-256 of prev_hash followed by the canonical form of this record (docs/audit-log.md). */
  hash: HASH_HEX,
});
export type AuditRecord = z.output<typeof AuditRecord>;

/** Field order of the canonical form, the CSV columns and the JSON Lines objects. */
export const AUDIT_FIELDS = [
  'id',
  'ts',
  'terminal_id',
  'operator_id',
  'action',
  'code',
  'card_id',
  'outcome',
  'errcode',
  'errmsg',
  'duration_ms',
  'nonce',
  'detail',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof AuditRecord)[];

const Millis = z.number().int();

/**
 * Search and export filter; every field narrows (AND). Time is [from, to): `from` inclusive,
 * `to` exclusive, UTC milliseconds. Prefixes match the start of the code / card id exactly
 * (case-sensitive). `text` finds a substring of the WeChat message, detail.message or
 * detail.reason, case-insensitive for Latin letters.
 */
export const AuditFilter = z
  .object({
    from: Millis.optional(),
    to: Millis.optional(),
    operatorId: z.string().min(1).max(128).optional(),
    actions: z.array(AuditAction).max(32).optional(),
    outcomes: z.array(AuditOutcome).max(AUDIT_OUTCOMES.length).optional(),
    codePrefix: z.string().min(1).max(512).optional(),
    cardPrefix: z.string().min(1).max(128).optional(),
    text: z.string().trim().min(1).max(200).optional(),
    /**
     * Records of Sandbox-mode training exercises (detail.training): 'exclude', 'only', or
     * (absent, 'include') kept like any other record.
     */
    training: z.enum(['include', 'exclude', 'only']).optional(),
  })
  .strict();
export type AuditFilter = z.input<typeof AuditFilter>;

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;

/**
 * Keyset pagination, newest first: pass the previous answer's `nextBefore` as `before`.
 * Newest first means by time, then by id (records written in the same millisecond, or while
 * the clock was set back, keep their id order).
 */
export const AuditPage = z
  .object({
    before: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
  })
  .strict();
export type AuditPage = z.input<typeof AuditPage>;

export const AuditSearchResult = z.object({
  rows: z.array(AuditRecord),
  /** Present when there may be more rows: the id to pass as `before` for the next page. */
  nextBefore: z.number().int().positive().optional(),
});
export type AuditSearchResult = z.output<typeof AuditSearchResult>;

/**
 * A summary's range and time zone. Hours are the terminal's local hours: give either an IANA
 * zone (`timeZone: 'Asia/Shanghai'`, follows daylight saving) or a fixed offset
 * (`tzOffsetMinutes: 480` for UTC+8); with neither, the host's own time zone is used.
 */
export const AuditSummaryRange = z
  .object({
    from: Millis,
    to: Millis,
    tzOffsetMinutes: z
      .number()
      .int()
      .min(-14 * 60)
      .max(14 * 60)
      .optional(),
    timeZone: z.string().min(1).max(64).optional(),
    /** Only this operator's records (a cashier's own shift). */
    operatorId: z.string().min(1).max(128).optional(),
    /** Count records of training exercises too (left out by default). */
    includeTraining: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.to > r.from, { message: '`to` must be after `from`' });
export type AuditSummaryRange = z.input<typeof AuditSummaryRange>;

const Count = z.number().int().nonnegative();

export const AuditSummary = z.object({
  from: Millis,
  to: Millis,
  /** The zone the hours are in: an IANA name, or a fixed offset such as '+08:00'. */
  timeZone: z.string(),
  total: Count,
  byActionOutcome: z.array(z.object({ action: AuditAction, outcome: AuditOutcome, count: Count })),
  byOperator: z.array(
    z.object({
      operator_id: z.string().nullable(),
      action: AuditAction,
      outcome: AuditOutcome,
      count: Count,
    }),
  ),
  byCard: z.array(
    z.object({
      card_id: z.string().nullable(),
      action: AuditAction,
      outcome: AuditOutcome,
      count: Count,
    }),
  ),
  /** `hour` is the UTC millisecond at which the local hour starts; empty hours are left out. */
  byHour: z.array(
    z.object({ hour: Millis, action: AuditAction, outcome: AuditOutcome, count: Count }),
  ),
  /**
   * The most frequent rejection and failure reasons, most frequent first (at most 20), grouped
   * by errcode, or where WeChat gave none (null or 0) by the terminal's reason key (`reason`:
   * an error key such as `errors.network`, a verdict kind or an extension's word). `errmsg` is
   * one of WeChat's messages of the group, without its request id: a sample for the IT person.
   */
  reasons: z.array(
    z.object({
      action: AuditAction,
      outcome: AuditOutcome,
      errcode: z.number().int().nullable(),
      reason: z.string().nullable(),
      errmsg: z.string().nullable(),
      count: Count,
    }),
  ),
});
export type AuditSummary = z.output<typeof AuditSummary>;

export const AuditExportFormat = z.enum(['csv', 'jsonl']);
export type AuditExportFormat = z.infer<typeof AuditExportFormat>;

/**
 * What verify found. `changed`: a record's content no longer matches its hash (or it was
 * rewritten and re-hashed, which its successor exposes); `deleted`: records are missing inside
 * the chain; `inserted`: a record that the terminal did not write sits in the chain;
 * `truncated`: records were removed from the end; `corrupt`: SQLite cannot read the file.
 */
export const VerifyProblem = z.enum(['changed', 'deleted', 'inserted', 'truncated', 'corrupt']);
export type VerifyProblem = z.infer<typeof VerifyProblem>;

/** Not broken links, but signs of tampering or damage worth showing (docs/audit-log.md). */
export const VerifyWarning = z.enum(['guards_missing', 'search_index_behind']);
export type VerifyWarning = z.infer<typeof VerifyWarning>;

export const VerifyResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    count: Count,
    /** The last record: write it down elsewhere to detect a rewritten chain later (`anchor`). */
    head: z.object({ id: z.number().int(), hash: HASH_HEX }).optional(),
    warnings: z.array(VerifyWarning),
  }),
  z.object({
    ok: z.literal(false),
    /** The first record that is broken or missing. */
    firstBadId: z.number().int(),
    problem: VerifyProblem,
    /** For people: what is wrong, in English (the screens use `audit.verify_<problem>`). */
    detail: z.string(),
    /** Records checked and found intact before the first broken one. */
    checked: Count,
    /** For deleted/truncated: the last missing id, when known. */
    lastBadId: z.number().int().optional(),
  }),
]);
export type VerifyResult = z.output<typeof VerifyResult>;

/** A record id and hash taken from a verified log and kept elsewhere (see verify's `anchor`). */
export const AuditAnchor = z.object({ id: z.number().int().positive(), hash: HASH_HEX });
export type AuditAnchor = z.output<typeof AuditAnchor>;
