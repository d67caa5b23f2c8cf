/**
 * A custom-code coupon, in Chinese at 1024x768: the counter tells the cashier, in their words
 * (no card_id), that this terminal does not accept the card's codes yet and where a manager
 * turns it on; the demo codes say what the counter says (not "redeemable") and offer the fix
 * to a manager; on the card's page the manager accepts the card's codes, and the counter then
 * finds the code.
 */
import path from 'node:path';
import { listDemoCodes } from '../../electron/sandbox';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

test('a manager accepts a custom-code card on its page; the counter then finds its codes', async ({
  page,
  readyTerminal,
}) => {
  test.setTimeout(120_000);
  const sim = readyTerminal.sandbox.sim;
  const custom = listDemoCodes(sim.seed, sim.clock.now()).find(
    (c) => c.use_custom_code && c.redeemable,
  );
  expect(custom, 'the seed has a redeemable custom code').toBeDefined();
  const { code, card_id: cardId } = custom!;

  await page.goto(readyTerminal.url);
  await signIn(page, MANAGER);
  const scan = page.getByLabel('扫码或输入券码');
  await scan.fill(code);
  await scan.press('Enter');
  const panel = page.getByTestId('verdict-panel');
  await expect(page.getByTestId('verdict-code')).toContainText(code);
  await expect(panel).toHaveAttribute('data-tone', 'reject');
  await expect(page.getByTestId('verdict-word')).toHaveText('无效券码');
  await expect(panel).toContainText('本机尚未接受');
  await expect(panel).toContainText('请经理在后台该卡券页面开启「本机接受此卡券的券码」');
  await expect(panel).not.toContainText('card_id');
  await expect(page.getByTestId('redeem-button')).toHaveCount(0);
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'custom-code-counter-refused-zh-1024.png'),
  });

  // The demo codes say what the counter says, and offer the manager the fix.
  await page.getByRole('link', { name: '演示券码' }).click();
  const demo = page.locator(`[data-testid="demo-card"][data-code="${code}"]`);
  await expect(demo).toHaveAttribute('data-expect', 'unknown_code');
  await expect(demo).toHaveAttribute('data-tone', 'reject');
  await expect(demo.locator('.demo-expect')).toHaveText('→ 无效券码');
  await expect(demo).not.toContainText('可以核销');
  await expect(demo).toContainText('本机尚未接受这张卡券的券码');
  const fix = demo.getByTestId('demo-accept-fix');
  await expect(fix).toHaveText('本机接受此卡券的券码…');
  await demo.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'custom-code-demo-refused-zh-1024.png') });

  // The fix opens the card's page in the back office, with the switch.
  await fix.click();
  await expect(page.getByTestId('card-id')).toHaveText(cardId);
  const accept = page.getByTestId('accept-codes');
  await expect(accept).toHaveAttribute('data-accepted', 'false');
  await expect(accept.getByRole('heading')).toHaveText('本机接受此卡券的券码');
  await expect(page.getByTestId('accept-state')).toContainText('未接受');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'custom-code-card-page-off-zh-1024.png') });
  await accept.getByRole('button', { name: '本机接受此卡券的券码' }).click();
  await expect(page.getByTestId('accept-done')).toContainText('本机现在接受这张卡券的券码');
  await expect(accept).toHaveAttribute('data-accepted', 'true');
  await expect(accept.getByRole('button', { name: '停止接受' })).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'custom-code-card-page-on-zh-1024.png') });

  // Saved to the settings' list, and recorded as a settings change.
  await page.reload();
  await expect(page.getByTestId('accept-codes')).toHaveAttribute('data-accepted', 'true');
  const changes = readyTerminal.services.audit
    .search({}, { limit: 200 })
    .rows.filter((r) => r.action === 'settings_change');
  expect(changes[0]).toMatchObject({
    operator_id: MANAGER.id,
    detail: { changes: { customCodeCardIds: { after: [cardId] } } },
  });

  // The counter now finds the code: amber (the card has a minimum spend), with a redeem button.
  await page.getByRole('link', { name: '收银台', exact: true }).click();
  await page.getByLabel('扫码或输入券码').fill(code);
  await page.getByLabel('扫码或输入券码').press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('可以核销');
  await expect(panel).toHaveAttribute('data-tone', 'warning');
  await expect(page.getByTestId('redeem-button')).toBeVisible();
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'custom-code-counter-accepted-zh-1024.png'),
  });

  // And the demo codes agree.
  await page.getByRole('link', { name: '演示券码' }).click();
  await expect(demo.locator('.demo-expect')).toHaveText('→ 可以核销');
  await expect(demo.getByTestId('demo-accept-fix')).toHaveCount(0);
});
