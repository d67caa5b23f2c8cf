/**
 * Issue 18, "training in Sandbox mode", in zh-CN at 1024x768: a manager arms "answer lost" on
 * the demo codes screen, a cashier redeems a demo code at the counter and sees "outcome
 * unknown", the manager's panel says the exercise was used, and the journal shows the records
 * it caused with the training badge. A cashier's demo codes screen has no training panel.
 */
import path from 'node:path';
import { listDemoCodes } from '../../electron/sandbox';
import {
  CASHIER,
  expect,
  MANAGER,
  scannerBurst,
  SCREENSHOTS,
  setUpTerminal,
  signIn,
  startTerminal,
  stopTerminal,
  test,
  type Terminal,
  UNKNOWN_STAYS_ON_SCREEN,
} from './fixtures';

test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });
// Two operators on two tills: longer than one screen's test on a shared machine.
test.setTimeout(120_000);

let t: Terminal;
test.beforeEach(async () => {
  // A settling window long enough for the cashier's "outcome unknown" to stay on screen.
  t = await startTerminal({ writeTimings: UNKNOWN_STAYS_ON_SCREEN });
  await setUpTerminal(t, { language: 'zh-CN' });
});
test.afterEach(async () => {
  await stopTerminal(t);
});

test('a manager arms "answer lost", a cashier meets "outcome unknown", the journal marks it', async ({
  browser,
  page,
}) => {
  // A green code (no minimum spend): redeemed with Enter, nothing to confirm first.
  const code = listDemoCodes(t.sandbox.sim.seed, t.sandbox.sim.clock.now()).find(
    (c) => c.title === '50元无门槛券' && c.redeemable,
  )!.code;

  // The manager arms the exercise.
  await page.goto(t.url);
  await signIn(page, MANAGER);
  await expect(page.getByTestId('operator-name')).toBeVisible();
  await page.goto(`${t.url}#/demo`);
  const panel = page.getByTestId('training-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('training-expect')).toContainText('结果未知');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'training-panel-zh-1024.png') });
  await panel.getByRole('button', { name: '设置' }).click();
  await expect(panel.getByTestId('training-status')).toContainText('已设置：应答丢失');
  await expect(panel.getByTestId('training-status')).toContainText('下一次核销');
  await expect(panel.getByRole('button', { name: '取消' })).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'training-armed-zh-1024.png') });

  // The cashier, at another till, sees no panel and redeems as always.
  const till = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });
  await till.goto(t.url);
  await signIn(till, CASHIER);
  await expect(till.getByTestId('operator-name')).toBeVisible();
  await till.goto(`${t.url}#/demo`);
  await expect(till.getByTestId('demo-grid').locator('li').first()).toBeVisible();
  await expect(till.getByTestId('training-panel')).toHaveCount(0);
  await till.goto(`${t.url}#/counter`);
  await expect(till.getByLabel('扫码或输入券码')).toBeVisible();
  await scannerBurst(till, code);
  await expect(till.getByTestId('verdict-word')).toHaveText('可以核销');
  await till.getByLabel('扫码或输入券码').focus();
  await till.keyboard.press('Enter');
  await expect(till.getByTestId('verdict-word')).toHaveText('结果未知 — 请勿交付商品');
  await till.screenshot({ path: path.join(SCREENSHOTS, 'training-counter-unknown-zh-1024.png') });

  // The manager's panel says it was used, on which code, and what the cashier saw.
  const used = panel.getByTestId('training-used');
  await expect(used).toContainText(code);
  await expect(used).toContainText('结果未知');
  await expect(panel.getByRole('button', { name: '设置' })).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'training-used-zh-1024.png') });

  // The journal: the exercise's records carry the badge.
  await page.goto(`${t.url}#/audit?range=today`);
  const rows = page.getByTestId('journal-row');
  await expect(rows.first()).toBeVisible();
  const marked = rows.filter({ has: page.getByTestId('training-badge') });
  await expect(marked.filter({ hasText: code }).first()).toBeVisible();
  await expect(marked.first().getByTestId('training-badge')).toHaveText('练习');
  expect(await marked.count()).toBeGreaterThanOrEqual(3); // arming, lookup, redemption
  await page.screenshot({ path: path.join(SCREENSHOTS, 'training-journal-zh-1024.png') });
  await till.close();
});
