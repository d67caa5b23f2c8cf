/**
 * The wizard suggests a terminal name (in the chosen language) and id, so a new user reaches
 * the counter typing only the store's name and the manager.
 */
import path from 'node:path';
import { expect, SCREENSHOTS, test } from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

test('the wizard suggests a terminal name and id', async ({ page, terminal }) => {
  await page.goto(terminal.url);
  await expect(page.getByRole('heading', { level: 1, name: '设置本终端' })).toBeVisible();
  await expect(page.getByLabel('终端名称')).toHaveValue('收银台 1');
  await expect(page.getByLabel('终端编号')).toHaveValue('T-01');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'wizard-suggestions-zh-1024.png') });
  // Choosing English changes the suggested name while it is untouched.
  await page.getByRole('radio', { name: 'English' }).check();
  await expect(page.getByLabel('Terminal name')).toHaveValue('Counter 1');
  await page.getByRole('radio', { name: '中文' }).check();
  await expect(page.getByLabel('终端名称')).toHaveValue('收银台 1');
  // Only the store's name is needed to go on.
  await page.getByLabel('门店名称').fill('徐汇店');
  await page.getByRole('button', { name: '下一步' }).click();
  await expect(page.getByTestId('wizard-progress')).toHaveText('第 2 步，共 3 步');
});
