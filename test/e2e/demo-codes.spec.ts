/**
 * The demo codes screen (Sandbox mode): the codes are drawn so that a scanner reads them.
 * The test decodes the drawn QR code and barcode from screenshots with @zxing/library.
 */
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from '@zxing/library';
import path from 'node:path';
import { PNG } from 'pngjs';
import { CASHIER, expect, scannerBurst, SCREENSHOTS, signIn, test } from './fixtures';

function decodePng(buffer: Buffer): string {
  const png = PNG.sync.read(buffer);
  const lum = new Uint8ClampedArray(png.width * png.height);
  for (let i = 0; i < lum.length; i++) {
    const o = i * 4;
    lum[i] = (png.data[o]! * 299 + png.data[o + 1]! * 587 + png.data[o + 2]! * 114) / 1000;
  }
  const reader = new MultiFormatReader();
  const hints = new Map<DecodeHintType, unknown>([
    [DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.QR_CODE, BarcodeFormat.CODE_128]],
    [DecodeHintType.TRY_HARDER, true],
  ]);
  return reader
    .decode(
      new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(lum, png.width, png.height))),
      hints,
    )
    .getText();
}

test('demo codes are shown as scannable QR codes and barcodes', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await page.getByRole('link', { name: 'Demo codes' }).click();
  const grid = page.getByTestId('demo-grid');
  await expect(grid.locator('li')).toHaveCount(readyTerminal.sandbox.sim.codes().length);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'demo-codes.png') });

  const qr = grid.locator('li', { hasText: '178847660332' }).locator('img');
  expect(decodePng(await qr.screenshot())).toBe('178847660332');
  const bar = grid.locator('li', { hasText: '184204778342' }).locator('img');
  expect(decodePng(await bar.screenshot())).toBe('184204778342');

  await page.getByLabel('Only redeemable codes').check();
  await expect(grid.locator('li.not-ok')).toHaveCount(0);

  // Scanning one from the screen goes to the counter like any scan.
  await page.getByRole('link', { name: 'Counter', exact: true }).click();
  await page.locator('body[data-scanner="ready"]').waitFor();
  await scannerBurst(page, '178847660332');
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
});
