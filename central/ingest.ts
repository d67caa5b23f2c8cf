/**
 * A push: a batch of one install's records, checked against the chain the collector holds and
 * stored in one transaction. The rules (README, "For a chain"):
 *
 * - a record the collector holds already with the same hash is a duplicate: nothing changes;
 * - one it holds with another hash is history rewritten: an alert, the stored record stays;
 * - a new record must continue the install's chain: its hash must be its own (bad_hash), its
 *   prev_hash the previous record's hash (broken_link), its id the next one (gap). A break is
 *   an alert and flags the install, and the record is stored all the same: shipping never
 *   stalls on a damaged log, head office sees where it broke.
 *
 * The install's row is locked for the transaction, so collectors behind a load balancer check
 * one install's chain one batch at a time.
 */
import { canonicalRecord, chainHash } from '../electron/audit/canonical';
import type { CentralHead, PushBody, PushResult, ShippedRecord } from '../shared/central';
import { claimInstall, type Credential } from './credentials';
import type { Database, Sql } from './db';
import type { createPartitioner } from './partitions';

type AlertKind = PushResult['alerts'][number]['kind'];
interface Alert {
  seq: number;
  kind: AlertKind;
  detail: Record<string, unknown>;
}

const NEEDS_ESCAPE = /[\\"]/;

/**
 * A column of a batch as a PostgreSQL array literal (`{"a",NULL,3}`), the text that `pg`
 * would send for a JS array, built in one pass: `pg`'s own conversion (a type check and two
 * replaces an element) was a fifth of the collector's time a batch.
 */
export function arrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  let s = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) s += ',';
    if (v === null || v === undefined) s += 'NULL';
    else if (typeof v === 'string') {
      s += NEEDS_ESCAPE.test(v) ? `"${v.replace(/[\\"]/g, '\\$&')}"` : `"${v}"`;
    } else s += `"${String(v)}"`;
  }
  return `${s}}`;
}

function ownHash(r: ShippedRecord): string {
  const { prev_hash, hash: _hash, ...fields } = r;
  return chainHash(prev_hash, canonicalRecord(fields));
}

export async function readHead(sql: Sql, installId: string): Promise<CentralHead> {
  const r = await sql.query<{ head_seq: number; head_hash: string }>(
    'SELECT head_seq, head_hash FROM installs WHERE install_id = $1',
    [installId],
  );
  const row = r.rows[0];
  return {
    install_id: installId,
    seq: Number(row?.head_seq ?? 0),
    hash: row?.head_hash ?? '0'.repeat(64),
  };
}

export function createIngest(deps: {
  db: Database;
  partitions: ReturnType<typeof createPartitioner>;
}) {
  const { db, partitions } = deps;

  async function push(cred: Credential, body: PushBody): Promise<PushResult> {
    await partitions.ensure(body.records.map((r) => r.ts));
    return db.tx(async (sql) => {
      await claimInstall(sql, cred, body.install_id);
      // The install's row, locked, and where it stands now (one round trip).
      const headRow = await sql.query<{
        head_seq: number;
        head_hash: string;
        store: string | null;
        terminal: string | null;
      }>(
        `SELECT i.head_seq, i.head_hash, a.store, a.terminal FROM installs i
         LEFT JOIN install_assignments a ON a.install_id = i.install_id AND a.valid_to IS NULL
         WHERE i.install_id = $1 FOR UPDATE OF i`,
        [body.install_id],
      );
      const head = headRow.rows[0]!;
      let headSeq = Number(head.head_seq);
      let headHash = head.head_hash;
      const store = head.store ?? cred.store;
      const terminal = head.terminal ?? cred.terminal;

      // What the collector holds already of this batch's ids. The head is the highest id it
      // holds (it only ever moves up, to each new record's id), so only ids up to it can be
      // held: a batch that continues the chain, the usual case, needs no look-up at all.
      const ids = body.records.filter((r) => r.id <= headSeq).map((r) => r.id);
      const held = new Map<number, { hash: string; content_hash: string }>();
      if (ids.length > 0) {
        const known = await sql.query<{ seq: number; hash: string; content_hash: string }>(
          `SELECT seq, hash, content_hash FROM record_keys
           WHERE install_id = $1 AND seq = ANY($2::bigint[])`,
          [body.install_id, ids],
        );
        for (const k of known.rows) held.set(Number(k.seq), k);
      }

      const alerts: Alert[] = [];
      const fresh: { r: ShippedRecord; ok: boolean; content: string }[] = [];
      let duplicates = 0;
      for (const r of body.records) {
        const content = ownHash(r);
        const before = held.get(r.id);
        if (before !== undefined) {
          if (before.hash === r.hash && before.content_hash === content) duplicates++;
          else {
            alerts.push({
              seq: r.id,
              kind: 'rewritten',
              detail: { held_hash: before.hash, offered_hash: r.hash, offered_ts: r.ts },
            });
          }
          continue;
        }
        let ok = true;
        if (content !== r.hash) {
          ok = false;
          alerts.push({ seq: r.id, kind: 'bad_hash', detail: { hash: r.hash } });
        }
        if (r.id > headSeq + 1) {
          ok = false;
          alerts.push({
            seq: r.id,
            kind: 'gap',
            detail: { first_missing: headSeq + 1, last_missing: r.id - 1 },
          });
        } else if (r.id === headSeq + 1 && r.prev_hash !== headHash) {
          ok = false;
          alerts.push({
            seq: r.id,
            kind: 'broken_link',
            detail: { prev_hash: r.prev_hash, previous_hash: headHash },
          });
        } else if (r.id < headSeq) {
          // Fills a gap reported earlier: stored, and still an alert (it came out of order).
          ok = false;
          alerts.push({ seq: r.id, kind: 'gap', detail: { late: true, head_seq: headSeq } });
        }
        fresh.push({ r, ok, content });
        if (r.id > headSeq) {
          headSeq = r.id;
          headHash = r.hash;
        }
      }

      // The new records' keys and the records in one statement. No ON CONFLICT: this
      // transaction holds the install's row, every writer of its keys takes that lock first,
      // and `held` was read after it, so none of `fresh` can be held; were one held all the
      // same, the primary keys refuse the batch (an error, the shipper resends) rather than
      // store it twice. (ON CONFLICT's speculative insertion cost a third of the statement.)
      let accepted = 0;
      if (fresh.length > 0) {
        const c = <K extends keyof ShippedRecord>(k: K) => arrayLiteral(fresh.map((f) => f.r[k]));
        const done = await sql.query(
          `WITH u AS (
             SELECT * FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],
               $9::text[], $10::text[], $11::text[], $12::integer[], $13::text[], $14::bigint[],
               $15::text[], $16::text[], $17::text[], $18::text[], $19::boolean[], $20::text[])
               AS u (seq, t, tid, op, act, code, card, outc, ec, em, dur, nonce, det, ph, h, ok,
                 ch)
           ), k AS (
             INSERT INTO record_keys (install_id, seq, ts, hash, content_hash)
             SELECT $1, seq, timestamptz 'epoch' + t * interval '1 millisecond', h, ch FROM u
           )
           INSERT INTO records (install_id, seq, ts, store, terminal, terminal_id, operator_id,
             action, code, card_id, outcome, errcode, errmsg, duration_ms, nonce, detail,
             prev_hash, hash, chain_ok)
           SELECT $1, seq, timestamptz 'epoch' + t * interval '1 millisecond', $2, $3, tid, op,
             act, code, card, outc, ec, em, dur, nonce, det, ph, h, ok
           FROM u`,
          [
            body.install_id,
            store,
            terminal,
            c('id'),
            c('ts'),
            c('terminal_id'),
            c('operator_id'),
            c('action'),
            c('code'),
            c('card_id'),
            c('outcome'),
            c('errcode'),
            c('errmsg'),
            c('duration_ms'),
            c('nonce'),
            c('detail'),
            c('prev_hash'),
            c('hash'),
            arrayLiteral(fresh.map((f) => f.ok)),
            arrayLiteral(fresh.map((f) => f.content)),
          ],
        );
        accepted = done.rowCount;
      }
      // The alerts, the install's new head (flagged at its first alert) and the credential's
      // last use, in one statement.
      const first = alerts[0];
      await sql.query(
        `WITH a AS (
           INSERT INTO alerts (install_id, seq, kind, detail)
           SELECT $1, s, k, d FROM unnest($5::bigint[], $6::text[], $7::jsonb[]) AS u (s, k, d)
         ), c AS (
           UPDATE credentials SET last_used_at = now() WHERE id = $8
         )
         UPDATE installs SET head_seq = $2, head_hash = $3, last_push_at = now(),
           flagged_at = CASE WHEN $4::text IS NULL THEN flagged_at
                             ELSE coalesce(flagged_at, now()) END,
           flag_reason = CASE WHEN $4::text IS NULL OR flagged_at IS NOT NULL THEN flag_reason
                              ELSE $4::text END
         WHERE install_id = $1`,
        [
          body.install_id,
          headSeq,
          headHash,
          first ? `${first.kind} at record ${first.seq}` : null,
          alerts.map((a) => a.seq),
          alerts.map((a) => a.kind),
          alerts.map((a) => JSON.stringify(a.detail)),
          cred.id,
        ],
      );
      return {
        accepted,
        duplicates,
        alerts: alerts.map((a) => ({ seq: a.seq, kind: a.kind })),
        head: { install_id: body.install_id, seq: headSeq, hash: headHash },
      };
    });
  }

  return { push };
}
