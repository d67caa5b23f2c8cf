/**
 * Camera scanning end to end, with Chromium's fake webcam playing a clip the test writes: a
 * counter top for a second, then a phone showing a sandbox coupon's code (the same scene
 * renderer as the decoder's benchmark corpus). The camera's read goes through the same scan
 * path as a USB scanner: lookup in the sandbox, verdict on screen.
 *
 * Each clip needs its own browser (the fake capture file is a launch flag). Clips are written
 * to a temporary folder, never into the repository.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-chromium.mjs';
import { renderScene, writeY4m, type Picture, type SceneSpec } from '../bench/make-decode-corpus';
import { createDispatcher } from '../../electron/host/dispatch';
import type { SettingsView } from '../../shared/settings';
import { CASHIER, expect, MANAGER, SCREENSHOTS, signIn, test, type Terminal } from './fixtures';

const QR_CODE = '178847660332'; // a QR card: 满100减10元代金券
const BARCODE = '184204778342'; // a barcode card: 50元无门槛券
const W = 640;
const H = 480;
const FPS = 15;

let dir: string;
const cspErrors: string[] = [];
test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-camera-'));
});
test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeClip(name: string, parts: { picture: Picture; count: number }[]): string {
  const file = path.join(dir, `${name}.y4m`);
  writeY4m(file, FPS, parts);
  return file;
}

const counterTop = (): Picture =>
  renderScene({ width: W, height: H, seed: 7, place: { scale: 1, cx: 3, cy: 3 } });

function phone(code: SceneSpec['code'], place: Partial<SceneSpec['place']> = {}): Picture {
  return renderScene({
    width: W,
    height: H,
    seed: 11,
    code,
    place: { scale: 0.75, cx: 0.5, cy: 0.52, angle: 4, tiltX: 8, tiltY: -6, ...place },
    noise: 3,
  });
}

async function cameraBrowser(clip: string): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${clip}`,
    ],
  });
}

async function counterWithCamera(browser: Browser, terminal: Terminal): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'Asia/Shanghai',
  });
  await context.grantPermissions(['camera'], { origin: terminal.url });
  const page = await context.newPage();
  // The decode worker runs under the production Content-Security-Policy (script-src 'self',
  // worker-src 'self' blob:, no eval): any refusal would show here.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) {
      cspErrors.push(m.text());
    }
  });
  await page.goto(terminal.url);
  await signIn(page, CASHIER);
  await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-status', 'on');
  return page;
}

test('a QR code held up to the camera gets its verdict', async ({ readyTerminal }) => {
  // The phone stays in view long enough that the clip does not loop back to an empty counter
  // (a reappearance, rightly a new scan) within the test, however slow the machine.
  const clip = writeClip('qr', [
    { picture: counterTop(), count: FPS },
    { picture: phone({ kind: 'qr', text: QR_CODE }), count: FPS * 8 },
  ]);
  const browser = await cameraBrowser(clip);
  try {
    const page = await counterWithCamera(browser, readyTerminal);
    await expect(page.getByTestId('camera-status')).toHaveText(/Camera on|Code read/);
    const panel = page.getByTestId('verdict-panel');
    await expect(panel).toHaveAttribute('data-kind', 'redeemable', { timeout: 15_000 });
    await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
    await expect(page.getByTestId('verdict-title')).toContainText('满100减10元代金券');
    await expect(page.getByTestId('verdict-code')).toContainText(QR_CODE);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-verdict.png') });
    expect(cspErrors).toEqual([]);
    // one read, one lookup: the code still in view is not scanned again and again
    await page.waitForTimeout(1_500);
    expect(readyTerminal.sandbox.sim.callCount('/card/code/get')).toBe(1);
    // read-only: a camera look-up redeems nothing by itself in "redeem on Enter" mode
    expect(readyTerminal.sandbox.sim.code(QR_CODE)?.status).toBe('NORMAL');
    // Esc: next customer; the camera scans again at once, and the same code counts again
    await page.keyboard.press('Escape');
    await expect(panel).toHaveAttribute('data-kind', 'redeemable');
    await expect.poll(() => readyTerminal.sandbox.sim.callCount('/card/code/get')).toBe(2);
  } finally {
    await browser.close();
  }
});

test('a Code 128 barcode held up to the camera gets its verdict', async ({ readyTerminal }) => {
  const clip = writeClip('code128', [
    { picture: counterTop(), count: FPS },
    { picture: phone({ kind: 'code128', text: BARCODE }, { scale: 1.05 }), count: FPS * 3 },
  ]);
  const browser = await cameraBrowser(clip);
  try {
    const page = await counterWithCamera(browser, readyTerminal);
    const panel = page.getByTestId('verdict-panel');
    await expect(panel).toHaveAttribute('data-kind', 'redeemable', { timeout: 15_000 });
    await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
    await expect(page.getByTestId('verdict-title')).toContainText('50元无门槛券');
    await expect(page.getByTestId('verdict-code')).toContainText(BARCODE);
  } finally {
    await browser.close();
  }
});

test('a camera showing no code shows nothing and asks WeChat nothing', async ({
  readyTerminal,
}) => {
  const clip = writeClip('nocode', [
    { picture: counterTop(), count: FPS },
    { picture: phone(undefined), count: FPS * 2 },
  ]);
  const browser = await cameraBrowser(clip);
  try {
    const page = await counterWithCamera(browser, readyTerminal);
    const attempts = () =>
      page.evaluate(
        () =>
          (window as { __cardDeskCamera?: { attempts: number } }).__cardDeskCamera?.attempts ?? 0,
      );
    const before = await attempts();
    // It keeps looking (decode attempts go on; how fast is bench:camera's business, not this
    // test's: a busy machine decodes fewer frames a second).
    await expect.poll(attempts, { timeout: 30_000 }).toBeGreaterThan(before + 10);
    await expect(page.getByTestId('verdict-panel')).toHaveCount(0);
    await expect(page.getByTestId('verdict')).toHaveText('Ready for the next scan');
    expect(readyTerminal.sandbox.sim.callCount('/card/code/get')).toBe(0);
    await expect(page.getByTestId('camera-status')).toHaveText('Camera on');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-scanning.png') });

    // Off and on again at this counter; Enter keeps meaning "look up", not the camera button.
    await page.getByRole('button', { name: 'Turn off' }).click();
    await expect(page.getByTestId('camera-status')).toHaveText('Camera off');
    await expect(page.getByLabel('Scan or type a code')).toBeFocused();
    await page.getByRole('button', { name: 'Turn camera on' }).click();
    await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-status', 'on');
    await expect(page.getByLabel('Scan or type a code')).toBeFocused();
  } finally {
    await browser.close();
  }
});

test('a camera the terminal may not use says what to do', async ({ readyTerminal }) => {
  const clip = writeClip('denied', [{ picture: counterTop(), count: FPS }]);
  // No fake permission prompt and no permission granted: getUserMedia is refused.
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [
      ...CHROMIUM_ARGS,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${clip}`,
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(readyTerminal.url);
    await signIn(page, CASHIER);
    await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-status', 'denied');
    await expect(page.getByTestId('camera-status')).toHaveText('Camera not allowed');
    await expect(page.getByTestId('camera-guide')).toContainText('privacy settings');
    await expect(page.getByText('Error: NotAllowedError')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-denied.png') });
  } finally {
    await browser.close();
  }
});

test('camera scanning off in the settings: no camera is opened', async ({ readyTerminal }) => {
  // A manager turns camera scanning off, through the contract as the settings screen does.
  const dispatch = createDispatcher({
    services: readyTerminal.services.services,
    guard: readyTerminal.services.guard,
  });
  const ctx = { clientId: 'test-camera-off' };
  expect((await dispatch('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin }, ctx)).ok).toBe(
    true,
  );
  const got = await dispatch('getSettings', {}, ctx);
  if (!got.ok) throw new Error('getSettings failed');
  const { scan } = (got.value as SettingsView).settings;
  const saved = await dispatch(
    'updateSettings',
    { scan: { ...scan, camera: { ...scan.camera, enabled: false } } },
    ctx,
  );
  expect(saved.ok).toBe(true);
  await dispatch('signOut', {}, ctx);

  const clip = writeClip('off', [{ picture: counterTop(), count: FPS }]);
  const browser = await cameraBrowser(clip);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['camera'], { origin: readyTerminal.url });
    // count every request for a camera
    await context.addInitScript(() => {
      const md = navigator.mediaDevices;
      const real = md.getUserMedia.bind(md);
      (window as { __gum?: number }).__gum = 0;
      md.getUserMedia = (c) => {
        (window as { __gum?: number }).__gum! += 1;
        return real(c);
      };
    });
    const page = await context.newPage();
    await page.goto(readyTerminal.url);
    await signIn(page, CASHIER);
    await expect(page.getByTestId('camera-panel')).toHaveAttribute('data-status', 'disabled');
    await expect(page.getByTestId('camera-status')).toHaveText('Camera scanning is off');
    await page.waitForTimeout(1_000);
    expect(await page.evaluate(() => (window as { __gum?: number }).__gum)).toBe(0);
    await expect(page.locator('[data-testid="camera-panel"] video')).not.toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-off.png') });
  } finally {
    await browser.close();
  }
});

test('without a camera the counter says so and works as before', async ({
  page,
  readyTerminal,
}) => {
  // The default test browser has no fake camera: this machine has no webcam.
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  const panel = page.getByTestId('camera-panel');
  await expect(panel).toHaveAttribute('data-status', /none|denied|unsupported/);
  // The camera box setting is on "auto": no camera, so one status line instead of the box
  // (Settings > Counter shows it always; camera-box.spec.ts).
  await expect(panel).toHaveAttribute('data-box', 'hidden');
  await expect(page.getByTestId('camera-status')).toContainText(/camera/i);
  await expect(page.getByTestId('camera-guide')).toHaveCount(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'camera-none.png') });
  // the code field and the USB scanner are untouched
  await page.getByLabel('Scan or type a code').fill(QR_CODE);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
});
