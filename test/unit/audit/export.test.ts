/** Export: CSV that Excel opens right (BOM, CRLF, quoting, Chinese), JSON Lines, streaming. */
import { stringify } from 'csv-stringify/sync';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS,
  CSV_STRINGIFY_OPTIONS,
  MASKED_CSV_COLUMNS,
  csvCell,
} from '../../../electron/audit/export';
import { canonicalRecord, chainHash, GENESIS_HASH } from '../../../electron/audit/canonical';
import { A_RECORD_COLUMNS } from '../../../electron/audit/queries';
import type { AuditLog, ExportRecord } from '../../../electron/audit';
import { AUDIT_FIELDS } from '../../../shared/audit';
import { clock, expectAppErrorAsync, fill, open, record, tamper, tempFile } from './helpers';

const T0 = Date.UTC(2024, 4, 1, 1, 0, 0); // 09:00 in Shanghai

async function exportText(
  log: AuditLog,
  ...args: Parameters<AuditLog['export']> extends [unknown, ...infer R] ? R : never
) {
  let text = '';
  const result = await log.export((chunk) => void (text += chunk.toString('utf8')), ...args);
  return { text, ...result };
}

function tricky(log: AuditLog) {
  log.append(record(0, { errmsg: 'plain' }));
  log.append(record(1, { outcome: 'rejected', errmsg: 'a, b and c', detail: { note: 'x' } }));
  log.append(
    record(2, { outcome: 'rejected', errmsg: 'he said "已核销"', operator_id: '收银员-王' }),
  );
  log.append(
    record(3, { outcome: 'failed', errmsg: 'line one\nline two\r\nline three', code: null }),
  );
  log.append(record(4, { errmsg: '=HYPERLINK("http://evil")', code: '+123', operator_id: '@op' }));
  log.append(
    record(5, {
      errmsg: null,
      errcode: -1,
      duration_ms: null,
      detail: { 标题: '满100减20，限周末' },
    }),
  );
}

describe('export', () => {
  it('writes CSV with a BOM, CRLF line ends and one line per record, Chinese intact', async () => {
    const log = open(':memory:', { now: clock(T0) });
    tricky(log);
    const { text, rows } = await exportText(log, {}, 'csv', { tzOffsetMinutes: 480 });
    expect(rows).toBe(6);
    expect(text.startsWith('\uFEFFid,ts,time_utc,time_local,terminal_id,operator_id,action,')).toBe(
      true,
    );
    expect(text.split('\r\n')[0]).toBe(`\uFEFF${CSV_COLUMNS.join(',')}`);
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[1]).toBe(
      `1,${T0},2024-05-01 01:00:00.000,2024-05-01 09:00:00.000,T-0001,op0,lookup,100000000000,pCARD,ok,0,plain,50,,"{""i"":0,""title"":""满100减20""}",${GENESIS_HASH},${log.get(1)!.hash}`,
    );
    expect(text).toContain(',"a, b and c",');
    expect(text).toContain(',收银员-王,');
    expect(text).toContain(',"he said ""已核销""",');
    // A newline inside a value is quoted (a bare LF too), so the record stays one CSV row.
    expect(text).toContain(',"line one\nline two\r\nline three",');
    // Cells Excel would run as formulas are defused.
    expect(text).toContain(`,'@op,`);
    expect(text).toContain(`,'+123,`);
    expect(text).toContain(`,"'=HYPERLINK(""http://evil"")",`);
    expect(text).toContain(',-1,,,');
    expect(text).toContain('"{""标题"":""满100减20，限周末""}"');
  });

  it('quotes every cell exactly as csv-stringify does', async () => {
    const log = open(':memory:', { now: clock(T0) });
    tricky(log);
    const { text } = await exportText(log, {}, 'csv', { tzOffsetMinutes: 0 });
    const raw = log.db
      .prepare(`SELECT ${A_RECORD_COLUMNS} FROM audit a ORDER BY id`)
      .raw()
      .all() as (string | number | null)[][];
    const rows = raw.map((r) => {
      const time = new Date(r[1] as number).toISOString().replace('T', ' ').replace('Z', '');
      return [r[0], r[1], time, time, ...r.slice(2)];
    });
    const reference = stringify([[...CSV_COLUMNS], ...rows], CSV_STRINGIFY_OPTIONS);
    expect(text).toBe(`\uFEFF${reference}`);
    for (const cell of ['', 'a"b', '\r', '-1', ' lead', 'é,', '\t=x']) {
      expect(csvCell(cell) + '\r\n').toBe(stringify([[cell]], CSV_STRINGIFY_OPTIONS));
    }
  });

  it('writes JSON Lines with the stored fields: each line re-verifies', async () => {
    const log = open();
    tricky(log);
    const { text, rows } = await exportText(log, {}, 'jsonl');
    expect(rows).toBe(6);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    let prev = GENESIS_HASH;
    for (const [i, line] of lines.entries()) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed).toEqual(log.get(i + 1));
      const canonical = canonicalRecord({
        ...(parsed as unknown as Parameters<typeof canonicalRecord>[0]),
        detail: JSON.stringify(parsed.detail),
      });
      expect(chainHash(prev, canonical)).toBe(parsed.hash);
      prev = parsed.hash as string;
    }
  });

  it('keeps the largest details intact, Chinese and emoji, across chunk buffers that grow', async () => {
    const log = open();
    // Each detail near the writer's cap, 3 UTF-8 bytes a character: a chunk is several times
    // the chunk buffer's first size, so it has to grow mid-row more than once.
    const big = (i: number) => `${i}满100减20，限周末😀`.repeat(3_000).slice(0, 60_000);
    fill(log, 12, (i) => ({ detail: { note: big(i) }, errmsg: `第${i}条 😀` }));
    for (const format of ['jsonl', 'csv'] as const) {
      const { text, rows } = await exportText(log, {}, format);
      expect(rows).toBe(12);
      expect(text).not.toContain('\uFFFD');
      if (format === 'jsonl') {
        const lines = text.trimEnd().split('\n');
        expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(
          Array.from({ length: 12 }, (_, i) => log.get(i + 1)),
        );
      } else {
        for (let i = 0; i < 12; i++) expect(text).toContain(big(i).replace(/"/g, '""'));
      }
    }
  });

  it('exports exactly the filtered records, in the order written', async () => {
    const log = open(':memory:', { now: clock(T0) });
    // Records i = 1, 4, 7... (ids 2, 5, 8...) are op1's rejections, one a minute from T0.
    fill(log, 30, (i) => ({
      outcome: i % 3 === 1 ? 'rejected' : 'ok',
      errmsg: i % 3 === 1 ? '卡券已过期 expired' : null,
    }));
    const all = log.search({ operatorId: 'op1', outcomes: ['rejected'] }, { limit: 500 }).rows;
    const { text, rows } = await exportText(
      log,
      { operatorId: 'op1', outcomes: ['rejected'] },
      'jsonl',
    );
    expect(rows).toBe(all.length);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: number }).id),
    ).toEqual(all.map((r) => r.id).reverse());
    expect(all.map((r) => r.id)).toEqual([29, 26, 23, 20, 17, 14, 11, 8, 5, 2]);
    const range = await exportText(
      log,
      { from: T0 + 10 * 60_000, to: T0 + 20 * 60_000, text: '已过期' },
      'jsonl',
    );
    expect(
      range.text
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: number }).id),
    ).toEqual([11, 14, 17, 20]);
    expect((await exportText(log, { codePrefix: 'nothing' }, 'csv')).text).toBe(
      `\uFEFF${CSV_COLUMNS.join(',')}\r\n`,
    );
  });

  it('streams in chunks with progress, and honours a stream that asks to wait', async () => {
    const log = open();
    log.db.transaction(() => fill(log, 5_000))();
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        received.push(chunk.toString('utf8'));
        setTimeout(done, 1);
      },
    });
    const progress: [number, number][] = [];
    const { rows } = await log.export(slow, {}, 'jsonl', {
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(rows).toBe(5_000);
    expect(received.length).toBeGreaterThan(1); // chunks, not one string
    const ids = received
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1));
    expect(progress[0]).toEqual([0, 5_000]);
    expect(progress.at(-1)).toEqual([5_000, 5_000]);
    expect(progress.length).toBeGreaterThan(2);
  });

  it('can be cancelled, before it starts or between chunks', async () => {
    const log = open();
    log.db.transaction(() => fill(log, 5_000))();
    const before = new AbortController();
    before.abort();
    let text = '';
    await expectAppErrorAsync(
      () =>
        log.export((c) => void (text += c.toString('utf8')), {}, 'csv', { signal: before.signal }),
      'audit.cancelled',
    );
    expect(text).toBe('');
    const during = new AbortController();
    let lines = 0;
    await expectAppErrorAsync(
      () =>
        log.export((c) => void (lines += c.toString('utf8').split('\n').length - 1), {}, 'jsonl', {
          signal: during.signal,
          onProgress: (done) => done > 0 && during.abort(),
        }),
      'audit.cancelled',
    );
    expect(lines).toBeGreaterThan(0);
    expect(lines).toBeLessThan(5_000);
    // The log is fine afterwards.
    expect(log.append(record(1)).id).toBe(5_001);
  });

  it('fails with the stream when the stream fails', async () => {
    const log = open();
    log.db.transaction(() => fill(log, 5_000))();
    const broken = new Writable({
      write(_chunk, _enc, done) {
        done(new Error('ENOSPC: no space left on device'));
      },
    });
    await expect(log.export(broken, {}, 'csv')).rejects.toThrow();
  });

  it('masks before serialising: the code through the mask, no nonce, prev_hash or hash', async () => {
    const log = open(':memory:', { now: clock(T0) });
    tricky(log);
    log.appendIntent({ action: 'redeem', code: '123456789012', operator_id: 'op1' });
    const mask = (code: string) => `<${code.length}>`;
    // The record mapper sees each record before it is serialised (AUDIT_FIELDS order).
    expect(AUDIT_FIELDS[5]).toBe('code');
    const mapRecord = (r: ExportRecord): ExportRecord => {
      const out = [...r] as [...ExportRecord];
      out[5] = r[5] === null ? null : mask(r[5]);
      return out;
    };
    const masked = { mapRecord, chain: false };
    const csv = await exportText(log, {}, 'csv', { tzOffsetMinutes: 480, ...masked });
    const lines = csv.text.slice(1).split('\r\n');
    expect(lines[0]).toBe(MASKED_CSV_COLUMNS.join(','));
    expect(MASKED_CSV_COLUMNS).toEqual(
      CSV_COLUMNS.filter((c) => !['nonce', 'prev_hash', 'hash'].includes(c)),
    );
    // The masked code is a cell like any other, quoted and defused by the same csvCell.
    expect(lines[1]).toBe(
      `1,${T0},2024-05-01 01:00:00.000,2024-05-01 09:00:00.000,T-0001,op0,lookup,<12>,pCARD,ok,0,plain,50,"{""i"":0,""title"":""满100减20""}"`,
    );
    expect(csv.text).toContain(',<4>,'); // '+123': masked first, then serialised
    expect(csv.text).not.toMatch(/[0-9a-f]{64}|123456789012/);

    const jsonl = await exportText(log, {}, 'jsonl', masked);
    const records = jsonl.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(7);
    for (const [i, r] of records.entries()) {
      const { hash: _h, prev_hash: _p, nonce: _n, code, ...rest } = log.get(i + 1)!;
      expect(r).toEqual({ ...rest, code: code === null ? null : mask(code) });
    }
    expect(jsonl.text).not.toMatch(/[0-9a-f]{64}|123456789012/);
  });

  it('never exports a secret, even one that got into the file behind the log', async () => {
    const file = tempFile();
    const log = open(file);
    log.append(record(1, { detail: { appSecret: 'LEAK-1' }, errmsg: 'see ?access_token=LEAK-2' }));
    log.append(record(2));
    log.close();
    tamper(
      file,
      `UPDATE audit SET detail = '{"nested":{"access_token":"LEAK-3"},"pin":"LEAK-4"}',
      errmsg = 'token=LEAK-5' WHERE id = 2`,
    );
    const ro = open(file, { readonly: true });
    for (const format of ['csv', 'jsonl'] as const) {
      const { text, rows } = await exportText(ro, {}, format);
      expect(rows).toBe(2);
      expect(text).not.toMatch(/LEAK/);
      expect(text).toContain('***');
    }
  });

  it('writes local times in the zone asked for (IANA or offset)', async () => {
    const log = open(':memory:', { now: clock(Date.UTC(2024, 6, 1, 12, 0, 0)) });
    log.append(record(1));
    const ny = await exportText(log, {}, 'csv', { timeZone: 'America/New_York' });
    expect(ny.text).toContain(',2024-07-01 12:00:00.000,2024-07-01 08:00:00.000,');
    const kathmandu = await exportText(log, {}, 'csv', { tzOffsetMinutes: 345 });
    expect(kathmandu.text).toContain(',2024-07-01 12:00:00.000,2024-07-01 17:45:00.000,');
  });
});
