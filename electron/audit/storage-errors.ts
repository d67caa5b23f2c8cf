/**
 * Turns what SQLite throws into the AppErrors a cashier or a supervisor can act on. Every
 * public method of the log goes through `asAuditError`, so a full disk, a damaged file or a
 * lock never reaches the caller as a raw SqliteError (and never as a crash).
 */
import { AppError } from '../../shared/errors';

/** better-sqlite3's SqliteError, recognised structurally (its class is not exported as a type). */
interface SqliteLikeError {
  code: string;
  message: string;
}

function isSqliteError(err: unknown): err is SqliteLikeError {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

export function sqliteCode(err: unknown): string | undefined {
  return isSqliteError(err) ? err.code : undefined;
}

export function audit(key: string, params: Record<string, string | number> = {}, cause?: unknown) {
  return new AppError('storage', `audit.${key}`, params, cause === undefined ? {} : { cause });
}

/** Where the log lives, for messages; ':memory:' for tests. */
export function asAuditError(err: unknown, file: string): AppError {
  if (err instanceof AppError) return err;
  const code = sqliteCode(err);
  if (!code) return new AppError('internal', 'errors.internal', {}, { cause: err });
  if (code === 'SQLITE_FULL') return audit('disk_full', {}, err);
  if (code.startsWith('SQLITE_READONLY')) return audit('read_only', { file }, err);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return audit('corrupt', { file }, err);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) return audit('cannot_open', { file }, err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return audit('busy', {}, err);
  }
  if (code.startsWith('SQLITE_IOERR')) return audit('io_error', { code }, err);
  return audit('storage_error', { code }, err);
}

/** Runs `fn`, converting anything SQLite throws; keeps AppErrors as they are. */
export function guarded<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asAuditError(err, file);
  }
}
