/**
 * Upgrading a terminal whose previous version (audit schema 3: the outbox, and redemptions
 * settled in memory) stopped mid-write: migration 4 adopts those rows into `writes`.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/audit/migrations';
import { createSearchIndex } from '../../../electron/audit/search-index';
import { createWriter } from '../../../electron/audit/writer';
import type { RunningSandbox } from '../../../electron/sandbox';
import { applied, CODES, expectRowsMatchTruth, restart, settleTime, terminal } from './rig';

/** Applies a WeChat write through the sandbox's HTTP API, as the old version's request did. */
async function applyViaApi(sb: RunningSandbox, apiPath: string, body: Record<string, unknown>) {
  const tok = (await (
    await fetch(
      `${sb.url}/cgi-bin/token?grant_type=client_credential&appid=${sb.app.appid}&secret=${sb.app.secret}`,
    )
  ).json()) as { access_token: string };
  const res = await fetch(`${sb.url}${apiPath}?access_token=${tok.access_token}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return (await res.json()) as { errcode: number };
}

/** Replaces the data folder's audit log by a schema-3 one written by the old version. */
function oldVersionLog(
  dir: string,
  write: (w: ReturnType<typeof createWriter>, db: Database.Database) => void,
) {
  const file = path.join(dir, 'audit.db');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrate(db, { to: 3 });
  const index = createSearchIndex(db, { readonly: false, present: true });
  const w = createWriter(db, { file, terminalId: () => 'T-9', now: Date.now, index });
  write(w, db);
  index.close();
  db.close();
}

const FINAL = ['applied', 'settled', 'rejected', 'not_applied', 'cancelled'];

describe('attack: upgrade from the outbox version with writes in flight', () => {
  it('an old outbox row that was being sent when the old version died (pending, attempts 1) is settled, not resent blindly', async () => {
    const r = await terminal();
    const code = CODES[0]!;
    const dir = r.dir;
    const sb = r.sandbox;
    // The old version had claimed the row (attempts 1) and sent code/unavailable; WeChat applied
    // it; the process died before the answer was recorded. The row is still 'pending'.
    expect(
      await applyViaApi(sb, '/card/code/unavailable', { code, reason: '顾客退款' }),
    ).toMatchObject({ errcode: 0 });
    await r.t.close();
    oldVersionLog(dir, (w, db) => {
      const intent = w.appendIntent({
        action: 'invalidate',
        code,
        operator_id: 'boss',
        detail: { reason: 'customer_refund', outbox_id: 1 },
      });
      db.prepare(
        `INSERT INTO outbox (nonce, kind, code, card_id, reason, operator_id, supervisor_id,
           state, attempts, next_at, created_at, updated_at)
         VALUES (?, 'invalidate', ?, NULL, 'customer_refund', 'boss', 'boss', 'pending', 1, ?, ?, ?)`,
      ).run(intent.nonce, code, Date.now(), Date.now(), Date.now());
    });
    const again = await restart({ ...r, sandbox: sb });
    await expect
      .poll(() => FINAL.includes(again.rowsFor(code)[0]?.state as string), settleTime)
      .toBe(true);
    // WeChat applied our invalidation once: the refund must be recorded as done, not "rejected".
    expect(applied(sb, code, 'unavailable')).toHaveLength(1);
    expectRowsMatchTruth(again, code);
  });

  it('an unsettled redemption and a queued refund of the same code from the old version: neither is dropped', async () => {
    const r = await terminal();
    const code = CODES[1]!;
    const dir = r.dir;
    const sb = r.sandbox;
    // The old version redeemed the code (WeChat applied it, the answer was lost), then a
    // supervisor queued a refund of it (WeChat refused with quota, so it waited).
    expect(await applyViaApi(sb, '/card/code/consume', { code })).toMatchObject({ errcode: 0 });
    await r.t.close();
    let redeemNonce = '';
    oldVersionLog(dir, (w, db) => {
      const redeem = w.appendIntent({ action: 'redeem', code, operator_id: 'ann' });
      redeemNonce = redeem.nonce!;
      w.appendResult(redeemNonce, { action: 'redeem', outcome: 'unknown', errmsg: 'timeout' });
      const refund = w.appendIntent({ action: 'invalidate', code, operator_id: 'boss' });
      db.prepare(
        `INSERT INTO outbox (nonce, kind, code, card_id, reason, operator_id, supervisor_id,
           state, attempts, next_at, created_at, updated_at)
         VALUES (?, 'invalidate', ?, NULL, 'customer_refund', 'boss', 'boss', 'pending', 1, ?, ?, ?)`,
      ).run(refund.nonce, code, Date.now() + 3_600_000, Date.now(), Date.now());
    });
    const again = await restart({ ...r, sandbox: sb });
    const rows = again.rowsFor(code);
    // The redemption whose answer was lost must still be tracked (and settled as redeemed).
    expect(rows.map((x) => x.nonce)).toContain(redeemNonce);
    await expect.poll(() => again.t.audit.unsettledIntents().length, settleTime).toBe(0);
  });
});
