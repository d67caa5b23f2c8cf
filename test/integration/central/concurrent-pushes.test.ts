/**
 * Attacks on how the collector keeps one row per (install, sequence) without a key table
 * (migration 006, central/ingest.ts): the same, overlapping, late, rewritten and bad-hash
 * batches pushed many times at once, by one collector or two on one database, on a real server
 * and on PGlite. After each: every sequence stored once, the head at the highest one with its
 * hash, and no push refused (a 503 would make the terminal wait and send again).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticate, issueCredential } from '../../../central/credentials';
import { openDatabase, type Database } from '../../../central/db';
import { createIngest } from '../../../central/ingest';
import { createPartitioner } from '../../../central/partitions';
import { startCollector, type RunningCollector } from '../../../central/server';
import type { ShippedRecord } from '../../../shared/central';
import { push, terminalLog } from './helpers';
import { centralRig } from './rig';

const { databaseUrl, database, collector, cleanup } = centralRig('attack');

/** Every invariant: one row a seq, exactly the seqs expected, head = max seq with its hash. */
async function invariants(db: Database, install_id: string, expectSeqs: number[]) {
  const dup = await db.query(
    'SELECT seq, count(*)::int AS n FROM records WHERE install_id=$1 GROUP BY seq HAVING count(*) > 1',
    [install_id],
  );
  expect(dup.rows, 'a seq stored twice').toEqual([]);
  const seqs = await db.query<{ seq: string }>(
    'SELECT seq FROM records WHERE install_id=$1 ORDER BY seq',
    [install_id],
  );
  expect(
    seqs.rows.map((r) => Number(r.seq)),
    'records stored',
  ).toEqual(expectSeqs);
  const head = await db.query<{ head_seq: string; head_hash: string; h: string | null }>(
    `SELECT i.head_seq, i.head_hash,
       (SELECT hash FROM records r WHERE r.install_id=i.install_id AND r.seq=i.head_seq) AS h
     FROM installs i WHERE install_id=$1`,
    [install_id],
  );
  const row = head.rows[0]!;
  expect(Number(row.head_seq), 'head seq').toBe(Math.max(...expectSeqs));
  expect(row.h, 'head points at a stored record with its hash').toBe(row.head_hash);
}

/** How many pushes got each HTTP status. */
const statuses = (rs: { status: number }[]) => {
  const m: Record<number, number> = {};
  for (const r of rs) m[r.status] = (m[r.status] ?? 0) + 1;
  return m;
};

const ids = (records: ShippedRecord[]) => records.map((r) => r.id);

/**
 * Three records stored, then record 2 resent twenty times at once claiming the next day: each
 * resend is rewritten history (an alert), none refused, nothing stored again.
 */
async function rewrittenResends(db: Database, c: RunningCollector) {
  const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
  const term = terminalLog();
  term.add(3);
  const install_id = term.log.installId!;
  const records = term.records();
  expect((await push(c.url, token, { install_id, records })).status).toBe(200);
  const moved = [{ ...records[1]!, ts: records[1]!.ts + 86_400_000 }];
  const rs = await Promise.all(
    Array.from({ length: 20 }, () => push(c.url, token, { install_id, records: moved })),
  );
  await invariants(db, install_id, [1, 2, 3]);
  expect(statuses(rs)).toEqual({ 200: 20 });
}

/**
 * A terminal ships `total` records, the first five at once and the rest one a push, while
 * `resenders` loops resend those first five (duplicates only) until it is done: no push of
 * either is refused.
 */
async function resendsWhileShipping(resenders: number, total: number) {
  const { db, c } = await collector();
  const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
  const term = terminalLog(Date.UTC(2026, 1, 10));
  term.add(total, 1000);
  const install_id = term.log.installId!;
  const recs = term.records();
  expect((await push(c.url, token, { install_id, records: recs.slice(0, 5) })).status).toBe(200);
  let done = false;
  const shipper = (async () => {
    for (let i = 5; i < recs.length; i += 1) {
      const r = await push(c.url, token, { install_id, records: [recs[i]!] });
      if (r.status !== 200) throw new Error(`shipper ${r.status}`);
    }
    done = true;
  })();
  const resends: { status: number }[] = [];
  const resender = async () => {
    while (!done) resends.push(await push(c.url, token, { install_id, records: recs.slice(0, 5) }));
  };
  await Promise.all([shipper, ...Array.from({ length: resenders }, resender)]);
  await invariants(db, install_id, ids(recs));
  expect(Object.keys(statuses(resends))).toEqual(['200']);
}

describe('pushes at once: each record stored once, none refused', () => {
  it('twenty resends at once of a record claiming another month (rewritten)', async () => {
    const { db, c } = await collector();
    await rewrittenResends(db, c);
  }, 60_000);

  it('the same on embedded PGlite', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attack-pglite-'));
    const db = await openDatabase({ dataDir: dir });
    const c = await startCollector({ db, port: 0, onError: () => {} });
    cleanup.push(async () => {
      await c.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await rewrittenResends(db, c);
  }, 60_000);

  it('a batch of new records and one rewritten record, pushed ten times at once', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(3);
    const install_id = term.log.installId!;
    expect((await push(c.url, token, { install_id, records: term.records() })).status).toBe(200);
    term.add(3);
    const all = term.records();
    const batch = [{ ...all[1]!, ts: all[1]!.ts + 86_400_000 }, ...all.slice(3)];
    const rs = await Promise.all(
      Array.from({ length: 10 }, () => push(c.url, token, { install_id, records: batch })),
    );
    const bodies = rs.map((r) => r.body as { accepted?: number });
    await invariants(db, install_id, [1, 2, 3, 4, 5, 6]);
    expect(bodies.filter((b) => b.accepted === 3)).toHaveLength(1);
    expect(statuses(rs)).toEqual({ 200: 10 });
  }, 60_000);

  it('thirty overlapping batches (prefixes 1..k) at once, three rounds', async () => {
    const { db, c } = await collector();
    const refused: { round: number; status: number; body: unknown }[] = [];
    for (let round = 0; round < 3; round++) {
      const { token } = await issueCredential(db, { store: 'S', terminal: `T${round}` });
      const term = terminalLog();
      term.add(30);
      const install_id = term.log.installId!;
      const recs = term.records();
      // Bind the credential first.
      expect((await push(c.url, token, { install_id, records: [recs[0]!] })).status).toBe(200);
      const rs = await Promise.all(
        Array.from({ length: 30 }, (_, k) =>
          push(c.url, token, { install_id, records: recs.slice(0, k + 1) }),
        ),
      );
      const accepted = rs.reduce(
        (s, r) => s + ((r.body as { accepted?: number }).accepted ?? 0),
        0,
      );
      refused.push(...rs.filter((r) => r.status !== 200).map((r) => ({ round, ...r })));
      expect(accepted).toBe(29);
      await invariants(db, install_id, ids(recs));
    }
    // Each refusal with its status and body (was a 503 after eight lost optimistic rounds).
    expect(refused).toEqual([]);
  }, 120_000);

  it('a push while other pushes keep moving its install on (another collector) is stored at its turn, not refused', async () => {
    const url = await databaseUrl();
    const { db, c } = await collector(await database(url));
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(40);
    const install_id = term.log.installId!;
    const recs = term.records();
    expect((await push(c.url, token, { install_id, records: [recs[0]!] })).status).toBe(200);
    // Another writer on its own connection moves the install's push count on as fast as the
    // server takes it (three connections), as pushes landing through another collector do: every optimistic
    // check of a batch is overtaken before its write.
    const other = await database(url);
    let moving = true;
    let moves = 0;
    const mover = async () => {
      while (moving) {
        await other.query('UPDATE installs SET pushes = pushes + 1 WHERE install_id = $1', [
          install_id,
        ]);
        moves++;
      }
    };
    const movers = Promise.all([mover(), mover(), mover()]);
    const rs = await Promise.all(
      [5, 20, 40].map((k) => push(c.url, token, { install_id, records: recs.slice(0, k) })),
    );
    moving = false;
    await movers;
    expect(moves, 'the head kept moving').toBeGreaterThan(10);
    expect(
      rs.map((r) => r.status),
      JSON.stringify(rs.map((r) => r.body)),
    ).toEqual([200, 200, 200]);
    const accepted = rs.reduce((s, r) => s + ((r.body as { accepted?: number }).accepted ?? 0), 0);
    expect(accepted).toBe(39);
    await invariants(db, install_id, ids(recs));
  }, 60_000);

  it('two collectors on one database, same and overlapping batches at once', async () => {
    const url = await databaseUrl();
    const { db: db1, c: c1 } = await collector(await database(url));
    const { c: c2 } = await collector(await database(url));
    const { token } = await issueCredential(db1, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(40);
    const install_id = term.log.installId!;
    const recs = term.records();
    expect((await push(c1.url, token, { install_id, records: [recs[0]!] })).status).toBe(200);
    // Late-record gaps: leave 5 and 15 missing first.
    const holes = recs.filter((r) => r.id !== 5 && r.id !== 15);
    const rs = await Promise.all(
      Array.from({ length: 24 }, (_, k) => {
        const base = k % 2 ? c1.url : c2.url;
        const from = (k * 3) % 20;
        if (k % 6 === 0) return push(base, token, { install_id, records: [recs[4]!] });
        if (k % 6 === 3) return push(base, token, { install_id, records: [recs[14]!] });
        return push(base, token, {
          install_id,
          records: holes.filter((r) => r.id > from && r.id <= from + 20),
        });
      }),
    );
    await invariants(
      db1,
      install_id,
      ids(recs).filter((id) => id <= 39),
    );
    expect(statuses(rs)).toEqual({ 200: 24 });
  }, 120_000);

  it('a duplicates-only resend racing a terminal shipping one record a push', async () => {
    await resendsWhileShipping(1, 400);
  }, 180_000);

  it('three duplicates-only resend loops racing the same steady stream', async () => {
    await resendsWhileShipping(3, 300);
  }, 180_000);

  it('a batch with a bad-hash record pushed twenty times at once: stored once, one alert', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(6);
    const install_id = term.log.installId!;
    const recs = term.records();
    expect((await push(c.url, token, { install_id, records: [recs[0]!] })).status).toBe(200);
    const bad: ShippedRecord[] = recs.map((r) => (r.id === 3 ? { ...r, code: 'tampered' } : r));
    const rs = await Promise.all(
      Array.from({ length: 20 }, () => push(c.url, token, { install_id, records: bad })),
    );
    await invariants(db, install_id, [1, 2, 3, 4, 5, 6]);
    const alerts = await db.query('SELECT seq, kind FROM alerts ORDER BY id');
    expect(alerts.rows).toEqual([{ seq: 3, kind: 'bad_hash' }]);
    expect(statuses(rs)).toEqual({ 200: 20 });
  }, 60_000);

  it('straight into the ingest from eight connections: gap-filling batches of late records', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(20);
    const install_id = term.log.installId!;
    const recs = term.records();
    const odd = recs.filter((r) => r.id % 2 === 1 || r.id === 20);
    expect((await push(c.url, token, { install_id, records: odd })).status).toBe(200);
    const ingest = createIngest({ db, partitions: createPartitioner(db) });
    const cred = await authenticate(db, `Bearer ${token}`);
    // Eight connections open in the pool, so that the reads go out together.
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(() => db.query('SELECT pg_sleep(0.05)')));
    const even = recs.filter((r) => r.id % 2 === 0 && r.id !== 20);
    const settled = await Promise.allSettled(
      Array.from({ length: 16 }, (_, k) =>
        ingest.push({ ...cred }, { install_id, records: k % 2 ? even : even.slice(k % 5) }),
      ),
    );
    const errors = settled
      .filter((s) => s.status === 'rejected')
      .map((s) => String((s as PromiseRejectedResult).reason));
    await invariants(db, install_id, ids(recs));
    const late = await db.query(
      `SELECT seq, count(*)::int AS n FROM alerts WHERE detail ? 'late' GROUP BY seq HAVING count(*) <> 1`,
    );
    expect(late.rows, 'one late alert a record').toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it('a new install, its first batch pushed twenty times at once by an unbound credential', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(8);
    const install_id = term.log.installId!;
    const records = term.records();
    const rs = await Promise.all(
      Array.from({ length: 20 }, () => push(c.url, token, { install_id, records })),
    );
    await invariants(db, install_id, ids(records));
    expect(await db.query('SELECT count(*)::int AS n FROM alerts')).toMatchObject({
      rows: [{ n: 0 }],
    });
    expect(statuses(rs)).toEqual({ 200: 20 });
  }, 60_000);
});
