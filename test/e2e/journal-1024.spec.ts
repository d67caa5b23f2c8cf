/**
 * The journal on a 1024x768 till, in Chinese: at least ten rows in the window at once and
 * every column whole (the duration column was cut off), with the filters one button away.
 */
import path from 'node:path';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

test('the journal shows ten rows and every column at 1024x768', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await page.getByLabel(/Language|语言/).selectOption('zh-CN');
  await signIn(page, MANAGER);
  // A dozen lookups: more records than the window holds.
  const scan = page.getByLabel('扫码或输入券码');
  for (let i = 0; i < 12; i++) {
    await scan.fill(`1000000000${String(i).padStart(2, '0')}`);
    await scan.press('Enter');
    await expect(page.getByTestId('verdict-code')).toHaveText(
      `1000000000${String(i).padStart(2, '0')}`,
    );
  }

  // The back office's calls are journalled too, under names a supervisor reads.
  await page.getByRole('link', { name: '后台管理', exact: true }).click();
  await expect(page.getByTestId('cards-table').locator('[data-status]').first()).toBeVisible();

  await page.getByRole('link', { name: '日志', exact: true }).click();
  await expect(page.getByTestId('journal-row').nth(11)).toBeAttached();
  const layout = await page.evaluate(() => {
    const inWindow = (r: DOMRect) =>
      r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
    const rows = [...document.querySelectorAll('[data-testid="journal-row"]')];
    const headers = [...document.querySelectorAll('.journal-head [role="columnheader"]')];
    return {
      rowsInWindow: rows.filter((r) => inWindow(r.getBoundingClientRect())).length,
      headers: headers.map((h) => ({
        text: h.textContent ?? '',
        inWindow: inWindow(h.getBoundingClientRect()),
        cut: h.scrollWidth > h.clientWidth + 1,
      })),
      durationsInWindow: [...document.querySelectorAll('.journal-row .col-duration_ms')]
        .slice(0, 10)
        .every((c) => inWindow(c.getBoundingClientRect())),
      sideways: document.documentElement.scrollWidth - window.innerWidth,
    };
  });
  expect(layout.rowsInWindow).toBeGreaterThanOrEqual(10);
  expect(layout.headers).toHaveLength(8);
  expect(layout.headers.filter((h) => !h.inWindow || h.cut)).toEqual([]);
  expect(layout.durationsInWindow).toBe(true);
  expect(layout.sideways).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'journal-zh-1024.png') });
  const actions = await page.locator('.journal-row .col-action').allInnerTexts();
  expect(actions).toContain('查看卡券列表');
  expect(actions.filter((a) => /[A-Za-z_]{3,}/.test(a))).toEqual([]);

  // The filters are one button away, and still work.
  await page.getByRole('button', { name: /更多筛选/ }).click();
  await page.getByLabel('券码开头').fill('100000000003');
  await page.getByLabel('券码开头').press('Enter');
  await expect(page.getByTestId('journal-row')).toHaveCount(1);
  await expect(page.getByRole('button', { name: /更多筛选（已用 1 项）/ })).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'journal-zh-1024-filters.png') });
});
