/**
 * Head office's page in a real browser, served by a real collector on a real PostgreSQL server
 * that this file starts (test/integration/central/postgres-server.ts), with the WeChat sandbox
 * as WeChat for reconciliation; the collector runs as `npm run central` does (tsx central/cli.ts,
 * DATABASE_URL and the CARDDESK_WECHAT_* settings). Terminals' real audit logs are shipped to
 * it first. Writes
 * test/artifacts/head-office/*.png at 1366x768 (the admin screen at 1024x768).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { issueCredential } from '../../central/credentials';
import { connectPostgres, type Database } from '../../central/db';
import { addUser } from '../../central/office/users';
import { demoSeed, startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { push, terminalLog } from '../integration/central/helpers';
import { startTestPostgres, type TestPostgres } from '../integration/central/postgres-server';

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'test', 'artifacts', 'head-office');
const PASSWORD = 'correct horse battery';
const HOUR = 3600_000;

test.use({ viewport: { width: 1366, height: 768 } });
// Serial (one collector and its data); generous, as the whole page is walked on a shared machine.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

let pg: TestPostgres;
let db: Database;
let wx: RunningSandbox;
let collector: { url: string; child: ChildProcess };
let card: string;
let codes: string[];

/** 00:00 of the day before today in Asia/Shanghai (WeChat reports days before today). */
function yesterdayShanghai(): number {
  const day = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);
  return Date.parse(`${day}T00:00:00+08:00`) - 24 * HOUR;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  pg = await startTestPostgres();
  const dbUrl = await pg.createDatabase('head_office_e2e');
  const seed = demoSeed();
  delete seed.history;
  wx = await startSandbox({ seed, frozenClock: true });
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'central/cli.ts', '--port', '0'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: dbUrl,
        CARDDESK_WECHAT_APPID: wx.app.appid,
        CARDDESK_WECHAT_SECRET: wx.app.secret,
        CARDDESK_WECHAT_API: wx.url,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the collector exited (${code}): ${out}`)));
  });
  collector = { url, child };
  db = connectPostgres(dbUrl);
  const cash = seed.codes.filter(
    (c) => c.status === 'NORMAL' && c.card_id === seed.codes[0]!.card_id,
  );
  card = cash[0]!.card_id;
  codes = cash.slice(0, 4).map((c) => c.code);
  const day = yesterdayShanghai();

  // WeChat consumed four codes yesterday; the fourth at a till without CardDesk.
  for (const [i, code] of codes.entries()) {
    wx.sim.clock.set(day + (10 + i) * HOUR);
    const tok = (await (
      await fetch(`${wx.url}/cgi-bin/stable_token`, {
        method: 'POST',
        body: JSON.stringify({
          grant_type: 'client_credential',
          appid: wx.app.appid,
          secret: wx.app.secret,
        }),
      })
    ).json()) as { access_token: string };
    const r = (await (
      await fetch(`${wx.url}/card/code/consume?access_token=${tok.access_token}`, {
        method: 'POST',
        body: JSON.stringify({ code }),
      })
    ).json()) as { errcode: number };
    expect(r.errcode).toBe(0);
  }
  wx.sim.clock.set(Date.now());

  // Two stores' tills recorded and shipped the first three; Till 2 claimed the second too.
  const ship = async (
    store: string,
    terminal: string,
    build: (t: ReturnType<typeof terminalLog>) => void,
  ) => {
    const t = terminalLog(day + 9 * HOUR);
    build(t);
    const { token } = await issueCredential(db, { store, terminal });
    const r = await push(collector.url, token, {
      install_id: t.log.installId!,
      records: t.records(),
    });
    expect(r.status).toBe(200);
  };
  // Look-ups only (terminalLog's add() writes redemptions of another card too).
  let n = 0;
  const lookups = (
    t: ReturnType<typeof terminalLog>,
    from: number,
    count: number,
    stepMs: number,
  ) => {
    for (let i = 0; i < count; i++) {
      t.at(from + i * stepMs);
      t.log.append({
        action: 'lookup',
        outcome: 'ok',
        operator_id: 'op1',
        code: `9000000${String(++n).padStart(5, '0')}`,
        card_id: card,
      });
    }
  };
  const redeem = (t: ReturnType<typeof terminalLog>, at: number, code: string, op = 'op1') => {
    t.at(at);
    t.log.append({ action: 'redeem', outcome: 'ok', operator_id: op, code, card_id: card });
  };
  await ship('上海徐家汇店', '1 号收银台', (t) => {
    lookups(t, day + 9 * HOUR, 12, 20 * 60_000);
    redeem(t, day + 10 * HOUR, codes[0]!);
    redeem(t, day + 11 * HOUR, codes[1]!);
  });
  await ship('上海徐家汇店', '2 号收银台', (t) => {
    redeem(t, day + 11 * HOUR + 60_000, codes[1]!, 'op2');
    lookups(t, day + 12 * HOUR, 5, 30 * 60_000);
  });
  await ship('北京三里屯店', '1 号收银台', (t) => {
    redeem(t, day + 12 * HOUR, codes[2]!, 'op7');
    lookups(t, day + 13 * HOUR, 8, 45 * 60_000);
  });
  // A credential issued for a till that has not shipped yet.
  await issueCredential(db, { store: '北京三里屯店', terminal: '2 号收银台' });
  // A till whose chain has a gap (records 4 and 5 never arrived).
  const gap = terminalLog(day + 8 * HOUR);
  lookups(gap, day + 8 * HOUR, 8, 15 * 60_000);
  const { token } = await issueCredential(db, { store: '广州天河店', terminal: '1 号收银台' });
  const all = gap.records();
  await push(collector.url, token, { install_id: gap.log.installId!, records: all.slice(0, 3) });
  await push(collector.url, token, { install_id: gap.log.installId!, records: all.slice(5) });

  await addUser(db, { name: 'auditor.chen', role: 'auditor', password: PASSWORD });
  await addUser(db, { name: 'viewer.wang', role: 'viewer', password: PASSWORD });
  await addUser(db, { name: 'admin.li', role: 'admin', password: PASSWORD });
});

test.afterAll(async () => {
  collector?.child.kill('SIGTERM');
  await wx?.close();
  await db?.close();
  pg?.stop();
});

async function signIn(
  page: Page,
  name: string,
  labels: { name: RegExp; password: RegExp; submit: RegExp },
) {
  await page.goto(`${collector.url}/office/`);
  await page.getByLabel(labels.name).fill(name);
  await page.getByLabel(labels.password).fill(PASSWORD);
  await page.getByRole('button', { name: labels.submit }).click();
}

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('an auditor: journal with full codes, summary, terminals, reconciliation explained', async ({
    page,
  }) => {
    await page.goto(`${collector.url}/office/`);
    await expect(page.getByRole('heading', { name: '总部登录' })).toBeVisible();
    await page.screenshot({ path: path.join(SHOTS, 'sign-in-zh.png') });
    await signIn(page, 'auditor.chen', { name: /用户名/, password: /密码/, submit: /^登录$/ });
    await expect(page.getByTestId('ho-user')).toHaveText('auditor.chen · 审计员');

    // Journal: newest first, full codes, filters.
    const journal = page.getByTestId('ho-journal');
    await expect(journal.locator('tbody tr')).toHaveCount(35);
    await expect(journal).toContainText(codes[1]!);
    await expect(page.getByRole('link', { name: '导出 CSV' })).toBeVisible();
    await page.screenshot({ path: path.join(SHOTS, 'journal-zh.png') });
    await page.getByLabel('门店').fill('北京三里屯店');
    await page.getByLabel('券码').fill(codes[2]!.slice(0, 6));
    await page.getByRole('button', { name: '查询' }).click();
    await expect(journal.locator('tbody tr')).toHaveCount(1);
    await expect(journal.locator('tbody tr')).toContainText('op7');
    await expect(journal.locator('tbody tr')).toContainText('成功');

    // Summary: redemptions per store and terminal, with the chart.
    await page.getByRole('button', { name: '汇总' }).click();
    await expect(
      page.getByTestId('ho-summary-chart').locator('.recharts-bar-rectangle').first(),
    ).toBeVisible();
    const summary = page.getByTestId('ho-summary');
    const row = (store: string, till: string) =>
      summary.locator('tbody tr').filter({ hasText: store }).filter({ hasText: till });
    await expect(row('上海徐家汇店', '1 号收银台').locator('td[data-col="redeemed"]')).toHaveText(
      '2',
    );
    await expect(row('上海徐家汇店', '2 号收银台').locator('td[data-col="redeemed"]')).toHaveText(
      '1',
    );
    await expect(row('北京三里屯店', '1 号收银台').locator('td[data-col="redeemed"]')).toHaveText(
      '1',
    );
    await page.screenshot({ path: path.join(SHOTS, 'summary-zh.png') });

    // Terminals: the one not shipping yet and the one with a gap come first.
    await page.getByRole('button', { name: '终端' }).click();
    await expect(page.getByTestId('ho-terminals-lead')).toHaveText('1 台落后，1 台有链告警');
    const terms = page.getByTestId('ho-terminals').locator('tbody tr');
    await expect(terms.nth(0)).toContainText('广州天河店');
    await expect(terms.nth(0)).toContainText('链告警：1 条');
    await expect(terms.nth(0)).toContainText('首条：第 6 条之前有记录缺失');
    await expect(
      terms.filter({ hasText: '北京三里屯店' }).filter({ hasText: '2 号收银台' }),
    ).toContainText('尚未开始上传');
    await page.screenshot({ path: path.join(SHOTS, 'terminals-zh.png') });

    // Reconciliation: WeChat 4, the journal 3 codes in 4 records; one claimed twice, one not
    // accounted for while a till has not shipped.
    await page.getByRole('button', { name: '对账' }).click();
    const recon = page.getByTestId('ho-recon').locator('tbody tr').filter({ hasText: card });
    await expect(recon).toHaveCount(1);
    // The card by its title: the demo's look-ups recorded none, so WeChat's card/get names it.
    await expect(recon.locator('td[data-col="card"]')).toContainText('名称取自微信（card/get）');
    await expect(recon.locator('td[data-col="wechat"]')).toHaveText('4');
    await expect(recon.locator('td[data-col="journal"]')).toHaveText('4');
    await expect(recon.locator('td[data-col="codes"]')).toHaveText('3');
    await expect(recon.locator('td[data-col="difference"]')).toHaveText('+1');
    await expect(recon.locator('td[data-col="why"]')).toContainText(
      `同一券码被两台终端记为核销：${codes[1]} (上海徐家汇店 / 1 号收银台, 上海徐家汇店 / 2 号收银台)`,
    );
    await expect(recon.locator('td[data-col="why"]')).toContainText(
      '尚未上传的终端：北京三里屯店 / 2 号收银台',
    );
    await page.screenshot({ path: path.join(SHOTS, 'reconciliation-zh.png') });
  });
});

test.describe('in English', () => {
  test.use({ locale: 'en-US' });

  test('a viewer sees codes masked and no export; a wrong password is said so', async ({
    page,
  }) => {
    await page.goto(`${collector.url}/office/`);
    await page.getByLabel('User name').fill('viewer.wang');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong user name or password.');
    await signIn(page, 'viewer.wang', {
      name: /User name/,
      password: /Password/,
      submit: /^Sign in$/,
    });
    await expect(page.getByTestId('ho-user')).toHaveText('viewer.wang · Viewer');
    await expect(page.getByText('Codes are masked for your role (viewer).')).toBeVisible();
    const journal = page.getByTestId('ho-journal');
    await expect(journal).toContainText(`${codes[1]!.slice(0, 4)}****${codes[1]!.slice(-4)}`);
    await expect(journal).not.toContainText(codes[1]!);
    await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveCount(0);
    // Only admins have the admin screen.
    await expect(page.getByRole('button', { name: 'Admin' })).toHaveCount(0);

    await page.getByRole('button', { name: 'Reconciliation' }).click();
    const why = page
      .getByTestId('ho-recon')
      .locator('tbody tr')
      .filter({ hasText: card })
      .locator('td[data-col="why"]');
    await expect(why).toContainText('Claimed by two terminals:');
    await expect(why).not.toContainText(codes[1]!);

    // Switching to 中文 keeps the session; signing out returns to the sign-in form.
    await page.getByRole('button', { name: '中文' }).click();
    await expect(page.getByRole('button', { name: '对账' })).toBeVisible();
    await page.getByRole('button', { name: '退出登录' }).click();
    await expect(page.getByRole('heading', { name: '总部登录' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('heading', { name: '总部登录' })).toBeVisible();
  });
});

test.describe('an admin, in Chinese at 1024x768', () => {
  test.use({ locale: 'zh-CN', viewport: { width: 1024, height: 768 } });

  test('issues a credential (shown once) and revokes it, renames a till with history, manages users', async ({
    page,
  }) => {
    page.on('dialog', (d) => void d.accept());
    await signIn(page, 'admin.li', { name: /用户名/, password: /密码/, submit: /^登录$/ });
    await expect(page.getByTestId('ho-user')).toHaveText('admin.li · 管理员');
    await page.getByRole('button', { name: '管理' }).click();

    // A new till: issue its credential; the token is shown once, and it works.
    const creds = page.getByRole('region', { name: '终端凭据' });
    await creds.getByLabel('门店', { exact: true }).fill('深圳福田店');
    await creds.getByLabel('终端名称').fill('1 号收银台');
    await creds.getByRole('button', { name: '签发凭据' }).click();
    const issued = page.getByTestId('ho-issued');
    await expect(issued).toContainText('已为 深圳福田店 / 1 号收银台 签发凭据');
    await expect(issued).toContainText('它不会再次显示');
    const token = await page.getByTestId('ho-issued-token').inputValue();
    expect(token).toMatch(/^cdt_[a-z0-9]{12}_[\w-]{43}$/);
    const row = page
      .getByTestId('ho-credentials')
      .locator('tbody tr')
      .filter({ hasText: '深圳福田店' });
    await expect(row).toContainText('尚未使用');
    await page.screenshot({ path: path.join(SHOTS, 'admin-credential-issued-zh.png') });
    await issued.getByRole('button', { name: '已输入' }).click();
    await expect(page.getByTestId('ho-issued-token')).toHaveCount(0);
    await expect(page.locator('body')).not.toContainText(token);

    // The till ships with it: 5 of its 12 records so far, saying it holds 12.
    const till = terminalLog(Date.now() - 2 * HOUR);
    till.add(12);
    const res = await fetch(`${collector.url}/v1/records`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-carddesk-durable-seq': '12',
      },
      body: JSON.stringify({ install_id: till.log.installId, records: till.records().slice(0, 5) }),
    });
    expect(res.status).toBe(200);
    await page.getByRole('button', { name: '终端' }).click();
    const termRow = page
      .getByTestId('ho-terminals')
      .locator('tbody tr')
      .filter({ hasText: '深圳福田店' });
    await expect(termRow).toContainText('落后 7 条记录');
    await page.screenshot({ path: path.join(SHOTS, 'terminals-records-behind-zh.png') });

    // The store mapping: rename the till; the old name stays as history.
    await page.getByRole('button', { name: '管理' }).click();
    const mapping = page
      .getByTestId('ho-mapping')
      .locator('tbody tr')
      .filter({ hasText: till.log.installId!.slice(0, 8) });
    await expect(mapping).toContainText('深圳福田店');
    await mapping.getByRole('button', { name: '修改' }).click();
    await mapping.getByLabel('终端名称').fill('9 号收银台');
    await mapping.getByRole('button', { name: '保存' }).click();
    await expect(
      page.getByRole('status').filter({ hasText: '现为 深圳福田店 / 9 号收银台' }),
    ).toBeVisible();
    await expect(mapping).toContainText('9 号收银台');
    await expect(mapping.locator('td[data-col="history"]')).toContainText(
      '深圳福田店 / 1 号收银台，至',
    );

    // Revoke the credential: the till is refused from its next push on.
    await row.getByRole('button', { name: '吊销' }).click();
    await expect(row).toContainText('已于');
    await expect(row.getByRole('button', { name: '吊销' })).toHaveCount(0);
    const refused = await push(collector.url, token, {
      install_id: till.log.installId!,
      records: till.records().slice(5),
    });
    expect(refused.status).toBe(401);

    // Users: add a viewer, reset their password, disable them.
    const users = page.getByRole('region', { name: '用户' });
    await users.getByLabel('用户名').fill('viewer.zhao');
    await users.getByLabel('角色').selectOption('viewer');
    await users.getByLabel('密码（至少 10 个字符）').fill(PASSWORD);
    await users.getByRole('button', { name: '添加用户' }).click();
    await expect(users.getByRole('status')).toHaveText('✓ 已添加 viewer.zhao，角色：查看员。');
    const zhao = page
      .getByTestId('ho-users')
      .locator('tbody tr')
      .filter({ hasText: 'viewer.zhao' });
    await expect(zhao).toContainText('查看员');
    await zhao.getByRole('button', { name: '重置密码' }).click();
    await zhao.getByLabel('viewer.zhao 的新密码（至少 10 个字符）').fill('a brand new password');
    await zhao.getByRole('button', { name: '设置密码' }).click();
    await expect(users.getByRole('status')).toContainText('已为 viewer.zhao 设置新密码');
    await page.screenshot({ path: path.join(SHOTS, 'admin-zh.png'), fullPage: true });
    await zhao.getByRole('button', { name: '停用' }).click();
    await expect(zhao).toContainText('已于');
    await expect(zhao.getByRole('button', { name: '停用' })).toHaveCount(0);
    // The admin cannot disable themselves.
    const self = page.getByTestId('ho-users').locator('tbody tr').filter({ hasText: 'admin.li' });
    await expect(self.getByRole('button', { name: '停用' })).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, 'admin-users-zh.png') });
  });
});
