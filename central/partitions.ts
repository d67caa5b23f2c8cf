/**
 * Monthly partitions of `records`, created on demand before a batch that needs them. Creation
 * runs in its own short transaction under an advisory lock (two collectors may need the same
 * month at once), never inside a push's transaction, so ingest never holds the parent table's
 * lock while it checks chains. Months already seen are remembered per process.
 */
import type { Database } from './db';

const PARTITION_LOCK = 19_000_002;

/** UTC month of a time in ms: `{ name: 'records_y2026m01', from, to }` as ISO dates. */
export function monthOf(ts: number): { name: string; from: string; to: string } {
  const d = new Date(ts);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const iso = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 1)).toISOString();
  return {
    name: `records_y${y}m${String(m + 1).padStart(2, '0')}`,
    from: iso(y, m),
    to: iso(y, m + 1),
  };
}

export function createPartitioner(db: Database) {
  const known = new Set<string>();
  // The months known, as [from, to) in ms: a batch's records mostly fall in the month of the
  // one before, so the check is two comparisons a record, not a date conversion.
  const knownRanges: [number, number][] = [];
  let last: [number, number] = [0, 0];
  const isKnown = (ts: number) => {
    if (ts >= last[0] && ts < last[1]) return true;
    for (const r of knownRanges) {
      if (ts >= r[0] && ts < r[1]) {
        last = r;
        return true;
      }
    }
    return false;
  };
  return {
    async ensure(timestamps: Iterable<number>): Promise<void> {
      const months = new Map<string, ReturnType<typeof monthOf>>();
      for (const ts of timestamps) {
        if (isKnown(ts)) continue;
        const m = monthOf(ts);
        if (!known.has(m.name)) months.set(m.name, m);
      }
      for (const m of months.values()) {
        await db.tx(async (sql) => {
          await sql.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
          const exists = await sql.query('SELECT 1 FROM pg_class WHERE relname = $1', [m.name]);
          if (exists.rows.length === 0) {
            // Names and bounds come from monthOf (digits only), never from a request.
            await sql.exec(
              `CREATE TABLE ${m.name} PARTITION OF records
               FOR VALUES FROM ('${m.from}') TO ('${m.to}')`,
            );
          }
        });
        known.add(m.name);
        knownRanges.push([Date.parse(m.from), Date.parse(m.to)]);
      }
    },
  };
}
