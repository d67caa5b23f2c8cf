/**
 * The audit log: append-only, hash-chained records in one SQLite file. Plain Node (never
 * imports 'electron'); the format, the hash chain, the command line and the migrations are
 * described in docs/audit-log.md.
 */
export { openAuditLog, type AuditLog, type OpenAuditLogOptions } from './log';
export type { ExportOptions, ExportSink } from './export';
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
