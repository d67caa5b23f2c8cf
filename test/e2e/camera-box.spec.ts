/**
 * A till with only a USB scanner, in Chinese at 1024x768: the camera box does not take a third
 * of the counter (no camera connected, the box setting on its default "auto"); a manager can
 * show it always or never in Settings > Counter.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, MANAGER, SCREENSHOTS, signIn, test } from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

async function setBox(page: Page, choice: string) {
  await page.getByRole('link', { name: '设置', exact: true }).click();
  await page
    .getByRole('navigation', { name: '设置分类' })
    .getByRole('link', { name: '收银台', exact: true })
    .click();
  await page.getByLabel('收银台上的摄像头画面').selectOption({ label: choice });
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByTestId('save-state')).toHaveText('✓ 已保存');
  await page
    .getByRole('navigation', { name: '页面' })
    .getByRole('link', { name: '收银台' })
    .click();
}

test('the camera box is hidden on a till without a camera, and a setting shows it', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await page.getByLabel(/Language|语言/).selectOption('zh-CN');
  await signIn(page, MANAGER);
  const panel = page.getByTestId('camera-panel');
  await expect(panel).toHaveAttribute('data-status', /none|unsupported|denied|error/);
  const status = await panel.getAttribute('data-status');
  const scan = page.getByLabel('扫码或输入券码');
  await scan.fill('174551011028');
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('可以核销');

  if (status === 'none' || status === 'unsupported') {
    // No camera: the box folds to one status line and the verdict has the whole width.
    await expect(panel).toHaveAttribute('data-box', 'hidden');
    const verdict = (await page.getByTestId('verdict-word').boundingBox())!;
    const panelBox = (await panel.boundingBox())!;
    expect(panelBox.height).toBeLessThan(60);
    expect(verdict.x + verdict.width).toBeLessThanOrEqual(1024);
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-box-auto-zh-1024.png') });

  await setBox(page, '始终显示');
  await expect(panel).toHaveAttribute('data-box', 'shown');
  await expect(page.getByTestId('camera-guide')).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-box-shown-zh-1024.png') });

  await setBox(page, '不显示（只用扫码枪）');
  await expect(panel).toHaveAttribute('data-box', 'hidden');
  await expect(page.getByTestId('camera-guide')).toHaveCount(0);
  await expect(panel.getByTestId('camera-status')).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-box-hidden-zh-1024.png') });
});
