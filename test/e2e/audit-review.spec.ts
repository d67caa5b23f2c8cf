/**
 * Audit review end to end (issue 10), in the browser host over a seeded log of 100,000 records
 * (six days and today, six operators, every action and outcome): the journal's filters against
 * the log's own queries and direct SQL, the record view's linked intent, the summary's numbers
 * against direct counts, export (download, exact rows, cancel, audited), verify (intact, then a
 * record changed with SQL behind CardDesk's back), and the cashier's shift rule through the
 * screens and through a forged contract call.
 *
 * The log is generated once per worker through the real append path (one transaction, so the
 * chain is the real one) and copied into each test's data folder before the terminal opens it.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { openAuditLog, type AuditLog } from '../../electron/audit';
import { createDispatcher } from '../../electron/host/dispatch';
import type { AuditFilter, NewAuditRecord } from '../../shared/audit';
import { KIND_RULES, REVIEW_KINDS } from '../../shared/ops/audit-review';
import {
  CASHIER,
  expect,
  SCREENSHOTS,
  setUpTerminal,
  signIn,
  startTerminal,
  stopTerminal,
  SUPERVISOR,
  test,
  typeHeld,
  type Terminal,
} from './fixtures';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SHANGHAI = 8 * HOUR; // the rig's terminal and browser are in Asia/Shanghai (no DST)
const RECORDS = 100_000;

const localMidnight = (ms: number) => Math.floor((ms + SHANGHAI) / DAY) * DAY - SHANGHAI;

// ---------------------------------------------------------------------------------------------
// The seeded log

const OPERATORS = ['ann', 'sue', 'boss', 'lee', 'max', 'zoe'];
const CARDS = [
  ['pFS7Fjg8kV1IdDz01r4SQwMkuCKc', '满100减10元代金券'],
  ['pFS7Fjg8kV1IdDz01r4SQwMkuCKd', '咖啡买一送一'],
  ['pFS7Fjg8kV1IdDz01r4SQwMkuCKe', '8.8折会员券'],
  ['pFS7Fjg8kV1IdDz01r4SQwMkuCKf', 'Free cookie'],
  ['pFS7Fjg8kV1IdDz01r4SQwMkuCKg', '新客立减20元'],
  ['pFS7Fjg8kV1IdDz01r4SQwMkuCKh', 'Weekday lunch deal 工作日午餐'],
] as const;
const REJECTIONS: [number, string, string][] = [
  [40099, 'invalid code, this code has consumed.', 'already_redeemed'],
  [40127, '卡券已过期 card expired', 'expired'],
  [40056, 'invalid serial code', 'unknown_code'],
  [40079, 'invalid time! 未到生效时间', 'not_yet_valid'],
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Customers per local hour of the day: a quiet night, a lunch peak, a smaller evening one. */
const HOUR_WEIGHT = [
  0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.5, 1, 1.5, 2, 2.5, 4, 3.5, 2, 1.5, 1.5, 2, 3, 2.5, 1.5,
  1, 0.5, 0.2,
];

/**
 * Writes about RECORDS records from six days before today's midnight to a few minutes ago:
 * customer interactions (scan, lookup, redemption as intent + result, a few lost and settled,
 * rejections with WeChat messages, refunds) and sign-ins; the last ones are the cashier's.
 */
function seedLog(file: string, now: number): { records: number; ms: number } {
  const rand = rng(20240501);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const start = localMidnight(now) - 6 * DAY;
  const end = now - 15 * 60_000;
  // Times: interactions spread over the span by the hourly weights (an inverse CDF).
  const hours: { at: number; cum: number }[] = [];
  let cum = 0;
  for (let h = start; h < end; h += HOUR) {
    cum += HOUR_WEIGHT[new Date(h + SHANGHAI).getUTCHours()]! * (Math.min(end, h + HOUR) - h);
    hours.push({ at: h, cum });
  }
  const timeAt = (u: number) => {
    const target = u * cum;
    let lo = 0;
    while (hours[lo]!.cum < target && lo < hours.length - 1) lo++;
    const prev = lo === 0 ? 0 : hours[lo - 1]!.cum;
    const span = Math.min(end, hours[lo]!.at + HOUR) - hours[lo]!.at;
    const frac = (target - prev) / (hours[lo]!.cum - prev || 1);
    return Math.round(hours[lo]!.at + frac * span);
  };

  let t = start;
  const log = openAuditLog(file, { terminalId: 'T-01', now: () => t });
  log.db.pragma('synchronous = OFF'); // a fixture: the terminal's own appends use FULL
  let n = 0;
  const step = (ms: number) => (t += ms);
  const append = (rec: NewAuditRecord) => {
    log.append(rec);
    n++;
  };
  const interaction = (operator: string) => {
    const [cardId, title] = pick(CARDS);
    const code = String(Math.floor(100_000_000_000 + rand() * 899_999_999_999));
    const base = { operator_id: operator, code, card_id: cardId };
    const r = rand();
    if (r < 0.03) {
      const action = pick(['sign_in', 'sign_out', 'sign_in_failed']);
      append({
        action,
        outcome: action === 'sign_in_failed' ? 'rejected' : 'ok',
        operator_id: operator,
        ...(action === 'sign_in_failed' ? { detail: { reason: 'wrong_pin' } } : {}),
      });
      return;
    }
    append({
      action: 'scan',
      outcome: 'ok',
      operator_id: operator,
      code,
      detail: { source: pick(['scanner', 'camera', 'manual']) },
    });
    step(200 + Math.floor(rand() * 400));
    const ms = 40 + Math.floor(rand() * 260);
    if (r < 0.12) {
      const [errcode, errmsg, verdict] = pick(REJECTIONS);
      append({
        action: 'lookup',
        outcome: 'rejected',
        ...base,
        errcode,
        errmsg,
        duration_ms: ms,
        detail: { verdict },
      });
      return;
    }
    if (r < 0.13) {
      append({
        action: 'lookup',
        outcome: 'failed',
        ...base,
        errmsg: 'connect ETIMEDOUT',
        duration_ms: 3000,
        detail: { verdict: 'could_not_check', reason: 'network' },
      });
      return;
    }
    append({
      action: 'lookup',
      outcome: 'ok',
      ...base,
      errcode: 0,
      duration_ms: ms,
      detail: { verdict: 'redeemable', tone: 'accept', title },
    });
    if (r < 0.45) return; // checked only
    step(800 + Math.floor(rand() * 3000));
    if (r < 0.47) {
      const intent = log.appendIntent({
        action: 'invalidate',
        ...base,
        detail: { reason: '顾客退款 customer_refund' },
      });
      n++;
      step(300);
      log.appendResult(intent.nonce!, {
        action: 'invalidate',
        outcome: 'ok',
        errcode: 0,
        duration_ms: ms,
      });
      n++;
      return;
    }
    const intent = log.appendIntent({ action: 'redeem', ...base });
    n++;
    step(ms);
    if (r < 0.48) {
      log.appendResult(intent.nonce!, {
        action: 'redeem',
        outcome: 'unknown',
        errmsg: 'timeout',
        duration_ms: 8000,
        detail: { reason: 'timeout' },
      });
      step(5000);
      log.appendResult(intent.nonce!, {
        action: 'redeem',
        outcome: 'settled',
        errcode: 0,
        detail: { settled: true, result: 'redeemed', status: 'CONSUMED', attempts: 1 },
      });
      n += 2;
    } else if (r < 0.5) {
      const [errcode, errmsg] = pick(REJECTIONS);
      log.appendResult(intent.nonce!, {
        action: 'redeem',
        outcome: 'rejected',
        errcode,
        errmsg,
        duration_ms: ms,
      });
      n++;
    } else if (r < 0.505) {
      log.appendResult(intent.nonce!, {
        action: 'redeem',
        outcome: 'failed',
        errmsg: 'wechat.unavailable',
        duration_ms: ms,
      });
      n++;
    } else {
      log.appendResult(intent.nonce!, {
        action: 'redeem',
        outcome: 'ok',
        errcode: 0,
        duration_ms: ms,
      });
      n++;
    }
  };

  const started = performance.now();
  const estimate = Math.round(RECORDS / 3.08); // records per interaction, on average
  log.db.transaction(() => {
    for (let i = 0; n < RECORDS - 200; i++) {
      t = Math.max(t, timeAt(Math.min(1, (i + rand()) / estimate)));
      interaction(rand() < 0.3 ? 'ann' : pick(OPERATORS.slice(1)));
    }
    // The cashier's last customers, minutes ago: her shift always has records.
    t = Math.max(t, now - 12 * 60_000);
    while (n < RECORDS - 5) {
      step(2000);
      interaction('ann');
    }
    while (n < RECORDS) {
      step(1000);
      append({ action: 'scan', outcome: 'ok', operator_id: 'ann', code: '178847660332' });
    }
  })();
  log.close();
  return { records: n, ms: performance.now() - started };
}

let template: string;
let templateDir: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  templateDir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-review-seed-'));
  template = path.join(templateDir, 'audit.db');
  const { records, ms } = seedLog(template, Date.now());
  console.log(`seeded ${records} records in ${Math.round(ms)} ms`);
  expect(existsSync(`${template}-wal`)).toBe(false);
});

test.afterAll(() => rmSync(templateDir, { recursive: true, force: true }));

/** A set-up terminal whose audit log is a copy of the seeded one. */
async function seededTerminal(): Promise<Terminal> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-review-'));
  copyFileSync(template, path.join(dataDir, 'audit.db'));
  const t = await startTerminal({ dataDir });
  await setUpTerminal(t);
  return t;
}

const it = test.extend<{ seeded: Terminal }>({
  seeded: async ({}, use) => {
    const t = await seededTerminal();
    await use(t);
    await stopTerminal(t);
  },
});

// ---------------------------------------------------------------------------------------------
// Helpers

function sql<T>(audit: AuditLog, query: string, ...params: unknown[]): T {
  return audit.db.prepare(query).get(...params) as T;
}

function count(audit: AuditLog, where: string, ...params: unknown[]): number {
  return sql<{ n: number }>(audit, `SELECT count(*) AS n FROM audit WHERE ${where}`, ...params).n;
}

async function openAudit(page: Page) {
  await page.getByRole('link', { name: 'Journal', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
}

/** The ids of the first `n` journal rows on screen, top to bottom. */
async function shownIds(page: Page, n: number): Promise<number[]> {
  await expect(page.getByTestId('journal-row').first()).toBeVisible();
  const ids = await page
    .getByTestId('journal-row')
    .evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.id)));
  return ids.slice(0, n);
}

/** Waits for the journal to show `filter`'s first rows and its exact count. */
async function expectJournal(page: Page, audit: AuditLog, filter: AuditFilter) {
  const expected = audit.search(filter, { limit: 12 }).rows.map((r) => r.id);
  await expect.poll(() => shownIds(page, 12), { timeout: 15_000 }).toEqual(expected);
  const where = filterSql(filter);
  await expect(page.getByTestId('journal-count')).toHaveAttribute(
    'data-count',
    String(count(audit, where.sql, ...where.params)),
  );
  return expected;
}

/** The filter as plain SQL on the records table: an independent check of search and count. */
function filterSql(f: AuditFilter): { sql: string; params: unknown[] } {
  const parts: string[] = ['1'];
  const params: unknown[] = [];
  const where = (clause: string, ...values: unknown[]) => {
    parts.push(clause);
    params.push(...values);
  };
  if (f.from !== undefined) where('ts >= ?', f.from);
  if (f.to !== undefined) where('ts < ?', f.to);
  if (f.operatorId) where('operator_id = ?', f.operatorId);
  if (f.actions?.length) where(`action IN (${f.actions.map(() => '?').join(',')})`, ...f.actions);
  if (f.outcomes?.length) {
    where(`outcome IN (${f.outcomes.map(() => '?').join(',')})`, ...f.outcomes);
  }
  if (f.codePrefix) where('substr(code, 1, ?) = ?', f.codePrefix.length, f.codePrefix);
  if (f.cardPrefix) where('substr(card_id, 1, ?) = ?', f.cardPrefix.length, f.cardPrefix);
  if (f.text) {
    const has = (expr: string) => `instr(lower(coalesce(${expr}, '')), lower(?)) > 0`;
    where(
      `(${has('errmsg')} OR ${has("json_extract(detail, '$.message')")} OR ${has("json_extract(detail, '$.reason')")})`,
      f.text,
      f.text,
      f.text,
    );
  }
  return { sql: parts.join(' AND '), params };
}

type Group = 'filter-actions' | 'filter-outcomes';

/** Opens a multiple choice, ticks `on` and unticks `off`. */
async function pick(page: Page, group: Group, on: string[], off: string[] = []) {
  const box = page.getByTestId(group);
  if ((await box.getByRole('button').first().getAttribute('aria-expanded')) !== 'true') {
    await box.getByRole('button').first().click();
  }
  for (const label of on) await box.getByRole('checkbox', { name: label, exact: true }).check();
  for (const label of off) await box.getByRole('checkbox', { name: label, exact: true }).uncheck();
}

async function closePick(page: Page, group: 'filter-actions' | 'filter-outcomes') {
  await page.getByTestId(group).getByRole('button', { name: 'Done', exact: true }).click();
}

// ---------------------------------------------------------------------------------------------

it('the journal: newest first, filter combinations, scrolling loads pages, Back keeps the filter', async ({
  page,
  seeded,
}) => {
  const audit = seeded.services.audit;
  const today = localMidnight(Date.now());
  await page.goto(seeded.url);
  await signIn(page, SUPERVISOR);
  await openAudit(page);

  // Today, every record: newest first (the supervisor's own sign-in on top).
  await expectJournal(page, audit, { from: today, to: today + DAY });
  await expect(page.getByTestId('journal-row').first()).toContainText('Sign in');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-journal.png') });

  // Yesterday, one operator, redemptions that happened (OK or settled): through the controls.
  await page.getByRole('radio', { name: 'Yesterday' }).click();
  await page.getByLabel('Operator').selectOption('ann');
  await pick(page, 'filter-actions', ['Redeem']);
  await closePick(page, 'filter-actions');
  await pick(page, 'filter-outcomes', ['OK', 'Settled: done']);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-filters.png') });
  await closePick(page, 'filter-outcomes');
  const yesterday = { from: today - DAY, to: today };
  const annRedeemed = {
    ...yesterday,
    operatorId: 'ann',
    actions: ['redeem'],
    outcomes: ['ok', 'settled'] as AuditFilter['outcomes'],
  };
  const firstIds = await expectJournal(page, audit, annRedeemed);
  for (const row of await page.getByTestId('journal-row').all()) {
    await expect(row).toContainText('Ann Chen');
    await expect(row).toContainText('Redeem');
  }
  expect(page.url()).toContain('range=yesterday');
  expect(page.url()).toContain('op=ann');

  // Free text (two Chinese characters) and a card prefix, custom days, rejected only.
  const day = (ms: number) => new Date(ms + SHANGHAI).toISOString().slice(0, 10);
  await page.getByRole('radio', { name: 'Custom' }).click();
  await page.getByLabel('From').fill(day(today - 5 * DAY));
  await page.getByLabel('To', { exact: true }).fill(day(today - DAY));
  await page.getByLabel('Operator').selectOption('');
  await pick(page, 'filter-actions', [], ['Redeem']);
  await closePick(page, 'filter-actions');
  await pick(page, 'filter-outcomes', ['Rejected'], ['OK', 'Settled: done']);
  await closePick(page, 'filter-outcomes');
  await page.getByLabel('Text in message or reason').fill('过期');
  await page.getByLabel('Text in message or reason').press('Enter');
  await page.getByLabel('Card id starts with').fill('pFS7Fjg8kV1IdDz01r4SQwMkuCKd');
  await page.getByLabel('Card id starts with').press('Enter');
  const textIds = await expectJournal(page, audit, {
    from: today - 5 * DAY,
    to: today,
    outcomes: ['rejected'],
    text: '过期',
    cardPrefix: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKd',
  });
  expect(textIds.length).toBeGreaterThan(5);

  // A code prefix over all time (straight from the address, as a bookmark would).
  const someCode = sql<{ code: string }>(
    audit,
    `SELECT code FROM audit WHERE action = 'redeem' AND outcome = 'settled' LIMIT 1`,
  ).code;
  await page.goto(`${seeded.url}#/audit?range=all&code=${someCode.slice(0, 9)}`);
  const codeIds = await expectJournal(page, audit, { codePrefix: someCode.slice(0, 9) });
  expect(codeIds.length).toBeGreaterThan(2);

  // Back returns to the earlier filters, and the same rows.
  await page.goBack();
  await expect(page.getByLabel('Card id starts with')).toHaveValue('pFS7Fjg8kV1IdDz01r4SQwMkuCKd');

  // Scrolling loads the next pages by keyset; only the rows in view are in the page.
  await page.goto(`${seeded.url}#/audit?range=all`);
  const all: AuditFilter = {};
  await expectJournal(page, audit, all);
  const scroller = page.locator('.journal-scroll');
  const deepest = () =>
    scroller.evaluate((el) => {
      el.scrollTo(0, el.scrollHeight);
      return Math.max(
        0,
        ...[...el.querySelectorAll('[aria-rowindex]')].map((r) =>
          Number(r.getAttribute('aria-rowindex')),
        ),
      );
    });
  await expect.poll(deepest, { timeout: 30_000, intervals: [200] }).toBeGreaterThan(800);
  expect(await page.getByTestId('journal-row').count()).toBeLessThan(80);
  const loaded = await deepest();
  // The rows in view now are exactly the log's rows at those positions.
  const deep: number[] = [];
  let before: number | undefined;
  while (deep.length < loaded + 50) {
    const p = audit.search(all, { limit: 500, ...(before ? { before } : {}) });
    deep.push(...p.rows.map((r) => r.id));
    if (!p.nextBefore) break;
    before = p.nextBefore;
  }
  const onScreen = await scroller.evaluate((el) =>
    [...el.querySelectorAll<HTMLElement>('[data-testid="journal-row"]')].map((r) => ({
      index: Number(r.getAttribute('aria-rowindex')) - 2,
      id: Number(r.dataset.id),
    })),
  );
  expect(onScreen.length).toBeGreaterThan(5);
  for (const row of onScreen) expect(row.id).toBe(deep[row.index]);
  expect(firstIds.length).toBeGreaterThan(0);
});

it('a text filter keeps the last keys when the hand moves on before the scanner check lets them go', async ({
  page,
  seeded,
}) => {
  const audit = seeded.services.audit;
  await page.goto(seeded.url);
  await signIn(page, SUPERVISOR);
  await page.goto(`${seeded.url}#/audit?range=all`);
  await expectJournal(page, audit, {});
  const text = page.getByLabel('Text in message or reason');
  await text.fill('expir');
  await text.press('Enter');
  await expect(page).toHaveURL(/[?&]q=expir(&|$)/);
  // Two more keys, then a click into the code filter before the USB-scanner check (about
  // 0.1 s) lets them go: they are typed in with a focus move, and the filter is the whole text.
  await typeHeld(page, [
    { key: 'e', at: 0 },
    { key: 'd', at: 90 },
    { focus: 'input[name="code"]' },
  ]);
  await expect(text).toHaveValue('expired');
  await expect(page.locator('input[name="code"]')).toBeFocused();
  await expect(page).toHaveURL(/[?&]q=expired(&|$)/);
  const ids = await expectJournal(page, audit, { text: 'expired' });
  expect(ids.length).toBeGreaterThan(0);
});

it('a record shows WeChat’s answer and every record of its intent, each linked', async ({
  page,
  seeded,
}) => {
  const audit = seeded.services.audit;
  // A redemption whose answer was lost, then settled: intent, unknown, settled.
  const code = '178847660332';
  const intent = audit.appendIntent({
    action: 'redeem',
    operator_id: 'ann',
    code,
    card_id: CARDS[0][0],
  });
  const unknown = audit.appendResult(intent.nonce!, {
    action: 'redeem',
    outcome: 'unknown',
    errmsg: 'timeout after 8000 ms',
    duration_ms: 8000,
    detail: { reason: 'timeout' },
  });
  const settled = audit.appendResult(intent.nonce!, {
    action: 'redeem',
    outcome: 'settled',
    errcode: 0,
    detail: { settled: true, result: 'redeemed', status: 'CONSUMED', attempts: 2 },
  });

  await page.goto(seeded.url);
  await signIn(page, SUPERVISOR);
  await page.goto(`${seeded.url}#/audit?range=today&code=${code}&act=redeem`);
  await expect(page.getByTestId('journal-row').first()).toHaveAttribute(
    'data-id',
    String(settled.id),
  );
  await page.getByTestId('journal-row').first().click();

  const view = page.getByTestId('record-view');
  await expect(view.getByRole('heading', { name: `Record ${settled.id}` })).toBeVisible();
  await expect(page.getByTestId('record-code')).toHaveText(code);
  await expect(view).toContainText('满100减10元代金券'); // the card's title, from the log
  // The code's state in words (the log keeps WeChat's CONSUMED).
  await expect(page.getByTestId('record-detail')).toContainText('Redeemed');
  await expect(page.getByTestId('record-detail')).not.toContainText('CONSUMED');
  const linked = page.getByTestId('record-linked').getByRole('listitem');
  await expect(linked).toHaveCount(3);
  expect(
    await linked.evaluateAll((li) => li.map((l) => Number((l as HTMLElement).dataset.id))),
  ).toEqual([intent.id, unknown.id, settled.id]);
  await expect(linked.nth(0)).toContainText('Pending');
  await expect(linked.nth(1)).toContainText('Outcome unknown');
  await expect(linked.nth(2)).toContainText('Settled: done');
  await expect(linked.nth(2)).toContainText('this record');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-record.png'), fullPage: true });
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(view.getByRole('heading', { name: `第 ${settled.id} 条记录` })).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-record-zh.png'), fullPage: true });
  await page.getByLabel('语言').selectOption('en');

  // Each linked record opens; the lost answer shows what WeChat said.
  await linked.nth(1).getByRole('link').click();
  await expect(view.getByRole('heading', { name: `Record ${unknown.id}` })).toBeVisible();
  await expect(page.getByTestId('record-wechat')).toContainText('timeout after 8000 ms');

  // A rejection explains the errcode in words.
  const rejected = sql<{ id: number }>(
    audit,
    `SELECT id FROM audit WHERE action = 'redeem' AND outcome = 'rejected' AND errcode = 40099 LIMIT 1`,
  ).id;
  await page.goto(`${seeded.url}#/audit?view=record&id=${rejected}`);
  await expect(page.getByTestId('record-wechat')).toContainText('40099');
  await expect(page.getByTestId('record-wechat')).toContainText('already been redeemed');

  // Back to the journal: the filter is still there.
  await page.goBack();
  await page.goBack();
  await page.getByRole('link', { name: 'Back to the journal' }).click();
  await expect(page.getByLabel('Code starts with')).toHaveValue(code);
});

it('the summary’s numbers equal counts taken directly from the database', async ({
  page,
  seeded,
}) => {
  const audit = seeded.services.audit;
  const today = localMidnight(Date.now());
  const from = today - DAY;
  const to = today;
  await page.goto(seeded.url);
  await signIn(page, SUPERVISOR);
  await page.goto(`${seeded.url}#/audit?view=summary&range=yesterday`);
  await expect(page.getByTestId('summary-total')).toHaveAttribute(
    'data-count',
    String(count(audit, 'ts >= ? AND ts < ?', from, to)),
  );

  const kindWhere = (k: (typeof REVIEW_KINDS)[number]) =>
    `action IN (${KIND_RULES[k].actions.map((a) => `'${a}'`).join(',')}) AND outcome IN (${KIND_RULES[k].outcomes.map((o) => `'${o}'`).join(',')})`;
  for (const k of REVIEW_KINDS) {
    const n = count(audit, `ts >= ? AND ts < ? AND ${kindWhere(k)}`, from, to);
    expect(n).toBeGreaterThan(0);
    await expect(page.getByTestId(`kind-${k}`)).toHaveAttribute('data-count', String(n));
  }

  // The busiest hour: the local hour with the most records.
  const busiest = sql<{ hour: number; n: number }>(
    audit,
    `SELECT ((ts + ${SHANGHAI}) / ${HOUR}) * ${HOUR} - ${SHANGHAI} AS hour, count(*) AS n
     FROM audit WHERE ts >= ? AND ts < ? GROUP BY hour ORDER BY n DESC, hour ASC LIMIT 1`,
    from,
    to,
  );
  await expect(page.getByTestId('busiest-hour')).toHaveAttribute('data-hour', String(busiest.hour));
  await expect(page.getByTestId('busiest-hour')).toHaveAttribute('data-count', String(busiest.n));

  // By operator: every operator's redemptions and records.
  const ops = audit.db
    .prepare(
      `SELECT operator_id AS id, count(*) AS n, sum(${kindWhere('redemptions')}) AS red,
              sum(${kindWhere('rejections')}) AS rej
       FROM audit WHERE ts >= ? AND ts < ? AND operator_id IS NOT NULL GROUP BY operator_id`,
    )
    .all(from, to) as { id: string; n: number; red: number; rej: number }[];
  expect(ops.length).toBe(OPERATORS.length);
  const opTable = page.getByTestId('operator-table');
  for (const o of ops) {
    const row = opTable.locator(`tr[data-key="${o.id}"]`);
    await expect(row.locator('td[data-col="records"]')).toHaveText(o.n.toLocaleString('en-US'));
    await expect(row.locator('td[data-col="redemptions"]')).toHaveText(
      o.red.toLocaleString('en-US'),
    );
    await expect(row.locator('td[data-col="rejections"]')).toHaveText(
      o.rej.toLocaleString('en-US'),
    );
  }

  // By card, with the card's title from the log.
  const cards = audit.db
    .prepare(
      `SELECT card_id AS id, count(*) AS n, sum(${kindWhere('redemptions')}) AS red
       FROM audit WHERE ts >= ? AND ts < ? AND card_id IS NOT NULL GROUP BY card_id`,
    )
    .all(from, to) as { id: string; n: number; red: number }[];
  const cardTable = page.getByTestId('card-table');
  for (const c of cards) {
    const row = cardTable.locator(`tr[data-key="${c.id}"]`);
    await expect(row.locator('td[data-col="records"]')).toHaveText(c.n.toLocaleString('en-US'));
    await expect(row.locator('td[data-col="redemptions"]')).toHaveText(
      c.red.toLocaleString('en-US'),
    );
    await expect(row.locator('td[data-col="card"]')).toContainText(
      CARDS.find(([id]) => id === c.id)![1],
    );
  }

  // The reasons: the most frequent rejection or failure first, with its count (grouped by
  // errcode, or our reason key where WeChat gave none); a lookup is a verdict, listed only when
  // it failed, whatever an older version stored as its outcome.
  const reasons = audit.db
    .prepare(
      `SELECT errcode, count(*) AS n FROM audit
       WHERE ts >= ? AND ts < ? AND outcome IN ('rejected', 'failed')
         AND NOT (action = 'lookup' AND outcome <> 'failed')
       GROUP BY action, outcome, errcode, CASE WHEN errcode IS NULL OR errcode = 0 THEN
         coalesce(json_extract(detail, '$.error'), json_extract(detail, '$.reason'),
                  json_extract(detail, '$.verdict')) END
       ORDER BY n DESC`,
    )
    .all(from, to) as { errcode: number | null; n: number }[];
  const top = reasons[0]!.n;
  const firstReason = page.getByTestId('reason-table').locator('tbody tr').first();
  await expect(firstReason.locator('td[data-col="count"]')).toHaveText(top.toLocaleString('en-US'));
  const topCodes = reasons.filter((r) => r.n === top).map((r) => String(r.errcode ?? '—'));
  expect(topCodes).toContain(await firstReason.locator('td[data-col="errcode"]').innerText());

  // The hours as a table: each hour's redemptions.
  await page.getByText('Show the hours as a table').click();
  const perHour = audit.db
    .prepare(
      `SELECT ((ts + ${SHANGHAI}) / ${HOUR}) * ${HOUR} - ${SHANGHAI} AS hour, count(*) AS n,
              sum(${kindWhere('redemptions')}) AS red
       FROM audit WHERE ts >= ? AND ts < ? GROUP BY hour`,
    )
    .all(from, to) as { hour: number; n: number; red: number }[];
  const hourTable = page.getByTestId('hour-table');
  await expect(hourTable.locator('tbody tr')).toHaveCount(perHour.length);
  for (const h of perHour) {
    const row = hourTable.locator(`tr[data-key="${h.hour}"]`);
    await expect(row.locator('td[data-col="records"]')).toHaveText(h.n.toLocaleString('en-US'));
    await expect(row.locator('td[data-col="redemptions"]')).toHaveText(
      h.red.toLocaleString('en-US'),
    );
  }
  await page.getByText('Show the hours as a table').click();
  await expect(page.locator('.recharts-bar-rectangle').first()).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-summary.png'), fullPage: true });

  // A tile leads to its records in the journal, with the same count.
  await page.getByTestId('kind-redemptions').click();
  await expect(page.getByTestId('journal-count')).toHaveAttribute(
    'data-count',
    String(count(audit, `ts >= ? AND ts < ? AND ${kindWhere('redemptions')}`, from, to)),
  );

  // This week, in Chinese: every label fits.
  await page.goto(`${seeded.url}#/audit?view=summary&range=week`);
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '审计日志' })).toBeVisible();
  await expect(page.locator('.recharts-bar-rectangle').first()).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-summary-zh.png'), fullPage: true });
  await page.goto(`${seeded.url}#/audit?range=yesterday`);
  await expect(page.getByTestId('journal-row').first()).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-journal-zh.png') });
});

it('export of a filtered range downloads exactly the filtered rows, and is audited', async ({
  page,
  seeded,
}) => {
  const audit = seeded.services.audit;
  const today = localMidnight(Date.now());
  await page.goto(seeded.url);
  await signIn(page, SUPERVISOR);

  // JSON Lines: yesterday, ann's rejections.
  await page.goto(`${seeded.url}#/audit?range=yesterday&op=ann&out=rejected`);
  const filter: AuditFilter = {
    from: today - DAY,
    to: today,
    operatorId: 'ann',
    outcomes: ['rejected'],
  };
  await expectJournal(page, audit, filter);
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByLabel(/JSON Lines/).check();
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(
    /^carddesk-audit_T-01_ann_\d{4}-\d{2}-\d{2}\.jsonl$/,
  );
  const lines = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\n');
  const expected = audit.db
    .prepare(
      `SELECT id FROM audit WHERE ts >= ? AND ts < ? AND operator_id = 'ann' AND outcome = 'rejected' ORDER BY id`,
    )
    .pluck()
    .all(today - DAY, today) as number[];
  expect(expected.length).toBeGreaterThan(50);
  const records = lines.map((l) => JSON.parse(l) as { id: number; hash: string; code: string });
  expect(records.map((r) => r.id)).toEqual(expected);
  // Complete records: the seal is there, the code in full for a supervisor (the first record
  // with a code: which seeded record comes first depends on the time of day).
  expect(records[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(records.find((r) => r.code)?.code).toMatch(/^\d{12}$/);
  await expect(page.getByTestId('export-result')).toContainText(
    `Exported ${expected.length} records`,
  );
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-export-done.png') });
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The single-use download is gone now, and nothing is left in the temporary folder.
  await expect.poll(() => readdirSync(path.join(seeded.dataDir, 'exports'))).toEqual([]);

  // CSV: a custom range of two days, lookups only.
  const d1 = new Date(today - 3 * DAY + SHANGHAI).toISOString().slice(0, 10);
  const d2 = new Date(today - 2 * DAY + SHANGHAI).toISOString().slice(0, 10);
  await page.goto(`${seeded.url}#/audit?range=custom&from=${d1}&to=${d2}&act=lookup`);
  const csvFilter: AuditFilter = { from: today - 3 * DAY, to: today - DAY, actions: ['lookup'] };
  await expectJournal(page, audit, csvFilter);
  await page.getByRole('button', { name: 'Export…' }).click();
  const csvDownloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const csv = await csvDownloading;
  expect(csv.suggestedFilename()).toBe(`carddesk-audit_T-01_${d1}_${d2}.csv`);
  const text = readFileSync(await csv.path(), 'utf8');
  expect(text.startsWith('\uFEFFid,ts,time_utc,time_local,')).toBe(true);
  const csvIds = text
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => Number(line.slice(0, line.indexOf(','))));
  const csvExpected = audit.db
    .prepare(`SELECT id FROM audit WHERE ts >= ? AND ts < ? AND action = 'lookup' ORDER BY id`)
    .pluck()
    .all(today - 3 * DAY, today - DAY) as number[];
  expect(csvIds).toEqual(csvExpected);

  // Both exports are in the log: who, what, how many.
  const exports = audit.search(
    { actions: ['export'], operatorId: SUPERVISOR.id },
    { limit: 5 },
  ).rows;
  expect(exports.map((r) => [r.outcome, r.detail.format, r.detail.rows])).toEqual([
    ['ok', 'csv', csvExpected.length],
    ['ok', 'jsonl', expected.length],
  ]);
  expect(exports[1]!.detail.filter).toMatchObject({ operatorId: 'ann', outcomes: ['rejected'] });
});

it('an export can be cancelled: no file, and the cancel is audited', async ({ page, seeded }) => {
  const audit = seeded.services.audit;
  // Hold the export at its first chunk until the test has pressed Cancel (no timing).
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const original = audit.export.bind(audit);
  audit.export = (out, filter, format, opts) =>
    original(
      async (chunk: Buffer) => {
        await gate;
        await (out as (c: Buffer) => Promise<void>)(chunk);
      },
      filter,
      format,
      opts,
    );

  let downloads = 0;
  page.on('download', () => downloads++);
  await page.goto(seeded.url);
  await signIn(page, SUPERVISOR);
  await page.goto(`${seeded.url}#/audit?range=all`);
  await expect(page.getByTestId('journal-count')).not.toHaveAttribute('data-count', '');
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByLabel(/JSON Lines/).check();
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const bar = dialog.getByRole('progressbar', { name: 'Export progress' });
  await expect(bar).toBeVisible();
  await expect(dialog).toContainText(/Exporting… 0 of 100,\d{3} records/);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-export-progress.png') });
  await dialog.getByRole('button', { name: 'Cancel export' }).click();
  release();
  await expect(page.getByTestId('export-result')).toContainText('Export cancelled');
  expect(downloads).toBe(0);
  await expect.poll(() => readdirSync(path.join(seeded.dataDir, 'exports'))).toEqual([]);
  const last = audit.search({ actions: ['export'] }, { limit: 1 }).rows[0]!;
  expect(last.outcome).toBe('cancelled');
  expect(last.operator_id).toBe(SUPERVISOR.id);
});

it('verify: intact, then a record changed with SQL is found and named', async ({
  page,
  seeded,
}) => {
  const audit = seeded.services.audit;
  await page.goto(seeded.url);
  await signIn(page, SUPERVISOR);
  await openAudit(page);
  await page.getByRole('link', { name: 'Verify' }).click();
  await page.getByRole('button', { name: 'Check now' }).click();
  const result = page.getByTestId('verify-result');
  await expect(result).toContainText(/Intact: 100,\d{3} records checked/, { timeout: 30_000 });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-verify-intact.png') });
  expect(audit.search({ actions: ['verify'] }, { limit: 1 }).rows[0]).toMatchObject({
    outcome: 'ok',
    operator_id: SUPERVISOR.id,
  });

  // Someone hides a rejection: with the sqlite3 tool they drop the guard, then edit the row.
  const victim = sql<{ id: number }>(
    audit,
    `SELECT id FROM audit WHERE action = 'redeem' AND outcome = 'rejected' ORDER BY id LIMIT 1 OFFSET 40`,
  ).id;
  const tool = new Database(path.join(seeded.dataDir, 'audit.db'));
  tool.exec('DROP TRIGGER IF EXISTS audit_no_update');
  tool
    .prepare(`UPDATE audit SET outcome = 'ok', errcode = 0, errmsg = NULL WHERE id = ?`)
    .run(victim);
  tool.close();

  await page.getByRole('button', { name: 'Check again' }).click();
  const broken = result.locator('[data-problem]');
  await expect(broken).toHaveAttribute('data-problem', 'changed', { timeout: 30_000 });
  await expect(broken).toContainText(`Record ${victim} was changed after it was written`);
  await expect(broken).toContainText(
    `The ${(victim - 1).toLocaleString('en-US')} records before it are intact`,
  );
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-verify-broken.png') });
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(broken).toContainText(`第 ${victim} 条记录在写入后被修改过`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-verify-broken-zh.png') });
  await page.getByLabel('语言').selectOption('en');
  const verifyRecord = audit.search({ actions: ['verify'] }, { limit: 1 }).rows[0]!;
  expect(verifyRecord).toMatchObject({ outcome: 'failed', operator_id: SUPERVISOR.id });
  expect(verifyRecord.detail).toMatchObject({ problem: 'changed', first_bad_id: victim });

  await broken.getByRole('link', { name: `Open record ${victim}` }).click();
  await expect(page.getByRole('heading', { name: `Record ${victim}` })).toBeVisible();
});

it('a cashier sees only their own shift, on screen and through a forged contract call', async ({
  page,
  seeded,
}) => {
  const audit = seeded.services.audit;
  const today = localMidnight(Date.now());
  await page.goto(seeded.url);
  await signIn(page, CASHIER);
  await openAudit(page);
  const shift: AuditFilter = { from: today, operatorId: CASHIER.id };
  const ids = await expectJournal(page, audit, shift);
  expect(ids.length).toBeGreaterThan(0);
  await expect(page.getByText(/You see your own records of this shift/)).toBeVisible();
  await expect(page.getByLabel('Operator')).toHaveCount(0);
  await expect(page.getByRole('radio', { name: 'Yesterday' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Verify' })).toHaveCount(0);
  for (const row of await page.getByTestId('journal-row').all()) {
    await expect(row).toContainText('Ann Chen');
    const code = (await row.locator('.col-code').textContent()) ?? '';
    if (code) expect(code).toMatch(/^\d{4}\*{4}\d{4}$/);
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, 'audit-cashier.png') });

  // An address that asks for more gets the shift all the same.
  await page.goto(`${seeded.url}#/audit?range=all&op=sue`);
  await expectJournal(page, audit, shift);

  // The summary: the cashier's shift only.
  await page.getByRole('link', { name: 'Summary' }).click();
  await expect(page.getByTestId('summary-total')).toHaveAttribute(
    'data-count',
    String(count(audit, 'ts >= ? AND operator_id = ?', today, CASHIER.id)),
  );

  // The contract itself, with a forged filter: the host still restricts.
  const dispatch = createDispatcher({
    services: seeded.services.services,
    guard: seeded.services.guard,
  });
  const ctx = { clientId: 'forged-cashier' };
  const call = async <T>(name: string, input: unknown): Promise<T> => {
    const res = await dispatch(name, input, ctx);
    if (!res.ok) throw new Error(JSON.stringify(res.error));
    return res.value as T;
  };
  await call('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin });
  const page1 = await call<{ rows: { operator_id: string; ts: number; code: string | null }[] }>(
    'searchAudit',
    { filter: { operatorId: SUPERVISOR.id, from: 0 }, limit: 500 },
  );
  expect(page1.rows.length).toBeGreaterThan(0);
  for (const r of page1.rows) {
    expect(r.operator_id).toBe(CASHIER.id);
    expect(r.ts).toBeGreaterThanOrEqual(today);
    if (r.code) expect(r.code).toContain('****');
  }
  const { count: forgedCount } = await call<{ count: number }>('countAudit', {
    filter: { operatorId: SUPERVISOR.id },
  });
  expect(forgedCount).toBe(count(audit, 'ts >= ? AND operator_id = ?', today, CASHIER.id));
  const suesRecord = sql<{ id: number }>(
    audit,
    `SELECT id FROM audit WHERE operator_id = 'sue' ORDER BY id LIMIT 1`,
  ).id;
  const denied = await dispatch('getAuditRecord', { id: suesRecord }, ctx);
  expect(denied).toMatchObject({ ok: false, error: { key: 'review.errors.record_not_found' } });
  const oldOwn = sql<{ id: number }>(
    audit,
    `SELECT id FROM audit WHERE operator_id = 'ann' AND ts < ? ORDER BY id LIMIT 1`,
    today,
  ).id;
  expect(await dispatch('getAuditRecord', { id: oldOwn }, ctx)).toMatchObject({ ok: false });
  const summary = await call<{ total: number }>('auditSummary', { from: 0, to: Date.now() + DAY });
  expect(summary.total).toBe(count(audit, 'ts >= ? AND operator_id = ?', today, CASHIER.id));
  expect(await dispatch('startVerify', {}, ctx)).toMatchObject({
    ok: false,
    error: { key: 'errors.role_required_supervisor' },
  });

  // A forged export: the file holds the shift only, codes shortened.
  let status = await call<{ exportId: string; state: string; downloadUrl?: string }>(
    'startExport',
    {
      filter: { from: 0 },
      format: 'jsonl',
    },
  );
  await expect
    .poll(async () => (status = await call('exportStatus', { exportId: status.exportId })).state)
    .toBe('done');
  const res = await fetch(new URL(status.downloadUrl!, seeded.url));
  expect(res.status).toBe(200);
  const rows = (await res.text())
    .trim()
    .split('\n')
    .map(
      (l) => JSON.parse(l) as { id: number; operator_id: string; ts: number; code: string | null },
    );
  const shiftIds = audit.db
    .prepare(`SELECT id FROM audit WHERE ts >= ? AND operator_id = ? AND id < ? ORDER BY id`)
    .pluck()
    .all(today, CASHIER.id, rows[rows.length - 1]!.id + 1) as number[];
  expect(rows.map((r) => r.id)).toEqual(shiftIds);
  for (const r of rows) if (r.code) expect(r.code).toMatch(/^\d{4}\*{4}\d{4}$/);
  // Single use.
  expect((await fetch(new URL(status.downloadUrl!, seeded.url))).status).toBe(410);
});
