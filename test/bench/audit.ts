/**
 * Benchmark of the audit log (issue 5), run by `npm run bench:audit`.
 *
 * Generates a realistic log of 1,000,000 records (and one of 10,000) in a temp folder through
 * the real append path (inside large transactions with synchronous=OFF, so generation takes
 * seconds, not hours; the chain is the real one and is verified below), then measures:
 *   - durable append latency (median, p99) against a bare better-sqlite3 single-row insert into
 *     a plain table of the same columns, both WAL + synchronous=FULL -> append_ratio
 *   - first page of three typical filtered searches at 1M against 10k -> search_ratio (max)
 *   - summary of one day, unsettled intents, last redemption of a code
 *   - export throughput (CSV to a file) against a bare iteration of the same rows -> export_ratio
 *   - verify of the whole million -> verify_1m_s
 * The last line printed is one JSON object with every figure.
 */
import Database from 'better-sqlite3';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { openAuditLog, type AuditLog } from '../../electron/audit';
import type { AuditFilter, NewAuditRecord } from '../../shared/audit';
import { CARDS, DAY, generate, TZ } from './audit-generator';

const MILLION = Number(process.env.AUDIT_BENCH_RECORDS ?? 1_000_000);
const SMALL = 10_000;
function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const log = (...args: unknown[]) => console.log(...args);

function timeMany(fn: () => void, runs: number): number {
  fn(); // warm
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return stats(samples).p50;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'carddesk-audit-bench-'));
  const bigFile = path.join(dir, 'big.db');
  const smallFile = path.join(dir, 'small.db');
  const figures: Record<string, number> = { records: 0 };
  try {
    log(`audit bench in ${dir}`);
    const big = await generate(bigFile, MILLION, 1);
    const small = await generate(smallFile, SMALL, 1);
    figures.records = big.n;
    figures.generate_s = round(big.ms / 1000, 1);
    figures.file_mb = round(statSync(bigFile).size / 1e6, 1);
    log(
      `generated ${big.n} records in ${figures.generate_s} s (${figures.file_mb} MB); ${small.n} for the small log`,
    );

    // ---- durable append vs bare insert -------------------------------------------------------
    const bigLog = openAuditLog(bigFile, { terminalId: 'T-0001', now: big.gen.clock });
    const bare = new Database(path.join(dir, 'bare.db'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, terminal_id TEXT NOT NULL,
      operator_id TEXT, action TEXT NOT NULL, code TEXT, card_id TEXT, outcome TEXT NOT NULL,
      errcode INTEGER, errmsg TEXT, duration_ms INTEGER, nonce TEXT, detail TEXT NOT NULL,
      prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`);
    const bareInsert = bare.prepare(
      'INSERT INTO t VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const h = 'f'.repeat(64);
    const sample: NewAuditRecord = {
      action: 'lookup',
      outcome: 'ok',
      operator_id: 'op03',
      code: '123456789012',
      card_id: CARDS[3],
      errcode: 0,
      duration_ms: 87,
      detail: { title: '满100减20', brand: 'Demo Coffee 演示咖啡', value: 2000, can_consume: true },
    };
    const detailText = JSON.stringify(sample.detail);
    const ours: number[] = [];
    const theirs: number[] = [];
    const idle = () => new Promise((r) => setImmediate(r));
    const ROUNDS = 10;
    const PER_ROUND = 300;
    const sustainedStart = { ours: 0, theirs: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      let t0 = performance.now();
      for (let i = 0; i < PER_ROUND; i++) {
        const t = performance.now();
        bigLog.append(sample);
        ours.push(performance.now() - t);
        await idle(); // the app is idle between actions; the search index catches up here
      }
      sustainedStart.ours += performance.now() - t0;
      t0 = performance.now();
      for (let i = 0; i < PER_ROUND; i++) {
        const t = performance.now();
        bareInsert.run(
          Date.now(),
          'T-0001',
          'op03',
          'lookup',
          '123456789012',
          CARDS[3],
          'ok',
          0,
          null,
          87,
          null,
          detailText,
          h,
          h,
        );
        theirs.push(performance.now() - t);
        await idle();
      }
      sustainedStart.theirs += performance.now() - t0;
    }
    const a = stats(ours);
    const b = stats(theirs);
    figures.append_p50_ms = round(a.p50);
    figures.append_p99_ms = round(a.p99);
    figures.bare_p50_ms = round(b.p50);
    figures.bare_p99_ms = round(b.p99);
    figures.append_ratio = round(a.p50 / b.p50, 2);
    figures.append_p99_ratio = round(a.p99 / b.p99, 2);
    // Wall time per record including the index catch-up in the idle gaps.
    figures.append_sustained_ratio = round(sustainedStart.ours / sustainedStart.theirs, 2);
    log(
      `append: median ${figures.append_p50_ms} ms, p99 ${figures.append_p99_ms} ms; bare insert: median ${figures.bare_p50_ms} ms, p99 ${figures.bare_p99_ms} ms`,
    );
    log(
      `append_ratio ${figures.append_ratio} (p99 ratio ${figures.append_p99_ratio}, sustained incl. index ${figures.append_sustained_ratio})`,
    );
    bare.close();

    // ---- searches: first page at 1M vs 10k -------------------------------------------------
    const smallLog = openAuditLog(smallFile, { terminalId: 'T-0001', readonly: true });
    const lastDay = (l: AuditLog) => {
      const newest = l.search({}, { limit: 1 }).rows[0]!.ts;
      const localMidnight = Math.floor((newest + TZ * 60_000) / DAY) * DAY - TZ * 60_000;
      return { from: localMidnight - DAY, to: localMidnight }; // yesterday, local time
    };
    const codeOf = (l: AuditLog) =>
      l.search({ actions: ['redeem'], outcomes: ['ok'] }, { limit: 1 }).rows[0]!.code!;
    const searches: [string, (l: AuditLog) => AuditFilter][] = [
      ['operator in a day', (l) => ({ ...lastDay(l), operatorId: 'op03' })],
      ['outcome rejected', () => ({ outcomes: ['rejected'] })],
      ['code prefix', (l) => ({ codePrefix: codeOf(l).slice(0, 6) })],
    ];
    let searchRatio = 0;
    for (const [name, make] of searches) {
      const fBig = make(bigLog);
      const fSmall = make(smallLog);
      const rowsBig = bigLog.search(fBig).rows.length;
      const rowsSmall = smallLog.search(fSmall).rows.length;
      const tBig = timeMany(() => bigLog.search(fBig), 200);
      const tSmall = timeMany(() => smallLog.search(fSmall), 200);
      const ratio = tBig / tSmall;
      searchRatio = Math.max(searchRatio, ratio);
      const key = name.replace(/ /g, '_');
      figures[`search_${key}_1m_ms`] = round(tBig);
      figures[`search_${key}_10k_ms`] = round(tSmall);
      log(
        `search "${name}": 1M ${round(tBig)} ms (${rowsBig} rows), 10k ${round(tSmall)} ms (${rowsSmall} rows), ratio ${round(ratio, 2)}`,
      );
    }
    figures.search_ratio = round(searchRatio, 2);
    const textFilter: AuditFilter = { text: '未到生效' };
    figures.search_text_1m_ms = round(timeMany(() => bigLog.search(textFilter), 20));
    figures.search_text_short_1m_ms = round(timeMany(() => bigLog.search({ text: '过期' }), 5));
    log(
      `search text (FTS5 trigram) "未到生效": ${figures.search_text_1m_ms} ms; 2-character "过期": ${figures.search_text_short_1m_ms} ms`,
    );
    const deep = { outcomes: ['rejected', 'failed'] } satisfies AuditFilter;
    figures.search_two_outcomes_1m_ms = round(timeMany(() => bigLog.search(deep), 50));
    log(`search outcomes rejected+failed: ${figures.search_two_outcomes_1m_ms} ms`);

    // ---- summary, intents, last redemption ------------------------------------------------
    const day = lastDay(bigLog);
    const summary = bigLog.summary({ ...day, tzOffsetMinutes: TZ });
    figures.summary_day_ms = round(
      timeMany(() => bigLog.summary({ ...day, tzOffsetMinutes: TZ }), 20),
    );
    log(`summary of one day (${summary.total} records): ${figures.summary_day_ms} ms`);
    figures.summary_30_days_ms = round(
      timeMany(
        () => bigLog.summary({ from: day.to - 30 * DAY, to: day.to, tzOffsetMinutes: TZ }),
        3,
      ),
    );
    log(`summary of 30 days: ${figures.summary_30_days_ms} ms`);
    figures.unsettled_intents_ms = round(timeMany(() => bigLog.unsettledIntents(), 3));
    log(`unsettled intents at 1M: ${figures.unsettled_intents_ms} ms`);
    const code = codeOf(bigLog);
    figures.last_redemption_ms = round(timeMany(() => bigLog.lastRedemption(code), 200));
    log(`last redemption of a code: ${figures.last_redemption_ms} ms`);

    // ---- export vs bare iteration -----------------------------------------------------------
    // Other work shares this machine: each figure is the best of three, interleaved.
    const range: AuditFilter = { from: day.to - 100 * DAY, to: day.to };
    const reader = new Database(bigFile, { readonly: true });
    const [lo, hi] = reader
      .prepare('SELECT min(id), max(id) FROM audit_ix WHERE ts >= ? AND ts < ?')
      .raw()
      .get(range.from, range.to) as [number, number];
    const bareIterate = reader.prepare('SELECT * FROM audit WHERE id BETWEEN ? AND ?').raw();
    const exportFile = path.join(dir, 'export.csv');
    const best = { csv: Infinity, jsonl: Infinity, bare: Infinity };
    let rows = 0;
    let bareRows = 0;
    for (let i = 0; i < 3; i++) {
      let t0 = performance.now();
      bareRows = 0;
      for (const _row of bareIterate.iterate(lo, hi)) bareRows++;
      best.bare = Math.min(best.bare, performance.now() - t0);
      for (const format of ['csv', 'jsonl'] as const) {
        const out = createWriteStream(
          format === 'csv' ? exportFile : path.join(dir, 'export.jsonl'),
        );
        t0 = performance.now();
        rows = (await bigLog.export(out, range, format, { tzOffsetMinutes: TZ })).rows;
        out.end();
        await finished(out);
        best[format] = Math.min(best[format], performance.now() - t0);
      }
    }
    reader.close();
    figures.export_rows = rows;
    figures.export_csv_rps = Math.round(rows / (best.csv / 1000));
    figures.export_jsonl_rps = Math.round(rows / (best.jsonl / 1000));
    figures.bare_iterate_rps = Math.round(bareRows / (best.bare / 1000));
    figures.export_ratio = round(figures.bare_iterate_rps / figures.export_csv_rps, 2);
    figures.export_jsonl_ratio = round(figures.bare_iterate_rps / figures.export_jsonl_rps, 2);
    figures.export_csv_mb = round(statSync(exportFile).size / 1e6, 1);
    log(
      `export ${rows} rows (100 days) to a file: CSV ${figures.export_csv_rps} rec/s (${figures.export_csv_mb} MB), JSONL ${figures.export_jsonl_rps} rec/s; bare iteration ${figures.bare_iterate_rps} rec/s; export_ratio ${figures.export_ratio} (JSONL ${figures.export_jsonl_ratio})`,
    );

    // ---- verify -------------------------------------------------------------------------------
    const t0 = performance.now();
    const verdict = await bigLog.verify();
    const verifyS = (performance.now() - t0) / 1000;
    if (!verdict.ok)
      throw new Error(`the generated log does not verify: ${JSON.stringify(verdict)}`);
    figures.verify_records = verdict.count;
    figures.verify_1m_s = round((verifyS * 1_000_000) / verdict.count, 2);
    figures.verify_rps = Math.round(verdict.count / verifyS);
    log(
      `verify ${verdict.count} records: ${round(verifyS, 2)} s (${figures.verify_rps} rec/s) -> verify_1m_s ${figures.verify_1m_s}`,
    );

    bigLog.close();
    smallLog.close();
  } finally {
    if (!process.env.AUDIT_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
