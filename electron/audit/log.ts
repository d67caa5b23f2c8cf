/**
 * Opening the audit log: recognise the file (or refuse it with a reason), set the durability
 * settings, migrate, and assemble writer, queries, summary, export and verify behind one
 * object. Every method maps SQLite's errors to AppErrors (storage-errors.ts).
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import type {
  AuditAnchor,
  AuditExportFormat,
  AuditFilter,
  AuditPage,
  AuditRecord,
  AuditSearchResult,
  AuditSummary,
  AuditSummaryRange,
  NewAuditIntent,
  NewAuditRecord,
  VerifyResult,
} from '../../shared/audit';
import { AppError } from '../../shared/errors';
import { chmodPrivate, touchPrivate } from '../private-files';
import { createExporter, type ExportOptions, type ExportSink } from './export';
import type { Source } from './filter-sql';
import {
  APPLICATION_ID,
  applicationId,
  FORMAT_NAME,
  installIdOf,
  LATEST_VERSION,
  migrate,
  userVersion,
} from './migrations';
import { createQueries } from './queries';
import { createSearchIndex, rebuildSearchIndex, type SearchIndex } from './search-index';
import { asAuditError, audit, guarded, sqliteCode } from './storage-errors';
import { createSummary } from './summary';
import { createVerifier, type VerifyOptions } from './verify';
import { createWriter, type Head, type Writer } from './writer';

export interface OpenAuditLogOptions {
  /** Written into every record; a function is asked at each append (the id can change in set-up). */
  terminalId: string | (() => string);
  /** The clock (UTC ms); tests and the benchmark pass their own. */
  now?: () => number;
  /** Read-only: for the command line and for copies. Nothing is written, not even migrations. */
  readonly?: boolean;
  /** better-sqlite3's native addon to load (the Electron build of it, in the app). */
  nativeBinding?: string;
}

export interface AuditLog {
  /**
   * Appends one record, committed in order when this returns: synced (WAL, synchronous=FULL)
   * for most actions, in the OS cache (synchronous=NORMAL) for reads like a lookup; see
   * durability.ts.
   */
  append(rec: NewAuditRecord): AuditRecord;
  /** Appends an intent (outcome 'pending') before a write to WeChat; generates a nonce if none. */
  appendIntent(rec: NewAuditIntent): AuditRecord;
  /** Appends the result of the intent `nonce`; code, card and operator default to the intent's. */
  appendResult(nonce: string, rec: NewAuditRecord): AuditRecord;
  /** Intents whose latest record is 'pending' or 'unknown', oldest first. */
  unsettledIntents(): AuditRecord[];
  /** The intent and everything appended for it, in order. */
  byNonce(nonce: string): AuditRecord[];
  get(id: number): AuditRecord | undefined;
  /** A page of the filtered journal, newest first; pass `nextBefore` back as `before`. */
  search(filter: AuditFilter, page?: AuditPage): AuditSearchResult;
  /** How many records the filter matches (the search index is brought up to date first). */
  count(filter: AuditFilter): number;
  /** Counts by action x outcome, operator, card and local hour; see AuditSummaryRange. */
  summary(range: AuditSummaryRange): AuditSummary;
  /** The latest redemption of `code` by this terminal ('ok' or 'settled'). */
  lastRedemption(code: string): AuditRecord | undefined;
  /** Streams the filtered records, oldest first, as CSV or JSON Lines. Does not end `out`. */
  export(
    out: ExportSink,
    filter: AuditFilter,
    format: AuditExportFormat,
    opts?: ExportOptions,
  ): Promise<{ rows: number }>;
  /** Checks the whole chain; resolves with the first broken record, if any. */
  verify(opts?: VerifyOptions): Promise<VerifyResult>;
  /** The last record's id and hash: note it elsewhere and pass it to verify as `anchor`. */
  head(): AuditAnchor | undefined;
  /**
   * The install id, generated when the log was created (or upgraded to version 6) and never
   * changed: the key of this log's records at head office. Undefined only in a read-only copy
   * older than version 6.
   */
  readonly installId: string | undefined;
  /** For later features' own tables (added by migrations in migrations.ts). */
  readonly db: Database.Database;
  readonly file: string;
  readonly readonly: boolean;
  close(): void;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** Refuses what is plainly not SQLite before SQLite touches it. */
function sniff(file: string, readonly: boolean): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (readonly) throw audit('not_found', { file }, err);
      return; // a new log
    }
    throw audit('cannot_open', { file }, err);
  }
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n === 0 && !readonly) return; // an empty file becomes a new log
    if (n < 16 || head.toString('latin1') !== SQLITE_MAGIC) throw audit('not_a_log', { file });
  } finally {
    closeSync(fd);
  }
}

/** Which kind of file this is: a new one, one of ours (at which version), or something else. */
function identify(db: Database.Database, file: string, readonly: boolean): 'new' | number {
  const appId = applicationId(db);
  const version = userVersion(db);
  const objects = db
    .prepare(`SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'`)
    .pluck()
    .get() as number;
  if (appId === 0 && version === 0 && objects === 0) {
    if (readonly) throw audit('not_a_log', { file });
    return 'new';
  }
  if (appId !== APPLICATION_ID) throw audit('not_a_log', { file });
  if (version > LATEST_VERSION) {
    throw audit('newer_version', { found: version, supported: LATEST_VERSION });
  }
  let format: unknown;
  try {
    format = db.prepare(`SELECT value FROM meta WHERE key = 'format'`).pluck().get();
  } catch (err) {
    throw audit('corrupt', { file }, err);
  }
  if (version < 1 || format !== FORMAT_NAME) throw audit('corrupt', { file });
  return version;
}

/** Prepares a freshly opened connection and builds the parts of the log on it. */
function assemble(
  db: Database.Database,
  ctx: { file: string; readonly: boolean; terminalId: () => string; now: () => number },
) {
  const { file, readonly, terminalId, now } = ctx;
  const kind = identify(db, file, readonly);
  if (!readonly) {
    // Only now that the file is known to be ours (or empty) may it be changed.
    // Owner only: the log holds full codes. SQLite creates the WAL and shared-memory files with
    // the mode of the database file, so they follow; ones an older version left are tightened.
    if (file !== ':memory:') {
      for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) chmodPrivate(f);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Checkpoints run when the log is idle (search-index.ts), not inside a cashier's append.
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('journal_size_limit = 67108864');
    // A read-only file or folder must fail here, at start-up, not at the first sale.
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    migrate(db);
  } else if (kind === 'new') {
    throw audit('not_a_log', { file });
  }
  const present =
    db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit_ix'`).get() !==
    undefined;
  const index = createSearchIndex(db, { readonly, present });
  // A read-only copy of an older version has an index without the training mark (migration 7).
  const marked =
    present &&
    (db.prepare('PRAGMA table_info(audit_ix)').all() as { name: string }[]).some(
      (c) => c.name === 'training',
    );
  // A read-only copy whose index lags (or lacks a column) is answered from the records.
  const source = (): Source =>
    !present ? 'direct' : readonly && (!marked || !index.upToDate()) ? 'direct' : 'indexed';
  const ready = (): Source => {
    index.catchUp();
    return source();
  };
  const writer = readonly ? undefined : createWriter(db, { file, terminalId, now, index });
  if (writer) {
    recordLostTail(db, index, writer);
    index.catchUp(); // records a crash left out of the search index
    // Planner statistics, sampled (analysis_limit), so this stays cheap at a million records.
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize = 0x10002');
  }
  return {
    index,
    writer,
    queries: createQueries(db, { file, index, source }),
    summary: createSummary(db, { ready }),
    exporter: createExporter(db, { ready, file }),
    verifier: createVerifier(db),
  };
}

/**
 * Records removed from the end behind CardDesk's back are still known to the search index. Left
 * alone, the next appends would take their ids again and hide the cut; so the log says it in a
 * record of its own (chained, for good: verify reports it from then on) and rebuilds the index
 * from the records that are there.
 */
function recordLostTail(db: Database.Database, index: SearchIndex, writer: Writer): void {
  const lost = index.lost();
  if (!lost) return;
  rebuildSearchIndex(db);
  writer.append({
    action: 'verify',
    outcome: 'failed',
    detail: {
      problem: 'truncated',
      first_missing_id: lost.from,
      last_missing_id: lost.to,
      message: `records ${lost.from} to ${lost.to} had been removed from the end of the log when it was opened`,
    },
  });
}

export function openAuditLog(file: string, opts: OpenAuditLogOptions): AuditLog {
  const terminalId = (): string => {
    const id = typeof opts.terminalId === 'function' ? opts.terminalId() : opts.terminalId;
    const clean = typeof id === 'string' ? id.trim() : '';
    if (!clean || clean.length > 64) {
      throw new AppError('internal', 'audit.invalid_record', { detail: 'terminalId' });
    }
    return clean;
  };
  terminalId(); // a wrong id is a bug in the caller: say so at open
  const readonly = opts.readonly ?? false;
  const now = opts.now ?? Date.now;
  const memory = file === ':memory:';
  if (!memory) sniff(file, readonly);
  // A new log: SQLite would create the file 0644 (readable by every account on the PC).
  if (!memory && !readonly && !existsSync(file)) touchPrivate(file);

  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly,
      fileMustExist: readonly,
      timeout: 5000,
      ...(opts.nativeBinding !== undefined ? { nativeBinding: opts.nativeBinding } : {}),
    });
  } catch (err) {
    // better-sqlite3 throws a plain TypeError for a missing folder.
    throw sqliteCode(err) ? asAuditError(err, file) : audit('cannot_open', { file }, err);
  }

  let parts: ReturnType<typeof assemble>;
  try {
    parts = assemble(db, { file, readonly, terminalId, now });
  } catch (err) {
    db.close();
    throw asAuditError(err, file);
  }
  const { index, writer, queries, summary, exporter, verifier } = parts;

  let closed = false;
  const open = () => {
    if (closed) throw audit('closed', {});
  };
  const call = <T>(fn: () => T): T => {
    open();
    return guarded(file, fn);
  };
  const callAsync = async <T>(fn: () => Promise<T>): Promise<T> => {
    open();
    try {
      return await fn();
    } catch (err) {
      throw asAuditError(err, file);
    }
  };
  const writable = () => {
    if (!writer) throw audit('read_only', { file });
    return writer;
  };

  return {
    db,
    file,
    readonly,
    installId: installIdOf(db),
    append: (rec) => call(() => writable().append(rec)),
    appendIntent: (rec) => call(() => writable().appendIntent(rec)),
    appendResult: (nonce, rec) => call(() => writable().appendResult(nonce, rec)),
    unsettledIntents: () => call(() => queries.unsettledIntents()),
    byNonce: (nonce) => call(() => queries.byNonce(nonce)),
    get: (id) => call(() => queries.get(id)),
    search: (filter, page) => call(() => queries.search(filter, page)),
    count: (filter) => call(() => queries.count(filter)),
    summary: (range) => call(() => summary(range)),
    lastRedemption: (code) => call(() => queries.lastRedemption(code)),
    export: (out, filter, format, exportOpts) =>
      callAsync(() => exporter(out, filter, format, exportOpts)),
    verify: (verifyOpts) =>
      callAsync(() => {
        index.catchUp();
        return verifier(verifyOpts);
      }),
    head: () =>
      call((): Head | undefined => {
        if (writer) return writer.head();
        return db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get() as
          Head | undefined;
      }),
    close() {
      if (closed) return;
      closed = true;
      try {
        index.close();
        if (!readonly) db.pragma('optimize');
      } catch {
        // Closing must not throw: the records are durable already, the index catches up later.
      } finally {
        db.close();
      }
    },
  };
}
