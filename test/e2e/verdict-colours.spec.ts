/**
 * One colour rule on every screen, in Chinese at 1024x768: a coupon with a minimum spend and
 * one of another store are both amber ("redeem with care") with a redeem button at the
 * counter, and amber in the demo codes; a coupon being gifted and one not valid yet are red
 * without a redeem button, and red in the demo codes.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createDispatcher } from '../../electron/host/dispatch';
import { listDemoCodes } from '../../electron/sandbox';
import { CASHIER, expect, MANAGER, SCREENSHOTS, signIn, test, type Terminal } from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

/** The store's WeChat location: the seed's second store (the 8.5折 card is the first's only). */
const POI = 402521653;

async function setStorePoi(t: Terminal) {
  const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
  const ctx = { clientId: 'test-poi' };
  const must = async (name: string, input: unknown) => {
    const r = await dispatch(name, input, ctx);
    if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
    return r.value as { settings: { store: { name: string } } };
  };
  await must('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin });
  const { settings } = await must('getSettings', {});
  await must('updateSettings', { store: { ...settings.store, poiId: POI } });
  await must('signOut', {});
}

function codes(t: Terminal) {
  const all = listDemoCodes(t.sandbox.sim.seed, t.sandbox.sim.clock.now());
  const find = (f: (c: (typeof all)[number]) => boolean, what: string) => {
    const c = all.find(f);
    if (!c) throw new Error(`the seed has no ${what}`);
    return c.code;
  };
  return {
    minSpend: find((c) => c.title === '满100减10元代金券' && c.redeemable, 'minimum-spend code'),
    otherStore: find((c) => c.title === '全场8.5折券' && c.redeemable, 'other-store code'),
    gifting: find((c) => c.status === 'GIFTING', 'code being gifted'),
    notYet: find((c) => c.status === 'NORMAL' && c.position === 'before', 'code not valid yet'),
  };
}

async function lookUp(page: Page, code: string) {
  const scan = page.getByLabel('扫码或输入券码');
  await scan.fill(code);
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-code')).toContainText(code);
}

test('amber is "redeem with care" (minimum spend, another store), red is "cannot redeem", at the counter and in the demo codes', async ({
  page,
  readyTerminal,
}) => {
  await setStorePoi(readyTerminal);
  const c = codes(readyTerminal);
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await expect(page.getByLabel('扫码或输入券码')).toBeVisible();

  const panel = page.getByTestId('verdict-panel');
  const redeem = page.getByTestId('redeem-button');
  const amber: [string, string, RegExp][] = [
    ['min-spend', c.minSpend, /最低消费/],
    ['other-store', c.otherStore, /适用门店/],
  ];
  for (const [name, code, warning] of amber) {
    await lookUp(page, code);
    await expect(panel).toHaveAttribute('data-tone', 'warning');
    await expect(page.getByTestId('verdict-word')).toHaveText('可以核销');
    await expect(page.getByTestId('verdict-warnings')).toContainText(warning);
    await expect(redeem).toBeVisible();
    await expect(redeem).toHaveText('核销（回车）');
    await expect(redeem).toHaveClass(/tone-warning/);
    await expect(redeem).toBeInViewport();
    await page.screenshot({ path: path.join(SCREENSHOTS, `colours-counter-${name}-zh-1024.png`) });
  }
  const red: [string, string, string][] = [
    ['gifting', c.gifting, '转赠中'],
    ['not-yet-valid', c.notYet, '尚未生效'],
  ];
  for (const [name, code, word] of red) {
    await lookUp(page, code);
    await expect(panel).toHaveAttribute('data-tone', 'reject');
    await expect(page.getByTestId('verdict-word')).toHaveText(word);
    await expect(redeem).toHaveCount(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, `colours-counter-${name}-zh-1024.png`) });
  }

  // The demo codes: the counter's own verdict, in the same colours.
  await page.getByRole('link', { name: '演示券码' }).click();
  const card = (code: string) => page.locator(`[data-testid="demo-card"][data-code="${code}"]`);
  for (const [name, code, warning] of amber) {
    await expect(card(code)).toHaveAttribute('data-tone', 'warning');
    await expect(card(code).locator('.demo-expect')).toHaveText('→ 可以核销');
    await expect(card(code).locator('.demo-warning')).toContainText(warning);
    await card(code).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, `colours-demo-${name}-zh-1024.png`) });
  }
  for (const [name, code, word] of red) {
    await expect(card(code)).toHaveAttribute('data-tone', 'reject');
    await expect(card(code).locator('.demo-expect')).toHaveText(`→ ${word}`);
    await expect(card(code).locator('.demo-warning')).toHaveCount(0);
    await card(code).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, `colours-demo-${name}-zh-1024.png`) });
  }

  // "Try at the counter" on the amber other-store code: amber, with the redeem button.
  await page.getByRole('link', { name: `在收银台查询 ${c.otherStore}` }).click();
  await expect(panel).toHaveAttribute('data-tone', 'warning');
  await expect(redeem).toBeVisible();
});
