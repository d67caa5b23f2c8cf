/**
 * Issue 18, "settings": a manager who leaves a section with unsaved edits is asked first (the
 * side navigation and the top bar alike), and the custom-code card ids are counted as saved,
 * never counting an id added but not saved. zh-CN at 1024x768.
 */
import path from 'node:path';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

// The set-up terminal's saved language follows the test's locale (fixtures.ts).
test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

test('unsaved settings are never thrown away silently; only saved card ids count', async ({
  page,
  readyTerminal: t,
}) => {
  await page.goto(t.url);
  await signIn(page, MANAGER);
  await page.goto(`${t.url}#/settings?section=cardIds`);
  const nav = page.getByRole('navigation', { name: '设置分类' });
  await expect(page.getByRole('heading', { level: 2, name: '自定义码卡券' })).toBeVisible();
  const count = page.getByTestId('card-id-count');
  await expect(count).toHaveAttribute('data-count', '0');

  // Added but not saved: the count stays 0, the id says it is not saved yet.
  await page.getByLabel('添加卡券 ID').fill('pFS7Fjg8kV1IdDz01r4SQwMkuCKc');
  await page.getByRole('button', { name: '添加', exact: true }).click();
  await expect(page.getByTestId('card-id-list')).toContainText('尚未保存');
  await expect(count).toHaveAttribute('data-count', '0');
  await expect(count).toHaveText(/0 个/);
  await expect(page.getByTestId('card-id-pending')).toBeVisible();

  // Leaving for another section asks; "keep editing" keeps the edit and the section.
  await nav.getByRole('link', { name: '收银台', exact: true }).click();
  const dialog = page.getByTestId('leave-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('自定义码卡券');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-leave-zh-1024.png') });
  await dialog.getByRole('button', { name: '继续编辑' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/section=cardIds/);
  await expect(page.getByTestId('card-id-list')).toContainText('pFS7Fjg8kV1IdDz01r4SQwMkuCKc');

  // The top bar asks too; discarding leaves, and nothing was saved.
  await page.getByRole('navigation', { name: '页面' }).getByRole('link', { name: '日志' }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: '放弃修改并离开' }).click();
  await expect(page).toHaveURL(/#\/audit/);

  // Saved: now it counts, and leaving asks nothing.
  await page.goto(`${t.url}#/settings?section=cardIds`);
  await expect(page.getByTestId('card-id-count')).toHaveAttribute('data-count', '0');
  await page.getByLabel('添加卡券 ID').fill('pFS7Fjg8kV1IdDz01r4SQwMkuCKc');
  await page.getByRole('button', { name: '添加', exact: true }).click();
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('save-state')).toContainText('已保存');
  await expect(page.getByTestId('card-id-count')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('card-id-list')).not.toContainText('尚未保存');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-card-ids-saved-zh-1024.png') });
  await nav.getByRole('link', { name: '收银台', exact: true }).click();
  await expect(page.getByTestId('leave-dialog')).toHaveCount(0);
  await expect(page).toHaveURL(/section=counter/);
});
