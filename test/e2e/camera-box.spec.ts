/**
 * A till with only a USB scanner, in Chinese at 1024x768: the camera box does not take a third
 * of the counter (no camera connected, the box setting on its default "auto"); a manager can
 * show it always or never in Settings > Counter. Whenever the box is hidden, a USB scanner's
 * burst still redeems and the camera is never opened (no getUserMedia, no decoding).
 */
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-chromium.mjs';
import {
  CASHIER,
  expect,
  fromOperatorMenu,
  MANAGER,
  scannerBurst,
  SCREENSHOTS,
  signIn,
  test,
} from './fixtures';

test.use({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });

/** Counts getUserMedia calls (the page's own camera opening), from the first script on. */
async function countCameraOpens(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __gum: number };
    w.__gum = 0;
    const media = navigator.mediaDevices;
    if (!media?.getUserMedia) return;
    const real = media.getUserMedia.bind(media);
    media.getUserMedia = (c?: MediaStreamConstraints) => {
      w.__gum += 1;
      return real(c);
    };
  });
}
const cameraOpens = (page: Page) =>
  page.evaluate(() => (window as unknown as { __gum: number }).__gum);
const decoding = (page: Page) =>
  page.evaluate(() => (window as unknown as { __cardDeskCamera?: unknown }).__cardDeskCamera);

/** A USB scanner's burst at the counter, then Enter: the code is redeemed at WeChat. */
async function burstRedeems(page: Page, t: { sandbox: { sim: { code(c: string): unknown } } }) {
  const code = '616099591650';
  await scannerBurst(page, code);
  await expect(page.getByTestId('verdict-word')).toHaveText('可以核销');
  await page.getByLabel('扫码或输入券码').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-done', 'true');
  expect(t.sandbox.sim.code(code)).toMatchObject({ status: 'CONSUMED' });
}

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
  await countCameraOpens(page);
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
    // No camera, so nothing was opened and nothing decodes; the scanner redeems.
    expect(await cameraOpens(page)).toBe(0);
    expect(await decoding(page)).toBeUndefined();
    await page.keyboard.press('Escape');
    await burstRedeems(page, readyTerminal);
    expect(await cameraOpens(page)).toBe(0);
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

test('with the box set to never, a camera that is there is not opened; the scanner redeems', async ({
  readyTerminal: t,
}) => {
  // A till with a (fake) camera connected and allowed: with the box shown it would open.
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    await context.grantPermissions(['camera'], { origin: t.url });
    const page = await context.newPage();
    await countCameraOpens(page);
    await page.goto(t.url);
    await signIn(page, MANAGER);
    const panel = page.getByTestId('camera-panel');
    // The camera is there: on "auto" the box shows it (the counter opened it once).
    await expect(panel).toHaveAttribute('data-status', 'on');
    await expect(panel).toHaveAttribute('data-box', 'shown');
    expect(await cameraOpens(page)).toBe(1);

    await setBox(page, '不显示（只用扫码枪）');
    await expect(panel).toHaveAttribute('data-box', 'hidden');
    await expect(panel).toHaveAttribute('data-status', 'disabled');
    await expect.poll(() => decoding(page)).toBeUndefined();

    // A cashier's next shift starts on a fresh page: the camera is never opened.
    await fromOperatorMenu(page, '退出登录');
    await page.reload();
    await signIn(page, CASHIER);
    await expect(panel).toHaveAttribute('data-box', 'hidden');
    await expect(panel.getByTestId('camera-status')).toHaveText('摄像头扫码已关闭');
    await burstRedeems(page, t);
    await page.waitForTimeout(1_000);
    expect(await cameraOpens(page)).toBe(0);
    expect(await decoding(page)).toBeUndefined();
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'camera-box-never-redeemed-zh-1024.png'),
    });
  } finally {
    await browser.close();
  }
});
