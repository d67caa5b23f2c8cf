/**
 * Smoke test of the real Electron shell: open the window, look a code up, switch language.
 * Skipped (and reported as skipped, not passed) where no Electron binary is installed.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { electronBinary } from '../../scripts/electron-binary.cjs';
import { ensureElectronSqlite } from '../../scripts/native-sqlite.cjs';
import { ROOT, SCREENSHOTS } from './fixtures';

const bin = electronBinary();

test('the Electron window opens and looks a code up', async () => {
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
    const page = await app.firstWindow();
    const scan = page.getByLabel(/Scan or type a code|扫码或输入券码/);
    await scan.fill('123456789012');
    await scan.press('Enter');
    await expect(page.getByTestId('verdict-code')).toHaveText('123456789012');
    await page.getByLabel(/Language|语言/).selectOption('en');
    await expect(page.getByLabel('Scan or type a code')).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'electron-counter.png') });
  } finally {
    await app.close();
  }
});
