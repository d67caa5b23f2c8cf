/**
 * The embedded default: with no DATABASE_URL the collector runs on PGlite in a data folder.
 * The same migrations and ingest as on a server; one process per folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { issueCredential } from '../../../central/credentials';
import { DataDirBusyError, openDatabase } from '../../../central/db';
import { schemaVersion } from '../../../central/migrate';
import { startCollector } from '../../../central/server';
import { call, push, terminalLog } from './helpers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-central-pglite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded PostgreSQL (PGlite)', () => {
  it('ingests, ignores a resend, resumes, and keeps its data across a restart', async () => {
    let db = await openDatabase({ dataDir: dir });
    expect(db.kind).toBe('pglite');
    // A second process on the same folder would damage it: refused with what to do.
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(DataDirBusyError);
    let c = await startCollector({ db, port: 0, onError: () => {} });
    expect(await schemaVersion(db)).toBe(6);
    const { token } = await issueCredential(db, { store: 'S', terminal: 'T' });
    const term = terminalLog();
    term.add(4); // across a month boundary
    const install_id = term.log.installId!;
    expect((await push(c.url, token, { install_id, records: term.records() })).body).toMatchObject({
      accepted: 4,
      alerts: [],
    });
    expect((await push(c.url, token, { install_id, records: term.records() })).body).toMatchObject({
      accepted: 0,
      duplicates: 4,
    });
    await c.close();
    await db.close();

    db = await openDatabase({ dataDir: dir });
    c = await startCollector({ db, port: 0, onError: () => {} });
    try {
      const head = await call(c.url, token, 'GET', `/v1/head?install_id=${install_id}`);
      expect(head.body).toMatchObject({ seq: 4 });
      term.add(2);
      expect(
        (await push(c.url, token, { install_id, records: term.records(4) })).body,
      ).toMatchObject({ accepted: 2, head: { seq: 6 } });
      const rows = await db.query<{ seq: number; part: string }>(
        `SELECT seq::int AS seq, tableoid::regclass::text AS part FROM records ORDER BY seq`,
      );
      expect(rows.rows.map((r) => r.part)).toEqual([
        'records_y2026m01',
        'records_y2026m01',
        'records_y2026m02',
        'records_y2026m02',
        'records_y2026m02',
        'records_y2026m02',
      ]);
    } finally {
      await c.close();
      await db.close();
    }
  }, 240_000);
});
