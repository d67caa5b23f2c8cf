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
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

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

/** The page's visible text outside merchant data and codes. */
function ourText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const root = document.body.cloneNode(true) as HTMLElement;
    const skipped = '[data-merchant], [translate="no"], .mono, code, script, style, option';
    for (const el of root.querySelectorAll(skipped)) {
      el.remove();
    }
    document.body.append(root);
    root.style.position = 'absolute';
    const text = root.innerText;
    root.remove();
    return text;
  });
}

/** Each language's own name, in the language pickers. */
const ENDONYMS = /English|中文/g;

function strays(raw: string, lang: 'zh-CN' | 'en'): string[] {
  const text = raw.replace(/https?:\/\/\S+/g, ' ').replace(ENDONYMS, ' ');
  if (lang === 'en') return [...new Set(text.match(/[\u3400-\u9fff]+/g) ?? [])];
  const words = text.match(/[A-Za-z][A-Za-z_]+/g) ?? [];
  return [...new Set(words.filter((w) => !ALLOWED.has(w.toLowerCase())))];
}

for (const lang of ['zh-CN', 'en'] as const) {
  test(`every screen is in ${lang} only`, async ({ page, readyTerminal }) => {
    test.setTimeout(180_000);
    await page.goto(readyTerminal.url);
    await page.getByLabel(/Language|语言/).selectOption(lang);
    await signIn(page, MANAGER);
    const found: Record<string, string[]> = {};
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
    expect(found).toEqual({});
  });
}
