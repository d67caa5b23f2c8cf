/**
 * bench:central, part 1: ingest throughput through the collector's real path (HTTP push of
 * batches as the shipper sends them, authentication, schema check, chain verification, the
 * idempotency keys, one transaction a batch) against a bare COPY of the same rows into the same
 * `records` table (same monthly partitions, same indexes) of a fresh database.
 *
 * The records are real terminal logs (test/bench/audit-generator.ts, the audit module's append
 * path), read with the shipper's own reader. Several terminals push at once, each one batch
 * at a time, as a chain's terminals do, in batches as the shipper makes them (as many records
 * as the collector's /v1/head says it takes, at most the shipper's own limit).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { issueCredential } from '../../../central/credentials';
import { RECORDS_COPY, recordsCopyText } from '../../../central/ingest';
import { connectPostgres } from '../../../central/db';
import { migrate } from '../../../central/migrate';
import { createPartitioner } from '../../../central/partitions';
import { createRecordReader } from '../../../electron/services/shipping/reader';
import {
  batchRecordsFor,
  DEFAULT_SHIPPER_TIMINGS,
} from '../../../electron/services/shipping/shipper';
import { CentralHead, type PushResult, type ShippedRecord } from '../../../shared/central';
import { generate } from '../audit-generator';
import { copyFrom, dropDatabase, freshDatabase, round, startCollectorProcess } from './lib';

export interface IngestFigures {
  records: number;
  terminals: number;
  batch_records: number;
  ingest_s: number;
  ingest_records_per_s: number;
  copy_s: number;
  copy_records_per_s: number;
  /** The median of the rounds' ingest time / COPY time: goal below 2. */
  ratio: number;
  /** Each round's ingest time / COPY time. */
  round_ratios: number[];
  rounds: number;
  resend_duplicates: number;
  /** SETTINGS, on the bench's own server; null on a server given by DATABASE_URL. */
  server_settings: Record<string, string> | null;
}

/**
 * The bench's own server, set for the timed sides and set back after. Autovacuum off: the COPY
 * side is one transaction, which autovacuum cannot start on before its clock stops, while the
 * collector's commits set it off (insert-triggered vacuum, analyze) inside the ingest's time;
 * the same maintenance follows both, row for row. A WAL limit no run reaches: a checkpoint
 * forced by WAL volume lands in whichever side happens to cross it. Timed on one side only,
 * these made the ratio swing between 1.2 and 2.9 on the same code.
 */
const SETTINGS = [
  ['autovacuum', 'off'],
  ['max_wal_size', '16GB'],
] as const;

async function serverSettings(serverUrl: string, forBench: boolean) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    for (const [name, value] of SETTINGS) {
      await c.query(
        forBench ? `ALTER SYSTEM SET ${name} = '${value}'` : `ALTER SYSTEM RESET ${name}`,
      );
    }
    await c.query('SELECT pg_reload_conf()');
  } finally {
    await c.end();
  }
}

/**
 * Before each side's clock starts: the dirty pages of what came before written out, so neither
 * side pays for the other's (CHECKPOINT needs a superuser: the bench's own server has one).
 */
async function checkpoint(sql: { query(text: string): Promise<unknown> }) {
  await sql.query('CHECKPOINT').catch(() => undefined);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Records of each terminal pushed before the clock starts (left out of both sides). */
const WARM = 500;

interface Terminal {
  installId: string;
  store: string;
  terminal: string;
  records: ShippedRecord[];
}

/** One side: the terminals push through the real collector, into a fresh database. */
async function throughCollector(
  serverUrl: string,
  terminals: Terminal[],
  problems: string[],
): Promise<{ ingestMs: number; duplicates: number; batch: number }> {
  const total = terminals.reduce((n, t) => n + t.records.length, 0);
  const ingestUrl = await freshDatabase(serverUrl, 'bench_ingest');
  const admin = connectPostgres(ingestUrl, { max: 2 });
  await migrate(admin);
  const tokens = new Map<string, string>();
  for (const t of terminals) {
    const c = await issueCredential(admin, {
      store: t.store,
      terminal: t.terminal,
      installId: t.installId,
    });
    tokens.set(t.installId, c.token);
  }
  const collector = await startCollectorProcess(ingestUrl);
  // Batches as the shipper makes them: as many records as the collector's head says it
  // takes, at most the shipper's own limit.
  const headRes = await fetch(
    `${collector.url}/v1/head?install_id=${encodeURIComponent(terminals[0]!.installId)}`,
    { headers: { authorization: `Bearer ${tokens.get(terminals[0]!.installId)}` } },
  );
  const head = CentralHead.parse(await headRes.json());
  const batch = batchRecordsFor(DEFAULT_SHIPPER_TIMINGS, head);
  const requestBody = (t: Terminal, records: ShippedRecord[]) =>
    JSON.stringify({ install_id: t.installId, records });
  const pushBatch = async (
    t: Terminal,
    records: ShippedRecord[],
    text = requestBody(t, records),
  ): Promise<PushResult> => {
    const res = await fetch(`${collector.url}/v1/records`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokens.get(t.installId)}`,
      },
      body: text,
    });
    const body = (await res.json()) as PushResult;
    if (!res.ok) throw new Error(`push refused: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  let ingestMs = 0;
  let duplicates = 0;
  try {
    // Warm up: the first WARM records of each terminal (connections, its month's partition).
    for (const t of terminals) await pushBatch(t, t.records.slice(0, WARM));
    // The requests are made before the clock starts, as the COPY side's text is below: on
    // a chain they are made on the terminals, not on the collector's machine.
    const requests = terminals.map((t) => {
      const list: { at: number; records: ShippedRecord[]; text: string }[] = [];
      for (let at = WARM; at < t.records.length; at += batch) {
        const records = t.records.slice(at, at + batch);
        list.push({ at, records, text: requestBody(t, records) });
      }
      return list;
    });
    await checkpoint(admin);
    const t0 = performance.now();
    await Promise.all(
      terminals.map(async (t, i) => {
        for (const { at, records, text } of requests[i]!) {
          const r = await pushBatch(t, records, text);
          if (r.accepted !== records.length || r.alerts.length > 0) {
            problems.push(
              `ingest: batch at ${at} of ${t.terminal}@${t.store}: accepted ${r.accepted} of ${records.length}, alerts ${JSON.stringify(r.alerts)}`,
            );
          }
        }
      }),
    );
    ingestMs = performance.now() - t0;
    // A resend changes nothing.
    const again = await pushBatch(terminals[0]!, terminals[0]!.records.slice(0, batch));
    duplicates = again.duplicates;
    if (
      again.accepted !== 0 ||
      again.duplicates !== Math.min(batch, terminals[0]!.records.length)
    ) {
      problems.push(`ingest: a resend was not all duplicates: ${JSON.stringify(again)}`);
    }
  } finally {
    await collector.stop();
  }
  const held = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM records');
  const alerts = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
  if (held.rows[0]!.n !== total) {
    problems.push(`ingest: the collector holds ${held.rows[0]!.n} records of ${total}`);
  }
  if (alerts.rows[0]!.n !== 0) problems.push(`ingest: ${alerts.rows[0]!.n} chain alerts`);
  for (const t of terminals) {
    const head = await admin.query<{ head_seq: number }>(
      'SELECT head_seq FROM installs WHERE install_id = $1',
      [t.installId],
    );
    const last = t.records[t.records.length - 1]!.id;
    if (Number(head.rows[0]?.head_seq) !== last) {
      problems.push(`ingest: ${t.installId} stands at ${head.rows[0]?.head_seq}, not ${last}`);
    }
  }
  await admin.close();
  return { ingestMs, duplicates, batch };
}

/**
 * The same rows as COPY's text, made by the collector's own recordsCopyText (each record as it
 * arrives with its chain whole), in chunks of 5,000 lines.
 */
function copyChunks(terminals: Terminal[]): string[] {
  const chunks: string[] = [];
  for (const t of terminals) {
    const rows = t.records.slice(WARM).map((r) => ({ r, ok: true, content: r.hash }));
    for (let at = 0; at < rows.length; at += 5000) {
      chunks.push(recordsCopyText(t.installId, t.store, t.terminal, rows.slice(at, at + 5000)));
    }
  }
  return chunks;
}

/** The other side: the same rows by one bare COPY into a fresh database; its time. */
async function bareCopy(
  serverUrl: string,
  terminals: Terminal[],
  chunks: string[],
  ingestRecords: number,
  problems: string[],
): Promise<number> {
  const copyUrl = await freshDatabase(serverUrl, 'bench_copy');
  const copyDb = connectPostgres(copyUrl, { max: 2 });
  await migrate(copyDb);
  await createPartitioner(copyDb).ensure(terminals.flatMap((t) => t.records.map((r) => r.ts)));
  await copyDb.close();
  const client = new pg.Client({ connectionString: copyUrl });
  await client.connect();
  let copyMs = 0;
  try {
    await checkpoint(client);
    const t0 = performance.now();
    const n = await copyFrom(client, RECORDS_COPY, chunks);
    copyMs = performance.now() - t0;
    if (n !== ingestRecords) problems.push(`copy: ${n} rows copied of ${ingestRecords}`);
  } finally {
    await client.end();
  }
  return copyMs;
}

export async function benchIngest(opts: {
  serverUrl: string;
  /** The bench started this server itself: it may change its settings (SETTINGS). */
  ownServer: boolean;
  records: number;
  /** Rounds of the two sides; the ratio is their median. */
  rounds: number;
  terminals: number;
  problems: string[];
  say: (s: string) => void;
}): Promise<IngestFigures> {
  const { problems, say } = opts;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-bench-ingest-'));
  const per = Math.ceil(opts.records / opts.terminals);
  const terminals: Terminal[] = [];
  let settingsChanged = false;
  try {
    // Real logs, through the audit module's append path; read as the shipper reads them.
    const g0 = performance.now();
    for (let i = 0; i < opts.terminals; i++) {
      const file = path.join(dir, `t${i}.db`);
      const { installId } = await generate(file, per, 100 + i, { terminalId: `T-${i + 1}` });
      const db = new Database(file, { readonly: true });
      const records = createRecordReader(db).after(0, per, Number.MAX_SAFE_INTEGER);
      db.close();
      if (!installId) throw new Error('the generated log has no install id');
      terminals.push({
        installId,
        store: `Store ${String(i + 1).padStart(2, '0')}`,
        terminal: 'Till 1',
        records,
      });
    }
    const total = terminals.reduce((n, t) => n + t.records.length, 0);
    say(
      `ingest: ${total} records from ${opts.terminals} generated logs in ${round((performance.now() - g0) / 1000)} s`,
    );

    const ingestRecords =
      total - terminals.reduce((n, t) => n + Math.min(WARM, t.records.length), 0);
    // The same rows for the COPY side as the collector stores (the warm-up batches are left
    // out of both), as text made before its clock starts.
    const chunks = copyChunks(terminals);

    // Rounds of the two sides, one after the other, each on a fresh database: the machine's
    // speed drifts over a run, and a ratio of two times taken apart would carry the drift.
    if (opts.ownServer) await serverSettings(opts.serverUrl, true);
    settingsChanged = opts.ownServer;
    const rounds: { ingestMs: number; copyMs: number }[] = [];
    let duplicates = 0;
    let batch = 0;
    for (let round = 0; round < opts.rounds; round++) {
      const side = await throughCollector(opts.serverUrl, terminals, problems);
      duplicates = side.duplicates;
      batch = side.batch;
      const copyMs = await bareCopy(opts.serverUrl, terminals, chunks, ingestRecords, problems);
      rounds.push({ ingestMs: side.ingestMs, copyMs });
      await dropDatabase(opts.serverUrl, 'bench_ingest');
      await dropDatabase(opts.serverUrl, 'bench_copy');
    }
    const ratios = rounds.map((r) => r.ingestMs / r.copyMs);
    const ingestMs = median(rounds.map((r) => r.ingestMs));
    const copyMs = median(rounds.map((r) => r.copyMs));
    const figures: IngestFigures = {
      records: ingestRecords,
      terminals: opts.terminals,
      batch_records: batch,
      rounds: rounds.length,
      ingest_s: round(ingestMs / 1000, 2),
      ingest_records_per_s: Math.round(ingestRecords / (ingestMs / 1000)),
      copy_s: round(copyMs / 1000, 2),
      copy_records_per_s: Math.round(ingestRecords / (copyMs / 1000)),
      ratio: round(median(ratios), 2),
      round_ratios: ratios.map((r) => round(r, 2)),
      resend_duplicates: duplicates,
      server_settings: opts.ownServer ? Object.fromEntries(SETTINGS) : null,
    };
    say(
      `ingest: ${figures.ingest_records_per_s} records/s through the collector, ` +
        `${figures.copy_records_per_s} records/s by bare COPY (medians of ${rounds.length} ` +
        `rounds): ratio ${figures.ratio} (goal < 2), by round ${figures.round_ratios.join(', ')}`,
    );
    return figures;
  } finally {
    if (settingsChanged) await serverSettings(opts.serverUrl, false);
    rmSync(dir, { recursive: true, force: true });
  }
}
