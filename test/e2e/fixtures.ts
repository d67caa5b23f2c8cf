/**
 * Starts a real terminal for a test: the services in this process, bound to the browser host
 * on a free loopback port, with a fresh data folder. The renderer is the production build
 * (scripts/test.mjs builds it before the end-to-end run).
 */
import { test as base, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBrowserHost, type RunningBrowserHost } from '../../electron/browser-host';
import { createDispatcher } from '../../electron/host/dispatch';
import { createTerminalServices, type TerminalServices } from '../../electron/services';

export interface Terminal {
  url: string;
  host: RunningBrowserHost;
  services: TerminalServices;
  dataDir: string;
}

export const ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test', 'artifacts', 'screenshots');

export async function startTerminal(dataDir?: string): Promise<Terminal> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'carddesk-e2e-'));
  const services = await createTerminalServices({
    host: 'browser',
    version: '0.0.0-test',
    dataDir: dir,
    osLocale: 'en-US',
  });
  const host = await startBrowserHost({
    port: 0,
    staticDir: path.join(ROOT, 'dist', 'renderer'),
    dispatch: createDispatcher({ services: services.services, guard: services.guard }),
  });
  return { url: host.url, host, services, dataDir: dir };
}

export async function stopTerminal(t: Terminal, keepData = false) {
  await t.host.close();
  await t.services.close();
  if (!keepData) rmSync(t.dataDir, { recursive: true, force: true });
}

export const test = base.extend<{ terminal: Terminal }>({
  terminal: async ({}, use) => {
    const t = await startTerminal();
    await use(t);
    await stopTerminal(t);
  },
});

export { expect };
