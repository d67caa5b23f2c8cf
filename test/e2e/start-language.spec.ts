/**
 * The terminal's saved language is used at start-up: a new window (the browser host's address
 * and its storage can change from one start to the next) on a Chinese OS opens a terminal set
 * up in English in English, and one saved as Chinese in Chinese.
 */
import path from 'node:path';
import { createDispatcher } from '../../electron/host/dispatch';
import { expect, SCREENSHOTS, test } from './fixtures';

// The fixture saves the terminal's language from this locale: set up in English; each window
// below brings its own (OS) locale.
test.use({ viewport: { width: 1024, height: 768 }, locale: 'en-US' });

test('a new window starts in the language the terminal saved', async ({
  browser,
  readyTerminal,
}) => {
  // Set up in English (terminal-rig's setUpTerminal), on a Chinese OS: English.
  const first = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 1024, height: 768 },
  });
  const page = await first.newPage();
  await page.goto(readyTerminal.url);
  await expect(page.getByLabel('Operator id')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await first.close();

  // The manager saves Chinese in Settings (here through the contract): a new window is Chinese.
  const dispatch = createDispatcher({
    services: readyTerminal.services.services,
    guard: readyTerminal.services.guard,
  });
  const ctx = { clientId: 'test-language' };
  const signedIn = await dispatch('signIn', { operatorId: 'boss', pin: '246810' }, ctx);
  expect(signedIn.ok).toBe(true);
  const saved = await dispatch('updateSettings', { language: 'zh-CN' }, ctx);
  expect(saved.ok).toBe(true);

  const second = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1024, height: 768 },
  });
  const again = await second.newPage();
  await again.goto(readyTerminal.url);
  await expect(again.getByLabel('操作员编号')).toBeVisible();
  await expect(again.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await again.screenshot({ path: path.join(SCREENSHOTS, 'start-language-zh-1024.png') });
  await second.close();
});
