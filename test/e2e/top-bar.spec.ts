/**
 * The top bar at the smallest common till screen (1024x768), in Chinese and English, signed
 * out, as a manager (six tabs, the most it holds) and with the operator's menu open: every
 * label on one line, nothing outside the window, no sideways scrolling, the bar's height
 * bounded.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

interface BarReport {
  height: number;
  pageOverflow: number;
  wrapped: string[];
  outside: string[];
  clipped: string[];
}

/** Measures the bar as rendered: wrapped text nodes, controls outside the window, clipped labels. */
function measureBar(page: Page): Promise<BarReport> {
  return page.evaluate(() => {
    const bar = document.querySelector<HTMLElement>('.topbar')!;
    const wrapped: string[] = [];
    const walker = document.createTreeWalker(bar, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      if (!text) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) wrapped.push(text);
    }
    const outside: string[] = [];
    const clipped: string[] = [];
    for (const el of bar.querySelectorAll<HTMLElement>('a, button, select, .badge, .brand')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      const label = el.textContent?.trim() || el.getAttribute('aria-label') || el.tagName;
      if (r.left < 0 || r.right > window.innerWidth + 0.5) outside.push(label);
      // Merchant data (names) may be cut with an ellipsis; our own labels never.
      if (!el.querySelector('[data-merchant]') && el.scrollWidth > el.clientWidth + 1) {
        clipped.push(label);
      }
    }
    return {
      height: bar.getBoundingClientRect().height,
      pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
      wrapped,
      outside,
      clipped,
    };
  });
}

async function expectTidyBar(page: Page) {
  const report = await measureBar(page);
  expect(report.wrapped, 'labels wrapped onto a second line').toEqual([]);
  expect(report.outside, 'controls outside the window').toEqual([]);
  expect(report.clipped, 'labels cut off').toEqual([]);
  expect(report.pageOverflow, 'sideways scrolling').toBeLessThanOrEqual(0);
  expect(report.height).toBeLessThanOrEqual(64);
}

for (const lang of ['zh-CN', 'en'] as const) {
  test(`the top bar fits 1024x768 in ${lang}`, async ({ page, readyTerminal }) => {
    await page.goto(readyTerminal.url);
    await page.getByLabel(/Language|语言/).selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(page.getByLabel(/Operator id|操作员编号/)).toBeVisible();
    await expectTidyBar(page);
    // Signed out, "About" is a plain label: no underline or border through its characters.
    const about = page.locator('.topbar').getByRole('link', { name: /About|关于/ });
    const line = await about.evaluate((el) => {
      const s = getComputedStyle(el);
      return { decoration: s.textDecorationLine, border: s.borderBottomWidth };
    });
    expect(line).toEqual({ decoration: 'none', border: '0px' });
    await page.screenshot({
      path: path.join(SCREENSHOTS, `top-bar-${lang}-1024-signed-out.png`),
      clip: { x: 0, y: 0, width: 1024, height: 120 },
    });

    await signIn(page, MANAGER);
    const tabs = page.getByRole('navigation', { name: /Screens|页面/ }).getByRole('link');
    await expect(tabs).toHaveCount(6);
    await expectTidyBar(page);
    // "Redeem" stays above the fold: the counter's scan field is just under the bar.
    await expect(page.getByTestId('operator-name')).toBeInViewport();
    await page.screenshot({ path: path.join(SCREENSHOTS, `top-bar-${lang}-1024.png`) });

    await page.getByTestId('operator-menu').click();
    const menu = page.locator('#operator-menu-items');
    await expect(menu.getByRole('button')).toHaveCount(2);
    const box = (await menu.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1024);
    await expectTidyBar(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, `top-bar-${lang}-1024-menu.png`) });

    // The menu's actions work: sign out returns to the sign-in screen.
    await menu.getByRole('button', { name: /Sign out|退出登录/ }).click();
    await expect(page.getByLabel(/Operator id|操作员编号/)).toBeVisible();
  });
}
