/**
 * The first-run wizard in the browser host: from a fresh terminal to the first scan, in
 * English and in Chinese, and the wizard refusing what the host would refuse.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import i18next from 'i18next';
import { resources } from '../../shared/i18n';
import { expect, SCREENSHOTS, test } from './fixtures';
import { walkWizard } from './wizard';

const i18n = i18next.createInstance();
void i18n.init({ resources, lng: 'en', interpolation: { escapeValue: false } });
/** The text the user sees for a message key, so the tests follow the wording. */
const msg = (key: string, lng: 'en' | 'zh-CN' = 'en', params: Record<string, unknown> = {}) =>
  i18n.t(key, { lng, ...params });

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });

/** The verdict area answers: neither empty, nor "ready", nor "checking". */
async function expectAnswer(page: Page, lng: 'en' | 'zh-CN') {
  const verdict = page.getByTestId('verdict');
  await expect(verdict).not.toHaveText(
    new RegExp(`^(${msg('ui.counter.ready', lng)}|${msg('ui.counter.checking', lng)})$`),
  );
  await expect(verdict).toHaveText(/\S/);
}

test('wizard to first scan, in English, in Sandbox mode', async ({ page, terminal }) => {
  await page.goto(terminal.url);
  await expect(page.getByRole('heading', { name: 'Set up this terminal' })).toBeVisible();
  const progress = page.getByTestId('wizard-progress');
  await expect(progress).toHaveText('Step 1 of 3');
  // The first field of the step has the focus: the language, English from the OS locale.
  await expect(page.getByRole('radio', { name: 'English' })).toBeFocused();
  await expect(page.getByRole('radio', { name: 'English' })).toBeChecked();

  await page.getByLabel('Terminal name').fill('Front counter 1');
  await page.getByLabel('Terminal id').fill('T-07');
  await page.getByLabel('Store name').fill("Jing'an Store");
  await page.getByLabel('WeChat store id (poi_id, optional)').fill('465512345');
  await shot(page, 'wizard-1-terminal-en.png');
  await page.getByLabel('Store name').press('Enter'); // Enter advances

  await expect(progress).toHaveText('Step 2 of 3');
  await expect(page.getByRole('heading', { name: 'Connection to WeChat' })).toBeVisible();
  const sandbox = page.getByRole('radio', { name: /^Sandbox/ });
  await expect(sandbox).toBeChecked();
  await expect(sandbox).toBeFocused();
  await expect(page.getByText('Built-in simulator with demo cards and codes')).toBeVisible();
  await shot(page, 'wizard-2-connection-en.png');

  // Live: the providers, the classic-token warning, and "Test connection".
  await page.getByRole('radio', { name: /^Live/ }).check();
  await expect(page.getByRole('radio', { name: /^Stable token \(recommended\)/ })).toBeChecked();
  await page.getByRole('radio', { name: /^Classic token/ }).check();
  await expect(page.getByTestId('classic-warning')).toContainText('knocks the others out');
  await page.getByLabel('AppID', { exact: true }).fill('wx0123456789abcdef');
  await page.getByLabel('AppSecret', { exact: true }).fill('not-a-real-secret-0123456789');
  await expect(page.getByLabel('AppSecret', { exact: true })).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Test connection' }).click();
  // Whatever the host answers (its WeChat token fetch is being built), the page shows it.
  await expect(page.getByTestId('test-connection-result')).toContainText(
    /^✓ Connected\.|^✗ Not connected\./,
    { timeout: 30_000 },
  );
  await expect(page.getByTestId('test-connection-result')).toContainText(/took \d+ ms/);
  await shot(page, 'wizard-2-live-en.png');
  await page.getByRole('radio', { name: /^Central token service/ }).check();
  await expect(page.getByLabel('Token service URL')).toBeVisible();
  await expect(page.getByLabel('AppSecret', { exact: true })).toHaveCount(0);
  await shot(page, 'wizard-2-token-service-en.png');

  // Back to Sandbox for this terminal; Back and Next keep what was typed.
  await sandbox.check();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(progress).toHaveText('Step 1 of 3');
  await expect(page.getByLabel('Terminal name')).toHaveValue('Front counter 1');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(progress).toHaveText('Step 3 of 3');
  await expect(page.getByLabel('Operator id')).toBeFocused();
  await page.getByLabel('Operator id').fill('mgr');
  await page.getByLabel('Name').fill('Li Na');
  await page.getByLabel('PIN', { exact: true }).fill('482913');
  await page.getByLabel('Repeat the PIN').fill('482913');
  await shot(page, 'wizard-3-manager-en.png');
  await page.getByLabel('Repeat the PIN').press('Enter');

  // Signed in as the manager, at the counter, with the terminal's name in the top bar.
  await expect(page.getByTestId('operator-name')).toContainText('Li Na');
  await expect(page.getByTestId('operator-name')).toContainText('Manager');
  await expect(page.locator('.topbar')).toContainText('Front counter 1');
  await expect(page.locator('.topbar')).toContainText("Jing'an Store");
  await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
  const scan = page.getByLabel('Scan or type a code');
  await expect(scan).toBeFocused();
  await scan.fill('178847660332');
  await scan.press('Enter');
  await expectAnswer(page, 'en');
  await shot(page, 'wizard-done-counter-en.png');
});

test('wizard to first scan, in Chinese', async ({ page, terminal }) => {
  await page.goto(terminal.url);
  await expect(page.getByRole('heading', { name: 'Set up this terminal' })).toBeVisible();
  // Choosing the language switches the wizard at once (the walk expects the Chinese title).
  await walkWizard(
    page,
    {
      language: 'zh-CN',
      terminalName: '前台收银 1',
      terminalId: 'SH-01',
      storeName: '徐汇店',
      manager: { id: 'wang', name: '王丽', pin: '2468' },
    },
    {
      atStep: async (step) => {
        if (step === 'terminal') await shot(page, 'wizard-1-terminal-zh.png');
        if (step === 'connection') {
          await page.getByRole('radio', { name: /^正式模式/ }).check();
          await page.getByRole('radio', { name: /^普通令牌/ }).check();
          await expect(page.getByTestId('classic-warning')).toContainText('互相“挤掉”');
          await shot(page, 'wizard-2-live-zh.png');
        }
        if (step === 'manager') await shot(page, 'wizard-3-manager-zh.png');
      },
    },
  );
  const scan = page.getByLabel(msg('ui.counter.scanLabel', 'zh-CN'));
  await expect(scan).toBeFocused();
  await scan.fill('999999999999');
  await scan.press('Enter');
  await expectAnswer(page, 'zh-CN');
  await shot(page, 'wizard-done-counter-zh.png');
  // The terminal was set up in Chinese, and stays so after a reload.
  await page.reload();
  await expect(page.getByLabel(msg('ui.counter.scanLabel', 'zh-CN'))).toBeVisible();
});

test('the wizard shows field errors and does not advance past them', async ({ page, terminal }) => {
  await page.goto(terminal.url);
  const progress = page.getByTestId('wizard-progress');

  // Step 1: only the suggested name and id filled in, then a bad terminal id and store id.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(progress).toHaveText('Step 1 of 3');
  await expect(page.getByLabel('Store name')).toHaveAccessibleDescription(/Fill this in\./);
  await expect(page.getByLabel('Store name')).toBeFocused();
  await page.getByLabel('Terminal name').fill('Counter 2');
  await page.getByLabel('Terminal id').fill('T 02!');
  await page.getByLabel('Store name').fill('Pudong Store');
  await page.getByLabel('WeChat store id (poi_id, optional)').fill('12ab');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(progress).toHaveText('Step 1 of 3');
  await expect(page.getByText('Use letters, digits, - and _ only, at most 32.')).toBeVisible();
  await expect(page.getByText('A store id is a number, like 465512345.')).toBeVisible();
  await expect(page.getByLabel('Terminal id')).toBeFocused();
  await shot(page, 'wizard-errors-1-en.png');
  await page.getByLabel('Terminal id').fill('T-02');
  await page.getByLabel('WeChat store id (poi_id, optional)').fill('');
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 2: Live without its credentials.
  await expect(progress).toHaveText('Step 2 of 3');
  await page.getByRole('radio', { name: /^Live/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(progress).toHaveText('Step 2 of 3');
  await expect(page.getByText('Live mode needs the AppID.')).toBeVisible();
  await expect(page.getByText('Live mode needs the AppSecret.')).toBeVisible();
  await page.getByLabel('AppID', { exact: true }).fill('wx123');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('An AppID is wx followed by 16 letters or digits.')).toBeVisible();
  await shot(page, 'wizard-errors-2-en.png');
  await page.getByRole('radio', { name: /^Sandbox/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 3: a 3-digit PIN, then two different PINs.
  await expect(progress).toHaveText('Step 3 of 3');
  await page.getByLabel('Operator id').fill('boss');
  await page.getByLabel('Name').fill('Wang Li');
  await page.getByLabel('PIN', { exact: true }).fill('123');
  await page.getByLabel('Repeat the PIN').fill('123');
  await page.getByRole('button', { name: 'Finish and sign in' }).click();
  await expect(page.getByLabel('PIN', { exact: true })).toHaveAccessibleDescription(
    /A PIN is 4 to 8 digits\./,
  );
  await expect(page.getByLabel('PIN', { exact: true })).toBeFocused();
  await expect(progress).toHaveText('Step 3 of 3');

  await page.getByLabel('PIN', { exact: true }).fill('1234');
  await page.getByLabel('Repeat the PIN').fill('1243');
  await page.getByLabel('Repeat the PIN').press('Enter');
  await expect(page.getByText('The two PINs differ. Type the same PIN twice.')).toBeVisible();
  await expect(page.getByText('A PIN is 4 to 8 digits.')).toHaveCount(0);
  await expect(progress).toHaveText('Step 3 of 3');
  await shot(page, 'wizard-errors-3-en.png');
  // Still not set up: a reload shows the wizard again.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Set up this terminal' })).toBeVisible();
});
