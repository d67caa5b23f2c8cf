/**
 * A push: a batch of one install's records, checked against the chain the collector holds and
 * stored at once. The rules (README, "For a chain"):
 *
 * - a record the collector holds already with the same hash is a duplicate: nothing changes;
 * - one it holds with another hash is history rewritten: an alert, the stored record stays;
 * - a new record must continue the install's chain: its hash must be its own (bad_hash), its
 *   prev_hash the previous record's hash (broken_link), its id the next one (gap). A break is
 *   an alert and flags the install, and the record is stored all the same: shipping never
 *   stalls on a damaged log, head office sees where it broke.
 *
 * A batch is stored only if no other push of the install was stored since it was checked (a
 * compare-and-set of the install's push count, see push): collectors behind a load balancer
 * never store one install's batches out of turn, however they interleave, and never store a
 * record (install, sequence) twice: that is the record's key, kept without a table of its own.
 */
import { canonicalRecord, chainHash } from '../electron/audit/canonical';
import {
  MAX_BATCH_RECORDS,
  type CentralHead,
  type PushBody,
  type PushResult,
  type ShippedRecord,
} from '../shared/central';
import { copyField } from './copy';
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
/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

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

/** The hash of the record as received (canonicalRecord reads only the fields it covers). */
function ownHash(r: ShippedRecord): string {
  return chainHash(r.prev_hash, canonicalRecord(r));
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
    max_batch_records: MAX_BATCH_RECORDS,
  };
}

/**
 * What any push sets on its install's row (r, d: the parameters of the flag reason and the
 * durable seq): heard from now, flagged at its first alert (kept if flagged already), and
 * what the terminal says it holds (never lowered).
 */
const heardFrom = (r: string, d: string) => `last_push_at = now(), last_seen_at = now(),
     flagged_at = CASE WHEN ${r}::text IS NULL THEN flagged_at
                       ELSE coalesce(flagged_at, now()) END,
     flag_reason = CASE WHEN ${r}::text IS NULL OR flagged_at IS NOT NULL THEN flag_reason
                        ELSE ${r}::text END,
     reported_seq = CASE WHEN ${d}::bigint IS NULL THEN reported_seq
                         ELSE greatest(coalesce(reported_seq, 0), ${d}::bigint) END`;

/** A push's alerts for the install in parameter i: seqs, kinds and details in $n to $n+2. */
const insertAlerts = (i: string, n: number) => `INSERT INTO alerts (install_id, seq, kind, detail)
   SELECT ${i}, s, k, d FROM unnest($${n}::bigint[], $${n + 1}::text[], $${n + 2}::jsonb[])
     AS x (s, k, d)`;

/**
 * A storing push's install row, alerts and credential use ($1 to $11, see attemptPush): `h` is
 * the install's row, its push count moved on, updated only if no push was stored since it was
 * read (its push count, $5, and head hash, $6, as read); `a` and `c` happen only with it.
 */
const HEAD_CTES = `WITH h AS (
   UPDATE installs SET head_seq = $2, head_hash = $3, pushes = pushes + 1, ${heardFrom('$4', '$8')}
   WHERE install_id = $1 AND pushes = $5 AND head_hash = $6
   RETURNING 1
 ), a AS (
   ${insertAlerts('$1', 9)}
   WHERE EXISTS (SELECT 1 FROM h)
 ), c AS (
   UPDATE credentials SET last_used_at = now() WHERE id = $7 AND EXISTS (SELECT 1 FROM h)
 )`;

/**
 * A push that stores no record (duplicates, rewritten history): its alerts, the install's flag,
 * when it was heard from and what it says it holds, and the credential's use, with no
 * compare-and-set: what it found held stays held (records are never changed or removed), and
 * the head is left as it stands, so a push stored meanwhile changes nothing it decided. It
 * answers with the head as it stands now. $1 install, $2 flag reason, $3 credential,
 * $4 durable seq, $5 to $7 the alerts.
 */
const NOTHING_STORED = `WITH m AS (
   UPDATE installs SET ${heardFrom('$2', '$4')}
   WHERE install_id = $1
   RETURNING head_seq, head_hash
 ), a AS (
   ${insertAlerts('$1', 5)}
 ), c AS (
   UPDATE credentials SET last_used_at = now() WHERE id = $3
 )
 SELECT head_seq, head_hash FROM m`;

type Fresh = { r: ShippedRecord; ok: boolean; content: string };

/** The columns `records` is filled with (received_at takes its default). */
export const RECORDS_COPY = `records (install_id, seq, ts, store, terminal, terminal_id, operator_id,
  action, code, card_id, outcome, errcode, errmsg, duration_ms, nonce, detail, prev_hash, hash,
  chain_ok, content_hash)`;

/** A batch's new records in COPY's text format, one line each, columns as RECORDS_COPY. */
export function recordsCopyText(
  installId: string,
  store: string,
  terminal: string,
  fresh: readonly Fresh[],
): string {
  const lead = `${copyField(installId)}\t`;
  const place = `\t${copyField(store)}\t${copyField(terminal)}\t`;
  let s = '';
  // The hashes are checked lower-case hex (the schema), ids and times whole numbers.
  for (const { r, ok, content } of fresh) {
    s +=
      `${lead}${r.id}\t${new Date(r.ts).toISOString()}${place}` +
      `${copyField(r.terminal_id)}\t${copyField(r.operator_id)}\t${copyField(r.action)}\t` +
      `${copyField(r.code)}\t${copyField(r.card_id)}\t${copyField(r.outcome)}\t` +
      `${copyField(r.errcode)}\t${copyField(r.errmsg)}\t${copyField(r.duration_ms)}\t` +
      `${copyField(r.nonce)}\t${copyField(r.detail)}\t${r.prev_hash}\t${r.hash}\t` +
      (ok ? 't\t' : 'f\t') +
      (content === r.hash ? '\\N\n' : `${content}\n`);
  }
  return s;
}

/**
 * Times a push is tried after its first, optimistic attempt lost to another push of its
 * install. Those tries hold the install's row from their read to their write, so each stores;
 * only a record stored by a writer outside this code (the records' key) makes one try again.
 */
const MAX_ATTEMPTS = 3;

export class HeadMovingError extends Error {}

export function createIngest(deps: {
  db: Database;
  partitions: ReturnType<typeof createPartitioner>;
}) {
  const { db, partitions } = deps;

  /**
   * Checks and stores `body` for `cred`. `durableSeq`: the last record the terminal says it
   * holds durably (the X-CardDesk-Durable-Seq header), kept with the push.
   *
   * First, optimistically: one read outside any transaction (where the install stands, its
   * push count, and which of the batch's ids it holds), the chain check here, then the write,
   * atomic (one transaction on a real server: the install's row, then the records by COPY; one
   * statement on PGlite): the new head, the alerts, the credential's use and the records, only
   * if the install's push count is still the one read. The conditional update of the install's
   * row waits for and re-reads a concurrent push's row, and holds it to the end: so a batch is
   * only ever stored against what it was checked against, and a record it took for new cannot
   * have been stored meanwhile. A push that stores no record (all duplicates, or rewritten
   * history) needs no such check: see NOTHING_STORED.
   *
   * If another push of the same install was stored meanwhile, nothing was written, and the
   * batch is checked again in one transaction that first locks the install's row: pushes that
   * lost once take turns, and each is stored at its turn. (Retrying optimistically starved:
   * thirty overlapping batches at once left one refused after eight lost rounds.)
   */
  async function push(cred: Credential, body: PushBody, durableSeq?: number): Promise<PushResult> {
    // A bound credential: a comparison, no query. A credential's first push binds it, in a
    // transaction of its own (the install's row locked while it checks no one else holds it).
    if (cred.install_id === null) await db.tx((sql) => claimInstall(sql, cred, body.install_id));
    else await claimInstall(db, cred, body.install_id);
    await partitions.ensure(body.records.map((r) => r.ts));
    for (let attempt = 0; ; attempt++) {
      try {
        const done =
          attempt === 0
            ? await attemptPush(db, false, cred, body, durableSeq)
            : await db.tx(async (sql) => {
                await sql.query('SELECT 1 FROM installs WHERE install_id = $1 FOR UPDATE', [
                  body.install_id,
                ]);
                return attemptPush(sql, true, cred, body, durableSeq);
              });
        if (done) return done;
      } catch (err) {
        // The records' primary key: never met while every write comes through here (the push
        // count above), but if it is, the batch is checked again rather than lost.
        if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new HeadMovingError(`the head of ${body.install_id} kept moving during a push`);
      }
    }
  }

  /**
   * One check and write on `sql`; undefined when another push was stored since the read.
   * `inTx`: `sql` is a transaction already (holding the install's row), so the write is made
   * in it.
   */
  async function attemptPush(
    sql: Sql,
    inTx: boolean,
    cred: Credential,
    body: PushBody,
    durableSeq: number | undefined,
  ): Promise<PushResult | undefined> {
    const { records } = body;
    // Where the install stands, and what it holds already of this batch's ids (from any
    // month: the key is the install and the sequence). The head is the highest id it holds
    // (it only ever moves up, to each new record's id), so only ids up to it can be held: a
    // batch that continues the chain, the usual case, reads an empty range.
    const headRow = await sql.query<{
      head_seq: number;
      head_hash: string;
      pushes: number | string;
      store: string | null;
      terminal: string | null;
      held: [number, string, string | null][] | null;
    }>(
      `SELECT i.head_seq, i.head_hash, i.pushes, a.store, a.terminal,
         (SELECT json_agg(json_build_array(r.seq, r.hash, r.content_hash)) FROM records r
          WHERE r.install_id = i.install_id AND r.seq BETWEEN $2 AND least($3, i.head_seq)
         ) AS held
       FROM installs i
       LEFT JOIN install_assignments a ON a.install_id = i.install_id AND a.valid_to IS NULL
       WHERE i.install_id = $1`,
      [body.install_id, records[0]!.id, records[records.length - 1]!.id],
    );
    const head = headRow.rows[0];
    if (!head) throw new Error(`install ${body.install_id} has no row`);
    const readPushes = String(head.pushes);
    const readHash = head.head_hash;
    let headSeq = Number(head.head_seq);
    let headHash = readHash;
    const store = head.store ?? cred.store;
    const terminal = head.terminal ?? cred.terminal;
    const held = new Map<number, { hash: string; content_hash: string }>();
    for (const [seq, hash, content_hash] of head.held ?? []) {
      // Stored only where it differs from the claimed hash (a bad_hash record).
      held.set(Number(seq), { hash, content_hash: content_hash ?? hash });
    }

    const alerts: Alert[] = [];
    const fresh: Fresh[] = [];
    let duplicates = 0;
    for (const r of records) {
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

    const first = alerts[0];
    const flagReason = first ? `${first.kind} at record ${first.seq}` : null;
    const alertColumns = [
      alerts.map((a) => a.seq),
      alerts.map((a) => a.kind),
      alerts.map((a) => JSON.stringify(a.detail)),
    ];
    const result = (accepted: number, seq = headSeq, hash = headHash): PushResult => ({
      accepted,
      duplicates,
      alerts: alerts.map((a) => ({ seq: a.seq, kind: a.kind })),
      head: { install_id: body.install_id, seq, hash },
    });

    if (fresh.length === 0) {
      const now = await sql.query<{ head_seq: number | string; head_hash: string }>(
        NOTHING_STORED,
        [body.install_id, flagReason, cred.id, durableSeq ?? null, ...alertColumns],
      );
      const row = now.rows[0]!;
      return result(0, Number(row.head_seq), row.head_hash);
    }

    // Where the install stands after the batch (flagged at its first alert), when it was heard
    // from and what it says it holds (never lowered), the alerts and the credential's last use:
    // `h`, `a` and `c` below, $1 to $11. All only if the install's head is still the one read
    // (`h` empty otherwise: nothing written).
    const headParams = [
      body.install_id,
      headSeq,
      headHash,
      flagReason,
      readPushes,
      readHash,
      cred.id,
      durableSeq ?? null,
      ...alertColumns,
    ];

    // A record held before the read is in `held`; one stored since came with a push, which
    // changed the install's push count (`h` empty: nothing written, the batch is checked
    // again). So each (install, sequence) is stored once, with no key table to check it.
    if (db.kind === 'postgres') {
      // A real server: the head, then the records by COPY (the INSERT below cost the server
      // half as much again), in one transaction.
      const write = async (t: Sql) => {
        const moved = await t.query<{ moved: number }>(
          `${HEAD_CTES} SELECT count(*)::int AS moved FROM h`,
          headParams,
        );
        if (Number(moved.rows[0]!.moved) !== 1) return undefined;
        const stored = await t.copyIn!(
          RECORDS_COPY,
          recordsCopyText(body.install_id, store, terminal, fresh),
        );
        return result(stored);
      };
      return inTx ? write(sql) : db.tx(write);
    }
    // PGlite (no COPY from the client): everything in one statement.
    const c = <K extends keyof ShippedRecord>(k: K) => arrayLiteral(fresh.map((f) => f.r[k]));
    const done = await sql.query<{ moved: number; accepted: number }>(
      `${HEAD_CTES}, u AS (
         SELECT * FROM unnest($14::bigint[], $15::bigint[], $16::text[], $17::text[],
           $18::text[], $19::text[], $20::text[], $21::text[], $22::integer[], $23::text[],
           $24::bigint[], $25::text[], $26::text[], $27::text[], $28::text[], $29::boolean[],
           $30::text[])
           AS u (seq, t, tid, op, act, code, card, outc, ec, em, dur, nonce, det, ph, hs, ok, ch)
         WHERE EXISTS (SELECT 1 FROM h)
       ), r AS (
         INSERT INTO records (install_id, seq, ts, store, terminal, terminal_id, operator_id,
           action, code, card_id, outcome, errcode, errmsg, duration_ms, nonce, detail,
           prev_hash, hash, chain_ok, content_hash)
         SELECT $1, seq, timestamptz 'epoch' + t * interval '1 millisecond', $12, $13, tid, op,
           act, code, card, outc, ec, em, dur, nonce, det, ph, hs, ok, nullif(ch, hs)
         FROM u
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM h)::int AS moved, (SELECT count(*) FROM r)::int AS accepted`,
      [
        ...headParams,
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
    const row = done.rows[0]!;
    if (Number(row.moved) !== 1) return undefined;
    return result(Number(row.accepted));
  }

  return { push };
}
