/**
 * Shipping from a real terminal (its services, its SQLite log, the sandbox) to a real
 * collector on a real PostgreSQL: set-up through the contract, catching up, the collector
 * going away and coming back, the credential never leaving the services.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueCredential, revokeCredential } from '../../../central/credentials';
import type { Database } from '../../../central/db';
import { startCollector, type RunningCollector } from '../../../central/server';
import { createDispatcher } from '../../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';
import { createRecordReader } from '../../../electron/services/shipping/reader';
import { createShipper } from '../../../electron/services/shipping/shipper';
import { terminalLog } from './helpers';
import { centralRig } from './rig';

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
const { database, cleanup } = centralRig('ship');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function terminal() {
  const sandbox: RunningSandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-ship-'));
  const t: TerminalServices = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    sandbox,
    shippingTimings: { idleMs: 100, retryMinMs: 50, retryMaxMs: 400, batchRecords: 7 },
  });
  cleanup.push(async () => {
    await t.close();
    await sandbox.close();
  });
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const call = async (name: string, input: unknown) => {
    const res = await dispatch(name, input, { clientId: 'till' });
    if (!res.ok) throw Object.assign(new Error(res.error.key), { info: res.error });
    return res.value as Record<string, unknown>;
  };
  await call('completeSetup', {
    terminalName: 'Till',
    terminalId: 'T-9',
    storeName: 'Store 3',
    language: 'en',
    mode: 'sandbox',
    manager: MANAGER,
  });
  return { t, dir, call };
}

async function collectorOn(db: Database, port: number): Promise<RunningCollector> {
  const c = await startCollector({ db, port, onError: () => {} });
  cleanup.push(() => c.close());
  return c;
}

describe('shipping from a terminal', () => {
  it('catches up, survives the collector going away, and keeps its credential to itself', async () => {
    const db = await database();
    const port = await freePort();
    let collector = await collectorOn(db, port);
    const { token } = await issueCredential(db, { store: 'Store 3', terminal: 'Till' });
    const { t, dir, call } = await terminal();

    expect((await call('getShippingStatus', {})).state).toBe('off');
    // The credential needs the address first; an address off this computer needs https.
    await expect(call('setSecret', { name: 'centralCredential', value: token })).rejects.toThrow(
      'errors.central_url_missing',
    );
    await expect(
      call('updateSettings', { central: { url: 'http://10.0.0.5:8790' } }),
    ).rejects.toThrow('errors.central_url_not_secure');
    const view = await call('updateSettings', {
      central: { url: collector.url },
      centralCredential: token,
    });
    expect(view.secrets).toMatchObject({ centralCredential: true });
    expect(JSON.stringify(view)).not.toContain(token);

    // Some work at the counter: every lookup is a record.
    for (const code of ['178847660332', '178847660333', '000000000000']) {
      await call('lookupCode', { code, source: 'scanner' });
    }
    await t.shipping.whenCaughtUp(20_000);
    const local = t.audit.db.prepare('SELECT id, hash FROM audit ORDER BY id').all() as {
      id: number;
      hash: string;
    }[];
    const central = await db.query<{ seq: number; hash: string }>(
      'SELECT seq AS id, hash FROM records ORDER BY seq',
    );
    expect(central.rows).toEqual(local);
    const status = await call('getShippingStatus', {});
    expect(status).toMatchObject({
      state: 'up_to_date',
      url: collector.url,
      installId: t.audit.installId,
      behind: 0,
      alerts: 0,
    });
    expect(status.lastSuccessAt).toEqual(expect.any(Number));

    // Another address needs the credential typed again (it only goes where it was entered for).
    await expect(
      call('updateSettings', { central: { url: collector.url.replace('127.0.0.1', 'localhost') } }),
    ).rejects.toThrow('errors.central_credential_retype');

    // The collector goes away: the counter goes on, the shipper backs off and says so.
    await collector.close();
    for (let i = 0; i < 20; i++) await call('lookupCode', { code: '178847660332' });
    await expect
      .poll(async () => (await call('getShippingStatus', {})).state, { timeout: 10_000 })
      .toBe('failing');
    const failing = await call('getShippingStatus', {});
    expect(failing.behind).toBeGreaterThanOrEqual(20);
    expect(failing.lastError).toBe('unreachable');

    // Back: it asks where the collector stands and sends the rest, in batches of 7.
    collector = await collectorOn(db, port);
    await t.shipping.whenCaughtUp(20_000);
    const localAll = t.audit.db.prepare('SELECT count(*) FROM audit').pluck().get() as number;
    const centralAll = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records');
    expect(centralAll.rows[0]!.n).toBe(localAll);
    expect((await db.query('SELECT * FROM alerts')).rows).toEqual([]);
    // Shipping never trims the local log: it still starts at 1 and verifies.
    expect(await t.audit.verify()).toMatchObject({ ok: true, count: localAll });

    // Revoked at head office: the terminal says the credential was refused.
    const cred = await db.query<{ id: string }>('SELECT id FROM credentials');
    await revokeCredential(db, cred.rows[0]!.id);
    await call('lookupCode', { code: '178847660332' });
    t.shipping.poke();
    await expect
      .poll(async () => (await call('getShippingStatus', {})).state, { timeout: 10_000 })
      .toBe('refused');
    expect((await call('getShippingStatus', {})).lastError).toBe('revoked');

    // The token is in no file but the encrypted secrets, and in no audit record.
    for (const f of readdirSync(dir, { recursive: true }) as string[]) {
      const p = path.join(dir, f);
      try {
        expect(readFileSync(p).includes(token.slice(4)), p).toBe(false);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
      }
    }
  }, 90_000);

  it('sends the last durable record with pushes and heartbeats: head office sees how far behind it is', async () => {
    const db = await database();
    const collector = await collectorOn(db, 0);
    const { token } = await issueCredential(db, { store: 'Store 3', terminal: 'Till' });
    const t = terminalLog(Date.UTC(2026, 10, 2, 2));
    t.add(20);
    // Between the terminal and the collector, something drops pushes after the first one
    // (a proxy refusing large bodies, say); asking where the collector stands still works.
    let pushes = 0;
    const seen: (string | null)[] = [];
    const shipper = createShipper({
      reader: createRecordReader(t.log.db),
      installId: t.log.installId!,
      target: () => ({ url: collector.url, credential: token }),
      timings: { batchRecords: 7, idleMs: 50, retryMinMs: 50, retryMaxMs: 100, heartbeatMs: 50 },
      fetch: async (input, init) => {
        seen.push(new Headers(init?.headers).get('x-carddesk-durable-seq'));
        if (String(input).endsWith('/v1/records') && ++pushes > 1) {
          return new Response('no', { status: 502 });
        }
        return fetch(input, init);
      },
    });
    cleanup.push(() => shipper.close());
    const installs = () =>
      db.query<{ head_seq: number; reported_seq: number | null }>(
        'SELECT head_seq::int AS head_seq, reported_seq::int AS reported_seq FROM installs',
      );
    await expect
      .poll(async () => (await installs()).rows[0], { timeout: 10_000 })
      .toEqual({ head_seq: 7, reported_seq: 20 });
    // Every request says what the terminal holds.
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set(['20']));

    // The way clears: it catches up, and a record written later is reported by the next push.
    pushes = -1000;
    await shipper.whenCaughtUp(10_000);
    t.add(1);
    shipper.poke();
    await expect
      .poll(async () => (await installs()).rows[0], { timeout: 10_000 })
      .toEqual({ head_seq: 21, reported_seq: 21 });
    // With nothing to ship, it still says it is there (a heartbeat): last_seen_at moves on.
    const seenAt = async () =>
      Number(
        (
          await db.query<{ ms: string }>(
            'SELECT (extract(epoch FROM last_seen_at) * 1000)::bigint AS ms FROM installs',
          )
        ).rows[0]!.ms,
      );
    const before = await seenAt();
    await expect.poll(seenAt, { timeout: 10_000 }).toBeGreaterThan(before);
  }, 60_000);
});
