/**
 * Issue 18, refunds, in zh-CN at 1024x768: a code that is already redeemed (or expired, or
 * invalidated) is said at once to be beyond invalidation, with what a supervisor can and cannot
 * do, and no invalidation is offered; after an invalidation the big box shows the new state; a
 * code whose state could not be checked (offline) may still be queued.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createDispatcher } from '../../electron/host/dispatch';
import { createSandboxServer, type RunningSandbox } from '../../electron/sandbox';
import { CASHIER, expect, SCREENSHOTS, SUPERVISOR, test, type Terminal } from './fixtures';

test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

const CODE = '174551011028'; // redeemable 满100减10元代金券
const EXPIRED = '101961725085';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name) });

async function signInZh(page: Page, who: { id: string; pin: string }) {
  await page.getByLabel('操作员编号', { exact: true }).fill(who.id);
  await page.getByLabel('PIN', { exact: true }).fill(who.pin);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByTestId('operator-name')).toBeVisible();
}

async function openRefunds(page: Page) {
  await page.getByRole('link', { name: '退款作废' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

async function checkCode(page: Page, code: string) {
  await page.getByLabel('券码', { exact: true }).fill(code);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('refund-preview')).toBeVisible();
}

async function confirmInvalidate(page: Page) {
  await page.getByRole('button', { name: '作废…' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByLabel('我了解此操作无法撤销').check();
  await dialog.getByRole('button', { name: '立即作废' }).click();
}

async function redeemViaContract(t: Terminal, code: string) {
  const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
  const ctx = { clientId: 'other-till' };
  await dispatch('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin }, ctx);
  const r = await dispatch('redeemCode', { code }, ctx);
  expect(r.ok).toBe(true);
}

async function takeOffline(sandbox: RunningSandbox): Promise<() => Promise<void>> {
  await sandbox.close();
  return async () => {
    const { server } = createSandboxServer(sandbox.sim);
    await new Promise<void>((resolve) => server.listen(sandbox.port, '127.0.0.1', resolve));
    sandbox.close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
  };
}

test('a redeemed code is said at once to be beyond invalidation; nothing is offered', async ({
  page,
  readyTerminal,
}) => {
  await redeemViaContract(readyTerminal, CODE);
  await page.goto(readyTerminal.url);
  await signInZh(page, SUPERVISOR);
  await openRefunds(page);
  await checkCode(page, CODE);
  const blocked = page.getByTestId('refund-blocked');
  await expect(blocked).toContainText('已核销：此券不能作废。');
  await expect(blocked).toContainText('可以：按门店自己的退款流程为顾客退款');
  await expect(blocked).toContainText('不可以：作废此券');
  await expect(page.getByRole('button', { name: '作废…' })).toHaveCount(0);
  await shot(page, 'refund-redeemed-blocked-zh-1024.png');

  await checkCode(page, EXPIRED);
  await expect(page.getByTestId('refund-blocked')).toContainText('已过期：无需作废。');
  await expect(page.getByRole('button', { name: '作废…' })).toHaveCount(0);
  await shot(page, 'refund-expired-blocked-zh-1024.png');
  expect(readyTerminal.sandbox.sim.callCount('/card/code/unavailable')).toBe(0);
});

test('after an invalidation the big box shows the new state', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await signInZh(page, SUPERVISOR);
  await openRefunds(page);
  await checkCode(page, CODE);
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-kind', 'redeemable');
  await confirmInvalidate(page);
  await expect(page.getByTestId('refund-result')).toHaveAttribute('data-outcome', 'invalidated');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-kind', 'invalidated');
  await expect(page.getByTestId('verdict-word')).toHaveText('已作废');
  await expect(page.getByTestId('refund-blocked')).toHaveCount(0);
  await shot(page, 'refund-after-invalidation-zh-1024.png');
});

test('offline, a code that could not be checked may still be queued', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signInZh(page, SUPERVISOR);
  await openRefunds(page);
  const bringBack = await takeOffline(readyTerminal.sandbox);
  try {
    await checkCode(page, CODE);
    await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-kind', 'could_not_check');
    await expect(page.getByTestId('refund-unchecked')).toBeVisible();
    await shot(page, 'refund-unchecked-zh-1024.png');
    // The byte counter says it in characters too: 顾客退款 and "：" leave 49 bytes.
    await expect(page.getByTestId('note-bytes')).toContainText('约 16 个汉字');
    await confirmInvalidate(page);
    await expect(page.getByTestId('refund-result')).toHaveAttribute('data-outcome', 'queued');
    // The queue (under the refund at 1024 px): every header on one line.
    const outbox = page.getByTestId('outbox');
    await expect(outbox.getByTestId(`outbox-${CODE}`)).toBeVisible();
    await outbox.scrollIntoViewIfNeeded();
    const heights = await outbox
      .locator('th')
      .evaluateAll((ths) => ths.map((th) => (th as HTMLElement).clientHeight));
    expect(Math.max(...heights)).toBeLessThan(48);
    await shot(page, 'refund-queue-zh-1024.png');
  } finally {
    await bringBack();
  }
});
