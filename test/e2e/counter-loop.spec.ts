/**
 * The counter loop end to end: a cashier, the browser host, the sandbox, the audit log.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import {
  CASHIER,
  expect,
  MANAGER,
  scannerBurst,
  SCREENSHOTS,
  signIn,
  test,
  typeHeld,
} from './fixtures';

const REDEEMABLE = '178847660332'; // 满100减10元代金券, CASH
const EXPIRED = '101961725085';
const GIFTING = '219601691506';
const INVALIDATED = '577290972999';
const UNKNOWN = '999999999999';
const WEEKDAY_ONLY = '124889505971';

async function scanAndExpect(page: Page, code: string, kind: string, word: RegExp | string) {
  await page.keyboard.press('Escape');
  await scannerBurst(page, code);
  const panel = page.getByTestId('verdict-panel');
  await expect(panel).toHaveAttribute('data-kind', kind);
  await expect(page.getByTestId('verdict-word')).toHaveText(word);
}

test('scan, verdict, Enter redeems, a second scan says who redeemed it', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await expect(page.getByLabel('Scan or type a code')).toBeFocused();

  // Focus elsewhere: the scan still arrives and does not land in a field.
  await page.getByRole('button', { name: 'Look up' }).focus();
  await scannerBurst(page, REDEEMABLE);
  const panel = page.getByTestId('verdict-panel');
  // Redeemable, but with a minimum spend to check: amber, never redeemed on scan.
  await expect(panel).toHaveAttribute('data-tone', 'warning');
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');
  await expect(page.getByTestId('verdict-title')).toContainText('满100减10元代金券');
  await expect(page.getByTestId('verdict-value')).toHaveText('¥10 off a bill of ¥100 or more');
  await expect(page.getByTestId('verdict-window')).toContainText('–');
  await expect(page.getByTestId('verdict-warnings')).toContainText('Minimum spend ¥100');
  await expect(page.getByLabel('Scan or type a code')).toHaveValue('');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-redeemable.png') });

  await page.getByLabel('Scan or type a code').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemed');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-redeemed.png') });
  expect(readyTerminal.sandbox.sim.code(REDEEMABLE)?.status).toBe('CONSUMED');

  // A repeat scan within the cool-down is one scan; after Esc it is a new customer.
  await scannerBurst(page, REDEEMABLE);
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemed');
  await page.keyboard.press('Escape');
  await scannerBurst(page, REDEEMABLE);
  await expect(page.getByTestId('verdict-word')).toHaveText('Already redeemed');
  await expect(page.getByTestId('verdict-hint')).toHaveText(
    new RegExp(`Redeemed here at \\d{2}:\\d{2} by ${CASHIER.name}`),
  );
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-already-redeemed.png') });
  expect(readyTerminal.sandbox.sim.callCount('/card/code/consume')).toBe(1);
});

test('every kind of code gets its own verdict', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await scanAndExpect(page, EXPIRED, 'expired', 'Expired');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-expired.png') });
  await scanAndExpect(page, GIFTING, 'gifting', 'Being gifted');
  await scanAndExpect(page, INVALIDATED, 'invalidated', 'Invalidated');
  await scanAndExpect(page, UNKNOWN, 'unknown_code', 'Unknown code');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-unknown.png') });
  // Garbage from a scanner: refused before any call to WeChat.
  const before = readyTerminal.sandbox.sim.callCount('/card/code/get');
  await page.keyboard.press('Escape');
  await scannerBurst(page, 'ab#c$%d!x');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-kind', 'invalid_scan');
  await expect(page.getByTestId('verdict-hint')).toHaveText(
    'What was scanned is not a coupon code.',
  );
  expect(readyTerminal.sandbox.sim.callCount('/card/code/get')).toBe(before);
  // A weekday-only card: green or amber depending on today in the terminal's time zone.
  await scanAndExpect(page, WEEKDAY_ONLY, 'redeemable', 'Redeemable');
});

test('typing by hand, even fast, is never taken for a scan', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  const field = page.getByLabel('Scan or type a code');
  await field.focus();
  await page.keyboard.type('42 quick brown', { delay: 70 });
  await expect(field).toHaveValue('42 quick brown');
  await expect(page.getByTestId('verdict')).toHaveText('Ready for the next scan');
  // Typed by hand and confirmed with Enter: a manual lookup.
  await field.fill('');
  await page.keyboard.type(INVALIDATED, { delay: 60 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText('Invalidated');
});

test('a lost consume answer is settled as redeemed, with exactly one consume', async ({
  page,
  readyTerminal,
}) => {
  const { sandbox, services } = readyTerminal;
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await scannerBurst(page, REDEEMABLE);
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemable');

  sandbox.sim.faults.add({ path: '/card/code/consume', kind: 'lost_response', count: 1 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('verdict-word')).toHaveText(
    'Outcome unknown — do not hand over goods',
  );
  await expect(page.getByTestId('verdict-hint')).toContainText('Do not redeem again');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-outcome-unknown.png') });

  await expect(page.getByTestId('settled-list')).toContainText(`code ${REDEEMABLE} WAS redeemed`);
  await expect(page.getByTestId('verdict-word')).toHaveText('Redeemed');
  await expect(page.getByTestId('verdict-hint')).toContainText('the code WAS redeemed');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-settled.png') });
  expect(sandbox.sim.callCount('/card/code/consume')).toBe(1);
  expect(sandbox.sim.code(REDEEMABLE)?.status).toBe('CONSUMED');

  const records = services.audit
    .search({ actions: ['redeem'], codePrefix: REDEEMABLE })
    .rows.reverse();
  expect(records.map((r) => r.outcome)).toEqual(['pending', 'unknown', 'settled']);
  expect(new Set(records.map((r) => r.nonce)).size).toBe(1);
  expect(records[2]!.detail).toMatchObject({ result: 'redeemed', status: 'CONSUMED' });
});

test('WeChat unreachable: a grey verdict that says so, never green', async ({
  page,
  readyTerminal,
}) => {
  const { sandbox } = readyTerminal;
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  sandbox.sim.faults.add({ path: '/card/code/get', kind: 'http_5xx', count: 10 });
  await scannerBurst(page, REDEEMABLE);
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-kind', 'could_not_check');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-tone', 'neutral');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'counter-could-not-check.png') });
});

test('typing fast by hand into a settings field lands in the field, never as a scan', async ({
  page,
  readyTerminal,
}) => {
  const { sandbox } = readyTerminal;
  await page.goto(readyTerminal.url);
  await signIn(page, MANAGER);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.locator('body[data-scanner="ready"]').waitFor();
  const name = page.getByLabel('Terminal name');
  await name.fill('');
  // A quick typist: 45 ms a key, ending with Enter, as a scanner would end.
  await page.keyboard.type('Counter 123456', { delay: 45 });
  await page.keyboard.press('Enter');
  await expect(name).toHaveValue('Counter 123456');
  expect(sandbox.sim.callCount('/card/code/get')).toBe(0);
  await expect(page.getByTestId('verdict')).toHaveCount(0);
});

test('keys typed into a number field land there as typed, even when the focus moves on before the scanner detector lets them go', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signIn(page, MANAGER);
  await page.goto(`${readyTerminal.url}#/settings?section=counter`);
  await page.locator('body[data-scanner="ready"]').waitFor();
  const GAP = '#scan\\.scanner\\.maxInterKeyMs';
  const MIN_LENGTH = '#scan\\.scanner\\.minLength';
  const COOLDOWN = '#scan\\.cooldownMs';
  const gap = page.locator(GAP);
  await gap.fill('');
  await gap.focus();
  // Two digits a person typed, held back while the detector tells a scanner from a person; the
  // hand moves on to the next field before the detector lets them go.
  await typeHeld(page, [{ key: '4', at: 0 }, { key: '5', at: 80 }, { focus: MIN_LENGTH }]);
  await expect(gap).toHaveValue('45');
  await expect(page.locator(MIN_LENGTH)).toBeFocused();
  // Tabbing into a field selects its text: what is typed replaces it, as typing does.
  await gap.fill('35');
  await gap.selectText();
  await typeHeld(page, [{ key: '6', at: 0 }, { key: '0', at: 80 }, { focus: MIN_LENGTH }]);
  await expect(gap).toHaveValue('60');
  // A decimal point typed into a number field does not empty it.
  const cooldown = page.locator(COOLDOWN);
  await cooldown.fill('1');
  await cooldown.focus();
  await typeHeld(page, [{ key: '.', at: 0 }, { focus: MIN_LENGTH }]);
  await cooldown.focus();
  await page.keyboard.type('5', { delay: 200 });
  await expect(cooldown).toHaveValue('1.5');
  // React took the values: saving keeps them.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.reload();
  await expect(page.locator(GAP)).toHaveValue('60');
  await expect(page.locator(COOLDOWN)).toHaveValue('1.5');
});
