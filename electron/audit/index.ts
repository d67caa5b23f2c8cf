/**
 * The audit log: append-only, hash-chained records in one SQLite file. Plain Node (never
 * imports 'electron'); the format, the hash chain, the command line and the migrations are
 * described in docs/audit-log.md.
 */
export { openAuditLog, type AuditLog, type OpenAuditLogOptions } from './log';
import type { AuditLog } from './log';

/**
 * What most services need of the log: append one record, durably, before the caller is told
 * the action happened. Every service takes a Pick of AuditLog like this one, never the database.
 */
export type AuditAppend = Pick<AuditLog, 'append'>;

/**
 * The tables later features keep in the log's file (writes, sign_in_failures: see
 * migrations.ts), on the log's own connection, so that a row and its audit record commit in one
 * transaction. Only the kernels that need that (the write engine, the sign-in failure counts)
 * are handed it, by the composition root; no area reaches the database.
 */
export type AuditTables = Pick<AuditLog['db'], 'prepare' | 'transaction'>;
export type { ExportOptions, ExportRecord, ExportSink } from './export';
/** Checks a filter the way search, count and export will (throws invalid_input). */
export { parseFilter } from './filter-sql';
export type { VerifyOptions } from './verify';
export { LATEST_VERSION, MIGRATIONS, migrate, type Migration } from './migrations';
export { canonicalRecord, chainHash, GENESIS_HASH } from './canonical';
export type {
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
