/**
 * Issue 18, "the journal for a dispute", in zh-CN at 1024x768: a supervisor reads lookups by
 * their verdict (also the lookups an older version logged as "rejected"), the request half of
 * a finished redemption links to its result instead of "processing", and the summary's reasons
 * are grouped by errcode in our words (WeChat's request ids gone, no empty "lookup rejected"
 * rows).
 */
import path from 'node:path';
import { createDispatcher } from '../../electron/host/dispatch';
import { listDemoCodes } from '../../electron/sandbox';
import { CASHIER, expect, SCREENSHOTS, signIn, SUPERVISOR, test } from './fixtures';

test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

test('a supervisor reads lookups, redemptions and reasons in a dispute', async ({
  browser,
  readyTerminal: t,
}) => {
  const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
  const as = { clientId: 'cashier-tab' };
  const must = async (name: string, input: unknown) => {
    const res = await dispatch(name, input, as);
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value as Record<string, unknown>;
  };
  await must('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin });
  const codes = listDemoCodes(t.sandbox.sim.seed, t.sandbox.sim.clock.now());
  const expired = codes.find((c) => c.note.startsWith('expired'))!;
  const used = codes.find((c) => c.note === 'already redeemed')!;
  const fresh = codes.filter((c) => c.note === 'redeemable').slice(-2);
  // What an older version wrote for a lookup of an expired code (history is never rewritten).
  t.services.audit.append({
    action: 'lookup',
    outcome: 'rejected',
    operator_id: CASHIER.id,
    code: expired.code,
    card_id: expired.card_id,
    errcode: 0,
    detail: { verdict: 'expired', tone: 'reject', title: expired.title },
  });
  await must('lookupCode', { code: expired.code, source: 'manual' });
  await must('lookupCode', { code: used.code, source: 'manual' });
  const redeemed = await must('redeemCode', { code: fresh[0]!.code });
  expect(redeemed.outcome).toBe('redeemed');
  // The same code twice: WeChat refuses with 40099 and a request id each time.
  for (const c of [fresh[0]!, fresh[0]!]) await dispatch('redeemCode', { code: c.code }, as);
  t.sandbox.sim.faults.add({
    path: '/card/code/consume',
    kind: 'errcode',
    errcode: 40099,
    count: 1,
  });
  await dispatch('redeemCode', { code: fresh[1]!.code }, as);

  const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });
  await page.goto(t.url);
  await signIn(page, SUPERVISOR);
  await page.goto(`${t.url}#/audit?range=today`);
  const rows = page.getByTestId('journal-row');
  await expect(rows.first()).toBeVisible();

  // Lookups by their verdict: the old "rejected" one and the new one alike say 已过期.
  const verdicts = page.locator('[data-testid="journal-row"] [data-verdict="expired"]');
  await expect(verdicts).toHaveCount(2);
  await expect(verdicts.first()).toHaveText(/已过期/);
  await expect(page.locator('[data-verdict="already_redeemed"]')).toHaveText(/已核销/);

  // The request half of the redemption links to its result.
  const intent = rows
    .filter({ hasText: fresh[0]!.code })
    .filter({ has: page.locator('[data-result]') })
    .filter({ hasText: '成功' })
    .last();
  await expect(intent).toBeVisible();
  // The refused redemption's request half links to its refusal the same way.
  await expect(
    rows
      .filter({ hasText: fresh[1]!.code })
      .filter({ has: page.locator('[data-result]') })
      .first(),
  ).toContainText('被拒绝');
  await expect(page.getByTestId('journal-row').filter({ hasText: '处理中' })).toHaveCount(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'journal-dispute-zh-1024.png') });
  // The lookups alone: each by its verdict, the old record and the new one alike.
  await page.goto(`${t.url}#/audit?range=today&act=lookup`);
  await expect(page.locator('[data-testid="journal-row"] [data-verdict="expired"]')).toHaveCount(2);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'journal-lookups-zh-1024.png') });
  await page.goto(`${t.url}#/audit?range=today&code=${fresh[0]!.code}`);
  await expect(intent).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'journal-redemption-link-zh-1024.png') });
  const resultId = await intent.locator('[data-result]').getAttribute('data-result');
  await intent.locator('[data-result]').click();
  await expect(page).toHaveURL(new RegExp(`id=${resultId}`));
  // The record names its action in Chinese, without the raw key beside it ("核销 redeem").
  const record = page.getByTestId('record-view');
  await expect(record).toContainText('核销');
  await expect(record.locator('dl').first()).not.toContainText(/\bredeem\b/);

  // The summary: one 40099 row in our words, no verdict rows, no request ids.
  await page.goto(`${t.url}#/audit?view=summary&range=today`);
  const reasons = page.getByTestId('reason-table');
  await expect(reasons).toBeVisible();
  const row40099 = reasons.locator('tbody tr').filter({ hasText: '40099' });
  await expect(row40099).toHaveCount(1);
  await expect(row40099.getByTestId('reason-text')).toHaveText(/已经核销/);
  await expect(reasons).not.toContainText('rid:');
  await expect(reasons.locator('tbody tr').filter({ hasText: /查询/ })).toHaveCount(0);
  await reasons.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'journal-dispute-reasons-zh-1024.png'),
    fullPage: true,
  });
  await page.close();
});
