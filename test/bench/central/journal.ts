/**
 * bench:central, part 3: head office's journal over N records (default 10,000,000), filtered
 * by store and day, through the real query function (central/office/queries.ts `journal`):
 * the first page, and a later page by its keyset cursor.
 *
 * The rows are generated and loaded with COPY into a database migrated like the collector's,
 * with the same monthly partitions: 40 stores with 1 to 4 terminals each (100 installs), a
 * year of opening hours (09:00 to 21:00 Shanghai), busier stores and days, in time order with
 * the installs interleaved as they would arrive; actions, outcomes, operators and cards in
 * the proportions of a counter (test/bench/audit-generator.ts).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { connectPostgres, type Database } from '../../../central/db';
import { migrate } from '../../../central/migrate';
import { dayAfter, dayStart, journal } from '../../../central/office/queries';
import { createPartitioner } from '../../../central/partitions';
import { CARDS, rng } from '../audit-generator';
import { percentile } from '../stats';
import { copyField, copyFrom, freshDatabase, round } from './lib';

export interface JournalFigures {
  records: number;
  load_s: number;
  samples: number;
  first_page_p50_ms: number;
  first_page_p99_ms: number;
  later_page_p50_ms: number;
  later_page_p99_ms: number;
  rows_per_page: number;
}

const STORES = 40;
const INSTALLS = 100;
const DAYS = 365;
/** 2025-01-01 in Shanghai. */
const FIRST_DAY = Date.UTC(2024, 11, 31, 16);
const DAY = 86_400_000;

const storeName = (s: number) => `Store ${String(s + 1).padStart(2, '0')}`;
const dayName = (d: number) =>
  new Date(FIRST_DAY + d * DAY + 8 * 3_600_000).toISOString().slice(0, 10);

function uuidOf(i: number): string {
  const h = createHash('sha256').update(`install ${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The installs: store i has installs i, i+40 (and i+80 for the first 20 stores). */
const installs = Array.from({ length: INSTALLS }, (_, i) => ({
  id: uuidOf(i),
  store: storeName(i % STORES),
  terminal: `Till ${Math.floor(i / STORES) + 1}`,
  terminalId: `T-${String(i + 1).padStart(3, '0')}`,
  // Busier tills: a weight from 0.5 to 1.5.
  weight: 0.5 + ((i * 37) % 100) / 100,
}));

function* rows(n: number, seed: number): Generator<string> {
  const rand = rng(seed);
  const seq = new Array<number>(INSTALLS).fill(0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const inst of installs) cumulative.push((sum += inst.weight));
  const pickInstall = () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = INSTALLS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const perDay = n / DAYS;
  let lines: string[] = [];
  for (let k = 0; k < n; k++) {
    // Time order: record k falls on day k / perDay, across the opening hours of that day.
    const day = Math.floor(k / perDay);
    const within = (k - day * perDay) / perDay;
    const ts = Math.floor(FIRST_DAY + day * DAY + 9 * 3_600_000 + within * 12 * 3_600_000);
    const i = pickInstall();
    const inst = installs[i]!;
    const s = ++seq[i]!;
    const r = rand();
    const action =
      r < 0.36
        ? 'scan'
        : r < 0.72
          ? 'lookup'
          : r < 0.97
            ? 'redeem'
            : r < 0.98
              ? 'invalidate'
              : 'sign_in';
    const outcome =
      action === 'redeem'
        ? r < 0.84
          ? 'intent'
          : r < 0.95
            ? 'ok'
            : 'rejected'
        : action === 'lookup' && r < 0.45
          ? 'rejected'
          : 'ok';
    const code =
      action === 'sign_in' ? null : String(100_000_000_000 + Math.floor(rand() * 899_999_999_999));
    const card = code === null ? null : CARDS[Math.floor(rand() * CARDS.length)]!;
    const hash = createHash('sha1').update(`${i}/${s}`).digest('hex').padEnd(64, '0');
    lines.push(
      [
        inst.id,
        s,
        new Date(ts).toISOString(),
        inst.store,
        inst.terminal,
        inst.terminalId,
        `op${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}`,
        action,
        code,
        card,
        outcome,
        outcome === 'rejected' ? 40099 : action === 'scan' ? null : 0,
        outcome === 'rejected' ? 'invalid code, this code has consumed.' : null,
        action === 'scan' ? null : 40 + Math.floor(rand() * 200),
        null,
        action === 'scan' ? '{"source":"scanner"}' : '{"title":"满100减20","value":2000}',
        '0'.repeat(64),
        hash,
        't',
      ]
        .map(copyField)
        .join('\t'),
    );
    if (lines.length === 10_000) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

const COLUMNS = `records (install_id, seq, ts, store, terminal, terminal_id, operator_id, action,
  code, card_id, outcome, errcode, errmsg, duration_ms, nonce, detail, prev_hash, hash, chain_ok)`;

export async function loadJournal(
  serverUrl: string,
  n: number,
  say: (s: string) => void,
): Promise<{ db: Database; url: string; loadMs: number }> {
  const url = await freshDatabase(serverUrl, 'bench_journal');
  const db = connectPostgres(url, { max: 4 });
  await migrate(db);
  // Every UTC month the year touches (December 2024 to December 2025).
  await createPartitioner(db).ensure(
    Array.from({ length: 13 }, (_, m) => Date.UTC(2024, 11 + m, 15)),
  );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t0 = performance.now();
  try {
    const copied = await copyFrom(client, COLUMNS, rows(n, 19));
    if (copied !== n) throw new Error(`copied ${copied} rows of ${n}`);
    await client.query('VACUUM ANALYZE records');
  } finally {
    await client.end();
  }
  const loadMs = performance.now() - t0;
  say(`journal: ${n} records loaded with COPY (and analysed) in ${round(loadMs / 1000)} s`);
  return { db, url, loadMs };
}

/** The store-day pairs the bench asks for: spread over stores and the year. */
function samplesOf(count: number): { store: string; day: string }[] {
  const rand = rng(7);
  return Array.from({ length: count }, () => ({
    store: storeName(Math.floor(rand() * STORES)),
    day: dayName(Math.floor(rand() * DAYS)),
  }));
}

export async function benchJournal(opts: {
  db: Database;
  records: number;
  loadMs: number;
  samples: number;
  explain: boolean;
  problems: string[];
  say: (s: string) => void;
}): Promise<JournalFigures> {
  const { db, problems, say } = opts;
  const limit = 50;
  const first: number[] = [];
  const later: number[] = [];
  const pairs = samplesOf(opts.samples);
  // Warm up: plans and the buffer cache of a few store-days (not the ones measured).
  for (const p of samplesOf(5)) {
    await journal(
      db,
      { store: p.store, from: dayStart(p.day), to: dayAfter(p.day), limit },
      { masked: true },
    );
  }
  let checked = 0;
  for (const p of pairs) {
    const q = { store: p.store, from: dayStart(p.day), to: dayAfter(p.day), limit };
    let t = performance.now();
    const page1 = await journal(db, q, { masked: true });
    first.push(performance.now() - t);
    // A later page: the third (or the last there is).
    let page = page1;
    for (let k = 0; k < 2 && page.next; k++) {
      const cursor = page.next;
      t = performance.now();
      page = await journal(db, { ...q, cursor }, { masked: true });
      if (k === 1 || !page.next) later.push(performance.now() - t);
    }
    // What the page must be: this store's records of that day, newest first.
    const bad = page1.rows.find((r) => r.store !== p.store || r.ts < q.from || r.ts >= q.to);
    if (bad) problems.push(`journal: ${p.store} ${p.day} returned ${JSON.stringify(bad)}`);
    for (let i = 1; i < page1.rows.length; i++) {
      if (page1.rows[i]!.ts > page1.rows[i - 1]!.ts) {
        problems.push(`journal: ${p.store} ${p.day} is not newest first`);
        break;
      }
    }
    if (checked < 3) {
      checked++;
      const n = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM records WHERE store = $1 AND ts >= to_timestamp($2) AND ts < to_timestamp($3)`,
        [p.store, q.from / 1000, q.to / 1000],
      );
      const expected = Math.min(limit, n.rows[0]!.n);
      if (page1.rows.length !== expected || n.rows[0]!.n > limit !== (page1.next !== null)) {
        problems.push(
          `journal: ${p.store} ${p.day} has ${n.rows[0]!.n} records, the first page ${page1.rows.length} (next ${page1.next})`,
        );
      }
    }
  }
  if (opts.explain) {
    const p = pairs[0]!;
    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) SELECT install_id::text AS install_id, seq,
         (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, store, terminal, terminal_id,
         operator_id, action, code, card_id, outcome, errcode, errmsg, chain_ok
       FROM records WHERE store = $1 AND ts >= to_timestamp($2) AND ts < to_timestamp($3)
       ORDER BY ts DESC, install_id DESC, seq DESC LIMIT 51`,
      [p.store, dayStart(p.day) / 1000, dayAfter(p.day) / 1000],
    );
    say(`journal: EXPLAIN ANALYZE of ${p.store} ${p.day}:`);
    for (const r of plan.rows) say(`  ${r['QUERY PLAN']}`);
  }
  const figures: JournalFigures = {
    records: opts.records,
    load_s: round(opts.loadMs / 1000),
    samples: pairs.length,
    first_page_p50_ms: round(percentile(first, 50), 2),
    first_page_p99_ms: round(percentile(first, 99), 2),
    later_page_p50_ms: round(percentile(later, 50), 2),
    later_page_p99_ms: round(percentile(later, 99), 2),
    rows_per_page: limit,
  };
  say(
    `journal over ${opts.records} records, store and day: first page p50 ${figures.first_page_p50_ms} ms, ` +
      `p99 ${figures.first_page_p99_ms} ms; third page p50 ${figures.later_page_p50_ms} ms, ` +
      `p99 ${figures.later_page_p99_ms} ms (goal p50 < 50 ms)`,
  );
  return figures;
}
