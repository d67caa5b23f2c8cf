/**
 * The shipper: sends this terminal's audit records to head office's collector in the
 * background. The local log stays the source of truth: shipping only reads it (never trims
 * it), sends only committed records, in batches, from where the collector says it stands
 * (asked at start and after every failure, so a resend is the rare case, and harmless: the
 * collector keys records by install id and sequence). Failures back off exponentially.
 *
 * It never blocks the counter: a batch is one indexed read of at most 2,000 rows (as many as
 * the collector takes: its /v1/head says; 500 to one that does not say), and the loop yields
 * to the event loop between batches.
 */
import {
  CentralHead,
  DEFAULT_BATCH_RECORDS,
  DURABLE_SEQ_HEADER,
  PushResult,
  type PushBody,
} from '../../../shared/central';
import type { ShippingStatus } from '../../../shared/ops/shipping';
import { type createRecordReader } from './reader';

export interface ShipperTimings {
  /**
   * The most records this terminal sends in a batch. It sends fewer to a collector that takes
   * fewer (its /v1/head says max_batch_records), and DEFAULT_BATCH_RECORDS to one that does not
   * say.
   */
  batchRecords: number;
  batchBytes: number;
  /** Pause when everything is shipped, before looking for new records. */
  idleMs: number;
  /** Backoff after a failure: doubles from min to max, with jitter. */
  retryMinMs: number;
  retryMaxMs: number;
  /** Per request. */
  requestTimeoutMs: number;
  /**
   * With nothing to ship, ask where the collector stands this often anyway (a heartbeat), so
   * head office knows a quiet terminal from one that has gone away.
   */
  heartbeatMs: number;
}

export const DEFAULT_SHIPPER_TIMINGS: ShipperTimings = {
  batchRecords: 2_000,
  batchBytes: 4 * 1024 * 1024,
  idleMs: 5_000,
  retryMinMs: 2_000,
  retryMaxMs: 5 * 60_000,
  requestTimeoutMs: 30_000,
  heartbeatMs: 60_000,
};

/** Records a batch to a collector whose head said `head` (the shipper's rule; the bench's too). */
export function batchRecordsFor(
  timings: Pick<ShipperTimings, 'batchRecords'>,
  head: Pick<CentralHead, 'max_batch_records'>,
): number {
  return Math.max(
    1,
    Math.min(timings.batchRecords, head.max_batch_records ?? DEFAULT_BATCH_RECORDS),
  );
}

export interface ShipperTarget {
  url: string;
  credential: string;
}

export interface ShipperDeps {
  reader: ReturnType<typeof createRecordReader>;
  installId: string;
  /** The collector and the credential bound to it, or undefined when shipping is off. */
  target: () => ShipperTarget | undefined;
  now?: () => number;
  timings?: Partial<ShipperTimings>;
  fetch?: typeof fetch;
  random?: () => number;
}

class ShipError extends Error {
  constructor(
    readonly key: string,
    readonly refused = false,
  ) {
    super(key);
  }
}

export interface Shipper {
  status(): ShippingStatus;
  /** Look again now (after a settings change, or new records). */
  poke(): void;
  /** Resolves when nothing is behind, or rejects after `timeoutMs` (tests, shutdown). */
  whenCaughtUp(timeoutMs: number): Promise<void>;
  close(): void;
}

export function createShipper(deps: ShipperDeps): Shipper {
  const t: ShipperTimings = { ...DEFAULT_SHIPPER_TIMINGS, ...deps.timings };
  const now = deps.now ?? Date.now;
  const doFetch = deps.fetch ?? fetch;
  const random = deps.random ?? Math.random;
  const { reader, installId } = deps;

  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let failures = 0;
  /** Where the collector stands for `ackedFor`: re-asked after a failure or a new target. */
  let acked: number | undefined;
  let ackedFor: string | undefined;
  let askAgain = true;
  /** Records a batch, as the collector's last head allows. */
  let batchRecords = Math.min(t.batchRecords, DEFAULT_BATCH_RECORDS);
  let state: ShippingStatus['state'] = 'off';
  let lastSuccessAt: number | undefined;
  let lastAttemptAt: number | undefined;
  /** The last answer from the collector (a push or a head). */
  let lastContactAt: number | undefined;
  let nextAttemptAt: number | undefined;
  let lastError: string | undefined;
  let alerts = 0;
  const waiters = new Set<() => void>();

  const endpoint = (base: string, p: string) => `${base.replace(/\/+$/, '')}${p}`;

  async function request(target: ShipperTarget, p: string, init: RequestInit): Promise<unknown> {
    let res: Response;
    try {
      res = await doFetch(endpoint(target.url, p), {
        ...init,
        headers: {
          ...(init.headers as Record<string, string> | undefined),
          authorization: `Bearer ${target.credential}`,
          // What this terminal holds durably: head office tells from it how far behind it is.
          [DURABLE_SEQ_HEADER]: String(reader.localSeq()),
        },
        signal: AbortSignal.timeout(t.requestTimeoutMs),
        redirect: 'error',
      });
    } catch {
      throw new ShipError('unreachable');
    }
    const text = await res.text().catch(() => '');
    if (res.status === 401) {
      throw new ShipError(/revoked/.test(text) ? 'revoked' : 'unauthenticated', true);
    }
    if (res.status === 403) throw new ShipError('other_install', true);
    if (!res.ok) throw new ShipError(res.status >= 500 ? 'collector_down' : 'rejected');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ShipError('bad_answer');
    }
  }

  async function askHead(target: ShipperTarget): Promise<number> {
    const body = await request(target, `/v1/head?install_id=${encodeURIComponent(installId)}`, {
      method: 'GET',
    });
    const head = CentralHead.safeParse(body);
    if (!head.success || head.data.install_id !== installId) throw new ShipError('bad_answer');
    batchRecords = batchRecordsFor(t, head.data);
    lastContactAt = now();
    return head.data.seq;
  }

  /** One step: true when there may be more to send at once. */
  async function step(target: ShipperTarget): Promise<boolean> {
    const key = `${target.url}\n${target.credential}`;
    if (askAgain || acked === undefined || ackedFor !== key) {
      state = 'connecting';
      acked = await askHead(target);
      ackedFor = key;
      askAgain = false;
    }
    if (reader.busy()) return false;
    const records = reader.after(acked, batchRecords, t.batchBytes);
    if (records.length === 0) {
      // A heartbeat: says this terminal is here and holds nothing more (the answer is not
      // needed, the collector's head cannot be past what this terminal holds).
      if (lastContactAt === undefined || now() - lastContactAt >= t.heartbeatMs) {
        await askHead(target);
      }
      state = 'up_to_date';
      lastSuccessAt = now();
      return false;
    }
    state = 'catching_up';
    const body: PushBody = { install_id: installId, records };
    const answer = PushResult.safeParse(
      await request(target, '/v1/records', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    if (!answer.success) throw new ShipError('bad_answer');
    lastContactAt = now();
    alerts += answer.data.alerts.length;
    acked = Math.max(answer.data.head.seq, records[records.length - 1]!.id);
    lastSuccessAt = now();
    return true;
  }

  function schedule(ms: number) {
    if (closed) return;
    if (timer) clearTimeout(timer);
    nextAttemptAt = now() + ms;
    timer = setTimeout(() => void loop(), ms);
    timer.unref?.();
  }

  async function loop(): Promise<void> {
    if (closed || running) return;
    running = true;
    timer = undefined;
    nextAttemptAt = undefined;
    try {
      const target = deps.target();
      if (!target) {
        state = 'off';
        acked = undefined;
        askAgain = true;
        schedule(t.idleMs);
        return;
      }
      lastAttemptAt = now();
      let more = false;
      try {
        more = await step(target);
        failures = 0;
        lastError = undefined;
      } catch (err) {
        failures++;
        askAgain = true; // ask where the collector stands before sending again
        const e = err instanceof ShipError ? err : new ShipError('internal');
        lastError = e.key;
        state = e.refused ? 'refused' : 'failing';
        const base = Math.min(t.retryMaxMs, t.retryMinMs * 2 ** Math.min(failures - 1, 20));
        schedule(e.refused ? t.retryMaxMs : Math.round(base * (0.5 + random() * 0.5)));
        return;
      }
      if (state === 'up_to_date') for (const w of waiters) w();
      // More to send: go on after the event loop has served whatever is waiting (the counter).
      schedule(more ? 0 : t.idleMs);
    } finally {
      running = false;
    }
  }

  schedule(0);

  const api: Shipper = {
    status() {
      const localSeq = reader.localSeq();
      return {
        state,
        url: deps.target()?.url ?? '',
        installId,
        localSeq,
        ...(acked !== undefined ? { ackedSeq: acked, behind: Math.max(0, localSeq - acked) } : {}),
        ...(lastSuccessAt !== undefined ? { lastSuccessAt } : {}),
        ...(lastAttemptAt !== undefined ? { lastAttemptAt } : {}),
        ...(nextAttemptAt !== undefined ? { nextAttemptAt } : {}),
        ...(lastError !== undefined ? { lastError } : {}),
        alerts,
      };
    },
    poke() {
      if (!running) schedule(0);
    },
    whenCaughtUp(timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          if (acked !== undefined && acked >= reader.localSeq()) {
            clearTimeout(timeout);
            waiters.delete(done);
            resolve();
          }
        };
        const timeout = setTimeout(() => {
          waiters.delete(done);
          reject(
            new Error(
              `shipping not caught up after ${timeoutMs} ms: ${JSON.stringify(api.status())}`,
            ),
          );
        }, timeoutMs);
        waiters.add(done);
        done();
        api.poke();
      });
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of waiters) w();
    },
  };
  return api;
}
