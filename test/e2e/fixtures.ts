/**
 * Starts a real terminal for a test: the services in this process, bound to the browser host
 * on a free loopback port, with a fresh data folder. The renderer is the production build
 * (scripts/test.mjs builds it before the end-to-end run).
 */
import { test as base, expect, type Page } from '@playwright/test';
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

export const MANAGER = { id: 'boss', name: 'Wang Li', pin: '246810' };
export const CASHIER = { id: 'ann', name: 'Ann Chen', pin: '1357' };
export const SUPERVISOR = { id: 'sue', name: 'Sue Zhou', pin: '8642' };

/**
 * Sets the terminal up through the contract, as the wizard would, with one operator of each
 * role, for tests that start at the sign-in screen.
 */
export async function setUpTerminal(t: Terminal) {
  const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
  const ctx = { clientId: 'test-setup' };
  const must = async (name: string, input: unknown) => {
    const res = await dispatch(name, input, ctx);
    if (!res.ok) throw new Error(`${name} failed: ${JSON.stringify(res.error)}`);
  };
  await must('completeSetup', {
    terminalName: 'Counter 1',
    terminalId: 'T-01',
    storeName: 'Xuhui Store',
    language: 'en',
    mode: 'sandbox',
    manager: MANAGER,
  });
  await must('addOperator', { ...CASHIER, role: 'cashier' });
  await must('addOperator', { ...SUPERVISOR, role: 'supervisor' });
  await must('signOut', {});
}

export async function signIn(page: Page, who: { id: string; pin: string }) {
  await page.getByLabel(/Operator id|操作员编号/).fill(who.id);
  await page.getByLabel(/^PIN$/).fill(who.pin);
  await page.getByRole('button', { name: /Sign in|登录/ }).click();
}

export async function stopTerminal(t: Terminal, keepData = false) {
  await t.host.close();
  await t.services.close();
  if (!keepData) rmSync(t.dataDir, { recursive: true, force: true });
}

export const test = base.extend<{ terminal: Terminal; readyTerminal: Terminal }>({
  /** A terminal on its first start (the wizard). */
  terminal: async ({}, use) => {
    const t = await startTerminal();
    await use(t);
    await stopTerminal(t);
  },
  /** A terminal that has been set up, with a manager, a supervisor and a cashier. */
  readyTerminal: async ({}, use) => {
    const t = await startTerminal();
    await setUpTerminal(t);
    await use(t);
    await stopTerminal(t);
  },
});

export { expect };
