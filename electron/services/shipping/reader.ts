/**
 * Reading the records to ship straight from the audit table, exactly as stored (the fields
 * the hash covers, the canonical detail text, both hashes). Only committed records are read:
 * the log's writes are synchronous transactions on this connection, so none is half-done
 * while this runs, and a caller's open transaction (db.inTransaction) is waited out.
 */
import type { Database } from 'better-sqlite3';
import type { ShippedRecord } from '../../../shared/central';

export function createRecordReader(db: Database) {
  const batch = db.prepare(
    `SELECT id, ts, terminal_id, operator_id, action, code, card_id, outcome, errcode, errmsg,
       duration_ms, nonce, detail, prev_hash, hash FROM audit WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const head = db.prepare('SELECT coalesce(max(id), 0) FROM audit').pluck();
  return {
    /** True while a transaction is open on the log's connection: read later. */
    busy: () => db.inTransaction,
    /** The last record's id (what this terminal holds). */
    localSeq: () => head.get() as number,
    /** Up to `maxRecords` records after `afterId`, cut at about `maxBytes` of JSON. */
    after(afterId: number, maxRecords: number, maxBytes: number): ShippedRecord[] {
      const rows = batch.all(afterId, maxRecords) as ShippedRecord[];
      let bytes = 0;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        bytes += 300 + r.detail.length + (r.errmsg?.length ?? 0) + (r.code?.length ?? 0);
        if (bytes > maxBytes && i > 0) return rows.slice(0, i);
      }
      return rows;
    },
  };
}
