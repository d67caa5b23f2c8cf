/**
 * Smoke test of the real Electron shell: open the window on a fresh data folder, walk the
 * first-run wizard, look a code up, switch language. Skipped (and reported as skipped, not
 * passed) where no Electron binary is installed.
 *
 * Its steps (smokeSteps) also run here every time against the browser host, with the wizard
 * helper the browser tests use: what the Electron test would do where it can run is tested
 * even where it cannot.
 */
import { _electron as electron, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronBinary } from '../../scripts/electron-binary.cjs';
import { ensureElectronSqlite } from '../../scripts/native-sqlite.cjs';
import { expect, ROOT, SCREENSHOTS, test } from './fixtures';
import { walkWizard } from './wizard';

const bin = electronBinary();

/** From the wizard of a fresh terminal to a looked-up code, in English. */
async function smokeSteps(page: Page, screenshot: string) {
  await walkWizard(page, {
    language: 'en',
    terminalName: 'Smoke counter',
    terminalId: 'SMOKE-1',
    storeName: 'Smoke store',
    manager: { id: 'smoke', name: 'Smoke Manager', pin: '482913' },
  });
  const scan = page.getByLabel(/Scan or type a code|扫码或输入券码/);
  await scan.fill('123456789012');
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-code')).toHaveText('123456789012');
  await page.getByLabel(/Language|语言/).selectOption('en');
  await expect(page.getByLabel('Scan or type a code')).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, screenshot) });
}

test('the Electron window walks the wizard and looks a code up', async () => {
  test.skip(!bin, 'no Electron binary on this machine (it cannot be downloaded here)');
  const app = await electron.launch({
    executablePath: bin,
    args: [ROOT],
    env: {
      ...process.env,
      CARDDESK_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'carddesk-electron-')),
      CARDDESK_SQLITE_BINDING: ensureElectronSqlite() ?? '',
      LANG: 'en_US.UTF-8',
    },
  });
  try {
    await smokeSteps(await app.firstWindow(), 'electron-counter.png');
  } finally {
    await app.close();
  }
});

test('the Electron smoke steps, in the browser host', async ({ page, terminal }) => {
  await page.goto(terminal.url);
  await smokeSteps(page, 'electron-smoke-steps-browser.png');
});
