/**
 * The store's time zone, not the browser's: on a till whose clock is set to UTC, a coupon
 * valid from 1 January 2024 (00:00 in Shanghai) reads "2024/01/01 00:00", not "2023/12/31
 * 16:00", at the counter and in the back office. The wizard asks for the zone, Settings
 * changes it (audited), and the screens follow at once. zh-CN at 1024x768.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { listDemoCodes } from '../../electron/sandbox';
import type { AuditRecord } from '../../shared/audit';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';
import { walkWizard, wizardText } from './wizard';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN', timezoneId: 'UTC' });

const zh = (key: string, params: Record<string, unknown> = {}) => wizardText(key, 'zh-CN', params);
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: false });

/** 2024-01-01 00:00 in Shanghai, in unix seconds: the demo's fixed-range cards begin then. */
const NEW_YEAR_SHANGHAI = Date.UTC(2023, 11, 31, 16) / 1000;
const FROM_NEW_YEAR = listDemoCodes().find(
  (c) =>
    c.redeemable &&
    !c.use_custom_code &&
    c.weekdays.length === 0 &&
    !c.card_deleted &&
    c.valid_from === NEW_YEAR_SHANGHAI,
);

async function lookUp(page: Page, code: string) {
  const scan = page.getByLabel(/扫码或输入券码/);
  await scan.fill(code);
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-code')).toContainText(code);
}

test('the wizard asks for the store time zone: China first, searchable', async ({
  page,
  terminal,
}) => {
  await page.goto(terminal.url);
  await walkWizard(
    page,
    {
      language: 'zh-CN',
      terminalName: '收银台 1',
      terminalId: 'T-01',
      storeName: '铜锣湾店',
      manager: MANAGER,
    },
    {
      atStep: async (step) => {
        if (step !== 'terminal') return;
        const zone = page.getByLabel(zh('timeZone.label'), { exact: true });
        // Asia/Shanghai unless changed, named in Chinese, the time there shown under it.
        await expect(zone).toHaveValue('Asia/Shanghai');
        await expect(zone.locator('option:checked')).toHaveText(
          '北京 / 上海（中国标准时间） · UTC+8',
        );
        await expect(page.getByTestId('tz-now')).toContainText('该时区现在：');
        const groups = zone.locator('optgroup');
        await expect(groups.first()).toHaveAttribute('label', '中国');
        await expect(groups.first().locator('option')).toHaveText([
          /北京 \/ 上海/,
          /香港/,
          /澳门/,
          /台北/,
          /乌鲁木齐/,
        ]);
        expect(await zone.locator('option').count()).toBeGreaterThan(300);
        // Searching picks the first match; a search with no match says so and keeps the zone.
        const search = page.getByLabel(zh('timeZone.search'));
        await search.fill('香港');
        await expect(zone).toHaveValue('Asia/Hong_Kong');
        await expect(page.getByTestId('tz-search-status')).toHaveText(
          zh('timeZone.matches', { count: 1 }),
        );
        await search.fill('Atlantis');
        await expect(page.getByTestId('tz-search-status')).toHaveText(
          zh('timeZone.noMatch', { query: 'Atlantis' }),
        );
        await expect(zone).toHaveValue('Asia/Hong_Kong');
        await search.fill('');
        await zone.scrollIntoViewIfNeeded();
        await shot(page, 'store-time-zone-wizard-zh-1024.png');
      },
    },
  );
  const config = await terminal.services.services.getTerminalConfig({}, { clientId: 'x' });
  expect(config.timeZone).toBe('Asia/Hong_Kong');
});

test('times are the store’s, not the browser’s: counter, back office, and a change in Settings', async ({
  page,
  readyTerminal,
}) => {
  expect(FROM_NEW_YEAR, 'a demo code valid from 1 January 2024').toBeDefined();
  const coupon = FROM_NEW_YEAR!;
  await page.goto(readyTerminal.url);
  // The browser really runs in UTC: 1 January 00:00 in Shanghai is 31 December 16:00 here.
  expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('UTC');
  await signIn(page, MANAGER);

  // The counter: the validity starts on 1 January at 00:00.
  await lookUp(page, coupon.code);
  const window = page.getByTestId('verdict-window');
  await expect(window).toHaveText(/^2024\/01\/01 00:00 – 2035\/12\/31 23:59$/);
  await shot(page, 'store-time-zone-counter-zh-1024.png');

  // The back office's card details say the same.
  await page.goto(`${readyTerminal.url}#/office?view=card&id=${coupon.card_id}`);
  const validity = page.getByTestId('card-validity');
  await expect(validity).toContainText('2024/01/01 00:00');
  await expect(validity).toContainText('2035/12/31 23:59');
  await expect(validity).not.toContainText('2023/12/31');
  await validity.scrollIntoViewIfNeeded();
  await shot(page, 'store-time-zone-office-zh-1024.png');

  // Settings: the manager moves the store to Ürümqi (UTC+6), by searching for it.
  await page.goto(`${readyTerminal.url}#/settings?section=terminal`);
  const zone = page.getByLabel(zh('timeZone.label'), { exact: true });
  await expect(zone).toHaveValue('Asia/Shanghai');
  await page.getByLabel(zh('timeZone.search')).fill('urumqi');
  await expect(zone).toHaveValue('Asia/Urumqi');
  await expect(page.getByTestId('save-state')).toHaveText(zh('settings.unsaved'));
  await zone.scrollIntoViewIfNeeded();
  await shot(page, 'store-time-zone-settings-zh-1024.png');
  await page.getByRole('button', { name: zh('settings.save'), exact: true }).click();
  await expect(page.getByTestId('save-state')).toContainText(zh('settings.saved'));

  // At once, without a reload: the counter shows the same instant in Ürümqi time.
  await page.goto(`${readyTerminal.url}#/counter`);
  await lookUp(page, coupon.code);
  await expect(window).toHaveText(/^2023\/12\/31 22:00 – 2035\/12\/31 21:59$/);

  // The change is in the journal, before and after.
  const changes = readyTerminal.services.audit
    .search({ actions: ['settings_change'] }, { limit: 20 })
    .rows.map((r: AuditRecord) => r.detail as Record<string, unknown>);
  expect(changes).toContainEqual(
    expect.objectContaining({
      changes: { timeZone: { before: 'Asia/Shanghai', after: 'Asia/Urumqi' } },
    }),
  );
});
