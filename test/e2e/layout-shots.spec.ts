/**
 * Screenshots of each area at the counter's usual screen size (1366x768), for comparing the
 * looks before and after a layout change: `SHOTS_LABEL=before npx playwright test
 * layout-shots` writes test/artifacts/layout/before/*.png.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, MANAGER, ROOT, signIn, test } from './fixtures';

const DIR = path.join(ROOT, 'test', 'artifacts', 'layout', process.env.SHOTS_LABEL ?? 'latest');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(DIR, `${name}.png`) });

test.use({ viewport: { width: 1366, height: 768 } });

test('each area at 1366x768', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await expect(page.getByLabel(/Operator id/)).toBeVisible();
  await shot(page, 'sign-in');
  await signIn(page, MANAGER);

  const scan = page.getByLabel('Scan or type a code');
  await expect(scan).toBeFocused();
  await scan.fill('174551011028');
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
  await shot(page, 'counter');

  await page.getByRole('link', { name: 'Refunds' }).click();
  await page.getByLabel('Coupon code').fill('616099591650');
  await page.getByRole('button', { name: 'Check code' }).click();
  await expect(page.getByTestId('refund-preview')).toBeVisible();
  await shot(page, 'refunds');

  await page.getByRole('link', { name: 'Journal', exact: true }).click();
  await expect(page.getByTestId('journal-row').first()).toBeVisible();
  await shot(page, 'journal');

  await page.getByRole('link', { name: 'Back office' }).click();
  await expect(page.getByTestId('cards-table')).toBeVisible();
  await expect(page.getByTestId('cards-table').locator('[data-status]').first()).toBeVisible();
  await shot(page, 'back-office');

  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await shot(page, 'settings');
  const sections = page.getByRole('navigation', { name: 'Settings sections' });
  await sections.getByRole('link', { name: 'Operators' }).click();
  await shot(page, 'settings-operators');
  await page
    .getByRole('button', { name: /^Reset the PIN of / })
    .first()
    .click();
  await expect(page.getByRole('button', { name: 'Save PIN' })).toBeVisible();
  await shot(page, 'settings-operators-pin');
  await sections.getByRole('link', { name: 'Connection' }).click();
  await expect(page.getByRole('form', { name: 'AppSecret' })).toBeVisible();
  await shot(page, 'settings-connection');

  await page.getByRole('link', { name: 'Demo codes' }).click();
  await expect(page.getByTestId('demo-grid')).toBeVisible();
  await page.waitForTimeout(1_500); // the codes are drawn after the list arrives
  await shot(page, 'demo-codes');

  const openid = readyTerminal.sandbox.sim.code('178847660332')!.openid;
  await page.getByRole('link', { name: 'Back office' }).click();
  await page.getByRole('link', { name: "Customer's coupons" }).click();
  await page.getByLabel('Customer openid').fill(openid);
  await page.getByRole('button', { name: 'Show coupons' }).click();
  const row = page.locator('[data-testid="customer-code"][data-code="178847660332"]');
  await row.getByRole('button', { name: 'Check' }).click();
  await expect(row.getByTestId('verdict-word')).toHaveText('Redeemable');
  await shot(page, 'customer-coupons');
});
