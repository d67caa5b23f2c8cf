/**
 * The demo codes screen as a trainer uses it, in Chinese at 1024x768: a loading state while the
 * list comes, each code's expected verdict from what it is now (a code not valid yet is "not
 * valid yet", not "redeemable"), notes in the operator's language, and a redeemed code
 * shown as redeemed when the screen is opened again.
 */
import path from 'node:path';
import { listDemoCodes } from '../../electron/sandbox';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

test('demo codes say what each code is now, in Chinese, with a loading state', async ({
  page,
  readyTerminal,
}) => {
  const sim = readyTerminal.sandbox.sim;
  const codes = listDemoCodes(sim.seed, sim.clock.now());
  const notYet = codes.find((c) => c.status === 'NORMAL' && c.position === 'before');
  const redeemable = codes.find(
    (c) => c.redeemable && !c.use_custom_code && c.weekdays.length === 0,
  );
  expect(notYet, 'the seed has a code not valid yet').toBeDefined();
  expect(redeemable).toBeDefined();

  await page.goto(readyTerminal.url);
  await page.getByLabel(/Language|语言/).selectOption('zh-CN');
  await signIn(page, MANAGER);

  // The list is slow to come: the screen says it is loading instead of sitting blank.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/listDemoCodes', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole('link', { name: '演示券码' }).click();
  await expect(page.getByTestId('demo-loading')).toHaveText('正在加载演示券码…');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-codes-loading-zh-1024.png') });
  release();
  await expect(page.getByTestId('demo-loading')).toHaveCount(0);

  const card = (code: string) => page.locator(`[data-testid="demo-card"][data-code="${code}"]`);
  const early = card(notYet!.code);
  await expect(early).toHaveAttribute('data-expect', 'not_yet_valid');
  await expect(early.locator('.demo-expect')).toHaveText('→ 尚未生效');
  await expect(early.locator('.demo-expect')).toHaveClass(/tone-reject/);
  await expect(early.locator('small')).toContainText('起生效');
  await expect(card(redeemable!.code).locator('.demo-expect')).toHaveText('→ 可以核销');
  await expect(page.locator('[data-testid="demo-card"] img').first()).toBeVisible();
  // Notes are in Chinese: no English words outside the card titles (merchant data).
  const notes = await page.locator('[data-testid="demo-card"] small').allInnerTexts();
  expect(notes.filter((n) => /[A-Za-z]{3,}/.test(n))).toEqual([]);
  await early.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-codes-states-zh-1024.png') });

  // Redeem one at the counter; back on the demo codes it is redeemed, not "redeemable".
  await page.unroute('**/api/listDemoCodes');
  await page.getByRole('link', { name: '收银台', exact: true }).click();
  const scan = page.getByLabel('扫码或输入券码');
  await scan.fill(redeemable!.code);
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('可以核销');
  await scan.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('核销成功');
  await page.getByRole('link', { name: '演示券码' }).click();
  const used = card(redeemable!.code);
  await expect(used).toHaveAttribute('data-expect', 'already_redeemed');
  await expect(used.locator('.demo-expect')).toHaveText('→ 已核销');
  await expect(used).not.toContainText('可以核销');
  await used.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-codes-redeemed-zh-1024.png') });
});

test('"Try at the counter" on a demo code opens the counter with it looked up', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await page.getByLabel(/Language|语言/).selectOption('zh-CN');
  await signIn(page, MANAGER);
  await page.getByRole('link', { name: '演示券码' }).click();
  await page.getByRole('link', { name: '在收银台查询 174551011028' }).click();
  await expect(page.getByTestId('verdict-code')).toContainText('174551011028');
  await expect(page.getByTestId('verdict-word')).toHaveText('可以核销');
  await expect(page).toHaveURL(/#\/counter$/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-try-at-counter-zh-1024.png') });
  // Once: a reload does not look it up again.
  await page.reload();
  await expect(page.getByText('请扫下一张券')).toBeVisible();
});
