/**
 * The collector against a real PostgreSQL server that this test run starts itself
 * (postgres-server.ts): migrations, ingest, idempotent resends (across a month boundary too),
 * resume, chain alerts, and who may write what.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assignInstall,
  authenticate,
  issueCredential,
  revokeCredential,
} from '../../../central/credentials';
import type { Database } from '../../../central/db';
import { createIngest } from '../../../central/ingest';
import { loadMigrations, migrate, schemaVersion } from '../../../central/migrate';
import { createPartitioner } from '../../../central/partitions';
import { call, push, terminalLog } from './helpers';
import { centralRig } from './rig';

const { database, collector } = centralRig('central');

const count = async (db: Database, sql: string, params: unknown[] = []) =>
  Number(
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n,
  );

describe('migrations', () => {
  it('apply one by one, each recorded; again is a no-op', async () => {
    const db = await database();
    expect(await schemaVersion(db)).toBe(0);
    expect(await migrate(db, { to: 1 })).toBe(1);
    const tables = async () =>
      (
        await db.query<{ relname: string }>(
          `SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND relnamespace =
           'public'::regnamespace ORDER BY relname`,
        )
      ).rows.map((r) => r.relname);
    expect(await tables()).toEqual([
      'alerts',
      'installs',
      'record_keys',
      'records',
      'schema_migrations',
    ]);
    // records is partitioned by range of ts, with no partition until a record needs one.
    const part = await db.query<{ strategy: string; key: string }>(
      `SELECT partstrat AS strategy, pg_get_partkeydef('records'::regclass) AS key
       FROM pg_partitioned_table WHERE partrelid = 'records'::regclass`,
    );
    expect(part.rows[0]).toEqual({ strategy: 'r', key: 'RANGE (ts)' });
    const indexes = await db.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'records' ORDER BY indexname`,
    );
    expect(indexes.rows.map((r) => r.indexname)).toEqual([
      'records_card_ts',
      'records_code_prefix',
      'records_install_ts',
      'records_operator_ts',
      'records_outcome_ts',
      'records_pkey',
      'records_store_ts',
      'records_terminal_ts',
      'records_ts',
    ]);
    expect(await migrate(db, { to: 2 })).toBe(2);
    expect(await tables()).toEqual(expect.arrayContaining(['credentials', 'install_assignments']));
    expect(await migrate(db, { to: 3 })).toBe(3);
    expect(await tables()).toEqual(expect.arrayContaining(['office_users', 'office_sessions']));
    const fks = async () =>
      (
        await db.query(
          `SELECT 1 FROM pg_constraint WHERE conrelid = 'record_keys'::regclass AND contype = 'f'`,
        )
      ).rows.length;
    expect(await fks()).toBe(1);
    expect(await migrate(db, { to: 5 })).toBe(5);
    expect(await fks()).toBe(0);
    expect(await migrate(db)).toBe(6);
    expect(await tables()).not.toContain('record_keys');
    const applied = await db.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(applied.rows).toEqual([
      { version: 1, name: 'journal' },
      { version: 2, name: 'credentials' },
      { version: 3, name: 'office_users' },
      { version: 4, name: 'terminal_progress' },
      { version: 5, name: 'record_keys_no_fk' },
      { version: 6, name: 'records_keyed_by_install_pushes' },
    ]);
    expect(await migrate(db)).toBe(6);
    expect(await count(db, 'schema_migrations')).toBe(6);
  });

  it('006 moves a differing content hash from record_keys onto the record and drops the keys', async () => {
    const db = await database();
    await migrate(db, { to: 5 });
    const install = '3f0c6a52-8d1e-4a43-9d55-6c1f2a7b9e01';
    await db.query('INSERT INTO installs (install_id, head_seq, head_hash) VALUES ($1, 2, $2)', [
      install,
      'b'.repeat(64),
    ]);
    const ts = '2024-01-15T08:00:00.000Z';
    await createPartitioner(db).ensure([Date.parse(ts)]);
    for (const [seq, hash, content] of [
      [1, 'a'.repeat(64), 'a'.repeat(64)],
      [2, 'b'.repeat(64), 'c'.repeat(64)], // a bad_hash record: its content hashed otherwise
    ] as const) {
      await db.query(
        `INSERT INTO record_keys (install_id, seq, ts, hash, content_hash)
         VALUES ($1, $2, $3, $4, $5)`,
        [install, seq, ts, hash, content],
      );
      await db.query(
        `INSERT INTO records (install_id, seq, ts, terminal_id, action, outcome, detail,
           prev_hash, hash, chain_ok) VALUES ($1, $2, $3, 'T-1', 'lookup', 'ok', '{}', $4, $5, $6)`,
        [install, seq, ts, '0'.repeat(64), hash, seq === 1],
      );
    }
    expect(await migrate(db)).toBe(6);
    const rows = await db.query('SELECT seq, content_hash FROM records ORDER BY seq');
    expect(rows.rows).toEqual([
      { seq: 1, content_hash: null },
      { seq: 2, content_hash: 'c'.repeat(64) },
    ]);
    const inst = await db.query('SELECT head_seq, pushes FROM installs');
    expect(inst.rows).toEqual([{ head_seq: 2, pushes: 0 }]);
  });

  it('a failing migration leaves nothing behind; a newer database is refused', async () => {
    const db = await database();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-migrations-'));
    writeFileSync(path.join(dir, '001_good.sql'), 'CREATE TABLE a (x int);');
    writeFileSync(path.join(dir, '002_bad.sql'), 'CREATE TABLE b (x int); SELECT nonsense;');
    const migrations = loadMigrations(dir);
    await expect(migrate(db, { migrations })).rejects.toThrow(/migration 002_bad failed/);
    expect(await schemaVersion(db)).toBe(1);
    expect((await db.query(`SELECT to_regclass('b') AS t`)).rows[0]).toEqual({ t: null });
    // The real ones from here: version 1 is taken, so pretend a newer collector ran.
    await db.query(`INSERT INTO schema_migrations (version, name) VALUES (99, 'future')`);
    await expect(migrate(db)).rejects.toThrow(/schema version 99, newer than this collector/);
    writeFileSync(path.join(dir, '3_bad_name.sql'), '');
    expect(() => loadMigrations(dir)).toThrow(/NNN_name\.sql/);
  });
});

describe('ingest', () => {
  it('stores a batch exactly as the terminal logged it, in monthly partitions', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'Store 7', terminal: 'Till 2' });
    const term = terminalLog(); // 2026-01-31 23:58 UTC, a record a minute: crosses into Feb
    term.add(5);
    const records = term.records();
    const installId = term.log.installId!;
    const r = await push(c.url, token, { install_id: installId, records });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      accepted: 5,
      duplicates: 0,
      alerts: [],
      head: { install_id: installId, seq: 5, hash: records[4]!.hash },
    });
    const rows = await db.query<Record<string, unknown>>(
      `SELECT seq, (extract(epoch FROM ts) * 1000)::bigint AS ts, store, terminal, terminal_id,
         operator_id, action, code, card_id, outcome, errcode, errmsg, duration_ms, nonce,
         detail, prev_hash, hash, chain_ok, tableoid::regclass::text AS part
       FROM records WHERE install_id = $1 ORDER BY seq`,
      [installId],
    );
    expect(rows.rows).toEqual(
      records.map((x) => ({
        seq: x.id,
        ts: x.ts,
        store: 'Store 7',
        terminal: 'Till 2',
        terminal_id: 'T-1',
        operator_id: x.operator_id,
        action: x.action,
        code: x.code,
        card_id: x.card_id,
        outcome: x.outcome,
        errcode: x.errcode,
        errmsg: x.errmsg,
        duration_ms: x.duration_ms,
        nonce: x.nonce,
        detail: x.detail,
        prev_hash: x.prev_hash,
        hash: x.hash,
        chain_ok: true,
        part: new Date(x.ts).getUTCMonth() === 0 ? 'records_y2026m01' : 'records_y2026m02',
      })),
    );
    expect(rows.rows.map((x) => x.part)).toEqual([
      'records_y2026m01',
      'records_y2026m01',
      'records_y2026m02',
      'records_y2026m02',
      'records_y2026m02',
    ]);
    // The credential is now this install's; the mapping has its first row.
    const map = await db.query(
      `SELECT store, terminal, valid_to FROM install_assignments WHERE install_id = $1`,
      [installId],
    );
    expect(map.rows).toEqual([{ store: 'Store 7', terminal: 'Till 2', valid_to: null }]);
    expect(await call(c.url, token, 'GET', `/v1/head?install_id=${installId}`)).toEqual({
      status: 200,
      // ... and how many records it takes in a push: the shipper's batches follow it.
      body: { install_id: installId, seq: 5, hash: records[4]!.hash, max_batch_records: 2000 },
    });
  });

  it('stores text exactly, whatever COPY would read as markup: backslashes, tabs, line ends, \\N, \\.', async () => {
    // On a real server the records go in by COPY's text format (central/copy.ts): each of these
    // would be a column break, a row break, a null or the end of data if it were not escaped.
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: '门店 7', terminal: 'Till \\ 2' });
    const term = terminalLog();
    const nasty = ['a\\b', 'tab\there', 'line\nnext', 'cr\rlf\r\n', '\\N', '\\.', '\\', '满减😀'];
    for (const [i, text] of nasty.entries()) {
      term.log.append({
        action: 'redeem',
        outcome: 'rejected',
        operator_id: `op${text}`,
        code: `1788476600${i}`,
        card_id: 'pCARD1',
        errcode: 40099,
        errmsg: text,
        duration_ms: 40,
        detail: { note: text, [text]: i },
      });
    }
    const records = term.records();
    const installId = term.log.installId!;
    const r = await push(c.url, token, { install_id: installId, records });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: nasty.length, duplicates: 0, alerts: [] });
    const rows = await db.query<Record<string, unknown>>(
      `SELECT seq, operator_id, errmsg, detail, hash, chain_ok, store, terminal
       FROM records WHERE install_id = $1 ORDER BY seq`,
      [installId],
    );
    expect(rows.rows).toEqual(
      records.map((x) => ({
        seq: x.id,
        operator_id: x.operator_id,
        errmsg: x.errmsg,
        detail: x.detail,
        hash: x.hash,
        chain_ok: true,
        store: '门店 7',
        terminal: 'Till \\ 2',
      })),
    );
    expect(rows.rows.map((x) => x.errmsg)).toEqual(nasty);
  });

  it('a resend changes nothing, and a resume sends only what is new', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(4);
    const install_id = term.log.installId!;
    await push(c.url, token, { install_id, records: term.records() });
    const before = await db.query('SELECT * FROM records ORDER BY seq');
    const again = await push(c.url, token, { install_id, records: term.records() });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 4, alerts: [] });
    expect((await db.query('SELECT * FROM records ORDER BY seq')).rows).toEqual(before.rows);
    // Resume: the collector says where it stands, the terminal sends the rest (overlapping).
    term.add(3);
    const head = await call(c.url, token, 'GET', `/v1/head?install_id=${install_id}`);
    expect(head.body.seq).toBe(4);
    const overlap = await push(c.url, token, { install_id, records: term.records(2) });
    expect(overlap.body).toMatchObject({ accepted: 3, duplicates: 2, alerts: [] });
    expect(await count(db, 'records')).toBe(7);
    expect(await count(db, 'alerts')).toBe(0);
  });

  it('the same batch pushed several times at once is stored once: one accepts, the rest are duplicates', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(6);
    const install_id = term.log.installId!;
    const records = term.records();
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => push(c.url, token, { install_id, records })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const bodies = results.map((r) => r.body as { accepted: number; duplicates: number });
    expect(bodies.map((b) => b.accepted).sort()).toEqual([0, 0, 0, 6]);
    expect(bodies.map((b) => b.duplicates).sort()).toEqual([0, 6, 6, 6]);
    expect(await count(db, 'records')).toBe(6);
    expect(await count(db, 'alerts')).toBe(0);
  });

  it('fifty pushes of one batch at once, and then fifty of a late record: each stored once, none refused', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(12);
    const install_id = term.log.installId!;
    const all = term.records();
    const fifty = (records: typeof all) =>
      Promise.all(Array.from({ length: 50 }, () => push(c.url, token, { install_id, records })));
    // 1 to 10 with 8 missing: one push stores them (a gap alert at 9), 49 find them held.
    const first = await fifty(all.slice(0, 10).filter((r) => r.id !== 8));
    expect(first.map((r) => r.status)).toEqual(Array(50).fill(200));
    const bodies = first.map((r) => r.body as { accepted: number; duplicates: number });
    expect(bodies.filter((b) => b.accepted === 9)).toHaveLength(1);
    expect(bodies.filter((b) => b.accepted === 0 && b.duplicates === 9)).toHaveLength(49);
    // 8 arrives late, fifty times at once: stored once, one alert for it.
    const late = await fifty([all[7]!]);
    expect(late.map((r) => r.status)).toEqual(Array(50).fill(200));
    const lateBodies = late.map((r) => r.body as { accepted: number; duplicates: number });
    expect(lateBodies.filter((b) => b.accepted === 1)).toHaveLength(1);
    expect(lateBodies.filter((b) => b.duplicates === 1)).toHaveLength(49);
    const seqs = await db.query<{ seq: number }>('SELECT seq FROM records ORDER BY seq');
    expect(seqs.rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const alerts = await db.query<{ seq: number; kind: string }>(
      'SELECT seq, kind FROM alerts ORDER BY id',
    );
    expect(alerts.rows).toEqual([
      { seq: 9, kind: 'gap' },
      { seq: 8, kind: 'gap' },
    ]);
  });

  it('a late record pushed several times at once is stored once, with one alert', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(5);
    const install_id = term.log.installId!;
    const all = term.records();
    // 3 missing: a gap at 4. Then 3 arrives late, four times at once: the head does not move
    // for it, so the pushes race on its key; one stores it, the rest find it held. Straight
    // into the ingest (no HTTP in between) so that they read the head together: the losers
    // meet the key's primary key and check again.
    await push(c.url, token, { install_id, records: [all[0]!, all[1]!, all[3]!, all[4]!] });
    const ingest = createIngest({ db, partitions: createPartitioner(db) });
    const cred = await authenticate(db, `Bearer ${token}`);
    // Four connections open in the pool, so that the four reads go out together.
    await Promise.all([0, 1, 2, 3].map(() => db.query('SELECT pg_sleep(0.05)')));
    const bodies = await Promise.all(
      [0, 1, 2, 3].map(() => ingest.push({ ...cred }, { install_id, records: [all[2]!] })),
    );
    expect(bodies.map((b) => b.accepted).sort()).toEqual([0, 0, 0, 1]);
    expect(bodies.map((b) => b.duplicates).sort()).toEqual([0, 1, 1, 1]);
    expect(bodies.map((b) => b.alerts.length).sort()).toEqual([0, 0, 0, 1]);
    expect(await count(db, 'records')).toBe(5);
    const alerts = await db.query<{ seq: number; kind: string; detail: unknown }>(
      'SELECT seq, kind, detail FROM alerts ORDER BY id',
    );
    expect(alerts.rows).toEqual([
      { seq: 4, kind: 'gap', detail: { first_missing: 3, last_missing: 3 } },
      { seq: 3, kind: 'gap', detail: { late: true, head_seq: 5 } },
    ]);
    const head = await db.query('SELECT head_seq, head_hash FROM installs');
    expect(head.rows).toEqual([{ head_seq: 5, head_hash: all[4]!.hash }]);
  });

  it('a resend claiming another month is rewritten history: an alert, never a second row', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(3); // ids 1, 2 in January, 3 in February
    const install_id = term.log.installId!;
    const records = term.records();
    await push(c.url, token, { install_id, records });
    // Record 2 again, moved to February (another partition), and record 3 moved back to January.
    const moved = [
      { ...records[1]!, ts: records[1]!.ts + 86_400_000 },
      { ...records[2]!, ts: records[2]!.ts - 86_400_000 },
    ];
    const r = await push(c.url, token, { install_id, records: moved });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      accepted: 0,
      duplicates: 0,
      alerts: [
        { seq: 2, kind: 'rewritten' },
        { seq: 3, kind: 'rewritten' },
      ],
    });
    const rows = await db.query<{ seq: number; ts: number }>(
      `SELECT seq, (extract(epoch FROM ts) * 1000)::bigint AS ts FROM records ORDER BY seq`,
    );
    expect(rows.rows).toEqual(records.map((x) => ({ seq: x.id, ts: x.ts })));
    const flagged = await db.query('SELECT flag_reason FROM installs WHERE install_id = $1', [
      install_id,
    ]);
    expect(flagged.rows).toEqual([{ flag_reason: 'rewritten at record 2' }]);
  });

  it('a broken chain is an alert and flags the install; later records are still stored', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(10);
    const install_id = term.log.installId!;
    const all = term.records();
    await push(c.url, token, { install_id, records: all.slice(0, 2) });
    // 3: its content changed after it was hashed; 5 and 6 never arrive (gap); 8 links to a
    // hash that is not 7's.
    const tampered = { ...all[2]!, code: '999999999999' };
    const relinked = { ...all[7]!, prev_hash: 'a'.repeat(64) };
    const batch = [tampered, all[3]!, all[6]!, relinked, all[8]!, all[9]!];
    const r = await push(c.url, token, { install_id, records: batch });
    expect(r.body).toMatchObject({
      accepted: 6,
      alerts: [
        { seq: 3, kind: 'bad_hash' },
        { seq: 7, kind: 'gap' },
        { seq: 8, kind: 'bad_hash' },
        { seq: 8, kind: 'broken_link' },
      ],
      head: { seq: 10, hash: all[9]!.hash },
    });
    const ok = await db.query<{ seq: number; chain_ok: boolean }>(
      'SELECT seq, chain_ok FROM records ORDER BY seq',
    );
    expect(ok.rows).toEqual([
      { seq: 1, chain_ok: true },
      { seq: 2, chain_ok: true },
      { seq: 3, chain_ok: false },
      { seq: 4, chain_ok: true },
      { seq: 7, chain_ok: false },
      { seq: 8, chain_ok: false },
      { seq: 9, chain_ok: true },
      { seq: 10, chain_ok: true },
    ]);
    const alerts = await db.query<{ seq: number; kind: string; detail: unknown }>(
      'SELECT seq, kind, detail FROM alerts ORDER BY id',
    );
    expect(alerts.rows[1]).toEqual({
      seq: 7,
      kind: 'gap',
      detail: { first_missing: 5, last_missing: 6 },
    });
    // The damaged batch resent as it was: duplicates, no new alert.
    const again = await push(c.url, token, { install_id, records: batch });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 6, alerts: [] });
    expect(await count(db, 'alerts')).toBe(4);
    const inst = await db.query<{ flag_reason: string; flagged: boolean }>(
      'SELECT flag_reason, flagged_at IS NOT NULL AS flagged FROM installs',
    );
    expect(inst.rows).toEqual([{ flag_reason: 'bad_hash at record 3', flagged: true }]);
  });
});

describe('who may write', () => {
  it('no, a wrong or a malformed credential is refused and changes nothing', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(2);
    const body = { install_id: term.log.installId!, records: term.records() };
    const wrongSecret = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const t of [undefined, 'nonsense', wrongSecret, 'cdt_000000000000_' + 'x'.repeat(43)]) {
      const r = await push(c.url, t, body);
      expect(r).toEqual({
        status: 401,
        body: { error: 'unauthenticated', message: 'a valid terminal credential is required' },
      });
    }
    expect(
      (await call(c.url, wrongSecret, 'GET', `/v1/head?install_id=${body.install_id}`)).status,
    ).toBe(401);
    expect(await count(db, 'records')).toBe(0);
    expect(await count(db, 'installs')).toBe(0);
    const cred = await db.query('SELECT install_id, last_used_at FROM credentials');
    expect(cred.rows).toEqual([{ install_id: null, last_used_at: null }]);
  });

  it('a terminal cannot write another install’s records', async () => {
    const { db, c } = await collector();
    const a = await issueCredential(db, { store: 'S', terminal: 'A' });
    const b = await issueCredential(db, { store: 'S', terminal: 'B' });
    const ta = terminalLog();
    const tb = terminalLog();
    ta.add(2);
    tb.add(2);
    const bodyA = { install_id: ta.log.installId!, records: ta.records() };
    const bodyB = { install_id: tb.log.installId!, records: tb.records() };
    expect((await push(c.url, a.token, bodyA)).status).toBe(200);
    // A, bound to its install, pushing B's; B, not bound yet, pushing A's install.
    const r1 = await push(c.url, a.token, bodyB);
    expect(r1).toMatchObject({ status: 403, body: { error: 'other_install' } });
    const r2 = await push(c.url, b.token, bodyA);
    expect(r2).toMatchObject({ status: 403, body: { error: 'other_install' } });
    expect(
      (await call(c.url, a.token, 'GET', `/v1/head?install_id=${bodyB.install_id}`)).status,
    ).toBe(403);
    expect(await count(db, 'records')).toBe(2);
    expect(await count(db, 'installs')).toBe(1);
    // B still works for its own install.
    expect((await push(c.url, b.token, bodyB)).body).toMatchObject({ accepted: 2 });
  });

  it('a revoked credential is refused at once; a re-issue for the install carries on', async () => {
    const { db, c } = await collector();
    const old = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(2);
    const install_id = term.log.installId!;
    await push(c.url, old.token, { install_id, records: term.records() });
    expect(await revokeCredential(db, old.id)).toBe(true);
    expect(await revokeCredential(db, 'nosuchid')).toBe(false);
    term.add(2);
    const r = await push(c.url, old.token, { install_id, records: term.records(2) });
    expect(r).toEqual({
      status: 401,
      body: { error: 'revoked', message: 'this terminal credential has been revoked' },
    });
    expect(await count(db, 'records')).toBe(2);
    // A new credential not naming the install cannot take it over...
    const stray = await issueCredential(db, { store: 'S', terminal: 'T' });
    expect((await push(c.url, stray.token, { install_id, records: term.records(2) })).status).toBe(
      403,
    );
    // ...one issued for it, in another store, can; the mapping keeps the history.
    const next = await issueCredential(db, { store: 'S2', terminal: 'T', installId: install_id });
    const ok = await push(c.url, next.token, { install_id, records: term.records(2) });
    expect(ok.body).toMatchObject({ accepted: 2, alerts: [] });
    await assignInstall(db, { installId: install_id, store: 'S3', terminal: 'T9' });
    const hist = await db.query<{ store: string; terminal: string; open: boolean }>(
      `SELECT store, terminal, valid_to IS NULL AS open FROM install_assignments ORDER BY id`,
    );
    expect(hist.rows).toEqual([
      { store: 'S', terminal: 'T', open: false },
      { store: 'S2', terminal: 'T', open: false },
      { store: 'S3', terminal: 'T9', open: true },
    ]);
    const stores = await db.query('SELECT seq, store FROM records ORDER BY seq');
    expect(stores.rows).toEqual([
      { seq: 1, store: 'S' },
      { seq: 2, store: 'S' },
      { seq: 3, store: 'S2' },
      { seq: 4, store: 'S2' },
    ]);
  });

  it('bad input gets a clear error and changes nothing', async () => {
    const { db, c } = await collector();
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(3);
    const install_id = term.log.installId!;
    const recs = term.records();
    const cases: [unknown, RegExp][] = [
      [{ install_id, records: [recs[1], recs[0]] }, /ascending id order/],
      [{ install_id, records: [] }, /records/],
      [{ install_id: 'T-1', records: recs }, /install_id: an install id is a UUID/],
      [{ install_id, records: [{ ...recs[0], hash: 'XYZ' }] }, /records\.0\.hash/],
      [{ install_id, records: [{ ...recs[0], ts: 0 }] }, /records\.0\.ts/],
      [{ install_id, records: [{ ...recs[0], extra: 1 }] }, /records\.0/],
      ['{not json', /not JSON/],
    ];
    for (const [body, message] of cases) {
      const r = await push(c.url, token, body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.message).toMatch(message);
    }
    const noType = await fetch(`${c.url}/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ install_id, records: recs }),
    });
    expect(noType.status).toBe(415);
    expect(await count(db, 'records')).toBe(0);
    expect(await count(db, 'installs')).toBe(0);
    expect((await call(c.url, token, 'GET', '/v1/nothing')).status).toBe(404);
  });
});
