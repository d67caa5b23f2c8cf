import path from 'node:path';
import { CASHIER, expect, SCREENSHOTS, signIn, test } from './fixtures';

test('a cashier signs in, looks a typed code up, and switches the language', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await expect(page.getByTestId('operator-name')).toContainText(CASHIER.name);
  const scan = page.getByLabel('Scan or type a code');
  await expect(scan).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'SANDBOX' })).toBeVisible();

  await scan.fill('  123456789012 ');
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-code')).toHaveText('123456789012');
  await expect(scan).toHaveValue('');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-en.png') });

  const word = page.getByTestId('verdict-word');
  const hint = page.getByTestId('verdict-hint');
  await expect(word).toHaveText(/^[\x20-\x7e]+$/);
  const english = { word: await word.textContent(), hint: await hint.textContent() };

  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByLabel('扫码或输入券码')).toBeVisible();
  // The verdict on screen follows the language too.
  await expect(word).toHaveText(/[\u4e00-\u9fff]/);
  await expect(hint).toHaveText(/[\u4e00-\u9fff]/);
  await expect(word).not.toHaveText(english.word ?? '');
  await expect(hint).not.toHaveText(english.hint ?? '');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-zh.png') });

  // The choice survives a reload, and so does the session (same tab).
  await page.reload();
  await expect(page.getByLabel('扫码或输入券码')).toBeVisible();
});

test('invalid input is refused with a clear error before any service runs', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  const scan = page.getByLabel('Scan or type a code');
  await scan.fill('9'.repeat(600));
  await scan.press('Enter');
  await expect(page.getByRole('alert')).toContainText('The request was not valid');
  await expect(page.getByRole('alert')).toContainText('too long to be a code');
});

test('before set-up the page picks Chinese from a Chinese OS locale', async ({
  browser,
  terminal,
}) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(terminal.url);
  await expect(page.getByRole('heading', { level: 1, name: '设置本终端' })).toBeVisible();
  await context.close();
});

test('another local web page cannot drive the terminal', async ({ page, terminal, request }) => {
  // A page without the per-launch secret (any other site or local page) is refused.
  const noSecret = await request.post(`${terminal.url}api/getSetupState`, {
    data: {},
    headers: { 'x-carddesk-client': 'attacker-01' },
  });
  expect(noSecret.status()).toBe(403);
  // A foreign Host header (DNS rebinding) is refused even for the page itself.
  const rebound = await request.get(terminal.url, {
    headers: { host: `evil.example:${terminal.host.port}` },
  });
  expect(rebound.status()).toBe(421);
  // The real page works.
  await page.goto(terminal.url);
  await expect(page.locator('#root')).not.toBeEmpty();
});

test('a wrong PIN is refused with a clear message', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await signIn(page, { id: CASHIER.id, pin: '0000' });
  await expect(page.getByRole('alert')).toHaveText('Operator id or PIN is wrong. Try again.');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'signin-error.png') });
});
