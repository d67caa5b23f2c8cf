/**
 * Issue 18, "the card editor", in zh-CN at 1024x768: the sticky "changes to submit" panel
 * never covers the field with the error, the success message says in words whether the card
 * went back to review (no raw `send_check: true`), and a stock change and a custom code change
 * are confirmed in a second step before anything is sent.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, MANAGER, SCREENSHOTS, signIn, test, type Terminal } from './fixtures';

const CASH_100 = 'pSBXrx-maWq86um_moXe_HJAlz_6'; // 满100减10元代金券
const CASH_50 = 'pSBX697EoODa78tHncL8vrD2YgCL'; // 50元无门槛券, 993 of 1000
const CUSTOM = 'pSBXMYRCBl1ifCv12j1cNZuJGQq-'; // 自定义码20元券

async function openCard(page: Page, t: Terminal, cardId: string, action: string) {
  await page.goto(`${t.url}#/office?view=card&id=${cardId}&action=${action}`);
  await expect(page.getByTestId('card-id')).toHaveText(cardId);
}

/** How many pixels of `a` the element `b` covers, as the page shows them now. */
async function overlap(page: Page, a: string, b: string): Promise<number> {
  return page.evaluate(
    ([sa, sb]) => {
      const ra = document.querySelector(sa!)!.getBoundingClientRect();
      const rb = document.querySelector(sb!)!.getBoundingClientRect();
      const w = Math.max(0, Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left));
      const h = Math.max(0, Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top));
      return w * h;
    },
    [a, b],
  );
}

test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

test('the card editor: errors stay in sight, review in words, stock and code confirmed', async ({
  browser,
  readyTerminal: t,
}) => {
  const sim = t.sandbox.sim;
  const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });
  await page.goto(t.url);
  await signIn(page, MANAGER);
  await openCard(page, t, CASH_100, 'edit');

  // Many changes (a tall panel), then an error in a field: the panel must not cover it.
  await page.locator('#edit-service_phone').fill('021-55501234');
  await page.locator('#edit-custom_url_name').fill('会员中心');
  await page.locator('#edit-custom_url').fill('https://example.com/member');
  await page.locator('#edit-description').fill('每张订单限用一张');
  await page.locator('#edit-notice').fill('结账时请向收银员出示此二维码谢谢合作');
  const error = page.getByTestId('edit-notice-error');
  await expect(error).toBeVisible();
  await page.locator('#edit-notice').focus();
  await error.scrollIntoViewIfNeeded();
  expect(
    await overlap(page, '[data-testid="edit-notice-error"]', '[data-testid="edit-summary"]'),
  ).toBe(0);
  expect(await overlap(page, '#edit-notice', '[data-testid="edit-summary"]')).toBe(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'card-editor-error-zh-1024.png') });

  // A review field: the result says so in words, never `send_check: true`.
  await page.locator('#edit-notice').fill('结账前出示二维码');
  await page.locator('.review-warning input[type="checkbox"]').check();
  await page.getByRole('button', { name: '提交修改并送审' }).click();
  const result = page.getByTestId('edit-result');
  await expect(result).toHaveAttribute('data-send-check', 'true');
  await expect(result).toContainText('重新送审');
  await expect(result).not.toContainText('send_check');
  await result.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'card-editor-review-zh-1024.png') });

  // Stock: the change in numbers, then a deliberate confirmation; Enter sends nothing.
  await openCard(page, t, CASH_50, 'stock');
  await page.locator('#stock-amount').fill('7');
  await page.getByRole('button', { name: '增加 7' }).click();
  const stock = page.getByTestId('stock-confirm');
  await expect(stock).toContainText('993 → 1,000');
  await page.keyboard.press('Enter');
  expect(sim.callCount('/card/modifystock')).toBe(0);
  await expect(stock.getByRole('button', { name: '确认发送：增加 7' })).toBeDisabled();
  await stock.getByRole('checkbox').check();
  await stock.getByRole('button', { name: '确认发送：增加 7' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'stock-confirm-zh-1024.png') });
  await stock.getByRole('button', { name: '确认发送：增加 7' }).click();
  await expect(page.getByTestId('stock-result')).toContainText('993 → 1,000');
  expect(sim.callCount('/card/modifystock')).toBe(1);

  // Custom code: said what cannot be undone; "back" sends nothing.
  await openCard(page, t, CUSTOM, 'code');
  await page.locator('#old-code').fill('428653249747');
  await page.getByRole('button', { name: '核对券码' }).click();
  await expect(page.getByTestId('code-status')).toBeVisible();
  await page.locator('#new-code').fill('GIFT-2026-0002');
  await page.getByRole('button', { name: '更改券码' }).click();
  const code = page.getByTestId('code-confirm');
  await expect(code).toContainText('旧券码无法恢复');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'code-confirm-zh-1024.png') });
  await code.getByRole('button', { name: '返回' }).click();
  await expect(code).toHaveCount(0);
  expect(sim.callCount('/card/code/update')).toBe(0);
  await page.getByRole('button', { name: '更改券码' }).click();
  await code.getByRole('checkbox').check();
  await code.getByRole('button', { name: '将 428653249747 改为 GIFT-2026-0002' }).click();
  await expect(page.getByTestId('code-result')).toContainText('GIFT-2026-0002');
  expect(sim.callCount('/card/code/update')).toBe(1);
  await page.close();
});
