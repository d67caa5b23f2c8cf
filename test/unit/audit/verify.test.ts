/**
 * verify finds the first broken link when the file is edited behind CardDesk's back: with a
 * second SQLite connection after dropping the triggers, as the sqlite3 tool would.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, chainHash } from '../../../electron/audit/canonical';
import { fill, open, record, tamper, tempFile, expectAppErrorAsync } from './helpers';

function logWith(n: number) {
  const file = tempFile();
  const log = open(file);
  fill(log, n, (i) => (i % 4 === 1 ? { outcome: 'rejected', errmsg: '已核销 consumed' } : {}));
  const head = log.head()!;
  log.close();
  return { file, head };
}

async function verifyFile(
  file: string,
  opts: Parameters<ReturnType<typeof open>['verify']>[0] = {},
) {
  return open(file, { readonly: true }).verify({ chunkRows: 3, ...opts });
}

/** Recomputes the hash of record `id` from its stored fields, as a forger would. */
function rehash(db: Database.Database, id: number, prevHash: string) {
  const row = db.prepare('SELECT * FROM audit WHERE id = ?').get(id) as Parameters<
    typeof canonicalRecord
  >[0];
  const hash = chainHash(prevHash, canonicalRecord(row));
  db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?').run(prevHash, hash, id);
  return hash;
}

describe('verify', () => {
  it('reports an intact log with its count and head, in any chunk size', async () => {
    const { file, head } = logWith(10);
    for (const chunkRows of [1, 3, 10, 20_000]) {
      expect(await verifyFile(file, { chunkRows })).toEqual({
        ok: true,
        count: 10,
        head,
        warnings: [],
      });
    }
    expect(await open().verify()).toEqual({ ok: true, count: 0, warnings: [] });
  });

  it('catches a changed record', async () => {
    const { file } = logWith(10);
    tamper(file, `UPDATE audit SET outcome = 'ok', errmsg = NULL WHERE id = 6`);
    expect(await verifyFile(file)).toMatchObject({
      ok: false,
      problem: 'changed',
      firstBadId: 6,
      checked: 5,
    });
  });

  it('catches a changed detail and a changed time', async () => {
    const { file } = logWith(10);
    tamper(file, `UPDATE audit SET detail = '{"i":2,"title":"满200减20"}' WHERE id = 3`);
    expect(await verifyFile(file)).toMatchObject({ ok: false, problem: 'changed', firstBadId: 3 });
    const second = logWith(10);
    tamper(second.file, 'UPDATE audit SET ts = ts + 1 WHERE id = 9');
    expect(await verifyFile(second.file)).toMatchObject({
      ok: false,
      problem: 'changed',
      firstBadId: 9,
    });
  });

  it('catches a record rewritten with a recomputed hash, by its successor', async () => {
    const { file } = logWith(10);
    tamper(file, (db) => {
      db.exec(`UPDATE audit SET operator_id = 'someone-else' WHERE id = 5`);
      const prev = db.prepare('SELECT hash FROM audit WHERE id = 4').pluck().get() as string;
      rehash(db, 5, prev);
    });
    expect(await verifyFile(file)).toMatchObject({
      ok: false,
      problem: 'changed',
      firstBadId: 5,
      detail: 'record 5 was rewritten (its successor 6 recorded another hash)',
    });
  });

  it('catches a deleted record, and deleted records', async () => {
    const { file } = logWith(10);
    tamper(file, 'DELETE FROM audit WHERE id = 4');
    expect(await verifyFile(file)).toMatchObject({
      ok: false,
      problem: 'deleted',
      firstBadId: 4,
      lastBadId: 4,
      detail: 'record 4 is missing',
    });
    const more = logWith(10);
    tamper(more.file, 'DELETE FROM audit WHERE id BETWEEN 1 AND 3');
    expect(await verifyFile(more.file)).toMatchObject({
      ok: false,
      problem: 'deleted',
      firstBadId: 1,
      lastBadId: 3,
    });
  });

  it('catches a deleted record even when the later ids were renumbered', async () => {
    const { file } = logWith(10);
    tamper(file, 'DELETE FROM audit WHERE id = 4; UPDATE audit SET id = id - 1 WHERE id > 4;');
    expect(await verifyFile(file)).toMatchObject({ ok: false, problem: 'deleted', firstBadId: 4 });
  });

  it('catches an inserted record, even one with a correctly computed hash', async () => {
    const { file } = logWith(10);
    tamper(file, (db) => {
      // Make room at id 5 (via negative ids, as UPDATE id = id + 1 would collide), then forge.
      db.exec(
        'UPDATE audit SET id = -id WHERE id >= 5; UPDATE audit SET id = 1 - id WHERE id < 0;',
      );
      const prev = db.prepare('SELECT hash, ts FROM audit WHERE id = 4').get() as {
        hash: string;
        ts: number;
      };
      const forged = {
        id: 5,
        ts: prev.ts + 1,
        terminal_id: 'T-0001',
        operator_id: 'op1',
        action: 'redeem',
        code: '999999999999',
        card_id: 'pCARD',
        outcome: 'ok',
        errcode: 0,
        errmsg: null,
        duration_ms: 10,
        nonce: null,
        detail: '{}',
      };
      db.prepare(
        `INSERT INTO audit VALUES (@id, @ts, @terminal_id, @operator_id, @action, @code,
        @card_id, @outcome, @errcode, @errmsg, @duration_ms, @nonce, @detail, @prev_hash, @hash)`,
      ).run({
        ...forged,
        prev_hash: prev.hash,
        hash: chainHash(prev.hash, canonicalRecord(forged)),
      });
    });
    expect(await verifyFile(file)).toMatchObject({
      ok: false,
      problem: 'inserted',
      firstBadId: 5,
      checked: 4,
    });
  });

  it('catches a record inserted before the first one', async () => {
    const { file } = logWith(3);
    tamper(
      file,
      `INSERT INTO audit SELECT 0, ts, terminal_id, operator_id, action, code, card_id,
      outcome, errcode, errmsg, duration_ms, nonce, detail, prev_hash, hash FROM audit WHERE id = 1`,
    );
    expect(await verifyFile(file)).toMatchObject({ ok: false, problem: 'inserted', firstBadId: 0 });
  });

  it('catches records removed from the end (the search and text indexes remember the last id)', async () => {
    const { file } = logWith(10);
    tamper(file, 'DELETE FROM audit WHERE id > 7');
    expect(await verifyFile(file)).toMatchObject({
      ok: false,
      problem: 'truncated',
      firstBadId: 8,
      lastBadId: 10,
      checked: 7,
    });
  });

  it('records a cut tail found at open, and keeps reporting it after new records', async () => {
    const { file } = logWith(10);
    tamper(file, 'DELETE FROM audit WHERE id > 7');
    const log = open(file);
    // The finding is itself a chained record; the search index is rebuilt without the lost ids.
    const finding = log.get(8)!;
    expect(finding).toMatchObject({
      action: 'verify',
      outcome: 'failed',
      detail: { problem: 'truncated', first_missing_id: 8, last_missing_id: 10 },
    });
    fill(log, 4); // ids 9..12 now exist again, with other content
    const ids = log.search({}, { limit: 500 }).rows.map((r) => r.id);
    expect(ids.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(log.search({ actions: ['verify'] }).rows.map((r) => r.id)).toEqual([8]);
    expect(await log.verify()).toMatchObject({
      ok: false,
      problem: 'truncated',
      firstBadId: 8,
      lastBadId: 10,
      checked: 7,
      detail: 'records 8 to 10 were removed from the end (found at open, see record 8)',
    });
  });

  it('with an anchor, also catches a tail removed everywhere and a rewritten chain', async () => {
    const { file, head } = logWith(10);
    tamper(file, (db) => {
      db.exec(`DROP TRIGGER audit_ix_no_delete; DELETE FROM audit WHERE id > 7;
        DELETE FROM audit_ix WHERE id > 7; DELETE FROM audit_text WHERE rowid > 7;`);
    });
    // Without something kept elsewhere, a cleanly cut chain is a valid, shorter chain...
    expect(await verifyFile(file)).toMatchObject({ ok: true, count: 7 });
    // ...with the head noted down earlier, it is not.
    expect(await verifyFile(file, { anchor: head })).toMatchObject({
      ok: false,
      problem: 'truncated',
      firstBadId: 8,
      lastBadId: 10,
    });

    const other = logWith(10);
    tamper(other.file, (db) => {
      db.exec(`UPDATE audit SET outcome = 'ok' WHERE id = 2`);
      let prev = db.prepare('SELECT hash FROM audit WHERE id = 1').pluck().get() as string;
      for (let id = 2; id <= 10; id++) prev = rehash(db, id, prev);
    });
    expect(await verifyFile(other.file)).toMatchObject({
      ok: true,
      count: 10,
      warnings: ['guards_missing'],
    });
    expect(await verifyFile(other.file, { anchor: other.head })).toMatchObject({
      ok: false,
      problem: 'changed',
      firstBadId: 10,
    });
  });

  it('warns when the guards were removed though the records check out', async () => {
    const { file } = logWith(4);
    tamper(file, () => {});
    expect(await verifyFile(file)).toEqual({
      ok: true,
      count: 4,
      head: expect.objectContaining({ id: 4 }),
      warnings: ['guards_missing'],
    });
  });

  it('reports progress and can be cancelled', async () => {
    const { file } = logWith(10);
    const seen: [number, number][] = [];
    await verifyFile(file, { onProgress: (done, total) => seen.push([done, total]) });
    expect(seen[0]).toEqual([0, 10]);
    expect(seen.at(-1)).toEqual([10, 10]);
    expect(seen.map(([d]) => d)).toEqual([...seen.map(([d]) => d)].sort((a, b) => a - b));

    const before = new AbortController();
    before.abort();
    await expectAppErrorAsync(() => verifyFile(file, { signal: before.signal }), 'audit.cancelled');
    const during = new AbortController();
    await expectAppErrorAsync(
      () =>
        verifyFile(file, {
          signal: during.signal,
          onProgress: (done) => done >= 3 && during.abort(),
        }),
      'audit.cancelled',
    );
  });

  it("relies on SQLite's json_array quoting text exactly as JSON.stringify does", () => {
    const db = new Database(':memory:');
    // Integers bound from JS arrive as REAL; stored ones are INTEGER, hence the casts.
    const viaSql = db
      .prepare('SELECT json_array(?, CAST(? AS INTEGER), NULL, CAST(? AS INTEGER))')
      .pluck();
    for (let start = 0; start < 0x10000; start += 256) {
      let text = '';
      for (let c = start; c < start + 256; c++)
        if (c < 0xd800 || c > 0xdfff) text += String.fromCharCode(c);
      expect(viaSql.get(text, 7, -40099)).toBe(JSON.stringify([text, 7, null, -40099]));
    }
    const astral = '😀𠀀\u{10FFFF}"\\/\u2028\u2029\u007f';
    expect(viaSql.get(astral, 0, 1)).toBe(JSON.stringify([astral, 0, null, 1]));
    db.close();
  });

  it('checks a record the same way whichever way the canonical text was built', async () => {
    const log = open();
    log.append(
      record(1, {
        errmsg: 'tab\there "quoted" \\ back\nslash \u0001 \u2028',
        detail: { k: '\u0000' },
      }),
    );
    expect(await log.verify()).toMatchObject({ ok: true, count: 1 });
  });
});
