/**
 * The font stack follows the language: in English, curly quotes and apostrophes are drawn by a
 * Latin face (narrow), not by the Chinese face (a full-width “ ”); Chinese keeps the CJK face.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENSHOTS, test } from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

/** The width of a curly quote at 100 px in the page's own font, in px. */
const quoteWidth = (page: Page) =>
  page.evaluate(() => {
    const span = document.createElement('span');
    span.style.fontSize = '100px';
    span.textContent = '“';
    document.body.append(span);
    const w = span.getBoundingClientRect().width;
    span.remove();
    return w;
  });

test('curly quotes are narrow in English and the CJK face stays for Chinese', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await page.getByLabel(/Language|语言/).selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(await quoteWidth(page)).toBeLessThan(60);
  await page.getByLabel(/Language|语言/).selectOption('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  const family = await page.evaluate(() => getComputedStyle(document.documentElement).fontFamily);
  expect(family.startsWith('"Noto Sans CJK SC"')).toBe(true);
  // The CJK face draws it full width: what English text showed before.
  expect(await quoteWidth(page)).toBeGreaterThan(80);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'font-stack-zh-1024.png') });
});
