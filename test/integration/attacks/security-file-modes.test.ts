/**
 * Adversarial review of issue 16 (files): another account on the till PC must read nothing in
 * the data folder. With the most permissive umask, after each step of a day (set-up, a Sandbox
 * redemption in the built-in sandbox, a refund, an export and its download, a switch to Live
 * mode with a token cached on disk, a restart, the reset tool), every file must be 0600 and
 * every folder 0700.
 */
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrowserHost, type RunningBrowserHost } from '../../../electron/host/browser-host';
import { createDispatcher } from '../../../electron/host/dispatch';
import { LogFile } from '../../../electron/log-file';
import { startSandbox } from '../../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';
import { resetTerminal } from '../../../electron/services/account/terminal-reset';
import type { ExportStatus } from '../../../shared/ops/audit-review';

const posix = process.platform !== 'win32';
const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };

function loose(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string, rel: string) => {
    const st = statSync(p);
    const mode = st.mode & 0o777;
    if (mode !== (st.isDirectory() ? 0o700 : 0o600)) out.push(`${rel || '.'} ${mode.toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(path.join(p, n), path.join(rel, n));
  };
  walk(dir, '');
  return out;
}

let umask: number | undefined;
let staticDir: string;
beforeAll(() => {
  try {
    umask = process.umask(0o000);
  } catch {
    umask = undefined;
  }
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<html><head></head><body></body></html>');
});
afterAll(() => {
  if (umask !== undefined) process.umask(umask);
});

async function start(dataDir: string) {
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir,
    osLocale: 'en',
  });
  const log = new LogFile({ dir: path.join(dataDir, 'logs') });
  const dispatch = createDispatcher({
    services: t.services,
    guard: t.guard,
    onInternalError: (n, e) => log.error(n, e),
  });
  const host = await startBrowserHost({
    port: 0,
    staticDir,
    dispatch,
    downloads: t.exportDownloads,
  });
  const must = async <T = Record<string, unknown>>(name: string, input: unknown): Promise<T> => {
    const res = await dispatch(name, input, { clientId: 'browser:office' });
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value as T;
  };
  return { t, host, log, must };
}

async function stop(r: { t: TerminalServices; host: RunningBrowserHost }) {
  await r.host.close();
  await r.t.close();
}

const get = (port: number, p: string) =>
  new Promise<number>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: p, headers: { host: `127.0.0.1:${port}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });

describe.runIf(posix)('held: the data folder stays owner-only through a day', () => {
  it('every file 0600 and folder 0700 after each step', async () => {
    const dataDir = path.join(
      mkdtempSync(path.join(os.tmpdir(), 'carddesk-adv-modes-')),
      'CardDesk',
    );
    const wechat = await startSandbox({ port: 0 });
    const seen: Record<string, string[]> = {};
    let r = await start(dataDir);
    try {
      await r.must('completeSetup', {
        terminalName: 'Counter 1',
        terminalId: 'T-01',
        storeName: 'Xuhui',
        language: 'en',
        mode: 'sandbox',
        manager: MANAGER,
      });
      seen.setup = loose(dataDir);
      const demo = await r.must<{ codes: { code: string; redeemable: boolean }[] }>(
        'listDemoCodes',
        {},
      );
      const [a, b] = demo.codes.filter((c) => c.redeemable).map((c) => c.code);
      await r.must('redeemCode', { code: a });
      seen.redeem = loose(dataDir);
      await r.must('invalidateCode', { code: b, reason: 'customer_refund', confirmed: true });
      seen.refund = loose(dataDir);
      const started = await r.must<ExportStatus>('startExport', { filter: {}, format: 'jsonl' });
      let status = started;
      await vi.waitFor(
        async () => {
          status = await r.must<ExportStatus>('exportStatus', { exportId: started.exportId });
          expect(status.state).toBe('done');
        },
        { timeout: 10_000, interval: 20 },
      );
      seen.exported = loose(dataDir);
      expect(await get(r.host.port, status.downloadUrl!)).toBe(200);
      seen.downloaded = loose(dataDir);
      // Live mode against a WeChat on loopback: the access token is cached on disk.
      await r.must('updateSettings', {
        mode: 'live',
        live: { provider: 'stable_token', appId: wechat.app.appid, tokenServiceUrl: '' },
        api: { baseUrl: wechat.url, connectTimeoutMs: 500, totalTimeoutMs: 1_000 },
        appSecret: wechat.app.secret,
        confirmCustomBaseUrl: true,
      });
      await r.must('lookupCode', { code: '178847660332' });
      expect(readdirSync(dataDir).some((n) => n.startsWith('token-'))).toBe(true);
      seen.live = loose(dataDir);
      // Damaged settings, saved again by the manager: the damaged copy is kept.
      await stop(r);
      writeFileSync(path.join(dataDir, 'settings.json'), '{ damaged', { mode: 0o644 });
      r = await start(dataDir);
      seen.restart = loose(dataDir);
      await r.must('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
      await r.must('updateSettings', { mode: 'sandbox' });
      seen.repaired = loose(dataDir);
    } finally {
      await stop(r);
      await wechat.close();
    }
    resetTerminal(dataDir);
    seen.reset = loose(dataDir);
    mkdirSync(path.join(dataDir, 'exports'), { recursive: true });
    const again = await start(dataDir);
    seen.afterReset = loose(dataDir);
    await stop(again);
    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((k) => [k, []])));
  }, 60_000);
});
