/**
 * The manager's settings in the browser host: sections saved and kept, operators managed,
 * secrets write-only, a cashier kept out, a damaged or missing settings file explained, and
 * the rules for moving an endpoint (https, a confirmation, the secret typed again).
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import i18next from 'i18next';
import { resources } from '../../shared/i18n';
import {
  CASHIER,
  expect,
  MANAGER,
  SCREENSHOTS,
  setUpTerminal,
  signIn,
  startTerminal,
  stopTerminal,
  test,
  fromOperatorMenu,
} from './fixtures';

const i18n = i18next.createInstance();
void i18n.init({ resources, lng: 'en', interpolation: { escapeValue: false } });
const msg = (key: string, params: Record<string, unknown> = {}) => i18n.t(key, params);

/** A full-page screenshot, from the top (so the section list sits where a manager sees it). */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

const sectionNav = (page: Page) => page.getByRole('navigation', { name: 'Settings sections' });

/** Opens a section from the settings' own navigation, as a manager would. */
async function openSection(page: Page, name: string, opts: { discard?: boolean } = {}) {
  await sectionNav(page).getByRole('link', { name, exact: true }).click();
  // Unsaved edits are never thrown away silently (issue 18): the test says when it discards.
  if (opts.discard) await page.getByRole('button', { name: 'Discard changes and leave' }).click();
  await expect(page.getByRole('heading', { level: 2, name, exact: true })).toBeVisible();
}

async function openSettings(page: Page, url: string) {
  await page.goto(url);
  await signIn(page, MANAGER);
  await expect(page.getByTestId('operator-name')).toContainText(MANAGER.name);
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
}

test('a manager changes the scan mode and the idle lock, and they are kept', async ({
  page,
  readyTerminal,
}) => {
  await openSettings(page, readyTerminal.url);
  const saveState = page.getByTestId('save-state');

  await openSection(page, 'Counter');
  await expect(page).toHaveURL(/#\/settings\?section=counter$/);
  await expect(page.getByRole('radio', { name: /^Redeem on Enter/ })).toBeChecked();
  await page.getByRole('radio', { name: /^Check only/ }).check();
  await expect(saveState).toHaveText('Unsaved changes');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(saveState).toHaveText('✓ Saved');

  await openSection(page, 'Security');
  await page.getByLabel('Lock after idle').fill('5');
  await page.getByLabel('Lock after idle').press('Enter'); // Enter saves
  await expect(saveState).toHaveText('✓ Saved');

  // Out of range: refused on the page, with the range in words.
  await page.getByLabel('Lock after idle').fill('500');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByLabel('Lock after idle')).toHaveAccessibleDescription(
    /Enter 240 or less\./,
  );
  await expect(saveState).toHaveText('Unsaved changes');

  await page.reload();
  await expect(page.getByLabel('Lock after idle')).toHaveValue('5');
  await openSection(page, 'Counter');
  await expect(page.getByRole('radio', { name: /^Check only/ })).toBeChecked();
  const config = await readyTerminal.services.services.getTerminalConfig({}, { clientId: 'x' });
  expect(config.scan.mode).toBe('check_only');
  expect(config.idleLockMinutes).toBe(5);
});

test('a manager adds a cashier, changes the role, resets the PIN and disables them', async ({
  page,
  readyTerminal,
}) => {
  await openSettings(page, readyTerminal.url);
  await openSection(page, 'Operators');
  const table = page.getByRole('table');
  await expect(table).toContainText(CASHIER.name);
  await expect(table.getByRole('row', { name: new RegExp(`^${MANAGER.id} `) })).toContainText(
    '(you)',
  );

  const add = page.getByRole('form', { name: 'Add an operator' });
  await add.getByLabel('Operator id').fill('bob');
  await add.getByLabel('Name').fill('Bob Li');
  await add.getByLabel('Role').selectOption('cashier');
  await add.getByLabel('PIN', { exact: true }).fill('1111');
  await add.getByLabel('Repeat the PIN').fill('1112');
  await add.getByRole('button', { name: 'Add operator' }).click();
  await expect(add.getByText('The two PINs differ.')).toBeVisible();
  await add.getByLabel('Repeat the PIN').fill('1111');
  await add.getByRole('button', { name: 'Add operator' }).click();
  await expect(page.getByTestId('operators-message')).toHaveText('✓ Bob Li added as Cashier.');
  const bob = table.getByRole('row', { name: /^bob Bob Li/ });
  await expect(bob).toContainText('Active');
  await expect(add.getByLabel('Operator id')).toHaveValue('');

  // An id that exists: the host says so.
  await add.getByLabel('Operator id').fill('bob');
  await add.getByLabel('Name').fill('Another Bob');
  await add.getByLabel('PIN', { exact: true }).fill('2222');
  await add.getByLabel('Repeat the PIN').fill('2222');
  await add.getByRole('button', { name: 'Add operator' }).click();
  await expect(page.getByRole('alert')).toContainText(msg('errors.operator_exists', { id: 'bob' }));

  await page.getByRole('button', { name: 'Change the role of Bob Li' }).click();
  await page.getByLabel('New role for Bob Li').selectOption('supervisor');
  await page.getByRole('button', { name: 'Save role' }).click();
  await expect(page.getByTestId('operators-message')).toHaveText('✓ Bob Li is now Supervisor.');
  await expect(bob).toContainText('Supervisor');

  await page.getByRole('button', { name: 'Reset the PIN of Bob Li' }).click();
  const reset = page.getByRole('form', { name: 'New PIN for Bob Li.' });
  await expect(reset.getByLabel('New PIN')).toBeFocused();
  await reset.getByLabel('New PIN').fill('24');
  await reset.getByRole('button', { name: 'Save PIN' }).click();
  await expect(reset.getByLabel('New PIN')).toHaveAccessibleDescription(/A PIN is 4 to 8 digits\./);
  await reset.getByLabel('New PIN').fill('97531');
  await reset.getByLabel('Repeat the PIN').fill('97531');
  await reset.getByRole('button', { name: 'Save PIN' }).click();
  await expect(page.getByTestId('operators-message')).toHaveText('✓ New PIN saved for Bob Li.');

  // Disabling asks first, in a box that looks dangerous; Cancel leaves Bob active.
  await page.getByRole('button', { name: 'Disable Bob Li' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Disable Bob Li (bob)? They can no longer sign in.');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await shot(page, 'settings-operators-disable-en.png');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(bob).toContainText('Active');
  await page.getByRole('button', { name: 'Disable Bob Li' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Disable Bob Li' }).click();
  await expect(page.getByTestId('operators-message')).toHaveText('✓ Bob Li is disabled.');
  await expect(bob).toContainText('Disabled');
  await expect(page.getByRole('button', { name: 'Enable Bob Li' })).toBeVisible();
  // The manager cannot disable themselves from here.
  await expect(page.getByRole('button', { name: `Disable ${MANAGER.name}` })).toHaveCount(0);

  // Bob, with his new PIN, is refused at sign-in. The refused "Another Bob" is still in the
  // add form: signing out asks before throwing it away.
  await fromOperatorMenu(page, 'Sign out');
  const leave = page.getByRole('alertdialog', { name: 'Leave without saving?' });
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Discard changes and leave' }).click();
  await signIn(page, { id: 'bob', pin: '97531' });
  await expect(page.getByRole('alert')).toHaveText(msg('errors.operator_disabled'));
});

test('secrets are write-only: "set", never shown, never sent back', async ({
  page,
  readyTerminal,
}) => {
  const SECRET = 'Zx9-TopSecret-AppSecret-5f2c71';
  const bodies: string[] = [];
  page.on('response', async (response) => {
    if (!response.url().includes('/api/')) return;
    bodies.push(await response.text().catch(() => ''));
  });

  await openSettings(page, readyTerminal.url);
  await openSection(page, 'Connection');
  await expect(page.getByTestId('secret-storage')).toContainText(
    'encrypted with a key file in the data folder',
  );
  const appSecret = page.getByRole('form', { name: 'AppSecret' });
  await expect(page.getByTestId('secret-state-appSecret')).toHaveText('○ Not set');
  await appSecret.getByLabel('New AppSecret').fill(SECRET);
  await appSecret.getByLabel('New AppSecret').press('Enter');
  await expect(page.getByTestId('secret-state-appSecret')).toHaveText('● Set');
  await expect(appSecret.getByText('AppSecret saved.')).toBeVisible();
  await expect(appSecret.getByLabel('Replace the AppSecret')).toHaveValue('');
  await shot(page, 'settings-connection-secret-set-en.png');

  expect(await page.content()).not.toContain(SECRET);
  await page.reload();
  await expect(page.getByTestId('secret-state-appSecret')).toHaveText('● Set');
  expect(await page.content()).not.toContain(SECRET);

  // Clearing asks first.
  await appSecret.getByRole('button', { name: 'Clear…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Clear the AppSecret?');
  await page.getByRole('button', { name: 'Clear the AppSecret' }).click();
  await expect(page.getByTestId('secret-state-appSecret')).toHaveText('○ Not set');

  expect(bodies.length).toBeGreaterThan(5);
  for (const body of bodies) expect(body).not.toContain(SECRET);
});

test('a cashier has no settings, and the host refuses them anyway', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await expect(page.getByTestId('operator-name')).toContainText(CASHIER.name);
  await expect(page.getByRole('link', { name: 'Counter', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Settings', exact: true })).toHaveCount(0);

  await page.goto(`${readyTerminal.url}#/settings?section=operators`);
  await expect(page.getByLabel('Scan or type a code')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Settings' })).toHaveCount(0);

  // Calling the contract directly from the page, as this cashier: refused.
  const answer = await page.evaluate(async () => {
    const secret = document.querySelector<HTMLMetaElement>('meta[name="carddesk-secret"]')!;
    const response = await fetch('/api/getSettings', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'x-carddesk-secret': secret.content,
        'x-carddesk-client': sessionStorage.getItem('carddesk.clientId') ?? '',
        'x-carddesk-session': sessionStorage.getItem('carddesk.session') ?? '',
      },
      body: '{}',
    });
    return (await response.json()) as { ok: boolean; error?: { key: string } };
  });
  expect(answer).toMatchObject({ ok: false, error: { key: 'errors.role_required_manager' } });
});

test('every section, in English, for the screenshots', async ({ page, readyTerminal }) => {
  await openSettings(page, readyTerminal.url);
  await expect(page.getByRole('heading', { level: 2, name: 'Terminal and store' })).toBeVisible();
  await expect(page.getByLabel('Terminal name')).toHaveValue('Counter 1');
  await shot(page, 'settings-terminal-en.png');

  // Keyboard: the section links are reachable and show where one is.
  await sectionNav(page).getByRole('link', { name: 'Terminal and store' }).focus();
  await page.keyboard.press('Tab');
  await expect(sectionNav(page).getByRole('link', { name: 'Connection' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(
    page.getByRole('heading', { level: 2, name: 'Connection', exact: true }),
  ).toBeVisible();
  await expect(sectionNav(page).getByRole('link', { name: 'Connection' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await shot(page, 'settings-connection-en.png');
  await page.getByRole('radio', { name: /^Live/ }).check();
  await page.getByLabel('AppID', { exact: true }).fill('wx0123456789abcdef');
  await expect(page.getByTestId('secret-missing')).toContainText('Live mode needs the AppSecret');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('test-connection-result')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'settings-connection-live-en.png');

  // The Live edit is not saved: leaving asks first (issue 18), and this test discards it.
  await sectionNav(page).getByRole('link', { name: 'Counter', exact: true }).click();
  await page.getByRole('button', { name: 'Discard changes and leave' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Counter', exact: true })).toBeVisible();
  await shot(page, 'settings-counter-en.png');
  // No format ticked while the camera is on: refused with what to do.
  for (const name of ['QR code', 'Code 128']) await page.getByLabel(name).uncheck();
  await page.getByLabel('Repeat-scan pause').fill('45');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Choose at least one, or turn the camera off.')).toBeVisible();
  await expect(page.getByLabel('Repeat-scan pause')).toHaveAccessibleDescription(
    /Enter 0 to 30 seconds\./,
  );
  await shot(page, 'settings-counter-errors-en.png');

  await openSection(page, 'Sounds', { discard: true });
  await page.getByRole('slider', { name: 'Volume' }).fill('40');
  await expect(page.getByText('40 %')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('save-state')).toHaveText('✓ Saved');
  await shot(page, 'settings-sounds-en.png');

  await openSection(page, 'Security');
  await shot(page, 'settings-security-en.png');

  await openSection(page, 'Custom-code cards');
  await expect(page.getByText('No card ids yet.')).toBeVisible();
  await page
    .getByLabel('Add card ids')
    .fill(
      'pFS7Fjg8kV1IdDz01r4SQwMkuCKc\npFS7Fjg8kV1IdDz01r4SQwMkuCKc\n  pFS7FjhXr8qLp2u9T0wV3bYcZ1aE  ',
    );
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(
    page.getByText('pFS7Fjg8kV1IdDz01r4SQwMkuCKc is already in the list.'),
  ).toBeVisible();
  await expect(page.getByTestId('card-id-list').getByRole('listitem')).toHaveCount(2);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('save-state')).toHaveText('✓ Saved');
  await shot(page, 'settings-card-ids-en.png');
  await page.getByRole('button', { name: 'Remove pFS7FjhXr8qLp2u9T0wV3bYcZ1aE' }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('save-state')).toHaveText('✓ Saved');
  await page.reload();
  await expect(page.getByTestId('card-id-list').getByRole('listitem')).toHaveCount(1);

  await openSection(page, 'Operators');
  await page.getByRole('button', { name: `Reset the PIN of ${CASHIER.name}` }).click();
  await shot(page, 'settings-operators-en.png');

  // The same screen in Chinese, for the labels' length.
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { level: 1, name: '设置' })).toBeVisible();
  await shot(page, 'settings-operators-zh.png');
  const zhNav = page.getByRole('navigation', { name: '设置分类' });
  await zhNav.getByRole('link', { name: '收银台' }).click();
  await expect(page.getByRole('radio', { name: /^回车核销/ })).toBeChecked();
  await shot(page, 'settings-counter-zh.png');
  await zhNav.getByRole('link', { name: '连接' }).click();
  await page.getByRole('radio', { name: /^正式模式/ }).check();
  await shot(page, 'settings-connection-zh.png');
});

test('a damaged settings file is explained, and saving repairs it', async ({ page }) => {
  const first = await startTerminal();
  await setUpTerminal(first);
  await stopTerminal(first, { data: true });
  writeFileSync(path.join(first.dataDir, 'settings.json'), '{"version": 1, "terminal": ');
  const t = await startTerminal({ dataDir: first.dataDir });
  try {
    await openSettings(page, t.url);
    const problem = page.getByTestId('settings-problem');
    await expect(problem).toContainText('The settings file could not be read.');
    await expect(problem).toContainText('Go through each section and save it');
    await shot(page, 'settings-problem-en.png');

    await page.getByLabel('Terminal name').fill('Counter 1');
    await page.getByLabel('Terminal id').fill('T-01');
    await page.getByLabel('Store name').fill('Xuhui Store');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByTestId('save-state')).toHaveText('✓ Saved');
    await expect(problem).toHaveCount(0);
    await expect(page.locator('.topbar')).toContainText('Counter 1 · Xuhui Store');
  } finally {
    await stopTerminal(t);
  }
});

test('moving the API address: https only, a confirmation, and the AppSecret typed again', async ({
  page,
  readyTerminal,
}) => {
  await openSettings(page, readyTerminal.url);
  await openSection(page, 'Connection');
  const form = page.getByRole('form', { name: 'Connection' });
  const save = form.getByRole('button', { name: 'Save', exact: true });
  // Live mode with an AppSecret, entered for WeChat's own address: nothing more to confirm.
  const appSecret = page.getByRole('form', { name: 'AppSecret' });
  await appSecret.getByLabel('New AppSecret').fill('First-AppSecret-0123456789');
  await appSecret.getByLabel('New AppSecret').press('Enter');
  await expect(page.getByTestId('secret-state-appSecret')).toHaveText('● Set');
  await form.getByRole('radio', { name: /^Live/ }).check();
  await form.getByLabel('AppID', { exact: true }).fill('wx0123456789abcdef');
  await save.click();
  await expect(form.getByTestId('save-state')).toHaveText('✓ Saved');

  // Plain http to another computer: refused on the page, as the host would.
  const baseUrl = form.getByLabel('WeChat API address');
  await baseUrl.fill('http://proxy.example/wx');
  await save.click();
  await expect(baseUrl).toHaveAccessibleDescription(
    /Live mode needs an address starting with https:\/\//,
  );

  // A proxy over https: the confirmation and the AppSecret again, both required.
  await baseUrl.fill('https://proxy.example/wx');
  const confirm = form.getByLabel(
    "Yes, send this terminal's WeChat requests and access tokens to https://proxy.example/wx instead of WeChat",
  );
  const again = form.getByLabel('AppSecret, again for the new address');
  await expect(again).toHaveAccessibleDescription(/entered for https:\/\/api\.weixin\.qq\.com/);
  await save.click();
  await expect(confirm).toHaveAccessibleDescription(
    /Tick this to use an address other than WeChat/,
  );
  await expect(again).toHaveAccessibleDescription(/Fill this in\./);
  await expect(form.getByTestId('save-state')).toHaveText('Unsaved changes');
  await shot(page, 'settings-connection-proxy-en.png');

  await confirm.check();
  await again.fill('Proxy-AppSecret-0123456789');
  await save.click();
  await expect(form.getByTestId('save-state')).toHaveText('✓ Saved');
  await expect(confirm).toHaveCount(0);
  await expect(again).toHaveCount(0);
  const record = readyTerminal.services.audit.search({ actions: ['settings_change'] }, { limit: 1 })
    .rows[0]!;
  expect(record.detail).toMatchObject({
    confirmed_base_url: 'https://proxy.example/wx',
    typed_again: ['appSecret'],
  });
  expect(JSON.stringify(record)).not.toContain('Proxy-AppSecret');

  // A token service over plain http to another computer is refused as well.
  await form.getByRole('radio', { name: /^Central token service/ }).check();
  await form.getByLabel('Token service URL').fill('http://tokens.example/token');
  await save.click();
  await expect(form.getByLabel('Token service URL')).toHaveAccessibleDescription(
    /Live mode needs an address starting with https:\/\//,
  );

  // The same screen in Chinese.
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { level: 1, name: '设置' })).toBeVisible();
  await page.getByRole('radio', { name: /^稳定版令牌/ }).check();
  await page.getByLabel('微信接口地址').fill('https://proxy2.example');
  await expect(
    page.getByLabel('确认：将本终端的微信请求和访问令牌发送到 https://proxy2.example，而不是微信'),
  ).toBeVisible();
  await expect(page.getByLabel('AppSecret（为新地址重新输入）')).toBeVisible();
  await page
    .getByRole('form', { name: '连接' })
    .getByRole('button', { name: '保存', exact: true })
    .click();
  await expect(page.getByText('使用微信以外的地址须勾选此项。')).toBeVisible();
  await shot(page, 'settings-connection-proxy-zh.png');
});

test('a missing settings file reopens no wizard: the sign-in screen says how to recover', async ({
  page,
}) => {
  const first = await startTerminal();
  await setUpTerminal(first);
  await stopTerminal(first, { data: true });
  renameSync(path.join(first.dataDir, 'settings.json'), path.join(first.dataDir, 'moved.json'));
  const t = await startTerminal({ dataDir: first.dataDir });
  try {
    await page.goto(t.url);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Set up this terminal' })).toHaveCount(0);
    const note = page.getByTestId('setup-recovery');
    await expect(note).toContainText('This terminal was set up before');
    await expect(note).toContainText('Its settings file is missing');
    await expect(note).toContainText(`npm run reset-terminal -- --data-dir "${first.dataDir}"`);
    await shot(page, 'signin-recovery-en.png');
    await page
      .getByLabel('Language')
      .selectOption('zh-CN')
      .catch(() => undefined);

    // The manager signs in (the safe settings speak Chinese), and is told to save them again.
    await signIn(page, MANAGER);
    await expect(page.getByTestId('operator-name')).toContainText(MANAGER.name);
    await page.getByRole('link', { name: /^(Settings|设置)$/ }).click();
    await expect(page.getByTestId('settings-problem')).toContainText('settings.json is missing');
  } finally {
    await stopTerminal(t);
  }
});
