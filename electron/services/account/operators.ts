/**
 * Operators and their PINs. PINs are hashed with scrypt (salted, slow). At most 5 PIN checks of
 * one operator may fail in 5 minutes, however many requests arrive at once: the 5th failure locks
 * the operator for 5 minutes. Operators are never deleted, only disabled, so the audit log keeps
 * their names. Stored in operators.json (atomic writes).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { closeSync, fdatasyncSync, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Role } from '../../../shared/role';
import { AppError } from '../../../shared/errors';
import type { OperatorView } from '../../../shared/settings';
import { readJsonFile, writeFileAtomic } from '../json-file';
import { KeyedQueue } from '../keyed-queue';

export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60_000;
/** Failed PIN checks older than this no longer count towards a lock. */
export const FAILURE_WINDOW_MS = 5 * 60_000;
/**
 * Ids that do not exist are tracked so they lock like real ones (see verify). Only the last lock
 * window matters, and every guess costs a PIN hash, so a few minutes cannot hold more than some
 * thousands of them: entries are dropped once their window is over, and the cap is a safety far
 * above what the hashing allows (a flood must not make a made-up id forget its lock and so tell
 * it apart from a real one).
 */
const MAX_STRANGERS = 200_000;
/** The made-up ids' file is rewritten with only the live ones once it has this many lines more. */
const STRANGER_LOG_SLACK = 10_000;
/** The made-up ids' file, beside operators.json. */
export const UNKNOWN_IDS_FILE = 'unknown-ids.jsonl';
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

function scrypt(pin: string, salt: Buffer, opts: ScryptOptions & { keylen: number }) {
  return new Promise<Buffer>((resolve, reject) =>
    scryptCb(pin, salt, opts.keylen, { N: opts.N, r: opts.r, p: opts.p }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

const StoredOperator = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  disabled: z.boolean().default(false),
  pin: z.object({
    salt: z.string(),
    hash: z.string(),
    N: z.number().int(),
    r: z.number().int(),
    p: z.number().int(),
  }),
  /** When the PIN checks of the last FAILURE_WINDOW_MS failed (or are being made right now). */
  failedChecks: z.array(z.number()).default([]),
  lockedUntil: z.number().optional(),
  createdAt: z.number(),
});
type StoredOperator = z.infer<typeof StoredOperator>;
const StoredFile = z.object({ operators: z.array(StoredOperator) });

/** What a lock needs to know of an operator id, real or not. */
interface LockState {
  failedChecks: number[];
  lockedUntil?: number | undefined;
}

export type SignInOutcome =
  | { ok: true; operator: OperatorView }
  | {
      ok: false;
      reason: 'unknown' | 'wrong_pin' | 'locked' | 'disabled';
      /** Set while the id is locked: the caller says when it ends. */
      lockedUntil?: number;
      /** This attempt set the lock (an operator's 5th failed check). */
      justLocked?: boolean;
      /** A PIN was compared and did not match (false: refused before any check). */
      checked: boolean;
    };

async function hashPin(pin: string): Promise<StoredOperator['pin']> {
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, SCRYPT);
  return {
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
  };
}

/** The failed checks still inside the window at `now` (a clock set back forgets none). */
function recent(state: LockState, now: number): number[] {
  return state.failedChecks.filter((t) => t > now - FAILURE_WINDOW_MS);
}

/** Until when the id is locked at `now`, if it is. */
function lockedAt(state: LockState, now: number): number | undefined {
  const checks = recent(state, now);
  const byWindow =
    checks.length >= MAX_FAILURES ? Math.min(...checks) + FAILURE_WINDOW_MS : undefined;
  const until = Math.max(state.lockedUntil ?? 0, byWindow ?? 0);
  return until > now ? until : undefined;
}

/** A file of the operators that could not be written, as the cashier's error. */
function notSaved(err: unknown, file: string): AppError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('storage', 'audit.disk_full', {}, { cause: err });
  }
  return new AppError(
    'storage',
    'errors.file_not_saved',
    { file: path.basename(file), code },
    { cause: err },
  );
}

function strangerLine(id: string, s: LockState): string {
  return (
    JSON.stringify({
      id,
      failedChecks: s.failedChecks,
      ...(s.lockedUntil !== undefined ? { lockedUntil: s.lockedUntil } : {}),
    }) + '\n'
  );
}

export class OperatorStore {
  private operators: StoredOperator[] = [];
  readonly problem: string | undefined;
  /** One PIN check (or PIN change) per operator id at a time, in the order they arrived. */
  private readonly queue = new KeyedQueue();
  /**
   * Ids that name no operator: they fail and lock exactly like real ones, so neither the
   * answers nor the time taken tell which ids exist. Oldest forgotten first. Kept in a file of
   * their own beside the operators (`strangersFile`), a line per failed check, written and
   * synced as a real operator's is: a lock that a restart forgot for made-up ids only would
   * tell them from real ones, whose locks are in operators.json.
   */
  private readonly strangers = new Map<string, LockState>();
  private readonly strangersFile: string;
  private strangerLines = 0;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
    /** Lines the made-up ids' file may grow by before it is rewritten (tests make it small). */
    private readonly strangerSlack = STRANGER_LOG_SLACK,
  ) {
    const r = readJsonFile(file);
    if (r.state === 'ok') {
      const parsed = StoredFile.safeParse(r.value);
      if (parsed.success) this.operators = parsed.data.operators;
      else this.problem = 'operators file does not match the expected format';
    } else if (r.state === 'broken') {
      this.problem = r.reason;
    }
    this.strangersFile = path.join(path.dirname(file), UNKNOWN_IDS_FILE);
    this.loadStrangers();
  }

  /**
   * The made-up ids' states as the file last had them (a line per change, the last one of an
   * id wins); a line cut short by a crash, or anything else unreadable, is skipped. Those whose
   * window and lock are over, or that name an operator now, are left out, and the file is
   * rewritten with the rest.
   */
  private loadStrangers() {
    let text: string;
    try {
      text = readFileSync(this.strangersFile, 'utf8');
    } catch {
      return; // none yet (or unreadable: then written afresh)
    }
    const Line = z.object({
      id: z.string(),
      failedChecks: z.array(z.number()),
      lockedUntil: z.number().optional(),
    });
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let line: z.infer<typeof Line>;
      try {
        line = Line.parse(JSON.parse(raw));
      } catch {
        continue;
      }
      this.strangers.delete(line.id);
      this.strangers.set(line.id, {
        failedChecks: line.failedChecks,
        ...(line.lockedUntil !== undefined ? { lockedUntil: line.lockedUntil } : {}),
      });
    }
    this.compactStrangers();
  }

  /** Rewrites the made-up ids' file with the live ones only; false if the disk refused. */
  private compactStrangers(): boolean {
    const now = this.now();
    const lines: string[] = [];
    for (const [id, s] of this.strangers) {
      const live = recent(s, now).length > 0 || (s.lockedUntil ?? 0) > now;
      if (!live || this.operators.some((o) => o.id === id)) this.strangers.delete(id);
      else lines.push(strangerLine(id, s));
    }
    try {
      writeFileAtomic(this.strangersFile, lines.join(''), 0o600);
      this.strangerLines = lines.length;
      return true;
    } catch {
      // A full or read-only disk: the file keeps its lines (the same states, and more), and is
      // rewritten at a later chance; whoever writes next says what is wrong.
      return false;
    }
  }

  /** Appends (and syncs) one made-up id's state, as persist() writes a real one's. */
  private persistStranger(id: string, state: LockState) {
    // Rewritten instead, when it has grown long; if the disk refuses that, the append below
    // says why, as a real operator's write would.
    const long = this.strangerLines >= this.strangers.size + this.strangerSlack;
    if (long && this.compactStrangers()) return;
    try {
      const fd = openSync(this.strangersFile, 'a', 0o600);
      try {
        if (process.platform !== 'win32') fchmodSync(fd, 0o600);
        writeSync(fd, strangerLine(id, state));
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      throw notSaved(err, this.strangersFile);
    }
    this.strangerLines += 1;
  }

  private persist() {
    try {
      writeFileAtomic(
        this.file,
        JSON.stringify({ operators: this.operators }, null, 2) + '\n',
        0o600,
      );
    } catch (err) {
      throw notSaved(err, this.file);
    }
  }

  private view(o: StoredOperator): OperatorView {
    const until = lockedAt(o, this.now());
    return {
      id: o.id,
      name: o.name,
      role: o.role,
      disabled: o.disabled,
      ...(until !== undefined ? { lockedUntil: until } : {}),
    };
  }

  get count(): number {
    return this.operators.length;
  }

  list(): OperatorView[] {
    return this.operators.map((o) => this.view(o));
  }

  find(id: string): OperatorView | undefined {
    const o = this.operators.find((x) => x.id === id);
    return o && this.view(o);
  }

  private exists(id: string) {
    return this.operators.some((o) => o.id.toLowerCase() === id.toLowerCase());
  }

  async add(input: { id: string; name: string; role: Role; pin: string }): Promise<OperatorView> {
    if (this.exists(input.id)) {
      throw new AppError('invalid_input', 'errors.operator_exists', { id: input.id });
    }
    const pin = await hashPin(input.pin);
    // Asked again after the hashing: a second add of the same id may have finished meanwhile.
    if (this.exists(input.id)) {
      throw new AppError('invalid_input', 'errors.operator_exists', { id: input.id });
    }
    const op: StoredOperator = {
      id: input.id,
      name: input.name,
      role: input.role,
      disabled: false,
      pin,
      failedChecks: [],
      createdAt: this.now(),
    };
    this.operators.push(op);
    this.strangers.delete(input.id);
    this.persist();
    return this.view(op);
  }

  private mustFind(id: string): StoredOperator {
    const o = this.operators.find((x) => x.id === id);
    if (!o) throw new AppError('invalid_input', 'errors.operator_unknown', { id });
    return o;
  }

  private activeManagers(except?: string) {
    return this.operators.filter((o) => o.role === 'manager' && !o.disabled && o.id !== except);
  }

  update(id: string, change: { name?: string; role?: Role; disabled?: boolean }): OperatorView {
    const o = this.mustFind(id);
    const losesManager = (change.role && change.role !== 'manager') || change.disabled === true;
    if (o.role === 'manager' && losesManager && this.activeManagers(id).length === 0) {
      throw new AppError('invalid_input', 'errors.last_manager');
    }
    if (change.name !== undefined) o.name = change.name;
    if (change.role !== undefined) o.role = change.role;
    if (change.disabled !== undefined) o.disabled = change.disabled;
    this.persist();
    return this.view(o);
  }

  /** A new PIN, and the lock lifted. Queued behind PIN checks already under way. */
  resetPin(id: string, pin: string): Promise<OperatorView> {
    this.mustFind(id);
    return this.queue.run(id, async () => {
      const o = this.mustFind(id);
      o.pin = await hashPin(pin);
      o.failedChecks = [];
      delete o.lockedUntil;
      this.persist();
      return this.view(o);
    });
  }

  /**
   * Lifts an operator's PIN lock (a supervisor's or manager's unlock): the failed checks are
   * forgotten, the PIN stays. Queued behind PIN checks already under way. Returns until when the
   * operator was locked (undefined: they were not).
   */
  unlock(id: string): Promise<{ operator: OperatorView; wasLockedUntil: number | undefined }> {
    this.mustFind(id);
    return this.queue.run(id, async () => {
      const o = this.mustFind(id);
      const wasLockedUntil = lockedAt(o, this.now());
      o.failedChecks = [];
      delete o.lockedUntil;
      this.persist();
      return { operator: this.view(o), wasLockedUntil };
    });
  }

  private stranger(id: string): LockState {
    let state = this.strangers.get(id);
    if (state) this.strangers.delete(id);
    else state = { failedChecks: [] };
    this.strangers.set(id, state); // most recently used last
    // The least recently used first: drop those whose window and lock are over.
    const now = this.now();
    for (const [key, s] of this.strangers) {
      if (key === id) break;
      const last = s.failedChecks.at(-1) ?? 0;
      if (now - last < FAILURE_WINDOW_MS || (s.lockedUntil ?? 0) > now) break;
      this.strangers.delete(key);
    }
    while (this.strangers.size > MAX_STRANGERS) {
      this.strangers.delete(this.strangers.keys().next().value!);
    }
    return state;
  }

  /**
   * Checks an operator's PIN. Checks of one id run one at a time; each is counted as a failure
   * before the PIN is hashed (so neither parallel requests nor a crash mid-check get a free
   * guess) and uncounted only if it matched; the lock is asked again after the hashing, and a
   * match never lifts a lock. There is no limit across ids: one caller cannot lock everyone out.
   */
  verify(id: string, pin: string): Promise<SignInOutcome> {
    return this.queue.run(id, () => this.verifyNow(id, pin));
  }

  private async verifyNow(id: string, pin: string): Promise<SignInOutcome> {
    const o = this.operators.find((x) => x.id === id);
    // A disabled operator is checked like any other: "disabled" is said only to the right PIN,
    // so a guesser cannot tell a disabled id from a wrong PIN, nor from an id that does not exist.
    const state: LockState = o ?? this.stranger(id);
    const lockedReason = o ? 'locked' : 'unknown';
    const started = this.now();
    const before = lockedAt(state, started);
    if (before !== undefined) {
      return { ok: false, reason: lockedReason, lockedUntil: before, checked: false };
    }
    state.failedChecks = [...recent(state, started), started];
    if (o) this.persist();
    else this.persistStranger(id, state);

    // An unknown id costs the same hashing as a real one, so timing does not tell them apart.
    const matched = o ? await this.matches(o, pin) : (await hashPin(pin), false);

    const now = this.now();
    if (matched && o) {
      // A match is not a failure: take its count back.
      const i = o.failedChecks.lastIndexOf(started);
      if (i >= 0) o.failedChecks.splice(i, 1);
      this.persist();
      const until = lockedAt(o, now);
      if (until !== undefined) {
        return { ok: false, reason: 'locked', lockedUntil: until, checked: false };
      }
      // Disabled (before or while the PIN was being checked): said only to the right PIN.
      if (o.disabled) return { ok: false, reason: 'disabled', checked: false };
      return { ok: true, operator: this.view(o) };
    }
    let justLocked = false;
    if (lockedAt(state, now) !== undefined && !((state.lockedUntil ?? 0) > now)) {
      state.lockedUntil = now + LOCKOUT_MS;
      justLocked = true;
      if (!o) this.persistStranger(id, state);
    }
    if (o) this.persist();
    const until = lockedAt(state, now);
    if (until !== undefined) {
      return {
        ok: false,
        reason: lockedReason,
        lockedUntil: until,
        checked: true,
        ...(justLocked && o ? { justLocked } : {}),
      };
    }
    return { ok: false, reason: o ? 'wrong_pin' : 'unknown', checked: true };
  }

  private async matches(o: StoredOperator, pin: string): Promise<boolean> {
    const expected = Buffer.from(o.pin.hash, 'base64');
    const actual = await scrypt(pin, Buffer.from(o.pin.salt, 'base64'), {
      N: o.pin.N,
      r: o.pin.r,
      p: o.pin.p,
      keylen: expected.length,
    });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
