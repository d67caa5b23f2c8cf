/**
 * Refunds end to end: invalidation, authorisation, the durable outbox across a restart, a
 * lost answer settled without a second call, cancel, and the block at the counter.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createSandboxServer, type RunningSandbox } from '../../electron/sandbox';
import {
  CASHIER,
  expect,
  SCREENSHOTS,
  setUpTerminal,
  signIn,
  startTerminal,
  stopTerminal,
  scannerBurst,
  SUPERVISOR,
  test,
} from './fixtures';

/**
 * WeChat unreachable: the sandbox's server stops listening (connections are refused) and comes
 * back later on the same port with the same state.
 */
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

const CODE = '174551011028'; // redeemable 满100减10元代金券
const OTHER = '616099591650';

async function openRefunds(page: Page) {
  await page.getByRole('link', { name: 'Refunds' }).click();
  await expect(page.getByRole('heading', { name: 'Refund: invalidate a coupon' })).toBeVisible();
}

async function checkCode(page: Page, code: string) {
  await page.getByLabel('Coupon code').fill(code);
  await page.getByRole('button', { name: 'Check code' }).click();
  await expect(page.getByTestId('refund-preview')).toBeVisible();
}

async function confirmInvalidate(page: Page) {
  await page.getByRole('button', { name: 'Invalidate…' }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('This CANNOT be undone');
  // Enter does not confirm; only the deliberate click does.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('I understand that this cannot be undone').check();
  await dialog.getByRole('button', { name: 'Invalidate now' }).click();
}

async function scanAtCounter(page: Page, code: string) {
  await page.getByRole('link', { name: 'Counter' }).click();
  await page.locator('body[data-scanner="ready"]').waitFor();
  await page.keyboard.press('Escape');
  await scannerBurst(page, code);
}

test('a supervisor invalidates a code; the counter then shows it invalidated', async ({
  page,
  readyTerminal,
}) => {
  const { sandbox, services } = readyTerminal;
  await page.goto(readyTerminal.url);
  await signIn(page, SUPERVISOR);
  await openRefunds(page);
  await checkCode(page, CODE);
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
  await expect(page.getByTestId('refund-history')).toHaveText('Not redeemed at this terminal.');
  await page.getByLabel('Customer refund').check();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'refund-form.png') });
  await page.getByRole('button', { name: 'Invalidate…' }).click();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'refund-confirm.png') });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await confirmInvalidate(page);
  await expect(page.getByTestId('refund-result')).toHaveAttribute('data-outcome', 'invalidated');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'refund-done.png') });
  expect(sandbox.sim.code(CODE)?.status).toBe('UNAVAILABLE');
  expect(sandbox.sim.callCount('/card/code/unavailable')).toBe(1);

  await scanAtCounter(page, CODE);
  await expect(page.getByTestId('verdict-word')).toHaveText('Invalidated');

  const records = services.audit.search({ codePrefix: CODE }).rows.reverse();
  const invalidate = records.filter((r) => r.action === 'invalidate');
  expect(invalidate.map((r) => r.outcome)).toEqual(['pending', 'ok']);
  expect(invalidate[0]!.detail).toMatchObject({
    reason: 'customer_refund',
    supervisor_id: SUPERVISOR.id,
  });
  expect(records.map((r) => r.action)).toEqual(expect.arrayContaining(['lookup', 'invalidate']));
});

test('a cashier cannot invalidate without a supervisor PIN, and can with one', async ({
  page,
  readyTerminal,
}) => {
  const { sandbox } = readyTerminal;
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await openRefunds(page);
  await checkCode(page, CODE);
  await expect(page.getByRole('button', { name: 'Invalidate…' })).toBeDisabled();
  await page.getByLabel('Supervisor id').fill(SUPERVISOR.id);
  await page.getByLabel('Supervisor PIN').fill('0000');
  await confirmInvalidate(page);
  await expect(page.getByRole('alert')).toContainText('The supervisor id or PIN is wrong');
  expect(sandbox.sim.callCount('/card/code/unavailable')).toBe(0);
  expect(sandbox.sim.code(CODE)?.status).toBe('NORMAL');
  // Through the contract directly, without a supervisor: refused by the host.
  const direct = await page.evaluate(async () => {
    const secret = document.querySelector<HTMLMetaElement>('meta[name="carddesk-secret"]')!.content;
    const res = await fetch('/api/invalidateCode', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-carddesk-secret': secret,
        'x-carddesk-client': sessionStorage.getItem('carddesk.clientId')!,
        'x-carddesk-session': sessionStorage.getItem('carddesk.session') ?? '',
      },
      body: JSON.stringify({ code: '174551011028', reason: 'customer_refund', confirmed: true }),
    });
    return res.json();
  });
  expect(direct).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  expect(sandbox.sim.callCount('/card/code/unavailable')).toBe(0);

  await page.getByLabel('Supervisor PIN').fill(SUPERVISOR.pin);
  await confirmInvalidate(page);
  await expect(page.getByTestId('refund-result')).toHaveAttribute('data-outcome', 'invalidated');
  expect(sandbox.sim.code(CODE)?.status).toBe('UNAVAILABLE');
});

test('offline: queued, blocked at the counter, survives a restart, drains once', async ({
  page,
}) => {
  const first = await startTerminal();
  await setUpTerminal(first);
  const { sandbox } = first;
  await page.goto(first.url);
  await signIn(page, SUPERVISOR);
  await openRefunds(page);
  await checkCode(page, CODE);
  const bringBack = await takeOffline(sandbox);
  await confirmInvalidate(page);
  await expect(page.getByTestId('refund-result')).toHaveAttribute('data-outcome', 'queued');
  await expect(page.getByTestId(`outbox-${CODE}`)).toHaveAttribute('data-state', 'queued');
  await expect(page.getByTestId('pending-badge')).toContainText('1 pending');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'refund-queued.png') });
  // Meanwhile the code is blocked here (whatever WeChat would say).
  await scanAtCounter(page, CODE);
  await expect(page.getByTestId('verdict-word')).toHaveText('Outcome pending');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-tone', 'neutral');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-outcome-pending.png') });
  expect(sandbox.sim.code(CODE)?.status).toBe('NORMAL');
  expect(sandbox.sim.callCount('/card/code/unavailable')).toBe(0);

  // The host restarts (same data folder) while WeChat is still down...
  await stopTerminal(first, { data: true, sandbox: true });
  const second = await startTerminal({ dataDir: first.dataDir, sandbox });
  try {
    // ...then WeChat comes back: the queue drains by itself.
    await bringBack();
    await expect
      .poll(() => sandbox.sim.code(CODE)?.status, { timeout: 15_000 })
      .toBe('UNAVAILABLE');
    await page.goto(second.url);
    await signIn(page, SUPERVISOR);
    await openRefunds(page);
    await page.getByLabel('Show finished').check();
    await expect(page.getByTestId(`outbox-${CODE}`)).toHaveAttribute('data-state', 'applied');
    // Exactly one invalidation reached WeChat.
    expect(sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
    const outcomes = second.services.audit
      .search({ actions: ['invalidate'], codePrefix: CODE })
      .rows.reverse()
      .map((r) => r.outcome);
    // The intent, back in the queue after each refused connection, then done once.
    expect(outcomes[0]).toBe('pending');
    expect(outcomes.at(-1)).toBe('ok');
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(new Set(outcomes.slice(1, -1))).toEqual(new Set(['queued']));
  } finally {
    await stopTerminal(second);
  }
});

test('a lost answer is settled from the code status, without a second invalidation', async ({
  page,
  readyTerminal,
}) => {
  const { sandbox, services } = readyTerminal;
  sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'lost_response', count: 1 });
  await page.goto(readyTerminal.url);
  await signIn(page, SUPERVISOR);
  await openRefunds(page);
  await checkCode(page, OTHER);
  await confirmInvalidate(page);
  await expect(page.getByTestId('refund-result')).toHaveAttribute('data-outcome', 'unknown');
  await expect
    .poll(
      () => services.audit.search({ actions: ['invalidate'], codePrefix: OTHER }).rows[0]?.outcome,
      {
        timeout: 15_000,
      },
    )
    .toBe('settled');
  expect(sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
  expect(sandbox.sim.code(OTHER)?.status).toBe('UNAVAILABLE');
});

test('a refund whose answer was lost cannot be cancelled while it is checked; once back in the queue it can, and is never sent', async ({
  page,
}) => {
  // Long backoff, so the item waits in the queue once it is back there.
  const t = await startTerminal({
    writeTimings: { retryMinMs: 60_000, retryMaxMs: 60_000, settleWindowMs: 5_000 },
  });
  await setUpTerminal(t);
  const { sandbox, services } = t;
  try {
    // A 503 before WeChat applied it: the outcome is unknown until the window has passed.
    sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'http_5xx', count: 1 });
    await page.goto(t.url);
    await signIn(page, SUPERVISOR);
    await openRefunds(page);
    await checkCode(page, CODE);
    await confirmInvalidate(page);
    await expect(page.getByTestId('refund-result')).toHaveAttribute('data-outcome', 'unknown');
    const row = page.getByTestId(`outbox-${CODE}`);
    await expect(row).toHaveAttribute('data-state', 'settling');
    await expect(row).toContainText('can be cancelled once it is back in the queue');
    await expect(row.getByRole('button', { name: 'Cancel…' })).toHaveCount(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'refund-settling.png') });
    // code/get after the window still says NORMAL: it did not happen, back in the queue.
    await expect(row).toHaveAttribute('data-state', 'queued', { timeout: 15_000 });
    await row.getByRole('button', { name: 'Cancel…' }).click();
    await row.getByLabel('Why cancel? (recorded)').fill('customer kept the coupon');
    await row.getByRole('button', { name: 'Cancel this item' }).click();
    await expect(page.getByTestId(`outbox-${CODE}`)).toHaveCount(0);
    const cancel = services.audit.search({
      actions: ['invalidate'],
      outcomes: ['cancelled'],
      codePrefix: CODE,
    }).rows[0];
    expect(cancel).toMatchObject({
      operator_id: SUPERVISOR.id,
      detail: { why: 'customer kept the coupon' },
    });
    // Cancelled means never sent, and the counter no longer blocks the code.
    await scanAtCounter(page, CODE);
    await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
    expect(sandbox.sim.code(CODE)?.status).toBe('NORMAL');
    expect(sandbox.sim.callCount('/card/code/unavailable')).toBe(1);
  } finally {
    await stopTerminal(t);
  }
});

test('the refund note counts WeChat bytes in Chinese, and a note that is too long is never sent', async ({
  browser,
  readyTerminal,
}) => {
  const { sandbox } = readyTerminal;
  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 1024, height: 768 },
  });
  const page = await context.newPage();
  try {
    await page.goto(readyTerminal.url);
    await page.evaluate(() => localStorage.setItem('carddesk.language', 'zh-CN'));
    await page.reload();
    await signIn(page, SUPERVISOR);
    await page.getByRole('link', { name: /退款|Refunds/ }).click();
    await page.getByLabel(/券码|Coupon code/).fill(OTHER);
    await page.getByRole('button', { name: /查询券码|Check code/ }).click();
    await expect(page.getByTestId('refund-preview')).toBeVisible();
    const note = page.getByLabel(/备注|Note/);
    const bytes = page.getByTestId('note-bytes');
    // "顾客退款" (12 bytes) and "：" (3) leave 49 bytes: 16 Chinese characters, not 17.
    await expect(bytes).toContainText('49');
    await note.fill('顾客不想要了商品有破损要求退款谢'); // 16
    await expect(bytes).toContainText('1');
    const invalidate = page.getByRole('button', { name: /作废…|Invalidate…/ });
    await expect(invalidate).toBeEnabled();
    await note.fill('顾客不想要了商品有破损要求退款谢谢'); // 17: 2 bytes over
    await expect(bytes).toContainText('2');
    await expect(note).toHaveAttribute('aria-invalid', 'true');
    await expect(invalidate).toBeDisabled();
    await bytes.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'refund-note-too-long-zh.png') });
    expect(sandbox.sim.callCount('/card/code/unavailable')).toBe(0);
  } finally {
    await context.close();
  }
});
