/**
 * Issue 18, the journal's record view in zh-CN at 1024x768: a record's details read as
 * labelled pairs in Chinese (states, reasons, yes/no, times in the store's zone), not as raw
 * keys (`card_id`, `reason: customer_refund`, `NORMAL`, `send_check: true`); ids and codes stay
 * as they are in monospace; a field from a newer version is shown under "其他信息", not dropped.
 */
import path from 'node:path';
import { createDispatcher } from '../../electron/host/dispatch';
import { listDemoCodes } from '../../electron/sandbox';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

test('a record reads in Chinese: labels, states, reasons, yes/no, times', async ({
  page,
  readyTerminal: t,
}) => {
  const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
  const as = { clientId: 'manager-tab' };
  const must = async (name: string, input: unknown) => {
    const res = await dispatch(name, input, as);
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value as Record<string, unknown>;
  };
  await must('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
  const codes = listDemoCodes(t.sandbox.sim.seed, t.sandbox.sim.clock.now());
  const fresh = codes.filter((c) => c.note === 'redeemable').slice(-2);
  await must('lookupCode', { code: fresh[0]!.code, source: 'scanner' });
  expect((await must('redeemCode', { code: fresh[0]!.code })).outcome).toBe('redeemed');
  const refund = await must('invalidateCode', {
    code: fresh[1]!.code,
    reason: 'customer_refund',
    note: '顾客退货',
    confirmed: true,
  });
  expect(refund.outcome).toBe('invalidated');
  // A record a newer version wrote, with a field this one does not know.
  const until = Date.UTC(2025, 0, 1, 4, 30); // 12:30 in Shanghai
  const future = t.services.audit.append({
    action: 'lockout',
    outcome: 'rejected',
    operator_id: MANAGER.id,
    detail: { until, switch: false, laser_colour: 'green' },
  });

  await page.goto(t.url);
  await signIn(page, MANAGER);
  const log = t.services.audit;
  // The newest record of an action with a detail field (search answers newest first).
  const last = (action: string, field: string) =>
    log.search({ actions: [action] }, { limit: 10 }).rows.find((r) => field in r.detail)!;
  const open = async (id: number) => {
    await page.goto(`${t.url}#/audit?view=record&id=${id}`);
    await expect(page.getByTestId('record-view')).toBeVisible();
    return page.getByTestId('record-detail');
  };

  // The invalidation's request: reason in words, the note as the supervisor typed it.
  const inv = await open(last('invalidate', 'reason').id);
  await expect(inv).toContainText('原因');
  await expect(inv).toContainText('顾客退款');
  await expect(inv).toContainText('顾客退货');
  await expect(inv).not.toContainText(/customer_refund|reason|write_id/);
  // The request half says what finished it (success, and which record), not "processing".
  const request = page.getByTestId('record-view').locator('header.record-head');
  await expect(request.locator('a.outcome-link')).toContainText('成功');
  await expect(request).not.toContainText('处理中');
  await inv.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'record-detail-invalidate-zh.png') });
  // Its result: the code's state before, in words (not NORMAL).
  const result = await open(last('invalidate', 'status_before').id);
  await expect(result).toContainText('之前的状态正常');
  await expect(result).not.toContainText('NORMAL');

  // The redemption's lookup: where, how it was read, the verdict and its colour in words.
  const lookup = await open(last('lookup', 'verdict').id);
  await expect(lookup).toContainText('可以核销');
  await expect(lookup).toContainText('扫码枪');
  await expect(lookup).toContainText('收银台');
  await expect(lookup).not.toContainText(/purpose|verdict|tone|accept|counter/);

  // The record from a newer version: known fields translated, the unknown one kept aside.
  const fut = await open(future.id);
  await expect(fut).toContainText('锁定到');
  await expect(fut).toContainText('2025/01/01 12:30:00');
  await expect(fut).toContainText('否');
  const other = page.getByTestId('record-detail-other');
  await expect(page.locator('dt.detail-other')).toHaveText('其他信息');
  await expect(other).toContainText('laser_colour');
  await expect(other.locator('.mono[translate="no"]').first()).toHaveText('laser_colour');
  await other.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'record-detail-other-zh.png') });
});
