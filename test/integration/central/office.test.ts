/**
 * Head office on the collector, against a real PostgreSQL server started by this test run and
 * the WeChat sandbox as WeChat: users and roles (each route refused to a lower role with a
 * valid input, before anything changes), sign-in and sessions, the chain-wide journal (filters,
 * keyset pages, masking), the summary by WeChat's day, terminals behind or flagged, and the
 * reconciliation with datacube/getcardcardinfo.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { issueCredential } from '../../../central/credentials';
import type { Database } from '../../../central/db';
import { addUser } from '../../../central/office/users';
import { startCollector, type RunningCollector } from '../../../central/server';
import { demoSeed, startSandbox, type RunningSandbox } from '../../../electron/sandbox';
import { cardBodyOf } from '../../../electron/sandbox/seed-schema';
import type {
  JournalPage,
  OfficeRole,
  Reconciliation,
  SummaryRow,
  TerminalRow,
} from '../../../shared/head-office';
import { call, push, terminalLog, wechatConsume } from './helpers';
import { centralRig } from './rig';

const { databaseUrl, database, cleanup } = centralRig('office');
/** Counts up across the file: each user a test adds has a name of its own. */
let n = 0;

const PASSWORD = 'correct horse battery';
/** 2026-11-02 00:00 in Asia/Shanghai. */
const D1 = Date.parse('2026-11-02T00:00:00+08:00');
const HOUR = 3600_000;

async function collector(
  wechat?: RunningSandbox,
): Promise<{ db: Database; c: RunningCollector; url: string; dbUrl: string }> {
  const dbUrl = await databaseUrl();
  const db = await database(dbUrl);
  const c = await startCollector({
    db,
    port: 0,
    onError: () => {},
    office: {
      ...(wechat
        ? { wechat: { baseUrl: wechat.url, appid: wechat.app.appid, secret: wechat.app.secret } }
        : {}),
    },
  });
  cleanup.push(() => c.close());
  return { db, c, url: c.url, dbUrl };
}

interface Res {
  status: number;
  body: unknown;
  headers: Headers;
}

async function api(
  base: string,
  cookie: string | undefined,
  method: 'GET' | 'POST' | 'DELETE',
  p: string,
  body?: unknown,
): Promise<Res> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // CSV
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Only the status of an API call. */
async function status(...args: Parameters<typeof api>): Promise<number> {
  return (await api(...args)).status;
}

/** Signs in through the API; the session cookie as a browser would send it back. */
async function signIn(base: string, name: string, password = PASSWORD): Promise<string> {
  const r = await api(base, undefined, 'POST', '/office/api/session', { name, password });
  expect(r.status).toBe(200);
  const set = r.headers.get('set-cookie') ?? '';
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Strict/);
  return set.split(';')[0]!;
}

async function userOf(db: Database, base: string, role: OfficeRole): Promise<string> {
  const name = `${role}${++n}`;
  await addUser(db, { name, role, password: PASSWORD });
  return signIn(base, name);
}

/** A terminal: its real audit log, a credential, and shipping what it has to the collector. */
async function terminal(
  db: Database,
  base: string,
  store: string,
  name: string,
  terminalId: string,
) {
  const t = terminalLog(D1);
  const { token } = await issueCredential(db, { store, terminal: name });
  let shipped = 0;
  return {
    log: t.log,
    redeem(at: number, code: string, card: string, outcome = 'ok', operator = 'op1') {
      t.at(at);
      t.log.append({
        action: 'redeem',
        outcome: outcome as 'ok',
        operator_id: operator,
        code,
        card_id: card,
      });
    },
    append(at: number, rec: Parameters<typeof t.log.append>[0]) {
      t.at(at);
      t.log.append(rec);
    },
    async ship() {
      const records = t.records(shipped);
      if (records.length === 0) return;
      const r = await push(base, token, { install_id: t.log.installId!, records });
      expect(r.status).toBe(200);
      shipped = records[records.length - 1]!.id;
    },
    terminalId,
  };
}

describe('users and roles', () => {
  it('the first admin is made with `npm run central -- add-user`, password from stdin', async () => {
    const { url, dbUrl, db } = await collector();
    const cli = (args: string[], input: string) =>
      spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'central/cli.ts', ...args], {
        input,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: dbUrl },
      });
    const made = cli(['add-user', '--role', 'admin', '--name', 'li.wei'], `${PASSWORD}\n`);
    expect(made.stderr).toBe('');
    expect(made.stdout).toContain('user li.wei added as admin');
    expect(cli(['add-user', '--role', 'boss', '--name', 'x'], `${PASSWORD}\n`).status).toBe(2);
    const short = cli(['add-user', '--role', 'viewer', '--name', 'x'], 'short\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('password: 10 to 200 characters');
    // Kept as a salted scrypt hash, never the password.
    const row = await db.query<{ password_hash: string; role: string }>(
      'SELECT password_hash, role FROM office_users',
    );
    expect(row.rows).toHaveLength(1);
    expect(row.rows[0]!.role).toBe('admin');
    expect(row.rows[0]!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(row.rows[0]!.password_hash).not.toContain(PASSWORD);

    const cookie = await signIn(url, 'li.wei');
    expect((await api(url, cookie, 'GET', '/office/api/me')).body).toEqual({
      name: 'li.wei',
      role: 'admin',
    });
  }, 60_000);

  it('sign-in: a wrong password or name is 401 without a session; sign-out and disabling end it', async () => {
    const { db, url } = await collector();
    await addUser(db, { name: 'zhang', role: 'admin', password: PASSWORD });
    await addUser(db, { name: 'wang', role: 'viewer', password: PASSWORD });
    for (const body of [
      { name: 'zhang', password: 'wrong password!' },
      { name: 'nobody', password: PASSWORD },
    ]) {
      const r = await api(url, undefined, 'POST', '/office/api/session', body);
      expect(r.status).toBe(401);
      expect(r.headers.get('set-cookie')).toBeNull();
    }
    expect(await status(url, undefined, 'GET', '/office/api/journal')).toBe(401);
    expect(await status(url, 'cd_office=cdo_' + 'x'.repeat(43), 'GET', '/office/api/me')).toBe(401);

    const admin = await signIn(url, 'zhang');
    const viewer = await signIn(url, 'wang');
    expect(await status(url, viewer, 'GET', '/office/api/me')).toBe(200);
    expect(await status(url, admin, 'POST', '/office/api/users/disable', { name: 'wang' })).toBe(
      200,
    );
    expect(await status(url, viewer, 'GET', '/office/api/me')).toBe(401);
    expect(
      await status(url, undefined, 'POST', '/office/api/session', {
        name: 'wang',
        password: PASSWORD,
      }),
    ).toBe(401);

    expect(await status(url, admin, 'DELETE', '/office/api/session')).toBe(200);
    expect(await status(url, admin, 'GET', '/office/api/me')).toBe(401);
    // The database holds only hashes of session tokens.
    const sessions = await db.query<{ token_sha256: string }>(
      'SELECT token_sha256 FROM office_sessions',
    );
    for (const s of sessions.rows) expect(s.token_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the fifth wrong password in a row locks sign-in for 5 minutes, the right one too', async () => {
    const { db, url } = await collector();
    await addUser(db, { name: 'zhao', role: 'auditor', password: PASSWORD });
    const attempt = (password: string) =>
      api(url, undefined, 'POST', '/office/api/session', { name: 'zhao', password });
    for (let i = 0; i < 4; i++) expect((await attempt('wrong password!')).status).toBe(401);
    // The right password before the fifth wrong one resets the count.
    expect((await attempt(PASSWORD)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password!')).status).toBe(401);
    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(429);
    expect((locked.body as { error: string }).error).toBe('locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(290);
    expect(locked.headers.get('set-cookie')).toBeNull();
    // Once the lock has run out (moved into the past here), the right password works again.
    await db.query(`UPDATE office_users SET locked_until = now() - interval '1 second'`);
    expect((await attempt(PASSWORD)).status).toBe(200);
  });

  it('every route refuses a lower role with a valid input, and nothing changes', async () => {
    const { db, url } = await collector();
    const viewer = await userOf(db, url, 'viewer');
    const auditor = await userOf(db, url, 'auditor');
    const admin = await userOf(db, url, 'admin');
    const { id } = await issueCredential(db, { store: 'Shanghai Xujiahui', terminal: 'Till 1' });
    const install = '0b0d5a86-4f0e-4a43-9d1c-6a1f6c0d2b11';
    await issueCredential(db, {
      store: 'Shanghai Xujiahui',
      terminal: 'Till 2',
      installId: install,
    });
    const snapshot = async () =>
      JSON.stringify([
        (await db.query('SELECT id, revoked_at FROM credentials ORDER BY id')).rows,
        (await db.query('SELECT name, password_hash FROM office_users ORDER BY name')).rows,
        (
          await db.query(
            'SELECT install_id, store, terminal, valid_to FROM install_assignments ORDER BY id',
          )
        ).rows,
        (await db.query('SELECT name, role, disabled_at FROM office_users ORDER BY name')).rows,
      ]);
    const cases: { who: string[]; method: 'GET' | 'POST'; path: string; body?: unknown }[] = [
      { who: [viewer], method: 'GET', path: '/office/api/journal.csv?store=Shanghai%20Xujiahui' },
      { who: [viewer, auditor], method: 'GET', path: '/office/api/credentials' },
      {
        who: [viewer, auditor],
        method: 'POST',
        path: '/office/api/credentials',
        body: { store: 'Beijing Sanlitun', terminal: 'Till 1' },
      },
      {
        who: [viewer, auditor],
        method: 'POST',
        path: '/office/api/credentials/revoke',
        body: { id },
      },
      {
        who: [viewer, auditor],
        method: 'POST',
        path: '/office/api/assignments',
        body: { install_id: install, store: 'Beijing Sanlitun', terminal: 'Till 9' },
      },
      { who: [viewer, auditor], method: 'GET', path: '/office/api/users' },
      {
        who: [viewer, auditor],
        method: 'POST',
        path: '/office/api/users',
        body: { name: 'intruder', role: 'admin', password: PASSWORD },
      },
      {
        who: [viewer, auditor],
        method: 'POST',
        path: '/office/api/users/disable',
        body: { name: `admin${n}` },
      },
      { who: [viewer, auditor], method: 'GET', path: '/office/api/assignments' },
      {
        who: [viewer, auditor],
        method: 'POST',
        path: '/office/api/users/password',
        body: { name: `admin${n}`, password: 'a new password 2' },
      },
    ];
    const before = await snapshot();
    for (const c of cases) {
      for (const cookie of c.who) {
        const r = await api(url, cookie, c.method, c.path, c.body);
        expect({ path: c.path, status: r.status }).toEqual({ path: c.path, status: 403 });
        expect((r.body as { error: string }).error).toBe('forbidden');
      }
      // Not signed in: 401, whatever the role the route needs.
      expect(await status(url, undefined, c.method, c.path, c.body)).toBe(401);
    }
    // A lower role with an invalid body is refused for its role, not told what is invalid.
    const bad = await api(url, auditor, 'POST', '/office/api/users', { name: '' });
    expect(bad.status).toBe(403);
    expect(await snapshot()).toBe(before);

    // The admin may do each of them.
    expect(await status(url, admin, 'GET', '/office/api/credentials')).toBe(200);
    const issued = await api(url, admin, 'POST', '/office/api/credentials', {
      store: 'Beijing Sanlitun',
      terminal: 'Till 1',
    });
    expect(issued.status).toBe(200);
    expect((issued.body as { token: string }).token).toMatch(/^cdt_/);
    expect(await status(url, admin, 'POST', '/office/api/credentials/revoke', { id })).toBe(200);
    expect(
      await status(url, admin, 'POST', '/office/api/assignments', {
        install_id: install,
        store: 'Beijing Sanlitun',
        terminal: 'Till 9',
      }),
    ).toBe(200);
    const added = await api(url, admin, 'POST', '/office/api/users', {
      name: 'chen',
      role: 'auditor',
      password: PASSWORD,
    });
    expect(added.body).toEqual({ name: 'chen', role: 'auditor' });
    expect(
      await status(url, admin, 'POST', '/office/api/users', {
        name: 'chen',
        role: 'nobody',
        password: PASSWORD,
      }),
    ).toBe(400);
    const mapping = await db.query<{ store: string; terminal: string; valid_to: Date | null }>(
      'SELECT store, terminal, valid_to FROM install_assignments WHERE install_id = $1 ORDER BY id',
      [install],
    );
    expect(mapping.rows.map((r) => [r.store, r.terminal, r.valid_to === null])).toEqual([
      ['Shanghai Xujiahui', 'Till 2', false],
      ['Beijing Sanlitun', 'Till 9', true],
    ]);
    // Another site cannot post with the admin's cookie.
    const cross = await fetch(`${url}/office/api/users`, {
      method: 'POST',
      headers: {
        cookie: admin,
        'content-type': 'application/json',
        origin: 'https://evil.example',
      },
      body: JSON.stringify({ name: 'evil', role: 'admin', password: PASSWORD }),
    });
    expect(cross.status).toBe(403);
    expect((await db.query(`SELECT 1 FROM office_users WHERE name = 'evil'`)).rows).toHaveLength(0);
  });
});

describe('journal, summary, terminals', () => {
  it('filters, keyset pages without repeats or gaps, codes masked for viewers only', async () => {
    const { db, url } = await collector();
    const sh = await terminal(db, url, 'Shanghai Xujiahui', 'Till 1', 'SH-1');
    const bj = await terminal(db, url, 'Beijing Sanlitun', 'Till 1', 'BJ-1');
    for (let i = 0; i < 130; i++) {
      sh.redeem(
        D1 + 9 * HOUR + i * 60_000,
        `17884766${String(1000 + i)}`,
        i % 2 ? 'pCASH' : 'pGIFT',
        i % 10 === 0 ? 'rejected' : 'ok',
        i % 3 ? 'op1' : 'op2',
      );
      bj.redeem(D1 + 9 * HOUR + i * 60_000 + 30_000, `27884766${String(1000 + i)}`, 'pCASH');
    }
    await sh.ship();
    await bj.ship();
    const viewer = await userOf(db, url, 'viewer');
    const auditor = await userOf(db, url, 'auditor');

    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const r = await api(
        url,
        auditor,
        'GET',
        `/office/api/journal?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status).toBe(200);
      const page = r.body as JournalPage;
      seen.push(...page.rows.map((x) => `${x.install_id}:${x.seq}`));
      for (let i = 1; i < page.rows.length; i++)
        expect(page.rows[i]!.ts).toBeLessThanOrEqual(page.rows[i - 1]!.ts);
      cursor = page.next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(260);
    expect(new Set(seen).size).toBe(260);

    const q = async (who: string, params: string) =>
      (await api(url, who, 'GET', `/office/api/journal?limit=500&${params}`)).body as JournalPage;
    expect((await q(auditor, 'store=Beijing%20Sanlitun')).rows).toHaveLength(130);
    expect((await q(auditor, 'store=Shanghai%20Xujiahui&outcome=rejected')).rows).toHaveLength(13);
    expect((await q(auditor, 'operator=op2')).rows).toHaveLength(44);
    expect((await q(auditor, 'card=pGIFT')).rows).toHaveLength(65);
    expect((await q(auditor, 'terminal=Till%201')).rows).toHaveLength(260);
    const window = await q(auditor, `from=${D1 + 9 * HOUR}&to=${D1 + 9 * HOUR + 10 * 60_000}`);
    expect(window.rows).toHaveLength(20);
    const prefix = await q(auditor, 'code=1788476610');
    expect(prefix.rows.map((r) => r.code)).toContain('178847661000');
    expect(prefix.rows).toHaveLength(100);
    expect(prefix.masked).toBe(false);

    const masked = await q(viewer, 'store=Shanghai%20Xujiahui');
    expect(masked.masked).toBe(true);
    expect(masked.rows[0]!.code).toBe('1788****1129');
    // A viewer's code search is for a whole code: a prefix finds nothing.
    expect((await q(viewer, 'code=178847661')).rows).toHaveLength(0);
    const whole = await q(viewer, 'code=178847661005');
    expect(whole.rows.map((r) => r.code)).toEqual(['1788****1005']);

    expect(await status(url, viewer, 'GET', '/office/api/journal?limit=0')).toBe(400);
    expect(await status(url, viewer, 'GET', '/office/api/journal?store=x&nonsense=1')).toBe(400);

    // An auditor's export: every matching record with the full code.
    const csv = await api(url, auditor, 'GET', '/office/api/journal.csv?store=Beijing%20Sanlitun');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines).toHaveLength(131);
    expect(lines[1]).toContain('278847661129');
  });

  it('summary by WeChat day per store and terminal; terminals behind or flagged', async () => {
    const { db, url } = await collector();
    const sh = await terminal(db, url, 'Shanghai Xujiahui', 'Till 1', 'SH-1');
    // 23:30 on 2 November in Shanghai is 15:30 UTC: the 2nd; 00:30 on the 3rd is still the 2nd in UTC.
    sh.redeem(D1 + 23.5 * HOUR, '100000000001', 'pCASH');
    sh.redeem(D1 + 24.5 * HOUR, '100000000002', 'pCASH');
    sh.redeem(D1 + 25 * HOUR, '100000000003', 'pCASH', 'rejected');
    sh.append(D1 + 25.5 * HOUR, {
      action: 'invalidate',
      outcome: 'ok',
      code: '100000000002',
      card_id: 'pCASH',
    });
    sh.append(D1 + 26 * HOUR, { action: 'lookup', outcome: 'ok', code: '100000000009' });
    await sh.ship();
    // A terminal whose credential was issued for its install but that has never shipped.
    await issueCredential(db, {
      store: 'Beijing Sanlitun',
      terminal: 'Till 3',
      installId: '7f0c1c3e-2b6d-4a53-8d0e-0c4c3a9b8e21',
    });
    const viewer = await userOf(db, url, 'viewer');
    const s = await api(url, viewer, 'GET', '/office/api/summary?from=2026-11-02&to=2026-11-03');
    expect(s.body as SummaryRow[]).toEqual([
      {
        day: '2026-11-02',
        store: 'Shanghai Xujiahui',
        terminal: 'Till 1',
        redeemed: 1,
        refunded: 0,
        failed: 0,
        lookups: 0,
      },
      {
        day: '2026-11-03',
        store: 'Shanghai Xujiahui',
        terminal: 'Till 1',
        redeemed: 1,
        refunded: 1,
        failed: 1,
        lookups: 1,
      },
    ]);
    expect(
      await status(url, viewer, 'GET', '/office/api/summary?from=2026-11-03&to=2026-11-02'),
    ).toBe(400);
    expect(
      await status(url, viewer, 'GET', '/office/api/summary?from=2026-01-01&to=2026-11-02'),
    ).toBe(400);

    // A gap in the chain: records 1-5 of a second till, then 8 onwards (6 and 7 never sent).
    const t2 = terminalLog(D1 + 10 * HOUR);
    t2.add(10);
    const { token } = await issueCredential(db, { store: 'Shanghai Xujiahui', terminal: 'Till 2' });
    const all = t2.records();
    await push(url, token, { install_id: t2.log.installId!, records: all.slice(0, 5) });
    await push(url, token, { install_id: t2.log.installId!, records: all.slice(7) });

    const t = (await api(url, viewer, 'GET', '/office/api/terminals')).body as TerminalRow[];
    const byName = Object.fromEntries(t.map((r) => [`${r.store} / ${r.terminal}`, r]));
    expect(byName['Shanghai Xujiahui / Till 1']).toMatchObject({
      behind: false,
      alerts: 0,
      head_seq: 5,
      flagged_at: null,
    });
    expect(byName['Shanghai Xujiahui / Till 2']).toMatchObject({
      behind: false,
      alerts: 1,
      head_seq: 10,
      flag_reason: 'gap at record 8',
    });
    expect(byName['Beijing Sanlitun / Till 3']).toMatchObject({
      behind: true,
      last_push_at: null,
      head_seq: 0,
    });
  });
});

describe('admin: credentials, the store mapping, users', () => {
  it('lists credentials without secrets, the mapping with its history; bad names are 400', async () => {
    const { db, url } = await collector();
    const admin = await userOf(db, url, 'admin');
    const issued = await api(url, admin, 'POST', '/office/api/credentials', {
      store: '上海徐家汇店',
      terminal: '1 号收银台',
    });
    const { id, token } = issued.body as { id: string; token: string };
    // The new terminal ships with it: its install joins the mapping.
    const t = terminalLog(D1);
    t.add(2);
    expect(
      (await push(url, token, { install_id: t.log.installId!, records: t.records() })).status,
    ).toBe(200);
    expect(
      await status(url, admin, 'POST', '/office/api/assignments', {
        install_id: t.log.installId,
        store: '上海徐家汇店',
        terminal: '3 号收银台',
      }),
    ).toBe(200);

    const creds = (await api(url, admin, 'GET', '/office/api/credentials')).body as {
      id: string;
      install_id: string | null;
      issued_at: number;
      revoked_at: number | null;
    }[];
    expect(creds).toEqual([
      expect.objectContaining({ id, install_id: t.log.installId, revoked_at: null }),
    ]);
    expect(creds[0]!.issued_at).toEqual(expect.any(Number));
    expect(JSON.stringify(creds)).not.toContain(token.slice(-43));

    const mapping = (await api(url, admin, 'GET', '/office/api/assignments')).body as {
      install_id: string;
      store: string;
      terminal: string;
      valid_to: number | null;
    }[];
    expect(mapping.map((m) => [m.store, m.terminal, m.valid_to === null])).toEqual([
      ['上海徐家汇店', '3 号收银台', true],
      ['上海徐家汇店', '1 号收银台', false],
    ]);

    // Bad input: a clear 400 and nothing changes.
    const before = (await db.query('SELECT count(*)::int AS n FROM credentials')).rows;
    for (const body of [
      { store: 'Store\u0007', terminal: 'Till' },
      { store: '', terminal: 'Till' },
      { store: 'Store', terminal: 'Till', extra: 1 },
    ]) {
      const r = await api(url, admin, 'POST', '/office/api/credentials', body);
      expect(r.status).toBe(400);
      expect((r.body as { message: string }).message).not.toBe('');
    }
    expect(
      await status(url, admin, 'POST', '/office/api/assignments', {
        install_id: '00000000-0000-4000-8000-000000000000',
        store: 'x',
        terminal: 'y',
      }),
    ).toBe(404);
    expect((await db.query('SELECT count(*)::int AS n FROM credentials')).rows).toEqual(before);
  });

  it('resetting a password ends the old sessions and lifts a lock; the new one signs in', async () => {
    const { db, url } = await collector();
    const admin = await userOf(db, url, 'admin');
    await addUser(db, { name: 'zhou', role: 'auditor', password: PASSWORD });
    const old = await signIn(url, 'zhou');
    for (let i = 0; i < 5; i++) {
      await api(url, undefined, 'POST', '/office/api/session', {
        name: 'zhou',
        password: 'wrong one!!',
      });
    }
    const NEW = 'a brand new password';
    expect(
      await status(url, admin, 'POST', '/office/api/users/password', {
        name: 'zhou',
        password: 'short',
      }),
    ).toBe(400);
    expect(
      await status(url, admin, 'POST', '/office/api/users/password', {
        name: 'nobody',
        password: NEW,
      }),
    ).toBe(404);
    expect(
      await status(url, admin, 'POST', '/office/api/users/password', {
        name: 'zhou',
        password: NEW,
      }),
    ).toBe(200);
    expect(await status(url, old, 'GET', '/office/api/me')).toBe(401);
    expect(
      await status(url, undefined, 'POST', '/office/api/session', {
        name: 'zhou',
        password: PASSWORD,
      }),
    ).toBe(401);
    const fresh = await signIn(url, 'zhou', NEW);
    expect((await api(url, fresh, 'GET', '/office/api/me')).body).toEqual({
      name: 'zhou',
      role: 'auditor',
    });
    const users = (await api(url, admin, 'GET', '/office/api/users')).body as Record<
      string,
      unknown
    >[];
    expect(users.find((u) => u.name === 'zhou')).toEqual({
      name: 'zhou',
      role: 'auditor',
      created_at: expect.any(Number),
      disabled_at: null,
    });
    expect(JSON.stringify(users)).not.toContain('scrypt');
  });
});

describe('terminals behind: what they say they hold against what arrived', () => {
  it('N records behind from the durable sequence a terminal sends; heartbeats; earlier terminals still work', async () => {
    const { db, url } = await collector();
    const viewer = await userOf(db, url, 'viewer');
    const t = terminalLog(D1);
    t.add(12);
    const { token } = await issueCredential(db, { store: 'Shanghai Xujiahui', terminal: 'Till 1' });
    const pushWith = async (records: unknown[], durable?: string) => {
      const res = await fetch(`${url}/v1/records`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(durable !== undefined ? { 'x-carddesk-durable-seq': durable } : {}),
        },
        body: JSON.stringify({ install_id: t.log.installId, records }),
      });
      expect(res.status).toBe(200);
    };
    const row = async () =>
      ((await api(url, viewer, 'GET', '/office/api/terminals')).body as TerminalRow[]).find(
        (r) => r.terminal === 'Till 1',
      )!;

    // The first 5 of 12 arrived, the terminal says it holds 12: 7 behind, though it just pushed.
    await pushWith(t.records().slice(0, 5), '12');
    expect(await row()).toMatchObject({
      head_seq: 5,
      reported_seq: 12,
      records_behind: 7,
      behind: true,
    });
    // A garbage header is ignored, and a lower one never undoes a higher one.
    await pushWith(t.records().slice(5, 8), 'lots');
    await pushWith(t.records().slice(8, 9), '3');
    expect(await row()).toMatchObject({
      head_seq: 9,
      reported_seq: 12,
      records_behind: 3,
      behind: true,
    });
    await pushWith(t.records().slice(9), '12');
    expect(await row()).toMatchObject({ head_seq: 12, records_behind: 0, behind: false });

    // Quiet for an hour, then a heartbeat (GET /v1/head with the header): heard from again.
    await db.query(
      `UPDATE installs SET last_push_at = now() - interval '1 hour', last_seen_at = now() - interval '1 hour'`,
    );
    expect(await row()).toMatchObject({ records_behind: 0, behind: true });
    const head = await call(url, token, 'GET', `/v1/head?install_id=${t.log.installId}`);
    expect(head.status).toBe(200);
    expect(await row()).toMatchObject({ behind: false });

    // An earlier terminal that sends no header: accepted, judged by its last push only.
    const old = terminalLog(D1);
    old.add(3);
    const legacy = await issueCredential(db, { store: 'Beijing Sanlitun', terminal: 'Till 2' });
    expect(
      (await push(url, legacy.token, { install_id: old.log.installId!, records: old.records() }))
        .status,
    ).toBe(200);
    const oldRow = (
      (await api(url, viewer, 'GET', '/office/api/terminals')).body as TerminalRow[]
    ).find((r) => r.terminal === 'Till 2');
    expect(oldRow).toMatchObject({
      head_seq: 3,
      reported_seq: null,
      records_behind: null,
      behind: false,
    });
  });
});

describe('reconciliation with WeChat (the sandbox as WeChat)', () => {
  it('per card and day: consumed outside CardDesk, not shipped, a code claimed by two terminals', async () => {
    const seed = demoSeed();
    delete seed.history;
    const wx = await startSandbox({ seed, startTime: D1 + 9 * HOUR, frozenClock: true });
    cleanup.push(() => wx.close());
    const { db, url } = await collector(wx);
    const cash = seed.codes.filter(
      (c) => c.status === 'NORMAL' && c.card_id === seed.codes[0]!.card_id,
    );
    const card = cash[0]!.card_id;
    const seedCard = seed.cards.find((x) => cardBodyOf(x).base_info.id === card)!;
    // No terminal has recorded this card's title yet: WeChat's card/get names it.
    const cardTitle = cardBodyOf(seedCard).base_info.title;
    const [a, b, c, d, e] = cash.map((x) => x.code);

    // WeChat's side: the codes the platform consumed, on the sandbox's clock.
    const consume = (code: string, at: number) => wechatConsume(wx, code, at);
    await consume(a!, D1 + 10 * HOUR);
    await consume(b!, D1 + 11 * HOUR);
    await consume(c!, D1 + 12 * HOUR); // at a till without CardDesk
    await consume(d!, D1 + 34 * HOUR); // 3 November
    await consume(e!, D1 + 35 * HOUR); // 3 November, at a till that has not shipped

    // The chain's side: what the terminals recorded and shipped.
    const sh1 = await terminal(db, url, 'Shanghai Xujiahui', 'Till 1', 'SH-1');
    const sh2 = await terminal(db, url, 'Shanghai Xujiahui', 'Till 2', 'SH-2');
    sh1.redeem(D1 + 10 * HOUR, a!, card);
    sh1.redeem(D1 + 11 * HOUR, b!, card);
    sh2.redeem(D1 + 11 * HOUR + 5000, b!, card, 'settled'); // the same code, claimed again
    sh1.redeem(D1 + 34 * HOUR, d!, card);
    await sh1.ship();
    await sh2.ship();
    // Till 3 redeemed e on the 3rd but has not shipped yet (its credential never used).
    const bj3 = await terminal(db, url, 'Beijing Sanlitun', 'Till 3', 'BJ-3');
    bj3.redeem(D1 + 35 * HOUR, e!, card);

    wx.sim.clock.set(D1 + 2 * 24 * HOUR + 9 * HOUR); // 4 November: both days are over at WeChat
    const viewer = await userOf(db, url, 'viewer');
    const auditor = await userOf(db, url, 'auditor');
    const r = await api(
      url,
      auditor,
      'GET',
      '/office/api/reconciliation?from=2026-11-02&to=2026-11-03',
    );
    expect(r.status).toBe(200);
    const rows = (r.body as Reconciliation).rows.filter((x) => x.card_id === card);
    expect(rows).toEqual([
      {
        day: '2026-11-02',
        card_id: card,
        card_title: cardTitle,
        card_title_from: 'wechat',
        wechat: 3,
        journal: 3,
        journal_codes: 2,
        difference: 1,
        claimed_twice: [
          { code: b, terminals: ['Shanghai Xujiahui / Till 1', 'Shanghai Xujiahui / Till 2'] },
        ],
        behind: ['Beijing Sanlitun / Till 3'],
        explanation: ['claimed_twice', 'not_shipped'],
      },
      {
        day: '2026-11-03',
        card_id: card,
        card_title: cardTitle,
        card_title_from: 'wechat',
        wechat: 2,
        journal: 1,
        journal_codes: 1,
        difference: 1,
        claimed_twice: [],
        behind: ['Beijing Sanlitun / Till 3'],
        explanation: ['not_shipped'],
      },
    ]);

    // Till 3 ships its redemption of e on the 3rd: the 3rd matches, and the 2nd's missing
    // consume is now known to be outside CardDesk (every terminal has shipped since).
    // ...and a look-up that recorded the card's title as the till saw it: the journal's title wins.
    bj3.append(D1 + 35.5 * HOUR, {
      action: 'lookup',
      outcome: 'ok',
      code: e!,
      card_id: card,
      detail: { title: '满100减20（门店）' },
    });
    await bj3.ship();
    const again = (
      await api(url, viewer, 'GET', '/office/api/reconciliation?from=2026-11-02&to=2026-11-03')
    ).body as Reconciliation;
    const mine = again.rows.filter((x) => x.card_id === card);
    expect(
      mine.map((x) => [x.day, x.wechat, x.journal_codes, x.difference, x.explanation]),
    ).toEqual([
      ['2026-11-02', 3, 2, 1, ['claimed_twice', 'outside']],
      ['2026-11-03', 2, 2, 0, ['match']],
    ]);
    expect(mine.map((x) => [x.card_title, x.card_title_from])).toEqual([
      ['满100减20（门店）', 'journal'],
      ['满100减20（门店）', 'journal'],
    ]);
    // A viewer sees the twice-claimed code masked.
    expect(mine[0]!.claimed_twice[0]!.code).toBe(`${b!.slice(0, 4)}****${b!.slice(-4)}`);

    // WeChat refuses a range that ends today (its day): the collector says so.
    const today = await api(
      url,
      viewer,
      'GET',
      '/office/api/reconciliation?from=2026-11-03&to=2026-11-04',
    );
    expect(today.status).toBe(502);
    expect((today.body as { message: string }).message).toContain('61501');
  }, 60_000);

  it('without WeChat configured, reconciliation says what to set', async () => {
    const { db, url } = await collector();
    const viewer = await userOf(db, url, 'viewer');
    const r = await api(
      url,
      viewer,
      'GET',
      '/office/api/reconciliation?from=2026-11-02&to=2026-11-03',
    );
    expect(r.status).toBe(503);
    expect((r.body as { message: string }).message).toContain('CARDDESK_WECHAT_APPID');
  });
});
