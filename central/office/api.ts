/**
 * Head office's API under /office/api on the collector, and its web page under /office/.
 * Every route names the least role it needs; the order of checks is always: who is asking (a
 * current session, else 401), may that role do this (else 403), is the input valid (else
 * 400), and only then the work. Sessions travel as an HttpOnly, SameSite=Strict cookie (or a
 * Bearer header for scripts); a request that changes something must be JSON and, if the
 * browser says where it comes from, come from this origin.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { type z } from 'zod';
import {
  AddUserBody,
  AssignBody,
  DayRange,
  DisableUserBody,
  IssueCredentialBody,
  JournalQuery,
  OFFICE_COOKIE,
  ResetPasswordBody,
  RevokeCredentialBody,
  roleAtLeast,
  SignInBody,
  type AssignmentRow,
  type CredentialRow,
  type JournalRow,
  type OfficeRole,
  type UserRow,
} from '../../shared/head-office';
import { toCsv } from '../../shared/office/csv';
import {
  assignInstall,
  issueCredential,
  listAssignments,
  listCredentials,
  revokeCredential,
} from '../credentials';
import type { Database } from '../db';
import { describe, HttpError, readJson, send } from '../http';
import { createDatacube, DatacubeError, type WechatConfig } from './datacube';
import { journal, journalCardTitles, reconcile, summary, terminals } from './queries';
import {
  addUser,
  disableUser,
  listUsers,
  LockedError,
  resetPassword,
  sessionUser,
  signIn,
  signOut,
  UserError,
  type OfficeUser,
  SESSION_MS,
} from './users';

export interface OfficeOptions {
  db: Database;
  /** WeChat (or the sandbox) for reconciliation; without it reconciliation answers 503. */
  wechat?: WechatConfig | undefined;
  /** The built page (dist/head-office); default next to the repository's dist. */
  pageDir?: string;
  /** A terminal with no push for this long is "behind"; default 15 minutes. */
  behindMs?: number;
  /** Set the Secure flag on the session cookie (the collector terminates TLS). */
  secureCookie?: boolean;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  user: OfficeUser;
  token: string;
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  role: OfficeRole;
  handle(ctx: Ctx): Promise<void>;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'bad_request', describe(r.error));
  return r.data;
}

function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (v.trim() !== '') out[k] = v;
  return out;
}

function tokenOf(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === OFFICE_COOKIE) return v.join('=');
  }
  return undefined;
}

const JOURNAL_COLUMNS: { header: string; value: (r: JournalRow) => string | number | null }[] = [
  { header: 'time', value: (r) => new Date(r.ts).toISOString() },
  { header: 'store', value: (r) => r.store },
  { header: 'terminal', value: (r) => r.terminal },
  { header: 'terminal_id', value: (r) => r.terminal_id },
  { header: 'install_id', value: (r) => r.install_id },
  { header: 'seq', value: (r) => r.seq },
  { header: 'operator_id', value: (r) => r.operator_id },
  { header: 'action', value: (r) => r.action },
  { header: 'code', value: (r) => r.code },
  { header: 'card_id', value: (r) => r.card_id },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'errcode', value: (r) => r.errcode },
  { header: 'errmsg', value: (r) => r.errmsg },
  { header: 'chain_ok', value: (r) => String(r.chain_ok) },
];
const EXPORT_MAX_ROWS = 200_000;

const ms = (d: Date | null) => (d === null ? null : d.getTime());

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export function createOffice(opts: OfficeOptions) {
  const { db } = opts;
  const behindMs = opts.behindMs ?? 15 * 60_000;
  const datacube = opts.wechat ? createDatacube(opts.wechat) : undefined;
  const pageDir =
    opts.pageDir ??
    path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist/head-office');

  const cookie = (value: string, maxAgeS: number) =>
    `${OFFICE_COOKIE}=${value}; Path=/office; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}` +
    (opts.secureCookie ? '; Secure' : '');

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/office/api/me',
      role: 'viewer',
      handle: async ({ res, user }) => send(res, 200, { name: user.name, role: user.role }),
    },
    {
      method: 'DELETE',
      path: '/office/api/session',
      role: 'viewer',
      async handle({ res, token }) {
        await signOut(db, token);
        res.setHeader('set-cookie', cookie('', 0));
        send(res, 200, { ok: true });
      },
    },
    {
      method: 'GET',
      path: '/office/api/journal',
      role: 'viewer',
      async handle({ res, url, user }) {
        const q = parse(JournalQuery, queryOf(url));
        send(res, 200, await journal(db, q, { masked: !roleAtLeast(user.role, 'auditor') }));
      },
    },
    {
      method: 'GET',
      path: '/office/api/journal.csv',
      role: 'auditor',
      async handle({ res, url }) {
        const q = parse(JournalQuery, { ...queryOf(url), limit: 500 });
        delete q.cursor;
        const rows: JournalRow[] = [];
        let page = await journal(db, q, { masked: false });
        rows.push(...page.rows);
        while (page.next && rows.length < EXPORT_MAX_ROWS) {
          page = await journal(db, { ...q, cursor: page.next }, { masked: false });
          rows.push(...page.rows);
        }
        const text = toCsv(JOURNAL_COLUMNS, rows.slice(0, EXPORT_MAX_ROWS));
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="carddesk-journal.csv"',
          'cache-control': 'no-store',
        });
        res.end(text);
      },
    },
    {
      method: 'GET',
      path: '/office/api/summary',
      role: 'viewer',
      async handle({ res, url }) {
        const range = parse(DayRange, queryOf(url));
        send(res, 200, await summary(db, range.from, range.to));
      },
    },
    {
      method: 'GET',
      path: '/office/api/terminals',
      role: 'viewer',
      handle: async ({ res }) => send(res, 200, await terminals(db, behindMs)),
    },
    {
      method: 'GET',
      path: '/office/api/reconciliation',
      role: 'viewer',
      async handle({ res, url, user }) {
        const range = parse(DayRange, queryOf(url));
        if (!datacube) {
          throw new HttpError(
            503,
            'no_wechat',
            'the collector has no WeChat AppID configured (CARDDESK_WECHAT_APPID)',
          );
        }
        let counts;
        try {
          counts = await datacube.cardDays(range.from, range.to);
        } catch (err) {
          if (err instanceof DatacubeError) throw new HttpError(502, 'wechat', err.message);
          throw err;
        }
        const rows = await reconcile(db, range.from, range.to, counts, {
          masked: !roleAtLeast(user.role, 'auditor'),
        });
        // Titles: what the terminals recorded first, else WeChat's card/get.
        const ids = [...new Set(rows.map((r) => r.card_id))];
        const fromJournal = await journalCardTitles(db, ids);
        const fromWechat = new Map<string, string>();
        await Promise.all(
          ids
            .filter((id) => !fromJournal.has(id))
            .map(async (id) => {
              const title = await datacube.cardTitle(id);
              if (title) fromWechat.set(id, title);
            }),
        );
        for (const r of rows) {
          const j = fromJournal.get(r.card_id);
          const w = fromWechat.get(r.card_id);
          r.card_title = j ?? w ?? null;
          r.card_title_from = j ? 'journal' : w ? 'wechat' : null;
        }
        send(res, 200, { from: range.from, to: range.to, rows });
      },
    },
    {
      method: 'GET',
      path: '/office/api/credentials',
      role: 'admin',
      async handle({ res }) {
        const rows: CredentialRow[] = (await listCredentials(db)).map((c) => ({
          id: c.id,
          store: c.store,
          terminal: c.terminal,
          install_id: c.install_id,
          issued_at: c.issued_at.getTime(),
          revoked_at: ms(c.revoked_at),
          last_used_at: ms(c.last_used_at),
        }));
        send(res, 200, rows);
      },
    },
    {
      method: 'POST',
      path: '/office/api/credentials',
      role: 'admin',
      async handle({ req, res }) {
        const body = parse(IssueCredentialBody, await readJson(req));
        let issued;
        try {
          issued = await issueCredential(db, {
            store: body.store,
            terminal: body.terminal,
            ...(body.install_id ? { installId: body.install_id } : {}),
          });
        } catch (err) {
          // checkName: a control character in a name.
          if (/^--(store|terminal):/.test((err as Error).message)) {
            throw new HttpError(400, 'bad_request', (err as Error).message.slice(2));
          }
          throw err;
        }
        send(res, 200, issued);
      },
    },
    {
      method: 'POST',
      path: '/office/api/credentials/revoke',
      role: 'admin',
      async handle({ req, res }) {
        const body = parse(RevokeCredentialBody, await readJson(req));
        if (!(await revokeCredential(db, body.id))) {
          throw new HttpError(404, 'not_found', `no credential ${body.id}`);
        }
        send(res, 200, { ok: true });
      },
    },
    {
      method: 'GET',
      path: '/office/api/assignments',
      role: 'admin',
      async handle({ res }) {
        const rows: AssignmentRow[] = (await listAssignments(db)).map((a) => ({
          ...a,
          valid_from: a.valid_from.getTime(),
          valid_to: ms(a.valid_to),
        }));
        send(res, 200, rows);
      },
    },
    {
      method: 'POST',
      path: '/office/api/assignments',
      role: 'admin',
      async handle({ req, res }) {
        const body = parse(AssignBody, await readJson(req));
        try {
          await assignInstall(db, {
            installId: body.install_id,
            store: body.store,
            terminal: body.terminal,
          });
        } catch (err) {
          throw new HttpError(404, 'not_found', (err as Error).message);
        }
        send(res, 200, { ok: true });
      },
    },
    {
      method: 'GET',
      path: '/office/api/users',
      role: 'admin',
      async handle({ res }) {
        const rows: UserRow[] = (await listUsers(db)).map((u) => ({
          name: u.name,
          role: u.role,
          created_at: u.created_at.getTime(),
          disabled_at: ms(u.disabled_at),
        }));
        send(res, 200, rows);
      },
    },
    {
      method: 'POST',
      path: '/office/api/users',
      role: 'admin',
      async handle({ req, res }) {
        const body = parse(AddUserBody, await readJson(req));
        try {
          const u = await addUser(db, body);
          send(res, 200, { name: u.name, role: u.role });
        } catch (err) {
          if (err instanceof UserError) throw new HttpError(400, 'bad_request', err.message);
          throw err;
        }
      },
    },
    {
      method: 'POST',
      path: '/office/api/users/disable',
      role: 'admin',
      async handle({ req, res, user }) {
        const body = parse(DisableUserBody, await readJson(req));
        if (body.name === user.name) {
          throw new HttpError(400, 'bad_request', 'an admin cannot disable themselves');
        }
        if (!(await disableUser(db, body.name))) {
          throw new HttpError(404, 'not_found', `no user ${body.name}`);
        }
        send(res, 200, { ok: true });
      },
    },
    {
      method: 'POST',
      path: '/office/api/users/password',
      role: 'admin',
      async handle({ req, res }) {
        const body = parse(ResetPasswordBody, await readJson(req));
        let done: boolean;
        try {
          done = await resetPassword(db, body.name, body.password);
        } catch (err) {
          if (err instanceof UserError) throw new HttpError(400, 'bad_request', err.message);
          throw err;
        }
        if (!done) throw new HttpError(404, 'not_found', `no user ${body.name}`);
        send(res, 200, { ok: true });
      },
    },
  ];

  function sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && !sameOrigin(req)) {
      throw new HttpError(403, 'cross_origin', 'requests from another site are refused');
    }
    if (url.pathname === '/office/api/session' && req.method === 'POST') {
      const body = parse(SignInBody, await readJson(req));
      let session;
      try {
        session = await signIn(db, body.name, body.password);
      } catch (err) {
        if (err instanceof LockedError) {
          res.setHeader('retry-after', Math.ceil((err.until.getTime() - Date.now()) / 1000));
          throw new HttpError(429, 'locked', err.message);
        }
        throw err;
      }
      if (!session) throw new HttpError(401, 'bad_sign_in', 'wrong name or password');
      res.setHeader('set-cookie', cookie(session.token, Math.floor(SESSION_MS / 1000)));
      return send(res, 200, { name: session.user.name, role: session.user.role });
    }
    const candidates = routes.filter((r) => r.path === url.pathname);
    if (candidates.length === 0) {
      throw new HttpError(404, 'not_found', `no route ${req.method} ${url.pathname}`);
    }
    const route = candidates.find((r) => r.method === req.method);
    const token = tokenOf(req);
    const user = await sessionUser(db, token);
    if (!user || !token) throw new HttpError(401, 'unauthenticated', 'sign in first');
    if (!route) throw new HttpError(405, 'method', `${req.method} is not allowed here`);
    if (!roleAtLeast(user.role, route.role)) {
      throw new HttpError(403, 'forbidden', `this needs the ${route.role} role`);
    }
    await route.handle({ req, res, url, user, token });
  }

  function page(res: ServerResponse, url: URL): void {
    let rel = url.pathname.slice('/office/'.length);
    if (rel === '' || !path.extname(rel)) rel = 'index.html';
    const file = path.resolve(pageDir, rel);
    if (!file.startsWith(pageDir + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      throw new HttpError(
        404,
        'not_found',
        rel === 'index.html' ? 'the head-office page is not built (npm run build)' : 'not found',
      );
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': rel === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy':
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    });
    res.end(body);
  }

  /** Handles /office and /office/...; false for any other path. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/office') {
      res.writeHead(302, { location: '/office/' });
      res.end();
      return true;
    }
    if (url.pathname.startsWith('/office/api/')) {
      await api(req, res, url);
      return true;
    }
    if (url.pathname.startsWith('/office/')) {
      if (req.method !== 'GET') throw new HttpError(405, 'method', 'GET only');
      page(res, url);
      return true;
    }
    return false;
  }

  return { handle };
}
