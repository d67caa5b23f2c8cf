/**
 * Adversarial review of issue 16 (the export download route): a one-time token, a file kept in
 * the host. Tried: paths that leave the exports folder, HEAD before GET, the same token twice at
 * once, and another operator (or another supervisor) asking for someone else's export.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startBrowserHost, type RunningBrowserHost } from '../../../electron/host/browser-host';
import { createDispatcher } from '../../../electron/host/dispatch';
import type { ExportStatus } from '../../../shared/ops/audit-review';
import { CASHIER, SUPERVISOR, signInAs, terminal, type Rig } from './rig';

const hosts: RunningBrowserHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

async function withHost(r: Rig) {
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<html><head></head><body></body></html>');
  mkdirSync(path.join(staticDir, 'assets'));
  const dispatch = createDispatcher({ services: r.t.services, guard: r.t.guard });
  const host = await startBrowserHost({
    port: 0,
    staticDir,
    dispatch,
    downloads: r.t.exportDownloads,
  });
  hosts.push(host);
  const get = (p: string, method = 'GET') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.port,
          method,
          path: p,
          headers: { host: `127.0.0.1:${host.port}` },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  return { host, get };
}

async function done(r: Rig, client: string): Promise<ExportStatus> {
  const s = (await r.call(
    'startExport',
    { filter: {}, format: 'csv' },
    client,
  )) as unknown as ExportStatus;
  let out = s;
  await vi.waitFor(
    async () => {
      out = (await r.call(
        'exportStatus',
        { exportId: s.exportId },
        client,
      )) as unknown as ExportStatus;
      expect(out.state).toBe('done');
    },
    { timeout: 10_000, interval: 20 },
  );
  return out;
}

describe('held: the download route', () => {
  it('no path leaves the exports folder; HEAD does not spend the token; two GETs at once get one file', async () => {
    const r = await terminal();
    const { get } = await withHost(r);
    await signInAs(r, SUPERVISOR, 'desk');
    const st = await done(r, 'desk');
    const token = new URL(st.downloadUrl!, 'http://x').searchParams.get('token')!;
    for (const p of [
      `/download/..%2F..%2Fsecret.key?token=${token}`,
      `/download/${st.exportId}/..%2F..%2Fsecret.key?token=${token}`,
      `/download/${st.exportId}.csv?token=${token}`,
      `/download//${st.exportId}?token=${token}`,
      `/assets/..%2F..%2F..%2F${path.basename(r.dir)}%2Fsecret.key`,
      `/assets/..%5C..%5Csecret.key`,
    ]) {
      const res = await get(p);
      expect(res.body, p).not.toMatch(/^[A-Za-z0-9+/]{43}=$/); // secret.key's content
      expect(res.body, p).not.toContain('id,ts,time_utc');
    }
    expect((await get(st.downloadUrl!, 'HEAD')).status).toBe(405);
    const both = await Promise.all([get(st.downloadUrl!), get(st.downloadUrl!)]);
    expect(both.map((x) => x.status).sort()).toEqual([200, 410]);
    await vi.waitFor(() => expect(readdirSync(path.join(r.dir, 'exports'))).toEqual([]));
  });

  it('another supervisor sees the job but not its link; a cashier does not see it at all', async () => {
    const r = await terminal({
      extraOperators: [{ id: 'sam', name: 'Sam', pin: '9753', role: 'supervisor' }],
    });
    await signInAs(r, SUPERVISOR, 'desk');
    const st = await done(r, 'desk');
    await signInAs(r, { id: 'sam', pin: '9753' }, 'desk-2');
    const seen = (await r.call(
      'exportStatus',
      { exportId: st.exportId },
      'desk-2',
    )) as unknown as ExportStatus;
    expect(seen.downloadUrl).toBeUndefined();
    await signInAs(r, CASHIER, 'till-c');
    expect(await r.fail('exportStatus', { exportId: st.exportId }, 'till-c')).toMatchObject({
      key: 'review.errors.export_unknown',
    });
  });
});
