/**
 * Terminal credentials: issued and revoked at head office, one per terminal install. The token
 * is shown once at issue; the database keeps its id and the SHA-256 of its secret. A
 * credential writes only one install's records: the one named at issue (`--install`, to
 * re-issue for a terminal already known), or the first one it pushes for, if no credential
 * holds that install yet. Binding opens the install's row in the store mapping.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database, Sql } from './db';

export class CredentialError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: 'unauthenticated' | 'revoked' | 'other_install',
    message: string,
  ) {
    super(message);
  }
}

export interface Credential {
  id: string;
  store: string;
  terminal: string;
  install_id: string | null;
  issued_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const TOKEN = /^cdt_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const NAME = /^\P{Cc}{1,64}$/u;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function checkName(what: string, value: string): string {
  const v = value.trim();
  if (!NAME.test(v)) throw new Error(`${what}: 1 to 64 characters, no control characters`);
  return v;
}

async function openAssignment(
  sql: Sql,
  installId: string,
  store: string,
  terminal: string,
  credentialId: string | null,
): Promise<void> {
  const cur = await sql.query<{ store: string; terminal: string; credential_id: string | null }>(
    `SELECT store, terminal, credential_id FROM install_assignments
     WHERE install_id = $1 AND valid_to IS NULL FOR UPDATE`,
    [installId],
  );
  const c = cur.rows[0];
  if (c && c.store === store && c.terminal === terminal && c.credential_id === credentialId) return;
  await sql.query(
    `UPDATE install_assignments SET valid_to = now() WHERE install_id = $1 AND valid_to IS NULL`,
    [installId],
  );
  await sql.query(
    `INSERT INTO install_assignments (install_id, store, terminal, credential_id)
     VALUES ($1, $2, $3, $4)`,
    [installId, store, terminal, credentialId],
  );
}

/** Issues a credential; the token is returned once and never stored. */
export async function issueCredential(
  db: Database,
  opts: { store: string; terminal: string; installId?: string },
): Promise<{ id: string; token: string }> {
  const store = checkName('--store', opts.store);
  const terminal = checkName('--terminal', opts.terminal);
  const id = randomBytes(9).toString('base64url').toLowerCase().replace(/[-_]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  await db.tx(async (sql) => {
    if (opts.installId) {
      await sql.query(`INSERT INTO installs (install_id) VALUES ($1) ON CONFLICT DO NOTHING`, [
        opts.installId,
      ]);
    }
    await sql.query(
      `INSERT INTO credentials (id, secret_sha256, store, terminal, install_id)
       VALUES ($1, $2, $3, $4, $5)`,
      [id, sha256(secret), store, terminal, opts.installId ?? null],
    );
    if (opts.installId) await openAssignment(sql, opts.installId, store, terminal, id);
  });
  return { id, token: `cdt_${id}_${secret}` };
}

/** Revokes a credential at once: its next request is refused. False if there is no such id. */
export async function revokeCredential(db: Database, id: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE credentials SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`,
    [id],
  );
  return r.rowCount > 0;
}

export async function listCredentials(db: Database): Promise<Credential[]> {
  const r = await db.query<Credential>(
    `SELECT id, store, terminal, install_id::text AS install_id, issued_at, revoked_at,
       last_used_at FROM credentials ORDER BY issued_at, id`,
  );
  return r.rows;
}

/** Moves an install to another store or terminal name; the old row is kept as history. */
export async function assignInstall(
  db: Database,
  opts: { installId: string; store: string; terminal: string },
): Promise<void> {
  const store = checkName('--store', opts.store);
  const terminal = checkName('--terminal', opts.terminal);
  await db.tx(async (sql) => {
    const known = await sql.query('SELECT 1 FROM installs WHERE install_id = $1', [opts.installId]);
    if (known.rows.length === 0) throw new Error(`no install ${opts.installId} is known`);
    const cur = await sql.query<{ credential_id: string | null }>(
      `SELECT credential_id FROM install_assignments WHERE install_id = $1 AND valid_to IS NULL`,
      [opts.installId],
    );
    await openAssignment(sql, opts.installId, store, terminal, cur.rows[0]?.credential_id ?? null);
  });
}

/** The credential behind an Authorization header; throws CredentialError when it is not valid. */
export async function authenticate(sql: Sql, header: string | undefined): Promise<Credential> {
  const m = TOKEN.exec(/^Bearer (.+)$/.exec(header ?? '')?.[1]?.trim() ?? '');
  const refuse = () =>
    new CredentialError(401, 'unauthenticated', 'a valid terminal credential is required');
  if (!m) throw refuse();
  const r = await sql.query<Credential & { secret_sha256: string }>(
    `SELECT id, secret_sha256, store, terminal, install_id::text AS install_id, issued_at,
       revoked_at, last_used_at FROM credentials WHERE id = $1`,
    [m[1]],
  );
  const row = r.rows[0];
  const given = Buffer.from(sha256(m[2]!), 'hex');
  const kept = Buffer.from(row?.secret_sha256 ?? '0'.repeat(64), 'hex');
  if (!row || !timingSafeEqual(given, kept)) throw refuse();
  if (row.revoked_at) {
    throw new CredentialError(401, 'revoked', 'this terminal credential has been revoked');
  }
  const { secret_sha256: _secret, ...cred } = row;
  return cred;
}

/**
 * Makes sure `cred` may write `installId` (binding it on first use), inside the push's
 * transaction. The caller holds no lock yet; this takes the install row's lock.
 */
export async function claimInstall(sql: Sql, cred: Credential, installId: string): Promise<void> {
  if (cred.install_id !== null) {
    if (cred.install_id !== installId) {
      throw new CredentialError(
        403,
        'other_install',
        'this credential writes another install’s records only',
      );
    }
    return;
  }
  await sql.query(`INSERT INTO installs (install_id) VALUES ($1) ON CONFLICT DO NOTHING`, [
    installId,
  ]);
  await sql.query('SELECT 1 FROM installs WHERE install_id = $1 FOR UPDATE', [installId]);
  const holders = await sql.query(
    `SELECT 1 FROM credentials WHERE install_id = $1 AND id <> $2 LIMIT 1`,
    [installId, cred.id],
  );
  if (holders.rows.length > 0) {
    throw new CredentialError(
      403,
      'other_install',
      'this install belongs to another credential (re-issue with --install to move it)',
    );
  }
  const bound = await sql.query(
    `UPDATE credentials SET install_id = $1 WHERE id = $2 AND install_id IS NULL`,
    [installId, cred.id],
  );
  if (bound.rowCount === 0) {
    // Bound by a concurrent request meanwhile: to this install or another.
    const again = await sql.query<{ install_id: string }>(
      'SELECT install_id::text AS install_id FROM credentials WHERE id = $1',
      [cred.id],
    );
    if (again.rows[0]?.install_id !== installId) {
      throw new CredentialError(
        403,
        'other_install',
        'this credential writes another install’s records only',
      );
    }
  }
  await openAssignment(sql, installId, cred.store, cred.terminal, cred.id);
  cred.install_id = installId;
}

export interface Assignment {
  install_id: string;
  store: string;
  terminal: string;
  credential_id: string | null;
  valid_from: Date;
  valid_to: Date | null;
}

/** The store mapping with its history: every install's rows, the current one (valid_to null) first. */
export async function listAssignments(db: Sql): Promise<Assignment[]> {
  const r = await db.query<Assignment>(
    `SELECT install_id::text AS install_id, store, terminal, credential_id, valid_from, valid_to
     FROM install_assignments
     ORDER BY install_id, valid_to IS NOT NULL, valid_from DESC, id DESC`,
  );
  return r.rows;
}
