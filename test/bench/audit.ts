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

const MILLION = Number(process.env.AUDIT_BENCH_RECORDS ?? 1_000_000);
const SMALL = 10_000;
const DAY = 86_400_000;
const TZ = 8 * 60; // the shop is in China
const PER_DAY = 1_000; // customers a day: ~2,700 records

// A deterministic PRNG so two runs generate the same log.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATORS = Array.from({ length: 12 }, (_, i) => `op${String(i + 1).padStart(2, '0')}`);
const CARDS = Array.from(
  { length: 20 },
  (_, i) => `pFS7Fjg8kV1IdDz01r4SQwMk${String(i).padStart(4, '0')}`,
);
const TITLES = ['满100减20', '咖啡买一送一', '8.8折会员券', 'Free cookie', '新客立减10元'];
const REJECTIONS: [number, string][] = [
  [40099, 'invalid code, this code has consumed.'],
  [40127, '卡券已过期 card expired'],
  [40056, 'invalid serial code'],
  [40079, 'invalid time! 未到生效时间'],
  [40164, 'code is being gifted 转赠中'],
];

interface Generator {
  /** Appends the records of one customer interaction; returns how many it wrote. */
  step(log: AuditLog): number;
  clock(): number;
}

/**
 * A day at the counter: opening hours 09:00-21:00 local, ~2,500 records a day from 12 operators
 * on shifts; scans and lookups, redemptions (intent + result, a few unknown then settled),
 * rejections with WeChat messages, refunds, sign-ins, the odd setting or export.
 */
function counter(seed: number, start: number): Generator {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let t = start;
  const gap = (12 * 3_600_000) / PER_DAY;
  const advance = () => {
    t += Math.round(gap * 2 * rand() * 0.5 + gap * 0.5);
    const local = (t + TZ * 60_000) % DAY;
    if (local > 21 * 3_600_000) {
      // Closed: jump to 09:00 local the next day.
      t += DAY - local + 9 * 3_600_000;
    }
  };
  const code = () => String(Math.floor(100_000_000_000 + rand() * 899_999_999_999));
  return {
    clock: () => t,
    step(log) {
      advance();
      const hour = new Date(t + TZ * 60_000).getUTCHours();
      const operator = OPERATORS[(hour >= 15 ? 6 : 0) + Math.floor(rand() * 6)]!;
      const card = pick(CARDS);
      const c = code();
      const r = rand();
      const base = { operator_id: operator, code: c, card_id: card };
      if (r < 0.02) {
        log.append({
          action: pick(['sign_in', 'sign_out', 'sign_in_failed']),
          outcome: 'ok',
          operator_id: operator,
          detail: { station: 'counter-1' },
        });
        return 1;
      }
      if (r < 0.025) {
        log.append({
          action: pick(['settings_change', 'export', 'verify']),
          outcome: 'ok',
          operator_id: operator,
          detail: { message: 'by supervisor', field: 'mode' },
        });
        return 1;
      }
      log.append({
        action: 'scan',
        outcome: 'ok',
        ...base,
        detail: { source: pick(['scanner', 'camera', 'manual']) },
      });
      const duration = 40 + Math.floor(rand() * 200);
      if (r < 0.11) {
        const [errcode, errmsg] = pick(REJECTIONS);
        log.append({
          action: 'lookup',
          outcome: 'rejected',
          ...base,
          errcode,
          errmsg,
          duration_ms: duration,
        });
        return 2;
      }
      log.append({
        action: 'lookup',
        outcome: 'ok',
        ...base,
        errcode: 0,
        duration_ms: duration,
        detail: {
          title: pick(TITLES),
          brand: 'Demo Coffee 演示咖啡',
          value: 2000,
          can_consume: true,
        },
      });
      if (r < 0.45) return 2; // check only, customer left
      if (r < 0.46) {
        const intent = log.appendIntent({
          action: 'invalidate',
          ...base,
          detail: { reason: '顾客退款 refund' },
        });
        log.appendResult(intent.nonce!, {
          action: 'invalidate',
          outcome: 'ok',
          errcode: 0,
          duration_ms: duration,
        });
        return 4;
      }
      const intent = log.appendIntent({ action: 'redeem', ...base });
      if (r < 0.465) {
        log.appendResult(intent.nonce!, {
          action: 'redeem',
          outcome: 'unknown',
          errmsg: 'timeout after 8000 ms',
          duration_ms: 8000,
        });
        log.appendResult(intent.nonce!, {
          action: 'redeem',
          outcome: 'settled',
          errcode: 0,
          detail: { message: 'settled by code/get: consumed' },
        });
        return 5;
      }
      if (r < 0.475) {
        const [errcode, errmsg] = pick(REJECTIONS);
        log.appendResult(intent.nonce!, {
          action: 'redeem',
          outcome: 'rejected',
          errcode,
          errmsg,
          duration_ms: duration,
        });
        return 4;
      }
      log.appendResult(intent.nonce!, {
        action: 'redeem',
        outcome: 'ok',
        errcode: 0,
        duration_ms: duration,
      });
      return 4;
    },
  };
}

const START = Date.UTC(2024, 0, 1, 1, 0, 0); // 09:00 in Shanghai

/** Fills `file` with about `count` records; returns the generator (its clock goes on). */
async function generate(file: string, count: number, seed: number) {
  const gen = counter(seed, START);
  const log = openAuditLog(file, { terminalId: 'T-0001', now: gen.clock });
  log.db.pragma('synchronous = OFF'); // fixture only: the measured appends below use FULL
  let n = 0;
  const batch = log.db.transaction((until: number) => {
    while (n < until) n += gen.step(log);
  });
  const t0 = performance.now();
  while (n < count) {
    batch(Math.min(count, n + 20_000));
    await new Promise((r) => setImmediate(r)); // the search index catches up between batches
  }
  log.close();
  return { gen, n, ms: performance.now() - t0 };
}

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
