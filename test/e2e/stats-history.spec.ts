/**
 * Issue 18, "also seen": in Sandbox mode the statistics have a plausible history (the demo
 * seed's generated months), not zeros. A manager in zh-CN at 1024x768 opens each report.
 */
import path from 'node:path';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

test('a new user sees months of statistics in Sandbox mode, in every report', async ({
  browser,
  readyTerminal: t,
}) => {
  const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });
  await page.goto(t.url);
  await signIn(page, MANAGER);
  await page.goto(`${t.url}#/office?view=stats`);
  const coupons = page.getByTestId('report-coupons');
  await expect(coupons).toBeVisible();
  await page.getByRole('button', { name: '最近 30 天' }).click();
  await page.getByRole('button', { name: '查看报表' }).click();
  await expect(coupons.getByTestId('report-result')).toHaveAttribute('data-rows', '30');
  for (const metric of ['view_cnt', 'receive_cnt', 'verify_cnt']) {
    const total = Number(
      (await coupons.locator(`[data-metric="${metric}"] dd`).innerText()).replace(/\D/g, ''),
    );
    expect(total, metric).toBeGreaterThan(30);
  }
  await expect(coupons.locator('.recharts-surface').first()).toBeVisible();
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'stats-history-zh-1024.png'),
    fullPage: true,
  });

  // Free coupons per card: a row per card and day with activity.
  await page.locator('a[href*="report=cards"]').first().click();
  const cards = page.getByTestId('report-cards');
  await page.getByRole('button', { name: '昨天' }).click();
  await page.getByRole('button', { name: '查看报表' }).click();
  await expect(cards.getByTestId('report-table')).toContainText('满100减10元代金券');
  expect(
    Number(await cards.getByTestId('report-result').getAttribute('data-rows')),
  ).toBeGreaterThan(5);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'stats-history-cards-zh-1024.png') });

  // Member cards: activity and active members every day.
  await page.locator('a[href*="report=members"]').first().click();
  const members = page.getByTestId('report-members');
  await page.getByRole('button', { name: '最近 30 天' }).click();
  await page.getByRole('button', { name: '查看报表' }).click();
  await expect(members.getByTestId('report-result')).toHaveAttribute('data-rows', '30');
  const verified = Number(
    (await members.locator('[data-metric="verify_cnt"] dd').innerText()).replace(/\D/g, ''),
  );
  expect(verified).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'stats-history-members-zh-1024.png') });
  await page.close();
});
