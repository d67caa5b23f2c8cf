/**
 * Issue 18, "verdicts at a glance", in zh-CN at 1024x768: "redeemed" (done) must not look like
 * "redeemable" (about to) from a metre away. The two states' screenshots, shrunk to a thumbnail,
 * differ clearly; "done" has its own shape (a square seal, not the round tick).
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createDispatcher } from '../../electron/host/dispatch';
import type { DemoCodes } from '../../shared/ops/counter';
import {
  CASHIER,
  expect,
  scannerBurst,
  SCREENSHOTS,
  test,
  thumbnailDifference,
  type Terminal,
} from './fixtures';

/** A redeemable code with nothing to check (green): the "50元无门槛券" (no minimum spend). */
async function greenCode(t: Terminal): Promise<string> {
  const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
  const ctx = { clientId: 'demo-list' };
  await dispatch('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin }, ctx);
  const r = await dispatch('listDemoCodes', {}, ctx);
  if (!r.ok) throw new Error('listDemoCodes failed');
  const code = (r.value as DemoCodes).codes.find(
    (c) => c.title === '50元无门槛券' && c.status === 'NORMAL',
  );
  if (!code) throw new Error('no green demo code');
  return code.code;
}

test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

async function signInZh(page: Page, who: { id: string; pin: string }) {
  await page.getByLabel('操作员编号', { exact: true }).fill(who.id);
  await page.getByLabel('PIN', { exact: true }).fill(who.pin);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByTestId('operator-name')).toBeVisible();
}

test('"redeemed" is unmistakable next to "redeemable", even as a thumbnail', async ({
  page,
  readyTerminal,
}) => {
  const green = await greenCode(readyTerminal);
  await page.goto(readyTerminal.url);
  await signInZh(page, CASHIER);
  await scannerBurst(page, green);
  const panel = page.getByTestId('verdict-panel');
  await expect(panel).toHaveAttribute('data-kind', 'redeemable');
  await expect(panel).toHaveAttribute('data-tone', 'accept');
  await expect(panel).not.toHaveAttribute('data-done', 'true');
  const about = path.join(SCREENSHOTS, 'verdict-redeemable-zh-1024.png');
  await page.screenshot({ path: about, animations: 'disabled' });
  const aboutPanel = path.join(SCREENSHOTS, 'verdict-redeemable-panel-zh-1024.png');
  await panel.screenshot({ path: aboutPanel, animations: 'disabled' });

  await page.getByLabel('扫码或输入券码').focus();
  await page.keyboard.press('Enter');
  await expect(panel).toHaveAttribute('data-done', 'true');
  const done = path.join(SCREENSHOTS, 'verdict-redeemed-zh-1024.png');
  await page.screenshot({ path: done, animations: 'disabled' });
  const donePanel = path.join(SCREENSHOTS, 'verdict-redeemed-panel-zh-1024.png');
  await panel.screenshot({ path: donePanel, animations: 'disabled' });

  // A different shape: a square seal instead of the round tick.
  const radius = await page
    .locator('.verdict-seal')
    .evaluate((el) => parseFloat(getComputedStyle(el).borderTopLeftRadius));
  expect(radius).toBeLessThan(30);
  // From a metre away: the verdict boxes, shrunk to 32x24, differ by far more than a word
  // would make.
  const diff = await thumbnailDifference(page, aboutPanel, donePanel);
  expect(diff).toBeGreaterThan(30);
});

test('garbage input shows what was read', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await signInZh(page, CASHIER);
  const field = page.getByLabel('扫码或输入券码');
  await field.fill('abc!!');
  await field.press('Enter');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-kind', 'invalid_scan');
  await expect(page.getByTestId('verdict-code')).toHaveText('abc!!');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-garbage-read-zh-1024.png') });
});
