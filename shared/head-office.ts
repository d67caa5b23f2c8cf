/**
 * Head office's web page and the collector's /office/api: one definition for both ends (the
 * page in renderer/head-office, the server in central/office). Pure zod, no Node imports.
 *
 *   POST   /office/api/session        SignInBody -> Me (sets the HttpOnly session cookie)
 *   DELETE /office/api/session        signs out
 *   GET    /office/api/me             -> Me
 *   GET    /office/api/journal        JournalQuery -> JournalPage            viewer+
 *   GET    /office/api/journal.csv    JournalQuery -> CSV                    auditor+
 *   GET    /office/api/summary        DayRange -> SummaryRow[]               viewer+
 *   GET    /office/api/terminals      -> TerminalRow[]                       viewer+
 *   GET    /office/api/reconciliation DayRange -> Reconciliation             viewer+
 *   GET    /office/api/credentials -> CredentialRow[], POST /office/api/credentials
 *          IssueCredentialBody -> IssuedCredential (the token, shown once),
 *          POST /office/api/credentials/revoke, GET /office/api/assignments -> AssignmentRow[]
 *          (with history), POST /office/api/assignments, GET/POST /office/api/users,
 *          POST /office/api/users/disable, POST /office/api/users/password       admin
 */
import { z } from 'zod';

export const OFFICE_ROLES = ['viewer', 'auditor', 'admin'] as const;
export type OfficeRole = (typeof OFFICE_ROLES)[number];
export const OfficeRole = z.enum(OFFICE_ROLES);

/** Whether `role` may do what `least` may (viewer < auditor < admin). */
export function roleAtLeast(role: OfficeRole, least: OfficeRole): boolean {
  return OFFICE_ROLES.indexOf(role) >= OFFICE_ROLES.indexOf(least);
}

export const OFFICE_COOKIE = 'cd_office';

export const SignInBody = z
  .object({ name: z.string().min(1).max(64), password: z.string().min(1).max(200) })
  .strict();
export type SignInBody = z.infer<typeof SignInBody>;

export const Me = z.object({ name: z.string(), role: OfficeRole });
export type Me = z.infer<typeof Me>;

/** A day in WeChat's time zone (Asia/Shanghai), as datacube's ref_date: YYYY-MM-DD. */
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a day as YYYY-MM-DD' });

const optText = (max: number) => z.string().trim().min(1).max(max).optional();
const optMs = z.coerce.number().int().min(0).max(4_102_444_800_000).optional();

/** The journal's filters, as query parameters; empty ones are left out. */
export const JournalQuery = z
  .object({
    store: optText(64),
    terminal: optText(64),
    operator: optText(256),
    card: optText(256),
    /** A code prefix (auditor, admin); a viewer's search is for the whole code. */
    code: optText(1024),
    outcome: optText(32),
    action: optText(64),
    /** UTC ms, from inclusive, to exclusive. */
    from: optMs,
    to: optMs,
    /** The `next` of the previous page. */
    cursor: z
      .string()
      .regex(/^\d{1,15}_[0-9a-f-]{36}_\d{1,16}$/, { message: 'a cursor from the previous page' })
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type JournalQuery = z.infer<typeof JournalQuery>;

export const JournalRow = z.object({
  install_id: z.string(),
  seq: z.number(),
  ts: z.number(),
  store: z.string().nullable(),
  terminal: z.string().nullable(),
  terminal_id: z.string(),
  operator_id: z.string().nullable(),
  action: z.string(),
  /** Masked for viewers (1788****0332). */
  code: z.string().nullable(),
  card_id: z.string().nullable(),
  outcome: z.string(),
  errcode: z.number().nullable(),
  errmsg: z.string().nullable(),
  chain_ok: z.boolean(),
});
export type JournalRow = z.infer<typeof JournalRow>;

export const JournalPage = z.object({
  rows: z.array(JournalRow),
  /** The cursor of the next (older) page; null at the end. */
  next: z.string().nullable(),
  masked: z.boolean(),
});
export type JournalPage = z.infer<typeof JournalPage>;

export const DayRange = z
  .object({ from: Day, to: Day })
  .strict()
  .refine((r) => r.from <= r.to, { message: 'from is after to', path: ['to'] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 < 62, {
    message: 'at most 62 days (as WeChat’s statistics)',
    path: ['to'],
  });
export type DayRange = z.infer<typeof DayRange>;

export const SummaryRow = z.object({
  day: Day,
  store: z.string(),
  terminal: z.string(),
  /** Redemptions (redeem ok or settled). */
  redeemed: z.number(),
  /** Invalidations for refunds (ok or settled). */
  refunded: z.number(),
  /** Redemptions WeChat refused or that failed. */
  failed: z.number(),
  lookups: z.number(),
});
export type SummaryRow = z.infer<typeof SummaryRow>;

export const TerminalRow = z.object({
  /** null: a credential issued that no terminal has used yet. */
  install_id: z.string().nullable(),
  store: z.string().nullable(),
  terminal: z.string().nullable(),
  head_seq: z.number(),
  last_push_at: z.number().nullable(),
  flagged_at: z.number().nullable(),
  flag_reason: z.string().nullable(),
  alerts: z.number(),
  /**
   * The last record the terminal said it holds durably (sent with each push and heartbeat);
   * null for a terminal that has not said (an earlier version).
   */
  reported_seq: z.number().nullable(),
  /** reported_seq minus what the collector holds: records known to be on their way. */
  records_behind: z.number().nullable(),
  /** The last time the terminal was heard from (a push or a heartbeat). */
  last_seen_at: z.number().nullable(),
  /**
   * Records known not to be here yet (records_behind > 0), or not heard from for longer than
   * the collector's threshold (or never).
   */
  behind: z.boolean(),
});
export type TerminalRow = z.infer<typeof TerminalRow>;

export const ReconciliationRow = z.object({
  day: Day,
  card_id: z.string(),
  /** The card's title, if known: from the records' look-ups, else WeChat's card/get. */
  card_title: z.string().nullable(),
  card_title_from: z.enum(['journal', 'wechat']).nullable(),
  /** datacube/getcardcardinfo verify_cnt for that day and card. */
  wechat: z.number(),
  /** Redemption records in the central journal (ok or settled). */
  journal: z.number(),
  /** Distinct codes among them. */
  journal_codes: z.number(),
  /** WeChat's count minus the distinct codes: > 0 not in the journal, < 0 more in it. */
  difference: z.number(),
  /** Codes redeemed by more than one terminal (masked for viewers), with who claimed them. */
  claimed_twice: z.array(z.object({ code: z.string(), terminals: z.array(z.string()) })),
  /** Terminals that had not shipped anything after the end of that day. */
  behind: z.array(z.string()),
  /**
   * Why they differ: `match`; `not_shipped` (WeChat counts more and terminals are behind);
   * `outside` (WeChat counts more and every terminal has shipped: consumed outside CardDesk);
   * `claimed_twice` (more records than codes); `journal_more` (more codes than WeChat counts).
   */
  explanation: z.array(
    z.enum(['match', 'not_shipped', 'outside', 'claimed_twice', 'journal_more']),
  ),
});
export type ReconciliationRow = z.infer<typeof ReconciliationRow>;

export const Reconciliation = z.object({
  from: Day,
  to: Day,
  rows: z.array(ReconciliationRow),
});
export type Reconciliation = z.infer<typeof Reconciliation>;

export const IssueCredentialBody = z
  .object({
    store: z.string().trim().min(1).max(64),
    terminal: z.string().trim().min(1).max(64),
    install_id: z.uuid().optional(),
  })
  .strict();
export const RevokeCredentialBody = z.object({ id: z.string().regex(/^[a-z0-9]{12}$/) }).strict();
export const AssignBody = z
  .object({
    install_id: z.uuid(),
    store: z.string().trim().min(1).max(64),
    terminal: z.string().trim().min(1).max(64),
  })
  .strict();
export const AddUserBody = z
  .object({
    name: z.string().trim().min(1).max(64),
    role: OfficeRole,
    password: z.string().min(10).max(200),
  })
  .strict();
export const DisableUserBody = z.object({ name: z.string().trim().min(1).max(64) }).strict();
export const ResetPasswordBody = z
  .object({ name: z.string().trim().min(1).max(64), password: z.string().min(10).max(200) })
  .strict();

const msOrNull = z.number().nullable();

export const CredentialRow = z.object({
  id: z.string(),
  store: z.string(),
  terminal: z.string(),
  install_id: z.string().nullable(),
  issued_at: z.number(),
  revoked_at: msOrNull,
  last_used_at: msOrNull,
});
export type CredentialRow = z.infer<typeof CredentialRow>;

/** Shown once, when issued: the database keeps only the SHA-256 of its secret. */
export const IssuedCredential = z.object({ id: z.string(), token: z.string() });
export type IssuedCredential = z.infer<typeof IssuedCredential>;

/** One row of the store mapping: an install's store and terminal name from..to (null: now). */
export const AssignmentRow = z.object({
  install_id: z.string(),
  store: z.string(),
  terminal: z.string(),
  credential_id: z.string().nullable(),
  valid_from: z.number(),
  valid_to: msOrNull,
});
export type AssignmentRow = z.infer<typeof AssignmentRow>;

export const UserRow = z.object({
  name: z.string(),
  role: OfficeRole,
  created_at: z.number(),
  disabled_at: msOrNull,
});
export type UserRow = z.infer<typeof UserRow>;

export const OfficeError = z.object({ error: z.string(), message: z.string() });
export type OfficeError = z.infer<typeof OfficeError>;
