/**
 * The applied-writes journal: every write the sandbox actually applied, in order. It is the
 * ground truth a test compares a client's own records with ("the terminal says it redeemed
 * once; did WeChat apply exactly one consume?"), which the request log cannot be: the log
 * records calls, and a call answered lost_response, hang or late_apply says nothing there
 * about whether it took effect. Refused calls (errcodes) never appear here.
 */
import { z } from 'zod';
import { CARD_STATUSES, CODE_STATUSES } from './card-types';

/** The path control-API (and sim.setCodeStatus/setCardStatus) changes are journaled under. */
export const CONTROL_CODE_PATH = '/__sandbox/state/codes/:code';
export const CONTROL_CARD_PATH = '/__sandbox/state/cards/:card_id';

export const AppliedWriteSchema = z.strictObject({
  /** 1, 2, 3... in the order applied; never reused until a reset. */
  seq: z.int().min(1),
  /** Sandbox clock, unix ms. */
  at: z.int(),
  /** Wall clock (Date.now()), unix ms: what a test compares with real timeouts. */
  wall: z.int(),
  /** The WeChat endpoint path, or CONTROL_CODE_PATH / CONTROL_CARD_PATH. */
  path: z.string().min(1),
  code: z.string().optional(),
  card_id: z.string().optional(),
  /** card/code/update: the code's new name (`code` is the old one). */
  new_code: z.string().optional(),
  /** Control changes: the status set. */
  status: z.enum([...CODE_STATUSES, ...CARD_STATUSES]).optional(),
  via: z.enum(['api', 'control']),
});
export type AppliedWrite = z.infer<typeof AppliedWriteSchema>;

/** What a write touched, as the route or control call reports it. */
export type WriteTarget = Pick<AppliedWrite, 'code' | 'card_id' | 'new_code' | 'status'>;

export class WriteJournal {
  private entries: AppliedWrite[];
  private nextSeq: number;

  constructor(entries: readonly AppliedWrite[] = [], nextSeq = 1) {
    this.entries = entries.map((e) => ({ ...e }));
    const last = this.entries[this.entries.length - 1];
    this.nextSeq = Math.max(nextSeq, (last?.seq ?? 0) + 1);
  }

  append(entry: Omit<AppliedWrite, 'seq'>): AppliedWrite {
    const written = { seq: this.nextSeq++, ...entry };
    this.entries.push(written);
    return { ...written };
  }

  /** Entries with seq > since (all by default), oldest first, as copies. */
  list(since = 0): AppliedWrite[] {
    return this.entries.filter((e) => e.seq > since).map((e) => ({ ...e }));
  }

  /** The seq the next entry gets: persisted so a restart does not hand out a used one. */
  get next(): number {
    return this.nextSeq;
  }
}
