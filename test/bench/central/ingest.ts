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
import { copyField, copyFrom, freshDatabase, round, startCollectorProcess } from './lib';

export interface IngestFigures {
  records: number;
  terminals: number;
  batch_records: number;
  ingest_s: number;
  ingest_records_per_s: number;
  copy_s: number;
  copy_records_per_s: number;
  /** ingest time / COPY time: goal below 2. */
  ratio: number;
  resend_duplicates: number;
}

const COPY_COLUMNS = `records (install_id, seq, ts, store, terminal, terminal_id, operator_id,
  action, code, card_id, outcome, errcode, errmsg, duration_ms, nonce, detail, prev_hash, hash,
  chain_ok)`;

/** Records of each terminal pushed before the clock starts (left out of both sides). */
const WARM = 500;

interface Terminal {
  installId: string;
  store: string;
  terminal: string;
  records: ShippedRecord[];
}

export async function benchIngest(opts: {
  serverUrl: string;
  records: number;
  terminals: number;
  problems: string[];
  say: (s: string) => void;
}): Promise<IngestFigures> {
  const { problems, say } = opts;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-bench-ingest-'));
  const per = Math.ceil(opts.records / opts.terminals);
  const terminals: Terminal[] = [];
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

    // ---- through the collector -------------------------------------------------------------
    const ingestUrl = await freshDatabase(opts.serverUrl, 'bench_ingest');
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
    const pushBatch = async (t: Terminal, records: ShippedRecord[]): Promise<PushResult> => {
      const res = await fetch(`${collector.url}/v1/records`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokens.get(t.installId)}`,
        },
        body: JSON.stringify({ install_id: t.installId, records }),
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
      const t0 = performance.now();
      await Promise.all(
        terminals.map(async (t) => {
          for (let at = WARM; at < t.records.length; at += batch) {
            const records = t.records.slice(at, at + batch);
            const r = await pushBatch(t, records);
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
    const ingestRecords =
      total - terminals.reduce((n, t) => n + Math.min(WARM, t.records.length), 0);

    // ---- bare COPY of the same rows into the same table ------------------------------------
    const copyUrl = await freshDatabase(opts.serverUrl, 'bench_copy');
    const copyDb = connectPostgres(copyUrl, { max: 2 });
    await migrate(copyDb);
    await createPartitioner(copyDb).ensure(terminals.flatMap((t) => t.records.map((r) => r.ts)));
    await copyDb.close();
    // The same rows as measured above (the warm-up batches are left out of both).
    const chunks: string[] = [];
    for (const t of terminals) {
      let lines: string[] = [];
      for (const r of t.records.slice(WARM)) {
        lines.push(
          [
            t.installId,
            r.id,
            new Date(r.ts).toISOString(),
            t.store,
            t.terminal,
            r.terminal_id,
            r.operator_id,
            r.action,
            r.code,
            r.card_id,
            r.outcome,
            r.errcode,
            r.errmsg,
            r.duration_ms,
            r.nonce,
            r.detail,
            r.prev_hash,
            r.hash,
            't',
          ]
            .map(copyField)
            .join('\t'),
        );
        if (lines.length === 5000) {
          chunks.push(`${lines.join('\n')}\n`);
          lines = [];
        }
      }
      if (lines.length > 0) chunks.push(`${lines.join('\n')}\n`);
    }
    const client = new pg.Client({ connectionString: copyUrl });
    await client.connect();
    let copyMs = 0;
    try {
      const t0 = performance.now();
      const n = await copyFrom(client, COPY_COLUMNS, chunks);
      copyMs = performance.now() - t0;
      if (n !== ingestRecords) problems.push(`copy: ${n} rows copied of ${ingestRecords}`);
    } finally {
      await client.end();
    }
    const figures: IngestFigures = {
      records: ingestRecords,
      terminals: opts.terminals,
      batch_records: batch,
      ingest_s: round(ingestMs / 1000, 2),
      ingest_records_per_s: Math.round(ingestRecords / (ingestMs / 1000)),
      copy_s: round(copyMs / 1000, 2),
      copy_records_per_s: Math.round(ingestRecords / (copyMs / 1000)),
      ratio: round(ingestMs / copyMs, 2),
      resend_duplicates: duplicates,
    };
    say(
      `ingest: ${figures.ingest_records_per_s} records/s through the collector, ` +
        `${figures.copy_records_per_s} records/s by bare COPY: ratio ${figures.ratio} (goal < 2)`,
    );
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
