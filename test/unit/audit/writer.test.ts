/** Appending and reading back: the record, its hash, scrubbing, the guards, transactions. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, chainHash, GENESIS_HASH } from '../../../electron/audit/canonical';
import { AuditRecord } from '../../../shared/audit';
import { AppError } from '../../../shared/errors';
import { clock, expectAppError, fill, open, record, tempFile } from './helpers';

describe('append', () => {
  it('writes a record with id, time, terminal and chain, and reads it back the same', () => {
    const log = open(':memory:', { now: clock(Date.UTC(2024, 4, 1, 2, 3, 4, 567)) });
    const written = log.append({
      action: 'redeem',
      outcome: 'rejected',
      operator_id: 'cashier-7',
      code: '812345678901',
      card_id: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
      errcode: 40099,
      errmsg: 'invalid code, this code has consumed. 已核销',
      duration_ms: 123.6,
      detail: { zeta: 1, alpha: { b: [1, 'x', null], a: true }, title: '满100减20' },
    });
    expect(written).toEqual({
      id: 1,
      ts: Date.UTC(2024, 4, 1, 2, 3, 4, 567),
      terminal_id: 'T-0001',
      operator_id: 'cashier-7',
      action: 'redeem',
      code: '812345678901',
      card_id: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc',
      outcome: 'rejected',
      errcode: 40099,
      errmsg: 'invalid code, this code has consumed. 已核销',
      duration_ms: 124,
      nonce: null,
      detail: { alpha: { a: true, b: [1, 'x', null] }, title: '满100减20', zeta: 1 },
      prev_hash: GENESIS_HASH,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(log.get(1)).toEqual(written);
    expect(AuditRecord.parse(written)).toEqual(written);
    expect(log.get(2)).toBeUndefined();
    expect(log.get(0)).toBeUndefined();
    // The detail is stored canonically: keys sorted at every level, no spaces.
    expect(log.db.prepare('SELECT detail FROM audit WHERE id = 1').pluck().get()).toBe(
      '{"alpha":{"a":true,"b":[1,"x",null]},"title":"满100减20","zeta":1}',
    );
  });

  it('hashes SHA-256 of the previous hash followed by the canonical record', () => {
    const log = open();
    const [a, b] = fill(log, 2);
    const canonical = `[1,1,${a!.ts},"T-0001","op0","lookup","100000000000","pCARD","ok",0,null,50,null,"{\\"i\\":0,\\"title\\":\\"满100减20\\"}"]`;
    expect(canonicalRecord({ ...a!, detail: '{"i":0,"title":"满100减20"}' })).toBe(canonical);
    expect(a!.hash).toBe(chainHash(GENESIS_HASH, canonical));
    expect(b!.prev_hash).toBe(a!.hash);
    expect(log.head()).toEqual({ id: 2, hash: b!.hash });
  });

  it('numbers records 1, 2, 3... and keeps the chain across reopening', async () => {
    const file = tempFile();
    const first = open(file);
    fill(first, 3);
    first.close();
    const again = open(file);
    const next = again.append(record(9));
    expect(next.id).toBe(4);
    expect(next.prev_hash).toBe(again.get(3)!.hash);
    expect(await again.verify()).toMatchObject({ ok: true, count: 4 });
  });

  it('never lets a secret into a record', () => {
    const log = open();
    const r = log.append({
      action: 'settings_change',
      outcome: 'ok',
      errmsg: 'GET https://api.weixin.qq.com/cgi-bin/token?appid=wx1&secret=S3CR3T failed',
      detail: {
        secret: 's1',
        appSecret: 's2',
        AppSecret: 's3',
        access_token: 't1',
        accessToken: 't2',
        token: 't3',
        pin: '1234',
        supervisorPin: '9999',
        operator_pin: '8888',
        password: 'p1',
        nested: { deeper: [{ refresh_token: 'r1', keep: 'visible' }], Authorization: 'Bearer x' },
        url: 'https://api.weixin.qq.com/card/code/get?access_token=ACCESS&x=1',
        shipping: 'not a pin',
        mapping: 'kept',
        tokensLeft: 3,
        empty: null,
      },
    });
    const stored = log.db.prepare('SELECT errmsg, detail FROM audit WHERE id = ?').get(r.id) as {
      errmsg: string;
      detail: string;
    };
    for (const secret of [
      's1',
      's2',
      's3',
      't1',
      't2',
      't3',
      '1234',
      '9999',
      '8888',
      'p1',
      'r1',
      'Bearer',
      'ACCESS',
      'S3CR3T',
    ]) {
      expect(stored.detail).not.toContain(secret);
      expect(stored.errmsg).not.toContain(secret);
    }
    expect(r.errmsg).toBe(
      'GET https://api.weixin.qq.com/cgi-bin/token?appid=wx1&secret=*** failed',
    );
    expect(r.detail).toEqual({
      AppSecret: '***',
      access_token: '***',
      accessToken: '***',
      appSecret: '***',
      empty: null,
      mapping: 'kept',
      nested: { Authorization: '***', deeper: [{ keep: 'visible', refresh_token: '***' }] },
      operator_pin: '***',
      password: '***',
      pin: '***',
      secret: '***',
      shipping: 'not a pin',
      supervisorPin: '***',
      token: '***',
      tokensLeft: '***',
      url: 'https://api.weixin.qq.com/card/code/get?access_token=***&x=1',
    });
  });

  it('turns any detail into plain JSON: undefined dropped, NaN null, dates as text', () => {
    const log = open();
    const r = log.append({
      action: 'scan',
      outcome: 'ok',
      detail: {
        gone: undefined,
        nan: Number.NaN,
        when: new Date(Date.UTC(2024, 0, 2)),
        big: 12345678901234567890n,
        list: [undefined, () => 1, 2],
      },
    });
    expect(r.detail).toEqual({
      big: '12345678901234567890',
      list: [null, null, 2],
      nan: null,
      when: '2024-01-02T00:00:00.000Z',
    });
  });

  it('refuses records that are not records, with an AppError, and writes nothing', () => {
    const log = open();
    expectAppError(() => log.append({ action: 'Redeem!', outcome: 'ok' }), 'audit.invalid_record');
    expectAppError(
      () => log.append({ action: 'scan', outcome: 'done' as unknown as 'ok' }),
      'audit.invalid_record',
    );
    expectAppError(
      () => log.append({ action: 'scan', outcome: 'ok', errcode: 1.5 }),
      'audit.invalid_record',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectAppError(
      () => log.append({ action: 'scan', outcome: 'ok', detail: cyclic }),
      'audit.invalid_record',
    );
    const err = expectAppError(
      () => log.append({ action: 'scan', outcome: 'ok', detail: { blob: 'x'.repeat(70_000) } }),
      'audit.invalid_record',
    );
    expect(err.kind).toBe('internal');
    expect(log.head()).toBeUndefined();
    // Unknown actions in snake_case are extensions, and welcome.
    expect(log.append({ action: 'drawer_opened', outcome: 'ok' }).action).toBe('drawer_opened');
  });

  it('cuts over-long values instead of losing the record', () => {
    const log = open();
    const r = log.append({
      action: 'scan',
      outcome: 'rejected',
      code: '9'.repeat(600),
      errmsg: 'e'.repeat(3000),
    });
    expect(r.code).toHaveLength(512);
    expect(r.code!.endsWith('…')).toBe(true);
    expect(r.errmsg).toHaveLength(2000);
  });

  it('stores text that UTF-8 cannot hold (lone surrogates) so that it still verifies', async () => {
    const log = open();
    const r = log.append({
      action: 'scan',
      outcome: 'rejected',
      code: 'ab\uD800cd',
      detail: { s: '\uDC00x', ok: '😀' },
    });
    expect(r.code).toBe('ab\uFFFDcd');
    expect(log.get(r.id)).toEqual(r);
    expect(await log.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('is refused by the database itself when changed or deleted (triggers)', () => {
    const log = open();
    fill(log, 3);
    expect(() => log.db.exec(`UPDATE audit SET outcome = 'rejected' WHERE id = 2`)).toThrow(
      /append-only: records cannot be changed/,
    );
    expect(() => log.db.exec('DELETE FROM audit WHERE id = 3')).toThrow(
      /append-only: records cannot be deleted/,
    );
    expect(log.search({}).rows).toHaveLength(3); // the search index has caught up
    expect(() => log.db.exec(`UPDATE audit_ix SET outcome = 'ok'`)).toThrow(/append-only/);
    expect(() => log.db.exec('DELETE FROM audit_ix')).toThrow(/append-only/);
    // A record that does not continue the chain is refused too.
    expect(() =>
      log.db
        .prepare(
          `INSERT INTO audit VALUES (4, 0, 'T', NULL, 'scan', NULL, NULL, 'ok', NULL, NULL, NULL,
           NULL, '{}', ?, ?)`,
        )
        .run(GENESIS_HASH, GENESIS_HASH),
    ).toThrow(/out of chain/);
    expect(log.db.prepare('SELECT count(*) FROM audit').pluck().get()).toBe(3);
    expect(log.get(2)!.outcome).toBe('ok');
  });

  it('joins a caller transaction: both commit together, or the record is gone with it', async () => {
    const log = open();
    log.db.exec('CREATE TABLE side_table (id INTEGER PRIMARY KEY, code TEXT)');
    fill(log, 2);
    const enqueue = log.db.transaction((code: string, fail: boolean) => {
      log.db.prepare('INSERT INTO side_table (code) VALUES (?)').run(code);
      const r = log.append({ action: 'outbox_enqueue', outcome: 'queued', code });
      if (fail) throw new Error('rolled back');
      return r;
    });
    expect(() => enqueue('A', true)).toThrow('rolled back');
    expect(log.head()!.id).toBe(2);
    const kept = enqueue('B', false);
    expect(kept.id).toBe(3);
    expect(kept.prev_hash).toBe(log.get(2)!.hash);
    expect(log.append(record(7)).id).toBe(4);
    expect(log.db.prepare('SELECT code FROM side_table').pluck().all()).toEqual(['B']);
    expect(log.search({ actions: ['outbox_enqueue'] }).rows.map((r) => r.code)).toEqual(['B']);
    expect(await log.verify()).toMatchObject({ ok: true, count: 4 });
  });

  it('recovers when another connection appended (the chain trigger catches the stale head)', async () => {
    const file = tempFile();
    const a = open(file);
    const b = open(file, { terminalId: 'T-0002' });
    a.append(record(1));
    b.append(record(2)); // b read the head at open: none; the trigger refuses, b re-reads
    a.append(record(3));
    expect(a.search({}).rows.map((r) => [r.id, r.terminal_id])).toEqual([
      [3, 'T-0001'],
      [2, 'T-0002'],
      [1, 'T-0001'],
    ]);
    expect(await a.verify()).toMatchObject({ ok: true, count: 3 });
  });

  it('is read-only when opened so', () => {
    const file = tempFile();
    fill(open(file), 2);
    const ro = open(file, { readonly: true });
    expect(ro.get(2)!.id).toBe(2);
    const err = expectAppError(() => ro.append(record(1)), 'audit.read_only');
    expect(err).toBeInstanceOf(AppError);
  });

  it('refuses calls after close', () => {
    const log = open();
    log.close();
    expectAppError(() => log.append(record(1)), 'audit.closed');
    expectAppError(() => log.search({}), 'audit.closed');
    log.close(); // twice is fine
  });

  it('keeps the search index up to date for readers, and rebuilds it after a crash', () => {
    const file = tempFile();
    const log = open(file);
    fill(log, 5);
    // Readers catch the index up first, so the newest record is always found.
    expect(log.search({ codePrefix: '100000000004' }).rows.map((r) => r.id)).toEqual([5]);
    // Simulate a crash after the records but before the index: drop the index rows.
    log.close();
    const raw = new Database(file);
    raw.exec(
      'DROP TRIGGER audit_ix_no_delete; DELETE FROM audit_ix WHERE id > 2; DELETE FROM audit_text;',
    );
    raw.close();
    const ro = open(file, { readonly: true });
    // A read-only copy with a lagging index answers from the records themselves.
    expect(ro.search({ codePrefix: '100000000004' }).rows.map((r) => r.id)).toEqual([5]);
    ro.close();
    const again = open(file);
    expect(again.db.prepare('SELECT count(*) FROM audit_ix').pluck().get()).toBe(5);
  });
});
