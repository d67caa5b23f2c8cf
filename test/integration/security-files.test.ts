/**
 * Another account on the till PC against the data folder (issue 16): audit.db, its WAL, the
 * logs and the exports hold full codes, operators.json the PIN hashes, secret.key the key of
 * secrets.json. After a real start of the services (settings, operators, a secret, a
 * redemption in the built-in sandbox, a log line, an export waiting for its download), every
 * file must be 0600 and every folder 0700, with the most permissive umask, and also in a
 * data folder an older version left 0755 with 0644 files.
 *
 * POSIX modes only: on Windows the data folder sits in the user's profile, whose ACL keeps
 * other users out, and this test is skipped.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrowserHost, type RunningBrowserHost } from '../../electron/host/browser-host';
import { createDispatcher } from '../../electron/host/dispatch';
import { LogFile } from '../../electron/log-file';
import { createTerminalServices, type TerminalServices } from '../../electron/services';
import type { ExportStatus } from '../../shared/ops/audit-review';

const posix = process.platform !== 'win32';

/** Every file and folder under `dir` (links excluded), with its permission bits. */
function modes(dir: string): Map<string, number> {
  const out = new Map<string, number>([['.', statSync(dir).mode & 0o777]]);
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = path.join(rel, name);
      const st = statSync(path.join(dir, r));
      out.set(r, st.mode & 0o777);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

function expectOwnerOnly(dir: string) {
  const found = modes(dir);
  const wrong = [...found]
    .filter(([rel, mode]) => {
      const isDir = statSync(path.join(dir, rel)).isDirectory();
      return mode !== (isDir ? 0o700 : 0o600);
    })
    .map(([rel, mode]) => `${rel} ${mode.toString(8)}`);
  expect(wrong).toEqual([]);
  return found;
}

interface Running {
  t: TerminalServices;
  host: RunningBrowserHost;
  log: LogFile;
  must: <T>(name: string, input: unknown) => Promise<T>;
}

/** Starts the services, the browser host and the log file as `npm run start:browser` does. */
async function start(dataDir: string, staticDir: string): Promise<Running> {
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir,
    osLocale: 'en',
  });
  const log = new LogFile({ dir: path.join(dataDir, 'logs') });
  log.info('CardDesk browser host starting');
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const host = await startBrowserHost({
    port: 0,
    staticDir,
    dispatch,
    downloads: t.exportDownloads,
  });
  const must = async <T>(name: string, input: unknown): Promise<T> => {
    const res = await dispatch(name, input, { clientId: 'browser:boss-tab' });
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value as T;
  };
  return { t, host, log, must };
}

async function stop(r: Running) {
  await r.host.close();
  await r.t.close();
}

/** A day at the counter: every kind of file the terminal writes. */
async function work(r: Running) {
  const setup = await r.must<{ needsSetup: boolean }>('getSetupState', {});
  if (setup.needsSetup) {
    await r.must('completeSetup', {
      terminalName: 'Counter 1',
      terminalId: 'T-01',
      storeName: 'Xuhui',
      language: 'en',
      mode: 'sandbox',
      manager: { id: 'boss', name: 'Boss', pin: '246810' },
    });
  } else {
    await r.must('signIn', { operatorId: 'boss', pin: '246810' });
  }
  await r.must('setSecret', { name: 'tokenServiceAuth', value: 'Basic Ym9zczpzZWNyZXQ=' });
  const demo = await r.must<{ codes: { code: string; redeemable: boolean }[] }>(
    'listDemoCodes',
    {},
  );
  const code = demo.codes.find((c) => c.redeemable)!.code;
  await r.must('lookupCode', { code });
  await r.must('redeemCode', { code });
  r.log.error('a line with a code in it', code);
  // An export waiting for its download, in exports/.
  const started = await r.must<ExportStatus>('startExport', { filter: {}, format: 'csv' });
  await vi.waitFor(
    async () =>
      expect(
        (await r.must<ExportStatus>('exportStatus', { exportId: started.exportId })).state,
      ).toBe('done'),
    { timeout: 10_000, interval: 20 },
  );
}

const EXPECTED = [
  'audit.db',
  'audit.db-wal',
  'audit.db-shm',
  'settings.json',
  'operators.json',
  'secrets.json',
  'secret.key',
  'sandbox-state.json',
  'logs',
  path.join('logs', 'carddesk.log'),
  'exports',
];

let umask: number | undefined;
let staticDir: string;

beforeAll(() => {
  // The most permissive umask: modes must not depend on the one the till happens to have.
  try {
    umask = process.umask(0o000);
  } catch {
    umask = undefined; // worker threads cannot change it; the modes are still checked
  }
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<html><head></head><body></body></html>');
});

afterAll(() => {
  if (umask !== undefined) process.umask(umask);
});

describe.runIf(posix)('the data folder is for this user only', () => {
  it('a new data folder: every file 0600, every folder 0700, while the terminal runs', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'carddesk-modes-'));
    const dataDir = path.join(root, 'CardDesk'); // created by the start, as on a new till
    const r = await start(dataDir, staticDir);
    try {
      await work(r);
      const found = expectOwnerOnly(dataDir);
      for (const name of EXPECTED) expect([...found.keys()], name).toContain(name);
      expect([...found.keys()].some((k) => k.startsWith(`exports${path.sep}`))).toBe(true);
    } finally {
      await stop(r);
    }
    expectOwnerOnly(dataDir);
  });

  it('a data folder an older version left 0755 with 0644 files is tightened at start-up', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'carddesk-modes-'));
    const dataDir = path.join(root, 'CardDesk');
    const first = await start(dataDir, staticDir);
    await work(first);
    await stop(first);
    // What an older version left: everything readable by everyone.
    const loosen = (dir: string) => {
      chmodSync(dir, 0o755);
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) loosen(p);
        else chmodSync(p, 0o644);
      }
    };
    mkdirSync(path.join(dataDir, 'exports'), { recursive: true });
    writeFileSync(path.join(dataDir, 'exports', 'old.csv'), '1,777788889999\r\n');
    writeFileSync(path.join(dataDir, 'logs', 'carddesk.log.1'), 'older lines\n');
    writeFileSync(path.join(dataDir, 'window.json'), '{}');
    loosen(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(dataDir, 'audit.db')).mode & 0o777).toBe(0o644);

    const second = await start(dataDir, staticDir);
    try {
      // Right after start-up, before anything is written again.
      const found = expectOwnerOnly(dataDir);
      expect(found.get(path.join('logs', 'carddesk.log.1'))).toBe(0o600);
      expect(found.get('window.json')).toBe(0o600);
      expect(existsSync(path.join(dataDir, 'exports', 'old.csv'))).toBe(false);
      await work(second);
      expectOwnerOnly(dataDir);
    } finally {
      await stop(second);
    }
  });
});
