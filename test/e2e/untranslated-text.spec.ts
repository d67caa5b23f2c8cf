/**
 * Untranslated text: every screen's rendered text in Chinese has no English words and in
 * English no Chinese, outside merchant data (card titles, brands, notes, operator and
 * store names: marked `data-merchant` in the markup) and codes and ids (`.mono`). Product
 * names and abbreviations a Chinese cashier reads as such (PIN, USB, QR, AppID, ...), web
 * addresses and each language's own name in the language pickers pass. Ids shown as such are
 * marked `translate="no"`.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createDispatcher } from '../../electron/host/dispatch';
import {
  CASHIER,
  expect,
  fromOperatorMenu,
  MANAGER,
  SCREENSHOTS,
  signIn,
  SUPERVISOR,
  test,
} from './fixtures';
import { walkWizard, type WizardStep } from './wizard';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

/** Latin words that are names, units or abbreviations in Chinese text too. */
const ALLOWED = new Set(
  [
    'CardDesk',
    'WeChat',
    'PIN',
    'USB',
    'QR',
    'ID',
    'AppID',
    'AppSecret',
    'IT',
    'Esc',
    'F2',
    'Enter',
    'Code',
    'CSV',
    'JSON',
    'IP',
    'URL',
    'UTC',
    'http',
    'https',
    'SQLite',
    'Sandbox',
    'API',
    'Tab',
    'EAN',
    'ITF',
    'PDF',
    'poi_id',
    'openid',
    'Ctrl',
    'Electron',
    'ms',
    'poi',
    'id',
  ].map((w) => w.toLowerCase()),
);

/** The screens and their main states, as the location names them. */
const SCREENS = [
  'counter',
  'refunds',
  'audit',
  'audit?view=summary',
  'audit?view=verify',
  'office?view=cards',
  'office?view=customer',
  'office?view=stats&report=coupons',
  'office?view=stats&report=cards',
  'office?view=stats&report=members',
  'office?view=stats&report=member',
  'settings?section=terminal',
  'settings?section=connection',
  'settings?section=counter',
  'settings?section=sounds',
  'settings?section=security',
  'settings?section=window',
  'settings?section=cardIds',
  'settings?section=headOffice',
  'settings?section=operators',
  'demo',
  'about',
];

/**
 * The page's visible text outside merchant data and codes, and the text of every option of
 * every list on it (options are not in the page's innerText: a closed list shows one).
 */
function ourText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const skipped = '[data-merchant], [translate="no"], .mono, code, script, style';
    const options = [...document.querySelectorAll('select option')]
      .filter((o) => !o.closest(skipped))
      .map((o) => o.textContent ?? '');
    const root = document.body.cloneNode(true) as HTMLElement;
    for (const el of root.querySelectorAll(`${skipped}, option`)) {
      el.remove();
    }
    document.body.append(root);
    root.style.position = 'absolute';
    const text = root.innerText;
    root.remove();
    return `${text}\n${options.join('\n')}`;
  });
}

/** Each language's own name, in the language pickers. */
const ENDONYMS = /English|中文/g;

function strays(raw: string, lang: 'zh-CN' | 'en'): string[] {
  // Web addresses and hex colours (#10AD61, in a list's option where no markup can say "code").
  const text = raw
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/#[0-9A-Fa-f]{6}\b/g, ' ')
    .replace(ENDONYMS, ' ');
  if (lang === 'en') return [...new Set(text.match(/[\u3400-\u9fff]+/g) ?? [])];
  const words = text.match(/[A-Za-z][A-Za-z_]+/g) ?? [];
  return [...new Set(words.filter((w) => !ALLOWED.has(w.toLowerCase())))];
}

for (const lang of ['zh-CN', 'en'] as const) {
  test(`every screen is in ${lang} only`, async ({ page, readyTerminal }) => {
    test.setTimeout(180_000);
    await page.goto(readyTerminal.url);
    await page.getByLabel(/Language|语言/).selectOption(lang);
    const found: Record<string, string[]> = {};
    const look = async (state: string) => {
      const bad = strays(await ourText(page), lang);
      if (bad.length) found[state] = bad;
    };
    // The sign-in screen, then its answer to a wrong PIN.
    await expect(page.getByLabel(/Operator id|操作员编号/)).toBeVisible();
    await look('sign-in');
    await signIn(page, { id: MANAGER.id, pin: '999999' });
    await expect(page.getByRole('alert').first()).toBeVisible();
    await look('sign-in (wrong PIN)');
    await signIn(page, MANAGER);
    // The counter with a verdict on it: a card's title, brand and notice are the merchant's.
    const scan = page.getByLabel(/Scan or type a code|扫码或输入券码/);
    await scan.fill('174551011028');
    await scan.press('Enter');
    await expect(page.getByTestId('verdict-word')).toHaveText(/Redeemable|可以核销/);
    const atCounter = strays(await ourText(page), lang);
    if (atCounter.length) found['counter (a verdict)'] = atCounter;
    // A custom-code card not listed at this terminal: the cashier's message names no card_id.
    await scan.fill('518056123817');
    await scan.press('Enter');
    await expect(page.getByTestId('verdict-code')).toContainText('518056123817');
    await page.waitForTimeout(300);
    const customCode = strays(await ourText(page), lang);
    if (customCode.length) found['counter (custom code not listed)'] = customCode;
    await page.screenshot({ path: path.join(SCREENSHOTS, `untranslated-${lang}-custom-code.png`) });
    for (const screen of SCREENS) {
      await page.goto(`${readyTerminal.url}#/${screen}`);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(600);
      const bad = strays(await ourText(page), lang);
      if (bad.length) found[screen] = bad;
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, `untranslated-${lang}-last.png`) });

    // The refund queue with entries (WeChat unreachable, so they wait), and its error column.
    const dispatch = createDispatcher({
      services: readyTerminal.services.services,
      guard: readyTerminal.services.guard,
    });
    const ctx = { clientId: 'untranslated-setup' };
    await dispatch('signIn', { operatorId: SUPERVISOR.id, pin: SUPERVISOR.pin }, ctx);
    readyTerminal.sandbox.sim.faults.add({
      path: '/card/code/unavailable',
      kind: 'http_5xx',
      count: 1000,
    });
    await dispatch(
      'invalidateCode',
      { code: '616099591650', reason: 'customer_refund', note: '', confirmed: true },
      ctx,
    );
    await page.goto(`${readyTerminal.url}#/refunds`);
    await expect(page.getByTestId('outbox').locator('tbody tr')).toHaveCount(1);
    await page.waitForTimeout(600);
    await look('refunds (queue)');
    // The counter's answer when WeChat cannot be reached.
    readyTerminal.sandbox.sim.faults.add({ path: '/card/code/get', kind: 'http_5xx', count: 1000 });
    await page.goto(`${readyTerminal.url}#/counter`);
    const scan2 = page.getByLabel(/Scan or type a code|扫码或输入券码/);
    await scan2.fill('616099591650');
    await scan2.press('Enter');
    await expect(page.getByTestId('verdict-word')).toBeVisible();
    await page.waitForTimeout(600);
    await look('counter (WeChat unreachable)');

    // Every record so far in the journal's record view (set-up, sign-in, a failed sign-in,
    // lookups, a redemption, a refund, the settings saved).
    const records = readyTerminal.services.audit.search({}, { limit: 200 }).rows;
    for (const r of records) {
      await page.goto(`${readyTerminal.url}#/audit?view=record&id=${r.id}`);
      await expect(page.getByTestId('record-view')).toBeVisible();
      await look(`record #${r.id} (${r.action})`);
    }
    expect(found).toEqual({});
  });
}

for (const lang of ['zh-CN', 'en'] as const) {
  test(`the set-up wizard is in ${lang} only`, async ({ page, terminal }) => {
    test.setTimeout(120_000);
    await page.goto(terminal.url);
    const found: Record<string, string[]> = {};
    const look = async (state: string) => {
      await page.waitForTimeout(300);
      const bad = strays(await ourText(page), lang);
      if (bad.length) found[state] = bad;
    };
    await walkWizard(
      page,
      {
        language: lang,
        terminalName: 'Counter 1',
        terminalId: 'T-01',
        storeName: 'Xuhui Store',
        manager: MANAGER,
      },
      {
        atStep: async (step: WizardStep) => {
          await look(step);
          if (step === 'connection') {
            // Live mode's choices and fields.
            await page.getByRole('radio', { name: /^(Live|正式)/ }).check();
            await look('connection (live)');
            await page.screenshot({
              path: path.join(SCREENSHOTS, `untranslated-${lang}-wizard-live.png`),
              fullPage: true,
            });
          }
        },
      },
    );
    expect(found).toEqual({});
  });
}

const REDEEMED = '174551011028'; // redeemable 满100减10元代金券: redeemed here first
const EXPIRED = '101961725085';
const TO_INVALIDATE = '616099591650';
const REDEEMABLE = '178847660332';
const CASH_100 = 'pSBXrx-maWq86um_moXe_HJAlz_6';

for (const lang of ['zh-CN', 'en'] as const) {
  test(`lockout, refusals, card pages and WeChat errors are in ${lang} only`, async ({
    page,
    readyTerminal: t,
  }) => {
    test.setTimeout(180_000);
    const found: Record<string, string[]> = {};
    const look = async (state: string) => {
      await page.waitForTimeout(300);
      const text = await ourText(page);
      const bad = strays(text, lang);
      if (bad.length) found[state] = bad;
      if (process.env.DEBUG_STRAYS) {
        for (const w of bad)
          console.log(
            state,
            JSON.stringify(text.slice(text.indexOf(w) - 40, text.indexOf(w) + 40)),
          );
      }
    };
    const shot = (name: string) =>
      page.screenshot({ path: path.join(SCREENSHOTS, `untranslated-${lang}-${name}.png`) });
    // A redeemed and an invalidated code, by another till.
    const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
    const ctx = { clientId: 'other-till' };
    await dispatch('signIn', { operatorId: SUPERVISOR.id, pin: SUPERVISOR.pin }, ctx);
    expect((await dispatch('redeemCode', { code: REDEEMED }, ctx)).ok).toBe(true);
    const invalidated = await dispatch(
      'invalidateCode',
      { code: TO_INVALIDATE, reason: 'customer_refund', note: '', confirmed: true },
      ctx,
    );
    expect(invalidated.ok).toBe(true);

    await page.goto(t.url);
    await page.getByLabel(/Language|语言/).selectOption(lang);

    // The lock screen, then five wrong PINs: the lockout says until when.
    await signIn(page, CASHIER);
    await fromOperatorMenu(page, /^(Switch operator|切换操作员)$/);
    await page.reload();
    await expect(page.getByRole('heading', { name: /^(Locked|已锁定)$/ })).toBeVisible();
    const pin = page.getByLabel(/^PIN$/);
    for (let i = 0; i < 5; i++) {
      await pin.fill('0000');
      await page.getByRole('button', { name: /^(Sign in|登录)$/ }).click();
      await expect(page.getByTestId('signin-error')).toBeVisible();
    }
    await expect(page.getByTestId('signin-error')).toContainText(/\d{2}:\d{2}/);
    await look('lock screen (locked out)');
    await shot('lockout');
    await page.getByRole('button', { name: /^(Unlock with a supervisor…|请主管解锁…)$/ }).click();
    await look('lock screen (unlock form)');

    // Refunds: redeemed, expired and invalidated codes refused up front; the confirm dialog.
    await page.goto(t.url);
    await signIn(page, SUPERVISOR);
    await page.goto(`${t.url}#/refunds`);
    const check = async (code: string) => {
      await page.getByLabel(/^(Coupon code|券码)$/).fill(code);
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('refund-preview')).toBeVisible();
      await expect(page.getByTestId('verdict-code')).toContainText(code);
    };
    for (const [code, state] of [
      [REDEEMED, 'redeemed'],
      [EXPIRED, 'expired'],
      [TO_INVALIDATE, 'invalidated'],
    ] as const) {
      await check(code);
      await expect(page.getByTestId('refund-blocked')).toBeVisible();
      await look(`refunds (${state} refused)`);
    }
    await shot('refund-invalidated-refused');
    await check(REDEEMABLE);
    await page.getByRole('button', { name: /^(Invalidate…|作废…)$/ }).click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await look('refunds (cannot be undone dialog)');
    await shot('refund-confirm');
    await page.keyboard.press('Escape');

    // The back office: a card's details, and its edit page with the review panel and an error.
    await fromOperatorMenu(page, /^(Sign out|退出登录)$/);
    await signIn(page, MANAGER);
    await page.goto(`${t.url}#/office?view=card&id=${CASH_100}`);
    await expect(page.getByTestId('card-id')).toHaveText(CASH_100);
    await look('back office (card details)');
    await page.goto(`${t.url}#/office?view=card&id=${CASH_100}&action=edit`);
    await expect(page.getByTestId('edit-panel')).toBeVisible();
    await page.locator('#edit-notice').fill('结账前出示二维码');
    await expect(page.getByTestId('review-warning')).toBeVisible();
    await look('back office (edit, review warning)');
    await page.locator('#edit-notice').fill('结账时请向收银员出示此二维码谢谢合作');
    await expect(page.getByTestId('edit-notice-error')).toBeVisible();
    await look('back office (edit, an error)');
    await shot('card-edit-error');

    // WeChat answers errcode 45009 (calls over the daily limit): at the counter and back office.
    t.sandbox.sim.faults.add({
      path: '/card/code/get',
      kind: 'errcode',
      errcode: 45009,
      count: 1000,
    });
    t.sandbox.sim.faults.add({ path: '/card/get', kind: 'errcode', errcode: 45009, count: 1000 });
    await page.goto(`${t.url}#/counter`);
    const scan = page.getByLabel(/Scan or type a code|扫码或输入券码/);
    await scan.fill(REDEEMABLE);
    await scan.press('Enter');
    await expect(page.getByTestId('verdict-word')).toBeVisible();
    await look('counter (errcode 45009)');
    await shot('counter-45009');
    await page.goto(`${t.url}#/office?view=card&id=${CASH_100}`);
    await page.waitForLoadState('networkidle');
    await expect(page.getByRole('alert').first()).toBeVisible();
    await look('back office (errcode 45009)');
    await shot('office-45009');
    expect(found).toEqual({});
  });
}
