/**
 * Starts a real terminal for a test: the services in this process, bound to the browser host
 * on a free loopback port, with a fresh data folder. The renderer is the production build
 * (scripts/test.mjs builds it before the end-to-end run).
 */
import type { Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBrowserHost, type RunningBrowserHost } from '../../electron/host/browser-host';
import { createDispatcher, type Dispatch } from '../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../electron/services';
import type { WriteTimingsInput } from '../../electron/services/writes/timings';

export interface Terminal {
  url: string;
  host: RunningBrowserHost;
  services: TerminalServices;
  dataDir: string;
  /** The sandbox the terminal talks to in Sandbox mode (faults, counters, state). */
  sandbox: RunningSandbox;
}

export const ROOT = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test', 'artifacts', 'screenshots');

export async function startTerminal(
  opts: {
    dataDir?: string;
    sandbox?: RunningSandbox;
    writeTimings?: WriteTimingsInput;
    /** Wraps the host's dispatcher (bench:lookup times the calls through it). */
    wrapDispatch?: (dispatch: Dispatch) => Dispatch;
  } = {},
): Promise<Terminal> {
  const dir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'carddesk-e2e-'));
  const sandbox = opts.sandbox ?? (await startSandbox({ port: 0 }));
  const services = await createTerminalServices({
    host: 'browser',
    version: '0.0.0-test',
    dataDir: dir,
    osLocale: 'en-US',
    sandbox,
    writeTimings: opts.writeTimings ?? {
      retryMinMs: 200,
      retryMaxMs: 1_000,
      settleWindowMs: 1_500,
    },
  });
  const host = await startBrowserHost({
    port: 0,
    staticDir: path.join(ROOT, 'dist', 'renderer'),
    dispatch: (opts.wrapDispatch ?? ((d: Dispatch) => d))(
      createDispatcher({ services: services.services, guard: services.guard }),
    ),
    downloads: services.exportDownloads,
  });
  return { url: host.url, host, services, dataDir: dir, sandbox };
}

export const MANAGER = { id: 'boss', name: 'Wang Li', pin: '246810' };
export const CASHIER = { id: 'ann', name: 'Ann Chen', pin: '1357' };
export const SUPERVISOR = { id: 'sue', name: 'Sue Zhou', pin: '8642' };

/**
 * Sets the terminal up through the contract, as the wizard would, with one operator of each
 * role, for tests that start at the sign-in screen.
 */
export async function setUpTerminal(t: Terminal, opts: { language?: 'en' | 'zh-CN' } = {}) {
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
    language: opts.language ?? 'en',
    mode: 'sandbox',
    manager: MANAGER,
  });
  await must('addOperator', { ...CASHIER, role: 'cashier' });
  await must('addOperator', { ...SUPERVISOR, role: 'supervisor' });
  await must('signOut', {});
}

/**
 * Types the id and PIN once, as a person does, and signs in; returns when the host has answered
 * and, if it let the operator in, the top bar shows them. Only into the sign-in form: right
 * after a sign-out the settings screen (with its own "Operator id" and "PIN" fields) may still
 * be on screen while the host answers, and typing there would leave the sign-in form empty.
 */
export async function signIn(page: Page, who: { id: string; pin: string }) {
  const form = page.getByTestId('signin-form');
  await form.getByLabel(/Operator id|操作员编号/).fill(who.id);
  await form.getByLabel(/^PIN$/).fill(who.pin);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/signIn')),
    form.getByRole('button', { name: /Sign in|登录/ }).click(),
  ]);
  const body = (await answer.json().catch(() => undefined)) as { ok?: boolean } | undefined;
  if (body?.ok) await page.getByTestId('operator-name').waitFor();
}

export async function stopTerminal(t: Terminal, keep: { data?: boolean; sandbox?: boolean } = {}) {
  await t.host.close();
  await t.services.close();
  if (!keep.sandbox) await t.sandbox.close();
  if (!keep.data) rmSync(t.dataDir, { recursive: true, force: true });
}

/**
 * A USB scanner's burst, once the counter takes scans: see dispatchBurst.
 */
export async function scannerBurst(page: Page, code: string) {
  await page.locator('body[data-scanner="ready"]').waitFor();
  await dispatchBurst(page, code);
}

/**
 * A USB scanner's burst: the code's keys and Enter as keydown events a millisecond apart,
 * wherever the focus is. Dispatched inside the page, and each key stamped with its scanner
 * time: a real scanner's keys carry the time the keyboard sent them, a synthetic event's the
 * time it was made, and a loaded test machine may pause the page between two of them (which
 * once split a scan into a typed "1" and nothing). How the detector tells people from
 * scanners by timing is unit-tested in wedge-detector.test.ts.
 */
export async function dispatchBurst(page: Page, code: string) {
  await page.evaluate((text) => {
    const target = document.activeElement ?? document.body;
    const start = performance.now();
    [...text.split(''), 'Enter'].forEach((key, i) => {
      const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
      Object.defineProperty(event, 'timeStamp', { value: start + i });
      target.dispatchEvent(event);
    });
  }, code);
}

/** A step of typeHeld: a key at a time (ms from the first), or a focus or caret move. */
export type HeldStep =
  | { key: string; at: number }
  | { focus: string | 'nothing' }
  | { caret: [number, number] }
  /** Hides the field (display: none), as the lock screen hides the settings behind it. */
  | { hide: string };

/**
 * A person's keys as the USB-scanner detector sees them (keydown events with their time stamps,
 * slower than a scanner, so it holds them back a moment before letting them go), with the focus
 * or the caret moved between them by selector or to `nothing`, all within one task: the moves
 * happen before the detector lets the keys go. Then waits until it has. Starts after a pause:
 * right after a person's typing the detector lets keys straight through (a synthetic key that
 * is let through types nothing).
 */
export async function typeHeld(page: Page, steps: HeldStep[]) {
  await page.waitForTimeout(500);
  await page.evaluate((list) => {
    const t0 = performance.now();
    for (const step of list) {
      if ('key' in step) {
        const e = new KeyboardEvent('keydown', { key: step.key, bubbles: true, cancelable: true });
        Object.defineProperty(e, 'timeStamp', { value: t0 + step.at });
        (document.activeElement ?? document.body).dispatchEvent(e);
      } else if ('hide' in step) {
        document.querySelector<HTMLElement>(step.hide)?.setAttribute('hidden', '');
      } else if ('focus' in step) {
        if (step.focus === 'nothing') (document.activeElement as HTMLElement | null)?.blur();
        else document.querySelector<HTMLElement>(step.focus)?.focus();
      } else {
        (document.activeElement as HTMLInputElement).setSelectionRange(...step.caret);
      }
    }
  }, steps);
  await page.waitForTimeout(400); // the detector's pause (about 0.1 s) is long over
}

/** Opens the top bar's operator menu and picks an action (switch operator, sign out, about). */
export async function fromOperatorMenu(page: Page, item: RegExp | string) {
  await page.getByTestId('operator-menu').click();
  await page.locator('#operator-menu-items').getByText(item).click();
}

/**
 * Write timings for a test that watches "outcome unknown" on screen: the settling window is
 * long enough that the lost answer is not settled before the screenshot.
 */
export const UNKNOWN_STAYS_ON_SCREEN: WriteTimingsInput = {
  retryMinMs: 200,
  retryMaxMs: 1_000,
  settleWindowMs: 30_000,
};

/**
 * Mean absolute difference (0..255) of two PNGs shrunk to 32x24, computed in the page: how
 * different two states look from a metre away.
 */
export async function thumbnailDifference(page: Page, a: string, b: string): Promise<number> {
  const url = (f: string) => `data:image/png;base64,${readFileSync(f).toString('base64')}`;
  return page.evaluate(
    async ([ua, ub]) => {
      const pixels = async (u: string) => {
        const img = new Image();
        img.src = u;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = 32;
        c.height = 24;
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0, 32, 24);
        return g.getImageData(0, 0, 32, 24).data;
      };
      const [pa, pb] = [await pixels(ua!), await pixels(ub!)];
      let sum = 0;
      for (let i = 0; i < pa.length; i += 4) {
        for (let k = 0; k < 3; k++) sum += Math.abs(pa[i + k]! - pb[i + k]!);
      }
      return sum / ((pa.length / 4) * 3);
    },
    [url(a), url(b)],
  );
}
