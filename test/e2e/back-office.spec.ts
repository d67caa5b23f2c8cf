/**
 * The manager's back office end to end, in the browser host against the sandbox: every call of
 * the reference performed through the screens and checked on screen and in the sandbox's state;
 * the platform's rules refused before any call; cashiers and supervisors kept out through the
 * contract itself.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startBrowserHost } from '../../electron/host/browser-host';
import { createDispatcher } from '../../electron/host/dispatch';
import { demoSeed, startSandbox, type SandboxSeed } from '../../electron/sandbox';
import { createTerminalServices } from '../../electron/services';
import {
  CASHIER,
  expect,
  MANAGER,
  ROOT,
  SCREENSHOTS,
  setUpTerminal,
  signIn,
  startTerminal,
  stopTerminal,
  SUPERVISOR,
  test,
  type Terminal,
  scannerBurst,
  fromOperatorMenu,
} from './fixtures';

const CASH_100 = 'pSBXrx-maWq86um_moXe_HJAlz_6'; // 满100减10元代金券, fixed range, stores
const CASH_50 = 'pSBX697EoODa78tHncL8vrD2YgCL'; // 50元无门槛券, 993 of 1000
const WEEKDAY = 'pSBXnS_GOYo3qDrmWY9eANwX9Bng'; // 工作日9折券, Monday-Friday
const CUSTOM = 'pSBXMYRCBl1ifCv12j1cNZuJGQq-'; // 自定义码20元券
const MOVIE = 'pSBXkA665jVhKAg3cQ-t11avibIY'; // 2D电影票
const MEMBER = 'pSBXzMmvqyKcqRlre7fv4wfgtRmf'; // 示范会员卡
const DAY_MS = 86_400_000;

// A render error anywhere in the back office fails the test that caused it.
const pageErrors: string[] = [];
test.beforeEach(({ page }) => {
  pageErrors.length = 0;
  page.on('pageerror', (err) => pageErrors.push(err.message));
});
test.afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** Full page, or only the window (where a sticky part would float over a full-page capture). */
const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `office-${name}.png`), fullPage });

async function openOffice(page: Page, t: Terminal, who = MANAGER) {
  await page.goto(t.url);
  await signIn(page, who);
  await page.getByRole('link', { name: 'Back office' }).click();
  await expect(page.getByRole('heading', { name: 'Back office' })).toBeVisible();
}

async function openCard(page: Page, cardId: string, action?: string) {
  await page.goto(
    `${page.url().split('#')[0]}#/office?view=card&id=${cardId}${action ? `&action=${action}` : ''}`,
  );
  await expect(page.getByTestId('card-id')).toHaveText(cardId);
}

/** The demo seed plus 50 more cash coupons: 67 cards, more than one card/batchget page. */
function bigSeed(): SandboxSeed {
  const seed = demoSeed();
  const model = seed.cards.find((c) => c.card_type === 'CASH')!;
  for (let i = 1; i <= 50; i++) {
    const card = structuredClone(model) as typeof model & {
      cash: { base_info: { id: string; title: string } };
    };
    card.cash.base_info.id = `pSBXextra${String(i).padStart(4, '0')}`;
    card.cash.base_info.title = `加印代金券 ${String(i).padStart(2, '0')}`;
    seed.cards.push(card);
  }
  return seed;
}

test('cards: every status, paged past 50, details loaded lazily, all of card/get shown', async ({
  page,
}) => {
  const sandbox = await startSandbox({ port: 0, seed: bigSeed() });
  const t = await startTerminal({ sandbox });
  try {
    await setUpTerminal(t);
    await openOffice(page, t);
    await expect(page.getByTestId('cards-count')).toHaveText('67 cards');
    // Two card/batchget calls (50 + 17), each within the platform's count limit (else 40097).
    expect(sandbox.sim.callCount('/card/batchget')).toBe(2);
    const batch = sandbox.sim.requestLog().filter((e) => e.path === '/card/batchget');
    expect(batch.map((e) => e.errcode)).toEqual([0, 0]);
    const table = page.getByTestId('cards-table');
    await expect(table).toHaveAttribute('data-rows', '67');
    await expect(table.getByText('满100减10元代金券')).toBeVisible();
    await expect(table.locator('[data-status]').first()).toBeVisible();
    // Only the rows on screen were read with card/get, not all 67.
    const gets = sandbox.sim.callCount('/card/get');
    expect(gets).toBeGreaterThan(0);
    expect(gets).toBeLessThan(67);
    await shot(page, 'cards-list');
    // The last card comes into view (and is loaded) when scrolled to.
    await table.locator('.data-table-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(table.getByText('加印代金券 50')).toBeVisible();

    // The status filter is card/batchget's status_list.
    await page.getByLabel('Deleted').check();
    await expect(page.getByTestId('cards-count')).toHaveText('1 card');
    await expect(table.getByText('洗车券 (已下架)')).toBeVisible();
    await page.getByLabel('Deleted').uncheck();
    await expect(page.getByTestId('cards-count')).toHaveText('67 cards');

    // Details: validity rule, weekday limits, stores, stock and the raw JSON.
    await openCard(page, WEEKDAY);
    await expect(page.getByTestId('card-title')).toHaveText('工作日9折券');
    await expect(page.getByTestId('card-weekdays')).toHaveText(
      'Monday, Tuesday, Wednesday, Thursday, Friday · 10:00–22:00',
    );
    await expect(page.getByTestId('card-validity')).toContainText('Fixed date range');
    await expect(page.getByTestId('card-validity')).toContainText('2035');
    await expect(page.getByTestId('card-value')).toHaveText('10% off');
    await page.getByText('Raw JSON (card/get)').click();
    await expect(page.getByTestId('card-raw-json')).toContainText(`"id": "${WEEKDAY}"`);
    await shot(page, 'card-details');
    await openCard(page, CASH_100);
    await expect(page.getByTestId('card-stores')).toContainText('218384742, 402521653, 402521608');
    await expect(page.getByTestId('card-stock')).toContainText('989');
    await expect(page.getByTestId('card-value')).toContainText('off a bill of');

    const actions = t.services.audit.search({}).rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['card_list', 'card_get']));
  } finally {
    await stopTerminal(t);
  }
});

test('edit: a review field sends the card back to review, a plain field does not; limits refused first', async ({
  page,
  readyTerminal: t,
}) => {
  const sim = t.sandbox.sim;
  await openOffice(page, t);
  await openCard(page, CASH_100, 'edit');
  const panel = page.getByTestId('edit-panel');

  // A plain field: no review.
  await panel.getByLabel('Service phone').fill('021-55501234');
  await expect(page.getByTestId('no-review-note')).toBeVisible();
  await expect(page.getByTestId('review-warning')).toHaveCount(0);
  await page.getByRole('button', { name: 'Send changes' }).click();
  await expect(page.getByTestId('edit-result')).toHaveAttribute('data-send-check', 'false');
  expect(sim.card(CASH_100)?.status).toBe('CARD_STATUS_VERIFY_OK');
  expect(sim.card(CASH_100)?.card).toMatchObject({
    cash: { base_info: { service_phone: '021-55501234' } },
  });
  expect(sim.callCount('/card/update')).toBe(1);

  // Refused here, never sent: 17 Chinese characters (51 bytes) in notice's string(48), a bad
  // URL, a shortened validity.
  await panel.getByLabel(/^Usage tip/).fill('结账时请向收银员出示此二维码谢谢合作');
  await expect(page.getByTestId('edit-notice-error')).toContainText('at most 48 bytes');
  await panel.getByLabel('Custom entry link').fill('not a url');
  await expect(page.getByTestId('edit-custom_url-error')).toContainText('web address');
  await panel.getByLabel('Valid until').fill('2030-01-01');
  await expect(page.getByTestId('edit-date_info-end-error')).toContainText('only be extended');
  await expect(page.getByRole('button', { name: /^Send/ })).toBeDisabled();
  expect(sim.callCount('/card/update')).toBe(1);
  await page.getByRole('button', { name: 'Undo changes' }).click();

  // A review field (and an extended validity): warned before sending, then under review.
  await panel.getByLabel(/^Usage tip/).fill('结账前出示二维码');
  await panel.getByLabel('Valid until').fill('2036-06-30');
  await expect(page.getByTestId('review-warning')).toContainText('Usage tip');
  await expect(page.locator('.change-list li[data-field="date_info"]')).not.toHaveClass(
    /needs-review/,
  );
  await panel.getByLabel('Valid until').scrollIntoViewIfNeeded();
  await shot(page, 'edit-review-warning', false);
  const send = page.getByRole('button', { name: 'Send and submit for review' });
  await expect(send).toBeDisabled();
  await page.getByLabel('I understand: the card goes back to review').check();
  await send.click();
  await expect(page.getByTestId('edit-result')).toHaveAttribute('data-send-check', 'true');
  await expect(page.getByTestId('card-status')).toHaveText(/Under review/);
  const after = sim.card(CASH_100)!;
  expect(after.status).toBe('CARD_STATUS_NOT_VERIFY');
  expect(after.card).toMatchObject({
    cash: {
      base_info: {
        notice: '结账前出示二维码',
        date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1704038400 },
      },
    },
  });
  // 2036-06-30 23:59:59 in Beijing time.
  const end = (after.card as { cash: { base_info: { date_info: { end_timestamp: number } } } }).cash
    .base_info.date_info.end_timestamp;
  expect(end).toBe(Date.UTC(2036, 5, 30, 15, 59, 59) / 1000);
  expect(sim.callCount('/card/update')).toBe(2);
  const updates = t.services.audit.search({}).rows.filter((r) => r.action === 'card_update');
  expect(updates[0]?.detail).toMatchObject({ send_check: true, review: ['notice'] });
});

test('stock: the new total is previewed; below zero and over 100,000,000 refused first', async ({
  page,
  readyTerminal: t,
}) => {
  const sim = t.sandbox.sim;
  await openOffice(page, t);
  await openCard(page, CASH_50, 'stock');
  await expect(page.getByTestId('stock-quantity')).toHaveText('993');
  await page.getByLabel('How many').fill('7');
  await expect(page.getByTestId('stock-preview')).toHaveText(
    'After the change: 1,000 left, 1,007 in total.',
  );
  await shot(page, 'stock');
  await page.getByRole('button', { name: 'Add 7' }).click();
  // The second step: nothing is sent until it is confirmed deliberately (Enter does nothing).
  const stockConfirm = page.getByTestId('stock-confirm');
  await expect(stockConfirm).toContainText('993 → 1,000');
  await page.keyboard.press('Enter');
  expect(sim.callCount('/card/modifystock')).toBe(0);
  await stockConfirm.getByRole('checkbox').check();
  await stockConfirm.getByRole('button', { name: 'Send: add 7' }).click();
  await expect(page.getByTestId('stock-result')).toContainText('993 → 1,000');
  expect(sim.card(CASH_50)).toMatchObject({ quantity: 1000, total_quantity: 1007 });
  await expect(page.getByTestId('stock-quantity')).toHaveText('1,000');

  await page.getByLabel('Take stock away').check();
  await page.getByLabel('How many').fill('1001');
  await expect(page.getByTestId('stock-problem')).toContainText('cannot go below zero');
  await expect(page.getByRole('button', { name: /Take away/ })).toBeDisabled();
  await page.getByLabel('Add stock').check();
  await page.getByLabel('How many').fill('99999000');
  await expect(page.getByTestId('stock-problem')).toContainText('100,000,000');
  expect(sim.callCount('/card/modifystock')).toBe(1);

  await page.getByLabel('Take stock away').check();
  await page.getByLabel('How many').fill('400');
  await page.getByRole('button', { name: 'Take away 400' }).click();
  await page.getByTestId('stock-confirm').getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Send: take away 400' }).click();
  await expect(page.getByTestId('stock-result')).toContainText('1,000 → 600');
  expect(sim.card(CASH_50)).toMatchObject({ quantity: 600, total_quantity: 607 });
  const records = t.services.audit.search({}).rows.filter((r) => r.action === 'stock_change');
  expect(records[0]?.detail).toMatchObject({
    direction: 'reduce',
    before: { quantity: 1000 },
    after: { quantity: 600 },
  });
});

test('custom code: the old code is checked on its card, then changed', async ({
  page,
  readyTerminal: t,
}) => {
  const sim = t.sandbox.sim;
  await openOffice(page, t);
  await openCard(page, CUSTOM, 'code');
  // A redeemed code cannot be changed: said after the check, nothing sent.
  await page.getByLabel('Current code').fill('848055918088');
  await page.getByRole('button', { name: 'Check code' }).click();
  await expect(page.getByTestId('code-status')).toContainText('Redeemed');
  await expect(page.getByRole('button', { name: 'Change code' })).toHaveCount(0);

  await page.getByLabel('Current code').fill('428653249747');
  await page.getByRole('button', { name: 'Check code' }).click();
  await expect(page.getByTestId('code-status')).toContainText('Normal');
  await page.getByLabel('New code').fill('428653249747');
  await expect(page.getByText('must differ')).toBeVisible();
  await page.getByLabel('New code').fill('GIFT-2026-0001');
  await shot(page, 'custom-code');
  const gets = sim.callCount('/card/code/get');
  await page.getByRole('button', { name: 'Change code' }).click();
  const codeConfirm = page.getByTestId('code-confirm');
  await expect(codeConfirm).toContainText('cannot be brought back');
  expect(sim.callCount('/card/code/update')).toBe(0);
  await codeConfirm.getByRole('checkbox').check();
  await codeConfirm.getByRole('button', { name: 'Change 428653249747 to GIFT-2026-0001' }).click();
  await expect(page.getByTestId('code-result')).toContainText(
    "428653249747 no longer works; the customer's coupon now has code GIFT-2026-0001",
  );
  // The host checked the old code again (code/get with card_id) right before code/update.
  expect(sim.callCount('/card/code/get')).toBe(gets + 1);
  expect(sim.callCount('/card/code/update')).toBe(1);
  expect(sim.code('428653249747')).toBeUndefined();
  expect(sim.code('GIFT-2026-0001')).toMatchObject({ card_id: CUSTOM, status: 'NORMAL' });
  await page.getByLabel('Current code').fill('428653249747');
  await page.getByRole('button', { name: 'Check code' }).click();
  await expect(page.getByTestId('office-errcode')).toHaveText('errcode 40056');
});

test('delete: explained, confirmed by the title, and the codes customers hold still redeem', async ({
  page,
  readyTerminal: t,
}) => {
  const sim = t.sandbox.sim;
  await openOffice(page, t);
  await openCard(page, MOVIE, 'delete');
  const panel = page.getByTestId('delete-panel');
  await expect(panel).toContainText('Codes customers already hold stay valid');
  const confirm = panel.getByRole('button', { name: 'Delete this card' });
  await expect(confirm).toBeDisabled();
  await panel.getByLabel(/To confirm, type/).fill('2D电影');
  await page.keyboard.press('Enter');
  await expect(confirm).toBeDisabled();
  await panel.getByLabel(/To confirm, type/).fill('2D电影票');
  await shot(page, 'delete-confirm');
  expect(sim.callCount('/card/delete')).toBe(0);
  await confirm.click();
  await expect(page.getByTestId('card-status')).toHaveText(/Deleted/);
  await expect(page.getByTestId('deleted-note')).toBeVisible();
  expect(sim.card(MOVIE)?.status).toBe('CARD_STATUS_DELETE');
  expect(sim.callCount('/card/delete')).toBe(1);

  // A code a customer received before stays valid: the counter redeems it.
  await page.getByRole('link', { name: 'Counter' }).click();
  await page.locator('body[data-scanner="ready"]').waitFor();
  await scannerBurst(page, '917192427073');
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemed');
  expect(sim.code('917192427073')?.status).toBe('CONSUMED');
});

test('customer’s coupons: by openid, each code’s verdict on demand', async ({
  page,
  readyTerminal: t,
}) => {
  const sim = t.sandbox.sim;
  const openid = sim.code('178847660332')!.openid;
  const held = sim.codes({ openid }).filter((c) => !['CONSUMED', 'DELETE'].includes(c.status));
  await openOffice(page, t);
  await page.getByRole('link', { name: "Customer's coupons" }).click();
  await page.getByLabel('Customer openid').fill(openid);
  await page.getByRole('button', { name: 'Show coupons' }).click();
  await expect(page.getByTestId('customer-code')).toHaveCount(held.length);
  expect(sim.callCount('/card/user/getcardlist')).toBe(1);
  await expect(page.getByTestId('has-share-card')).toHaveAttribute('data-value', 'false');
  const row = page.locator('[data-testid="customer-code"][data-code="178847660332"]');
  await expect(row).toContainText('满100减10元代金券');
  await row.getByRole('button', { name: 'Check' }).click();
  await expect(row.getByTestId('verdict-word')).toHaveText('Redeemable');
  await shot(page, 'customer-coupons');

  // A customer who got a coupon from a friend's share: has_share_card.
  await page.getByLabel('Customer openid').fill(sim.code('133991707188')!.openid);
  await page.getByRole('button', { name: 'Show coupons' }).click();
  await expect(page.getByTestId('has-share-card')).toHaveAttribute('data-value', 'true');
  await expect(page.getByTestId('has-share-card')).toHaveText(
    'Includes coupons shared by friends.',
  );

  // One card only.
  await page.getByLabel('Customer openid').fill(openid);
  await page.getByLabel('Card', { exact: true }).selectOption(CASH_100);
  await page.getByRole('button', { name: 'Show coupons' }).click();
  await expect(page.getByTestId('customer-code')).toHaveCount(
    held.filter((c) => c.card_id === CASH_100).length,
  );
});

/**
 * A terminal whose clock is the sandbox's, as a real terminal's clock is the platform's: the
 * sandbox clock is moved a day on so that the redemptions made "today" are yesterday's data.
 */
async function startStatsTerminal(): Promise<Terminal> {
  // Without the demo seed's generated history: this test counts exactly what it redeems.
  const sandbox = await startSandbox({ port: 0, seed: { ...demoSeed(), history: undefined } });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-e2e-'));
  const services = await createTerminalServices({
    host: 'browser',
    version: '0.0.0-test',
    dataDir,
    osLocale: 'en-US',
    sandbox,
    now: () => sandbox.sim.clock.now(),
  });
  const host = await startBrowserHost({
    port: 0,
    staticDir: path.join(ROOT, 'dist', 'renderer'),
    dispatch: createDispatcher({ services: services.services, guard: services.guard }),
  });
  return { url: host.url, host, services, dataDir, sandbox };
}

test('statistics: the four reports as charts and tables, CSV, date rules refused before a call', async ({
  page,
}) => {
  const t = await startStatsTerminal();
  const sim = t.sandbox.sim;
  try {
    await setUpTerminal(t);
    // Some redemptions at the counter today...
    const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
    const ctx = { clientId: 'stats-cashier' };
    expect((await dispatch('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin }, ctx)).ok).toBe(
      true,
    );
    for (const code of ['616099591650', '428804976813', '184204778342', '154787005416']) {
      const r = await dispatch('redeemCode', { code }, ctx);
      expect(r).toMatchObject({ ok: true, value: { outcome: 'redeemed' } });
    }
    const redeemedOn = new Date(sim.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // ...are yesterday's data once the platform's day has moved on.
    sim.clock.advance(DAY_MS);

    await openOffice(page, t);
    await page.getByRole('link', { name: 'Statistics' }).click();
    const report = page.getByTestId('report-coupons');
    await expect(report).toBeVisible();
    const calls = () => sim.callCount('/datacube/getcardbizuininfo');

    // Refused before any call: today, end before begin, more than 62 days.
    const today = new Date(sim.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.getByLabel('To').fill(today);
    await expect(page.getByTestId('date-problems')).toContainText("Today's data is not available");
    await expect(page.getByRole('button', { name: 'Show report' })).toBeDisabled();
    await shot(page, 'stats-date-refused');
    await page.getByLabel('From').fill('2025-01-01');
    await page.getByLabel('To').fill('2025-03-05');
    await expect(page.getByTestId('date-problems')).toContainText('At most 62 days');
    await page.getByLabel('To').fill('2024-12-31');
    await expect(page.getByTestId('date-problems')).toContainText('before the start date');
    await expect(page.getByRole('button', { name: 'Show report' })).toBeDisabled();
    expect(calls()).toBe(0);
    // The host refuses them too, without a call.
    const direct = await page.evaluate(async (day) => {
      const secret = document.querySelector<HTMLMetaElement>(
        'meta[name="carddesk-secret"]',
      )!.content;
      const res = await fetch('/api/officeCouponSummary', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-carddesk-secret': secret,
          'x-carddesk-client': sessionStorage.getItem('carddesk.clientId')!,
          'x-carddesk-session': sessionStorage.getItem('carddesk.session') ?? '',
        },
        body: JSON.stringify({ begin: day, end: day, condSource: 0 }),
      });
      return res.json();
    }, today);
    expect(direct).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', key: 'office.errors.dates_not_before_today' },
    });
    expect(calls()).toBe(0);

    // Coupon summary: the last 30 days, with yesterday's redemptions.
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    await expect(page.getByTestId('date-problems')).toHaveCount(0);
    await page.getByLabel('Cards created on').selectOption('1');
    await page.getByRole('button', { name: 'Show report' }).click();
    await expect(report.getByTestId('report-result')).toHaveAttribute('data-rows', '30');
    expect(calls()).toBe(1);
    await expect(report.locator('.recharts-surface').first()).toBeVisible();
    await expect(report.locator('[data-metric="verify_cnt"] dd')).toHaveText('4');
    // The table is virtualised: the last day comes into the page when scrolled to.
    const body = report.getByTestId('report-table').locator('.data-table-body');
    await body.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const dayRow = report.locator(`[role="row"][data-key="${redeemedOn}"]`);
    await expect(dayRow.getByRole('cell').nth(5)).toHaveText('4'); // Redeemed
    await shot(page, 'stats-coupons');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      report.getByTestId('export-csv').click(),
    ]);
    const csv = readFileSync((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Date,Views,Viewers,Received,Receivers,Redeemed,Redeemers,Gifted,Gift receivers,Expired,Customers with expired',
    );
    expect(lines.find((l) => l.startsWith(redeemedOn))).toMatch(/^[\d-]+,\d+,\d+,\d+,\d+,4,/);

    // Free coupons per card: a bar per card.
    await page.getByRole('link', { name: 'Free coupons per card' }).click();
    const cards = page.getByTestId('report-cards');
    await page.getByRole('button', { name: 'Yesterday' }).click();
    await page.getByRole('button', { name: 'Show report' }).click();
    await expect(cards.getByTestId('report-table')).toContainText('满100减10元代金券');
    await expect(cards.locator('.recharts-bar-rectangle').first()).toBeVisible();
    await shot(page, 'stats-cards');

    // Member cards overall, and one member card.
    await page.getByRole('link', { name: 'Member cards' }).click();
    const members = page.getByTestId('report-members');
    await page.getByRole('button', { name: 'Show report' }).click();
    await expect(members.getByTestId('report-result')).toHaveAttribute('data-rows', '30');
    await expect(members.locator('[data-metric="verify_cnt"] dd')).toHaveText('1');
    await shot(page, 'stats-members');
    await page.getByRole('link', { name: 'One member card' }).click();
    const member = page.getByTestId('report-member');
    await expect(member.getByRole('button', { name: 'Show report' })).toBeDisabled();
    await page.getByLabel('Member card').selectOption(MEMBER);
    await page.getByRole('button', { name: 'Show report' }).click();
    await expect(member.getByTestId('report-result')).toHaveAttribute('data-rows', '30');
    await expect(member.locator('[data-metric="verify_cnt"] dd')).toHaveText('1');
    await shot(page, 'stats-member');
    await page.getByLabel('Language').selectOption('zh-CN');
    await expect(member.locator('[data-metric="verify_cnt"] dt')).toHaveText('核销次数');
    await shot(page, 'stats-member-zh');
    await page.getByLabel('语言').selectOption('en');
    expect(sim.callCount('/datacube/getcardcardinfo')).toBe(1);
    expect(sim.callCount('/datacube/getcardmembercardinfo')).toBe(1);
    expect(sim.callCount('/datacube/getcardmembercarddetail')).toBe(1);
  } finally {
    await stopTerminal(t);
  }
});

test('in Chinese: the card details and the review warning render fully', async ({
  page,
  readyTerminal: t,
}) => {
  await openOffice(page, t);
  await page.getByLabel('Language').selectOption('zh-CN');
  await openCard(page, MEMBER);
  await expect(page.getByTestId('card-status')).toHaveText(/审核通过/);
  await expect(page.getByText('会员特权说明')).toBeVisible();
  await shot(page, 'card-details-zh');
  await page.getByRole('link', { name: '修改' }).click();
  await page.getByLabel(/^积分规则/).fill('每消费1元积2分');
  await expect(page.getByTestId('review-warning')).toContainText('积分规则');
  await shot(page, 'edit-review-warning-zh', false);
});

const PROBES: [string, unknown][] = [
  ['officeListCards', { offset: 0, count: 10 }],
  ['officeCardSummaries', { cardIds: [CASH_100] }],
  ['officeGetCard', { cardId: CASH_100 }],
  [
    'officeUpdateCard',
    { cardId: CASH_100, cardType: 'CASH', fields: { base_info: { notice: 'x' } } },
  ],
  ['officeModifyStock', { cardId: CASH_100, direction: 'increase', amount: 5, confirmed: true }],
  ['officeCheckCode', { cardId: CUSTOM, code: '476043292094' }],
  [
    'officeUpdateCode',
    { cardId: CUSTOM, code: '476043292094', newCode: 'HIJACK', confirmed: true },
  ],
  ['officeDeleteCard', { cardId: CASH_100, confirmTitle: '满100减10元代金券' }],
  ['officeUserCards', { openid: 'oSBXrDuHweTkZohahWun4S7NPNqo' }],
  ['officeCodeVerdict', { code: '178847660332' }],
  ['officeStatsInfo', {}],
  ['officeCouponSummary', { begin: '2025-03-01', end: '2025-03-31', condSource: 0 }],
  ['officeCouponCards', { begin: '2025-03-01', end: '2025-03-31', condSource: 0 }],
  ['officeMemberSummary', { begin: '2025-03-01', end: '2025-03-31', condSource: 0 }],
  ['officeMemberCard', { begin: '2025-03-01', end: '2025-03-31', cardId: MEMBER }],
];

test('cashiers and supervisors have no back office: no tab, and the contract refuses every operation', async ({
  page,
  readyTerminal: t,
}) => {
  const sim = t.sandbox.sim;
  sim.resetCounters();
  for (const who of [CASHIER, SUPERVISOR]) {
    await page.goto(t.url);
    await signIn(page, who);
    await expect(page.getByTestId('operator-name')).toContainText(who.name);
    await expect(page.getByRole('link', { name: 'Back office' })).toHaveCount(0);
    await page.goto(`${t.url}#/office?view=cards`);
    await expect(page.getByRole('heading', { name: 'Back office' })).toHaveCount(0);
    const answers = await page.evaluate(async (probes) => {
      const secret = document.querySelector<HTMLMetaElement>(
        'meta[name="carddesk-secret"]',
      )!.content;
      const out: Record<string, unknown> = {};
      for (const [name, input] of probes) {
        const res = await fetch(`/api/${name}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-carddesk-secret': secret,
            'x-carddesk-client': sessionStorage.getItem('carddesk.clientId')!,
            'x-carddesk-session': sessionStorage.getItem('carddesk.session') ?? '',
          },
          body: JSON.stringify(input),
        });
        out[name] = await res.json();
      }
      return out;
    }, PROBES);
    for (const [name] of PROBES) {
      expect(answers[name], `${who.id} ${name}`).toMatchObject({
        ok: false,
        error: { kind: 'forbidden', key: 'errors.role_required_manager' },
      });
    }
    await fromOperatorMenu(page, 'Sign out');
  }
  // Nothing of theirs reached WeChat.
  expect(Object.keys(sim.counters()).filter((p) => !p.startsWith('/cgi-bin/'))).toEqual([]);
  expect(sim.card(CASH_100)?.quantity).toBe(989);
  expect(sim.code('476043292094')?.status).toBe('NORMAL');
});
