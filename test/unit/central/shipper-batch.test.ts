/**
 * The shipper's batches follow the collector: as many records as its /v1/head says it takes
 * (max_batch_records), never more than the shipper's own limit, and DEFAULT_BATCH_RECORDS to a
 * collector that does not say (collectors before the field took at most 1,000).
 */
import { describe, expect, it } from 'vitest';
import {
  batchRecordsFor,
  createShipper,
  DEFAULT_SHIPPER_TIMINGS,
} from '../../../electron/services/shipping/shipper';
import type { createRecordReader } from '../../../electron/services/shipping/reader';
import {
  DEFAULT_BATCH_RECORDS,
  MAX_BATCH_RECORDS,
  type PushBody,
  type ShippedRecord,
} from '../../../shared/central';

const INSTALL = '3f2b8c1e-9a4d-4e7b-8c2a-1d5e6f7a8b9c';
const H = 'a'.repeat(64);

/** A log of `n` records and a collector that answers as told; the sizes of the pushes. */
async function ship(n: number, maxBatchRecords: number | undefined, shipperLimit?: number) {
  const log = Array.from({ length: n }, (_, i) => ({ id: i + 1 }) as ShippedRecord);
  const reader = {
    busy: () => false,
    localSeq: () => n,
    after: (afterId: number, max: number) => log.filter((r) => r.id > afterId).slice(0, max),
  } as unknown as ReturnType<typeof createRecordReader>;
  let seq = 0;
  const pushes: number[] = [];
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  const fakeFetch = (async (url: string, init: RequestInit) => {
    const head = {
      install_id: INSTALL,
      seq,
      hash: H,
      ...(maxBatchRecords !== undefined ? { max_batch_records: maxBatchRecords } : {}),
    };
    if (url.includes('/v1/head')) return json(head);
    const body = JSON.parse(init.body as string) as PushBody;
    if (body.records.length > (maxBatchRecords ?? 1000)) {
      return new Response('{"error":"bad_request","message":"too many"}', { status: 400 });
    }
    pushes.push(body.records.length);
    seq = body.records[body.records.length - 1]!.id;
    return json({ accepted: body.records.length, duplicates: 0, alerts: [], head });
  }) as typeof fetch;
  const shipper = createShipper({
    reader,
    installId: INSTALL,
    target: () => ({ url: 'http://127.0.0.1:1', credential: 'cdt_x' }),
    fetch: fakeFetch,
    timings: { idleMs: 10, ...(shipperLimit !== undefined ? { batchRecords: shipperLimit } : {}) },
  });
  try {
    await shipper.whenCaughtUp(5_000);
  } finally {
    shipper.close();
  }
  return pushes;
}

describe('batch size', () => {
  it('as many as the collector takes, up to the shipper’s limit', async () => {
    expect(DEFAULT_SHIPPER_TIMINGS.batchRecords).toBe(MAX_BATCH_RECORDS);
    expect(await ship(5_000, MAX_BATCH_RECORDS)).toEqual([2_000, 2_000, 1_000]);
    expect(await ship(1_000, 300)).toEqual([300, 300, 300, 100]);
    expect(await ship(100, 5_000, 40)).toEqual([40, 40, 20]);
  });

  it('a collector that does not say gets the old batches', async () => {
    expect(DEFAULT_BATCH_RECORDS).toBe(500);
    expect(await ship(1_200, undefined)).toEqual([500, 500, 200]);
    expect(await ship(100, undefined, 30)).toEqual([30, 30, 30, 10]);
  });

  it('the rule', () => {
    expect(batchRecordsFor({ batchRecords: 2_000 }, {})).toBe(500);
    expect(batchRecordsFor({ batchRecords: 2_000 }, { max_batch_records: 800 })).toBe(800);
    expect(batchRecordsFor({ batchRecords: 7 }, { max_batch_records: 800 })).toBe(7);
  });
});
