/**
 * Head office's users: a name, one role, a password kept as a salted scrypt hash (node:crypto),
 * and sessions as random tokens issued by the collector, of which the database keeps only the
 * SHA-256. The roles are ordered: an auditor may do all a viewer may, an admin all an auditor
 * may (shared/head-office.ts, OFFICE_ROLES).
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { OFFICE_ROLES, type OfficeRole } from '../../shared/head-office';
import type { Database, Sql } from '../db';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;
/** A session lasts this long after sign-in; signing out ends it at once. */
export const SESSION_MS = 12 * 3600_000;
const NAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

export class UserError extends Error {}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, SCRYPT.keylen, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const want = Buffer.from(key, 'base64url');
  const got = await scryptAsync(
    password,
    Buffer.from(salt, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
  );
  return got.length === want.length && timingSafeEqual(got, want);
}

// Checked against when the name is unknown, so a wrong name takes as long as a wrong password.
let dummy: Promise<string> | undefined;

export function checkUserName(name: string): string {
  const v = name.trim();
  if (!NAME.test(v)) {
    throw new UserError('name: 1 to 64 letters, digits or . _ @ -');
  }
  return v;
}

export function checkNewPassword(password: string): string {
  if (password.length < 10 || password.length > 200) {
    throw new UserError('password: 10 to 200 characters');
  }
  return password;
}

export interface OfficeUser {
  id: number;
  name: string;
  role: OfficeRole;
  created_at: Date;
  disabled_at: Date | null;
}

export async function addUser(
  db: Sql,
  opts: { name: string; role: string; password: string },
): Promise<OfficeUser> {
  const name = checkUserName(opts.name);
  if (!(OFFICE_ROLES as readonly string[]).includes(opts.role)) {
    throw new UserError(`role: one of ${OFFICE_ROLES.join(', ')}`);
  }
  const hash = await hashPassword(checkNewPassword(opts.password));
  const r = await db.query<OfficeUser>(
    `INSERT INTO office_users (name, role, password_hash) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO NOTHING
     RETURNING id, name, role, created_at, disabled_at`,
    [name, opts.role, hash],
  );
  if (!r.rows[0]) throw new UserError(`a user named ${name} exists already`);
  return r.rows[0];
}

export async function listUsers(db: Sql): Promise<OfficeUser[]> {
  const r = await db.query<OfficeUser>(
    'SELECT id, name, role, created_at, disabled_at FROM office_users ORDER BY name',
  );
  return r.rows;
}

/** Disables a user and ends their sessions. False if there is no such user. */
export async function disableUser(db: Database, name: string): Promise<boolean> {
  return db.tx(async (sql) => {
    const r = await sql.query<{ id: number }>(
      `UPDATE office_users SET disabled_at = coalesce(disabled_at, now()) WHERE name = $1
       RETURNING id`,
      [name],
    );
    if (!r.rows[0]) return false;
    await sql.query('DELETE FROM office_sessions WHERE user_id = $1', [r.rows[0].id]);
    return true;
  });
}

/**
 * Sets a new password for a user, clears a sign-in lock and ends their sessions (whoever had
 * the old password is signed out). False if there is no such user.
 */
export async function resetPassword(
  db: Database,
  name: string,
  password: string,
): Promise<boolean> {
  const hash = await hashPassword(checkNewPassword(password));
  return db.tx(async (sql) => {
    const r = await sql.query<{ id: number }>(
      `UPDATE office_users SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL
       WHERE name = $1 RETURNING id`,
      [name, hash],
    );
    if (!r.rows[0]) return false;
    await sql.query('DELETE FROM office_sessions WHERE user_id = $1', [r.rows[0].id]);
    return true;
  });
}

/** Wrong passwords in a row that lock a user's sign-in, and for how long. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MS = 5 * 60_000;

/** Sign-in refused while a user is locked after too many wrong passwords. */
export class LockedError extends Error {
  constructor(readonly until: Date) {
    super(`too many wrong passwords: signing in is locked until ${until.toISOString()}`);
  }
}

/**
 * A new session's token for a name and password; undefined when they do not match. The fifth
 * wrong password in a row locks the user's sign-in for 5 minutes (LockedError meanwhile, even
 * with the right password).
 */
export async function signIn(
  db: Sql,
  name: string,
  password: string,
): Promise<{ token: string; user: OfficeUser; expiresAt: Date } | undefined> {
  const r = await db.query<OfficeUser & { password_hash: string; locked_until: Date | null }>(
    `SELECT id, name, role, created_at, disabled_at, password_hash,
       CASE WHEN locked_until > now() THEN locked_until END AS locked_until
     FROM office_users WHERE name = $1`,
    [name.trim()],
  );
  const row = r.rows[0];
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await checkPassword(password, row?.password_hash ?? (await dummy));
  if (row?.locked_until) throw new LockedError(row.locked_until);
  if (row && !ok) {
    await db.query(
      `UPDATE office_users SET
         locked_until = CASE WHEN failed_sign_ins + 1 >= $2
                             THEN now() + $3 * interval '1 millisecond' ELSE locked_until END,
         failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= $2 THEN 0 ELSE failed_sign_ins + 1 END
       WHERE id = $1`,
      [row.id, MAX_FAILED_SIGN_INS, LOCK_MS],
    );
  }
  if (!row || !ok || row.disabled_at) return undefined;
  await db.query('UPDATE office_users SET failed_sign_ins = 0 WHERE id = $1', [row.id]);
  const token = `cdo_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + SESSION_MS);
  await db.query(
    'INSERT INTO office_sessions (token_sha256, user_id, expires_at) VALUES ($1, $2, $3)',
    [sha256(token), row.id, expiresAt],
  );
  await db.query('DELETE FROM office_sessions WHERE expires_at < now()');
  const { password_hash: _hash, locked_until: _locked, ...user } = row;
  return { token, user, expiresAt };
}

/** The user behind a session token, if the session is current and the user enabled. */
export async function sessionUser(
  db: Sql,
  token: string | undefined,
): Promise<OfficeUser | undefined> {
  if (!token || !/^cdo_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const r = await db.query<OfficeUser>(
    `SELECT u.id, u.name, u.role, u.created_at, u.disabled_at
     FROM office_sessions s JOIN office_users u ON u.id = s.user_id
     WHERE s.token_sha256 = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
    [sha256(token)],
  );
  return r.rows[0];
}

export async function signOut(db: Sql, token: string): Promise<void> {
  await db.query('DELETE FROM office_sessions WHERE token_sha256 = $1', [sha256(token)]);
}
