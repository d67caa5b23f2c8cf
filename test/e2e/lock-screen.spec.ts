/**
 * Issue 18, "the scanner at the lock screen", in zh-CN at 1024x768: a scanner burst at the
 * lock and sign-in screens is discarded and said so (never a PIN, never a lockout); after
 * "switch operator" the id is empty and focused; a lockout says until when, and a supervisor
 * unlocks it there with their own id and PIN (a manager also in Settings > Operators), each
 * unlock in the journal. Also: a burst stays one scan while the page is busy, and the sign-in
 * screen keeps what was typed after a sign-out.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createDispatcher } from '../../electron/host/dispatch';
import type { AuditRecord } from '../../shared/audit';
import {
  CASHIER,
  dispatchBurst,
  expect,
  fromOperatorMenu,
  MANAGER,
  scannerBurst,
  SCREENSHOTS,
  SUPERVISOR,
  test,
  typeHeld,
  type Terminal,
} from './fixtures';

test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

const REDEEMABLE = '178847660332';
const OTHER = '124889505971';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name) });

function records(t: Terminal, action: string): AuditRecord[] {
  return (
    t.services.audit.search({}, { limit: 500 }) as unknown as { rows: AuditRecord[] }
  ).rows.filter((r) => r.action === action);
}

/** Signs in once, without retrying: a screen that drops what was typed fails here. */
async function signInOnce(page: Page, who: { id: string; pin: string }) {
  const form = page.getByTestId('signin-form');
  await form.getByLabel('操作员编号', { exact: true }).fill(who.id);
  await form.getByLabel('PIN', { exact: true }).fill(who.pin);
  await form.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByTestId('operator-name')).toBeVisible();
}

/** The scanner's keys arrive at the sign-in screen too (its own detector). */
async function burstAtSignIn(page: Page, code: string) {
  await page.locator('body[data-scanner="refused"]').waitFor();
  await dispatchBurst(page, code);
}

test('a scanner at the lock screen never types a PIN and locks nobody out', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signInOnce(page, CASHIER);
  // The idle lock: the same operator's id stays, the cursor in the PIN.
  await fromOperatorMenu(page, '切换操作员');
  await page.reload(); // a lock that is not a switch (as after idling)
  await expect(page.getByRole('heading', { name: '已锁定' })).toBeVisible();
  const pin = page.getByLabel('PIN', { exact: true });
  await expect(pin).toBeFocused();
  await expect(page.getByLabel('操作员编号', { exact: true })).toHaveValue(CASHIER.id);

  // Five customers' phones held to the scanner.
  for (let i = 0; i < 5; i++) await burstAtSignIn(page, REDEEMABLE);
  await expect(page.getByTestId('scan-refused')).toContainText('已锁定：请先登录');
  await expect(page.getByTestId('scan-refused')).toContainText('×5');
  await expect(pin).toHaveValue('');
  await expect(page.getByTestId('signin-error')).toHaveCount(0);
  await shot(page, 'lock-scan-refused-zh-1024.png');

  // No PIN was tried: the right PIN signs in at once.
  await pin.fill(CASHIER.pin);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByTestId('operator-name')).toContainText(CASHIER.name);
  // (Five PINs tried would have locked the cashier: the right PIN would be refused.)
  expect(records(readyTerminal, 'lockout')).toHaveLength(0);
});

test('signed out, a scan is said to need a sign-in first', async ({ page, readyTerminal }) => {
  await page.goto(readyTerminal.url);
  await page.getByLabel('操作员编号', { exact: true }).focus();
  await burstAtSignIn(page, REDEEMABLE);
  await expect(page.getByTestId('scan-refused')).toContainText('未登录：请先登录');
  await expect(page.getByLabel('操作员编号', { exact: true })).toHaveValue('');
  await shot(page, 'signin-scan-refused-zh-1024.png');
});

test('after "switch operator" the id is empty and focused for the next person', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signInOnce(page, CASHIER);
  await fromOperatorMenu(page, '切换操作员');
  await expect(page.getByRole('heading', { name: '切换操作员' })).toBeVisible();
  const id = page.getByLabel('操作员编号', { exact: true });
  await expect(id).toHaveValue('');
  await expect(id).toBeFocused();
  await expect(page.getByText(`${CASHIER.name} 的会话已锁定`)).toBeVisible();
  await shot(page, 'lock-switch-operator-zh-1024.png');
  // The next person's PIN counts for the next person.
  await signInOnce(page, SUPERVISOR);
  await expect(page.getByTestId('operator-name')).toContainText(SUPERVISOR.name);
});

test('a locked-out cashier is told until when, and a supervisor unlocks at the lock screen', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  const id = page.getByLabel('操作员编号', { exact: true });
  const pin = page.getByLabel('PIN', { exact: true });
  await id.fill(CASHIER.id);
  for (let i = 0; i < 5; i++) {
    await pin.fill('0000');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect(page.getByTestId('signin-error')).toBeVisible();
  }
  await expect(page.getByTestId('signin-error')).toContainText(/已锁定至 \d{2}:\d{2}/);
  await shot(page, 'lock-locked-out-zh-1024.png');

  await page.getByRole('button', { name: '请主管解锁…' }).click();
  const form = page.getByRole('form', { name: `解锁操作员 ${CASHIER.id}` });
  await form.getByLabel('主管或经理编号').fill(SUPERVISOR.id);
  await form.getByLabel('其 PIN').fill(SUPERVISOR.pin);
  await shot(page, 'lock-unlock-form-zh-1024.png');
  await form.getByRole('button', { name: '解锁', exact: true }).click();
  await expect(page.getByTestId('signin-notice')).toHaveText(
    `${CASHIER.name} 已解锁，请输入 PIN 登录。`,
  );
  await expect(pin).toBeFocused();
  await shot(page, 'lock-unlocked-zh-1024.png');
  await pin.fill(CASHIER.pin);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByTestId('operator-name')).toContainText(CASHIER.name);

  const unlocks = records(readyTerminal, 'operator_unlock');
  expect(unlocks).toHaveLength(1);
  expect(unlocks[0]).toMatchObject({
    operator_id: SUPERVISOR.id,
    outcome: 'ok',
    detail: { operator: CASHIER.id, where: 'lock_screen' },
  });
});

test('a manager unlocks a locked operator in Settings > Operators', async ({
  page,
  readyTerminal,
}) => {
  const dispatch = createDispatcher({
    services: readyTerminal.services.services,
    guard: readyTerminal.services.guard,
  });
  for (let i = 0; i < 5; i++) {
    await dispatch('signIn', { operatorId: SUPERVISOR.id, pin: '0000' }, { clientId: 'x' });
  }
  await page.goto(`${readyTerminal.url}#/settings?section=operators`);
  await signInOnce(page, MANAGER);
  const unlock = page.getByRole('button', { name: `解锁 ${SUPERVISOR.name}（PIN 不变）` });
  await expect(unlock).toBeVisible();
  await shot(page, 'settings-operators-locked-zh-1024.png');
  await unlock.click();
  await expect(page.getByText(`${SUPERVISOR.name} 已解锁，可用自己的 PIN 登录。`)).toBeVisible();
  await expect(unlock).toHaveCount(0);
  await shot(page, 'settings-operators-unlocked-zh-1024.png');
  expect(records(readyTerminal, 'operator_unlock')[0]).toMatchObject({
    operator_id: MANAGER.id,
    detail: { operator: SUPERVISOR.id, where: 'settings' },
  });
});

test('a burst right after a verdict is one scan, even when the page was busy', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signInOnce(page, CASHIER);
  const field = page.getByLabel('扫码或输入券码');
  await scannerBurst(page, OTHER);
  await expect(page.getByTestId('verdict-panel')).toBeVisible();
  await field.focus();
  // The first three keys are handled, then the page is busy (drawing a verdict) for 300 ms
  // while the other keys wait in the queue with time stamps that continue the burst: the
  // detector's timer runs first, late.
  await page.evaluate(async (code) => {
    const t0 = performance.now();
    const events = [...code.split(''), 'Enter'].map((key) => {
      const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
      Object.defineProperty(e, 'timeStamp', { value: t0 });
      return e;
    });
    const target = () => document.activeElement ?? document.body;
    for (const e of events.slice(0, 3)) target().dispatchEvent(e);
    while (performance.now() - t0 < 300) {
      /* busy */
    }
    await new Promise((r) => setTimeout(r, 0)); // the overdue timer runs before this
    for (const e of events.slice(3)) target().dispatchEvent(e);
  }, REDEEMABLE);
  await expect(page.getByTestId('verdict-code')).toHaveText(new RegExp(`^${REDEEMABLE}( |$)`));
  await expect(field).toHaveValue('');
  await shot(page, 'counter-burst-one-scan-zh-1024.png');
});

test('the sign-in screen keeps what was typed after a sign-out', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signInOnce(page, CASHIER);
  await fromOperatorMenu(page, '退出登录');
  const id = page.getByLabel('操作员编号', { exact: true });
  await expect(id).toBeVisible();
  // Typed at once, as a person does; then a few polls' time passes.
  await id.pressSequentially(SUPERVISOR.id, { delay: 80 });
  await page.waitForTimeout(4_000);
  await expect(id).toHaveValue(SUPERVISOR.id);
  await shot(page, 'signin-after-sign-out-zh-1024.png');
});

const ID = 'input[autocomplete="username"]';
const PIN = 'input[type="password"]';

test('keys held back by the scanner detector land where they were typed, whatever the focus and caret do before they are let go', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await page.locator('body[data-scanner="refused"]').waitFor();
  const id = page.getByLabel('操作员编号', { exact: true });
  const pin = page.getByLabel('PIN', { exact: true });
  const clear = async () => {
    await id.fill('');
    await pin.fill('');
  };

  // Two keys typed into the id; the hand moves on to the PIN before they are let go (a busy
  // page runs the detector's timer late). Digits, which the PIN would also take.
  await id.fill('s');
  await typeHeld(page, [{ key: '1', at: 0 }, { key: '2', at: 80 }, { focus: PIN }]);
  await expect(id).toHaveValue('s12');
  await expect(pin).toHaveValue('');
  await expect(pin).toBeFocused();
  // What is typed next goes into the PIN.
  await pin.pressSequentially(SUPERVISOR.pin, { delay: 80 });
  await expect(pin).toHaveValue(SUPERVISOR.pin);
  await expect(id).toHaveValue('s12');

  // One key in the id, the next in the PIN, within one held burst: each where it was typed.
  await clear();
  await id.fill('s');
  await typeHeld(page, [{ key: '1', at: 0 }, { focus: PIN }, { key: '2', at: 80 }]);
  await expect(id).toHaveValue('s1');
  await expect(pin).toHaveValue('2');

  // Typed with nothing focused: nowhere, not into the field focused next; then into the id.
  await clear();
  await typeHeld(page, [
    { focus: 'nothing' },
    { key: '1', at: 0 },
    { focus: ID },
    { key: '2', at: 60 },
    { key: '3', at: 80 },
  ]);
  await expect(id).toHaveValue('23');
  await expect(id).toBeFocused();

  // Typed at the end of the id; the caret is clicked to the start before the key is let go:
  // the key stays at the end, and the caret where the person put it.
  await clear();
  await id.fill('abcd');
  await typeHeld(page, [{ key: '1', at: 0 }, { caret: [0, 0] }]);
  await expect(id).toHaveValue('abcd1');
  expect(await id.evaluate((el: HTMLInputElement) => el.selectionStart)).toBe(0);
  // ... or the whole text is selected before it is let go: the text typed is not lost.
  await id.fill('abcd');
  await typeHeld(page, [{ key: '1', at: 0 }, { caret: [0, 4] }]);
  await expect(id).toHaveValue('abcd1');

  // The field is hidden (the lock screen over the settings) and the focus is in the PIN: the
  // key still goes into its own field, never into the PIN that has the focus.
  await clear();
  await id.fill('s');
  await typeHeld(page, [{ key: '7', at: 0 }, { hide: ID }, { focus: PIN }]);
  await expect(pin).toHaveValue('');
  await expect(pin).toBeFocused();
  await expect(id).toHaveValue('s7');
});

test('a refresh answered late (signed in) never brings the last screen back over the sign-in screen', async ({
  page,
  readyTerminal,
}) => {
  await page.goto(readyTerminal.url);
  await signInOnce(page, MANAGER);
  await page.goto(`${readyTerminal.url}#/settings?section=cardIds`);
  await page.getByLabel('添加卡券 ID').fill('pFS7Fjg8kV1IdDz01r4SQwMkuCKc');
  await page.getByRole('button', { name: '添加', exact: true }).click();
  // The refresh after the save asks for the session while the manager is signed in; its answer
  // is held back until after the sign-out (a busy till, a slow disk).
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held = false;
  await page.route('**/api/getSession', async (route) => {
    if (held) return route.continue();
    held = true;
    const answer = await route.fetch();
    await released;
    await route.fulfill({ response: answer });
  });
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect.poll(() => held).toBe(true);
  await fromOperatorMenu(page, '退出登录');
  const id = page.getByLabel('操作员编号', { exact: true });
  await expect(id).toBeVisible();
  await id.pressSequentially(SUPERVISOR.id, { delay: 80 });
  await page.getByLabel('PIN', { exact: true }).pressSequentially(SUPERVISOR.pin, { delay: 80 });
  release();
  // The late answer and a few polls' time: the sign-in screen stays, with what was typed.
  await page.waitForTimeout(4_000);
  await expect(page.getByTestId('operator-name')).toHaveCount(0);
  await expect(id).toHaveValue(SUPERVISOR.id);
  await expect(page.getByLabel('PIN', { exact: true })).toHaveValue(SUPERVISOR.pin);
  await shot(page, 'signin-after-late-refresh-zh-1024.png');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByTestId('operator-name')).toContainText(SUPERVISOR.name);
});
