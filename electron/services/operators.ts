/**
 * Operators and their PINs. PINs are hashed with scrypt (salted, slow); 5 wrong PINs lock an
 * operator for 5 minutes. Operators are never deleted, only disabled, so the audit log keeps
 * their names. Stored in operators.json (atomic writes).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { Role } from '../../shared/contract-kit';
import { AppError } from '../../shared/errors';
import type { OperatorView } from '../../shared/settings';
import { readJsonFile, writeFileAtomic } from './json-file';

export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60_000;
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
  failures: z.number().int().default(0),
  lockedUntil: z.number().optional(),
  createdAt: z.number(),
});
type StoredOperator = z.infer<typeof StoredOperator>;
const StoredFile = z.object({ operators: z.array(StoredOperator) });

export type SignInOutcome =
  | { ok: true; operator: OperatorView }
  | {
      ok: false;
      reason: 'unknown' | 'wrong_pin' | 'locked' | 'disabled';
      lockedUntil?: number;
      justLocked?: boolean;
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

export class OperatorStore {
  private operators: StoredOperator[] = [];
  readonly problem: string | undefined;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    const r = readJsonFile(file);
    if (r.state === 'ok') {
      const parsed = StoredFile.safeParse(r.value);
      if (parsed.success) this.operators = parsed.data.operators;
      else this.problem = 'operators file does not match the expected format';
    } else if (r.state === 'broken') {
      this.problem = r.reason;
    }
  }

  private persist() {
    writeFileAtomic(
      this.file,
      JSON.stringify({ operators: this.operators }, null, 2) + '\n',
      0o600,
    );
  }

  private view(o: StoredOperator): OperatorView {
    const locked = o.lockedUntil !== undefined && o.lockedUntil > this.now();
    return {
      id: o.id,
      name: o.name,
      role: o.role,
      disabled: o.disabled,
      ...(locked ? { lockedUntil: o.lockedUntil } : {}),
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

  async add(input: { id: string; name: string; role: Role; pin: string }): Promise<OperatorView> {
    if (this.operators.some((o) => o.id.toLowerCase() === input.id.toLowerCase())) {
      throw new AppError('invalid_input', 'errors.operator_exists', { id: input.id });
    }
    const op: StoredOperator = {
      id: input.id,
      name: input.name,
      role: input.role,
      disabled: false,
      pin: await hashPin(input.pin),
      failures: 0,
      createdAt: this.now(),
    };
    this.operators.push(op);
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

  async resetPin(id: string, pin: string): Promise<OperatorView> {
    const o = this.mustFind(id);
    o.pin = await hashPin(pin);
    o.failures = 0;
    delete o.lockedUntil;
    this.persist();
    return this.view(o);
  }

  async verify(id: string, pin: string): Promise<SignInOutcome> {
    const o = this.operators.find((x) => x.id === id);
    if (!o) {
      // Spend the same time as a real check, so timing does not reveal which ids exist.
      await scrypt(pin, randomBytes(16), SCRYPT);
      return { ok: false, reason: 'unknown' };
    }
    if (o.disabled) return { ok: false, reason: 'disabled' };
    const now = this.now();
    if (o.lockedUntil !== undefined && o.lockedUntil > now) {
      return { ok: false, reason: 'locked', lockedUntil: o.lockedUntil };
    }
    const expected = Buffer.from(o.pin.hash, 'base64');
    const actual = await scrypt(pin, Buffer.from(o.pin.salt, 'base64'), {
      N: o.pin.N,
      r: o.pin.r,
      p: o.pin.p,
      keylen: expected.length,
    });
    if (timingSafeEqual(actual, expected)) {
      o.failures = 0;
      delete o.lockedUntil;
      this.persist();
      return { ok: true, operator: this.view(o) };
    }
    o.failures += 1;
    let justLocked = false;
    if (o.failures >= MAX_FAILURES) {
      o.lockedUntil = now + LOCKOUT_MS;
      o.failures = 0;
      justLocked = true;
    }
    this.persist();
    return justLocked
      ? { ok: false, reason: 'locked', lockedUntil: o.lockedUntil, justLocked }
      : { ok: false, reason: 'wrong_pin' };
  }
}
