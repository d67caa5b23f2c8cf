/**
 * Contract operations of the audit review screens (issue 10): the journal (search and count),
 * one record with the records of its intent, a summary of a range, export to a file (Electron's
 * save dialog) or a one-time download (browser host), and the chain check.
 *
 * Who sees what is decided by the host (electron/services/audit-review/), never only by the
 * screens: supervisors and managers see every record; a cashier sees only their own records of
 * their shift, which is "since the start of today in the terminal's time zone" (a shop's shifts
 * end by midnight; a sign-in based shift would hide records of a cashier who signed in twice).
 * Codes are masked for cashiers wherever they would see them (journal, record, export), and
 * masked output carries no chain hashes and no nonces: each hash is over the record with the
 * full code, so a masked code could be recovered from it by trying the masked digits.
 *
 * Also here, because both the host and the screens need them: the four kinds the summary counts
 * (redemptions, refunds, rejections, failures), the code mask, and local-day arithmetic in an
 * IANA time zone.
 */
import { z } from 'zod';
import {
  AUDIT_PAGE_MAX,
  AuditExportFormat,
  AuditFilter,
  AuditRecord,
  AuditSummary,
  VerifyResult,
  type AuditOutcome,
} from '../audit';
import { NoInput as Empty, op } from '../contract-kit';
import { Role } from '../role';
import { ErrorInfo } from '../errors';
import { addDays, DATE, localDate, localDayStart } from '../local-days';

// ---------------------------------------------------------------------------------------------
// What the summary counts

/** Actions of the counter (a customer is waiting): rejections and failures count only these. */
export const COUNTER_ACTIONS = ['scan', 'lookup', 'redeem', 'invalidate'] as const;

/**
 * What can be refused: a scan, a redemption, a refund. A lookup only reads a code's state and
 * never counts as a rejection, whatever its stored outcome (logs of older versions wrote
 * "rejected" for a lookup of a used or expired code).
 */
export const REJECTION_ACTIONS = ['scan', 'redeem', 'invalidate'] as const;

export const REVIEW_KINDS = ['redemptions', 'refunds', 'rejections', 'failures'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** Which records each kind counts: the same definition in the summary, the chart and tests. */
export const KIND_RULES: Record<
  ReviewKind,
  { actions: readonly string[]; outcomes: readonly AuditOutcome[] }
> = {
  /** A code redeemed: WeChat confirmed, or a lost answer settled as redeemed. */
  redemptions: { actions: ['redeem'], outcomes: ['ok', 'settled'] },
  /** A code invalidated for a refund (confirmed or settled). */
  refunds: { actions: ['invalidate'], outcomes: ['ok', 'settled'] },
  /** WeChat or the terminal refused a code at the counter. */
  rejections: { actions: REJECTION_ACTIONS, outcomes: ['rejected'] },
  /** Could not be done at the counter (network, platform trouble). */
  failures: { actions: COUNTER_ACTIONS, outcomes: ['failed'] },
};

export function kindOf(action: string, outcome: string): ReviewKind | undefined {
  for (const kind of REVIEW_KINDS) {
    const rule = KIND_RULES[kind];
    if (rule.actions.includes(action) && (rule.outcomes as readonly string[]).includes(outcome))
      return kind;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Masking

/** `178812340332` -> `1788****0332`: enough to match a customer's phone, not to reuse the code. */
export function maskCode(code: string): string {
  const chars = Array.from(code);
  if (chars.length >= 9) return `${chars.slice(0, 4).join('')}****${chars.slice(-4).join('')}`;
  if (chars.length >= 6) return `${chars.slice(0, 2).join('')}****${chars.slice(-2).join('')}`;
  return '****';
}

export const RANGE_PRESETS = ['today', 'yesterday', 'week', 'all', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/**
 * A preset as [from, to) in UTC ms. `week` starts on Monday. `custom` takes whole local days,
 * both inclusive; a missing end is open. `all` (and an incomplete custom range) is unbounded.
 */
export function rangeBounds(
  range: { preset: RangePreset; fromDate?: string | undefined; toDate?: string | undefined },
  now: number,
  timeZone: string,
): { from?: number; to?: number } {
  const today = localDate(now, timeZone);
  switch (range.preset) {
    case 'today':
      return {
        from: localDayStart(today, timeZone),
        to: localDayStart(addDays(today, 1), timeZone),
      };
    case 'yesterday':
      return {
        from: localDayStart(addDays(today, -1), timeZone),
        to: localDayStart(today, timeZone),
      };
    case 'week': {
      const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
      const monday = addDays(today, -weekday);
      return {
        from: localDayStart(monday, timeZone),
        to: localDayStart(addDays(monday, 7), timeZone),
      };
    }
    case 'custom': {
      const out: { from?: number; to?: number } = {};
      if (range.fromDate && DATE.test(range.fromDate))
        out.from = localDayStart(range.fromDate, timeZone);
      if (range.toDate && DATE.test(range.toDate))
        out.to = localDayStart(addDays(range.toDate, 1), timeZone);
      return out;
    }
    case 'all':
      return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas

const Id = z.number().int().positive();

/** What the caller may see: everything, or (a cashier) their own records since `since`. */
export const ReviewScope = z.object({
  own: z.boolean(),
  operatorId: z.string().optional(),
  /** Start of the cashier's shift (UTC ms). */
  since: z.number().optional(),
});
export type ReviewScope = z.infer<typeof ReviewScope>;

export const ReviewInfo = z.object({
  /** The terminal's IANA time zone: every date on the review screens is in it. */
  timeZone: z.string(),
  now: z.number(),
  terminalId: z.string(),
  role: Role,
  scope: ReviewScope,
  /** Operator ids and names, to pick from and to show (a cashier gets only themselves). */
  operators: z.array(z.object({ id: z.string(), name: z.string(), role: Role })),
  /** Where exports go: a file picked in a save dialog, or a download from the browser host. */
  exportTarget: z.enum(['file', 'download']),
});
export type ReviewInfo = z.infer<typeof ReviewInfo>;

/** One journal line: what the list shows, without the chain fields. */
export const JournalRow = z.object({
  id: Id,
  ts: z.number().int(),
  operator_id: z.string().nullable(),
  action: z.string(),
  code: z.string().nullable(),
  card_id: z.string().nullable(),
  /** The card's title, from this record or the latest lookup of the card in the log. */
  title: z.string().nullable(),
  outcome: z.string(),
  errcode: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  nonce: z.string().nullable(),
  /** The verdict of a lookup (`verdict.title.<kind>`), or null. */
  verdict: z.string().nullable(),
  /** A lookup's tone as the cashier saw it (accept, warning, reject, neutral). */
  tone: z.string().optional(),
  /**
   * For the request half of a write (an intent or a step still `pending` or `unknown`): the
   * record that closed it, so the journal links to the result instead of showing "processing"
   * for ever. Absent while it is still open (and on rows that are not such a step).
   */
  result: z.object({ id: Id, outcome: z.string() }).optional(),
  /** A record of a training exercise in Sandbox mode (detail.training): shown with a badge. */
  training: z.literal(true).optional(),
});
export type JournalRow = z.infer<typeof JournalRow>;

export const SearchInput = z
  .object({
    filter: AuditFilter,
    before: Id.optional(),
    limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
  })
  .strict();

export const SearchOutput = z.object({
  rows: z.array(JournalRow),
  nextBefore: Id.optional(),
  scope: ReviewScope,
});
export type SearchOutput = z.infer<typeof SearchOutput>;

/**
 * A record as a cashier sees it: the code masked, and no `hash`, `prev_hash` or `nonce`. The
 * schema strips them too, so a service that forgot would still not send them.
 */
export const MaskedAuditRecord = AuditRecord.omit({ hash: true, prev_hash: true, nonce: true });
export type MaskedAuditRecord = z.infer<typeof MaskedAuditRecord>;

const RecordViewCommon = {
  title: z.string().nullable(),
  /** The intent and its results (same nonce), in order; this record among them. */
  linked: z.array(JournalRow),
};

/** One record: complete for supervisors and managers, masked (no chain fields) for cashiers. */
export const RecordView = z.discriminatedUnion('masked', [
  z.object({ masked: z.literal(false), record: AuditRecord, ...RecordViewCommon }),
  z.object({ masked: z.literal(true), record: MaskedAuditRecord, ...RecordViewCommon }),
]);
export type RecordView = z.infer<typeof RecordView>;

export const SummaryInput = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    /** Count records of training exercises too (left out by default). */
    includeTraining: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.to > r.from, { message: '`to` must be after `from`' });

export const SummaryOutput = AuditSummary.extend({
  /** Card titles by card id, from the log. */
  cardTitles: z.record(z.string(), z.string()),
  scope: ReviewScope,
});
export type SummaryOutput = z.infer<typeof SummaryOutput>;

export const ExportState = z.enum(['running', 'done', 'cancelled', 'failed']);
export type ExportState = z.infer<typeof ExportState>;

export const ExportStatus = z.object({
  exportId: z.string(),
  state: ExportState,
  format: AuditExportFormat,
  target: z.enum(['file', 'download']),
  /** The file's name (a download's suggested name, or the name of the file picked). */
  fileName: z.string(),
  /** Where the file was saved (file target, when done). */
  savedTo: z.string().optional(),
  /** The one-time download address (download target, when done, until used or expired). */
  downloadUrl: z.string().optional(),
  rows: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  error: ErrorInfo.optional(),
});
export type ExportStatus = z.infer<typeof ExportStatus>;

export const VerifyState = z.enum(['running', 'done', 'cancelled', 'failed']);

export const VerifyStatus = z.object({
  verifyId: z.string(),
  state: VerifyState,
  checked: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  startedAt: z.number(),
  result: VerifyResult.optional(),
  error: ErrorInfo.optional(),
});
export type VerifyStatus = z.infer<typeof VerifyStatus>;

const ExportId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/**
 * The browser host's `GET /download/<exportId>?token=<token>`: a finished export's one-time
 * download (32 random bytes, single use, 10 minutes), handed only to the operator who made
 * it. Not a contract operation: the host trades the token for the file itself, so no page ever
 * sees a file path.
 */
export const DownloadRequest = z
  .object({ exportId: ExportId, token: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/) })
  .strict();

export const auditReviewOps = {
  reviewInfo: op({ access: 'cashier', input: Empty, output: ReviewInfo }),
  searchAudit: op({ access: 'cashier', input: SearchInput, output: SearchOutput }),
  countAudit: op({
    access: 'cashier',
    input: z.object({ filter: AuditFilter }).strict(),
    output: z.object({ count: z.number().int().nonnegative() }),
  }),
  getAuditRecord: op({
    access: 'cashier',
    input: z.object({ id: Id }).strict(),
    output: RecordView,
  }),
  auditSummary: op({ access: 'cashier', input: SummaryInput, output: SummaryOutput }),
  /** Null when the operator closed the save dialog without choosing a file. */
  startExport: op({
    access: 'cashier',
    input: z
      .object({
        filter: AuditFilter,
        format: AuditExportFormat,
        /** Records of training exercises go only when asked for (the filter's own wins). */
        includeTraining: z.boolean().default(false),
      })
      .strict(),
    output: ExportStatus.nullable(),
  }),
  exportStatus: op({
    access: 'cashier',
    input: z.object({ exportId: ExportId }).strict(),
    output: ExportStatus,
    passive: true,
  }),
  cancelExport: op({
    access: 'cashier',
    input: z.object({ exportId: ExportId }).strict(),
    output: ExportStatus,
  }),
  startVerify: op({ access: 'supervisor', input: Empty, output: VerifyStatus }),
  verifyStatus: op({
    access: 'supervisor',
    input: z.object({ verifyId: ExportId }).strict(),
    output: VerifyStatus,
    passive: true,
  }),
  cancelVerify: op({
    access: 'supervisor',
    input: z.object({ verifyId: ExportId }).strict(),
    output: VerifyStatus,
  }),
};
