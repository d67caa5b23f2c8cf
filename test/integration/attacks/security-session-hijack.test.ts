/**
 * Adversarial review of issue 16 (sessions, "the client id is chosen by the caller"): in the
 * browser host a session is keyed by nothing but the X-CardDesk-Client header its page sends,
 * and any operator at the till can send any header (the page's secret is in index.html, and
 * DevTools are one key away in a browser). So a client id is as good as the session it names.
 * The sessions a PIN reset or a role change ends are written to the audit log with their client
 * ids, which every supervisor can read; the page whose session ended signs in again under the
 * same id (it keeps it in sessionStorage).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserHost, type RunningBrowserHost } from '../../../electron/host/browser-host';
import { createDispatcher } from '../../../electron/host/dispatch';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';
import { CLIENT_HEADER, SECRET_HEADER, SESSION_HEADER } from '../../../shared/contract-kit';

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
const SUPERVISOR = { id: 'sue', name: 'Sue', pin: '8642' };

const running: { host: RunningBrowserHost; t: TerminalServices; sb: RunningSandbox }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.host.close();
    await r.t.close();
    await r.sb.close();
  }
});

type Envelope = { ok: boolean; value?: unknown; error?: { key: string } };

async function till() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-hijack-'));
  const staticDir = path.join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<html><head></head><body></body></html>');
  const sb = await startSandbox({ port: 0 });
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: path.join(dir, 'data'),
    osLocale: 'en',
    sandbox: sb,
  });
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const host = await startBrowserHost({ port: 0, staticDir, dispatch });
  running.push({ host, t, sb });
  /**
   * What a page sends: its tab's client id and the session token the host gave that tab at its
   * last sign-in (as the renderer keeps it). A script that merely knows a tab's id has no token.
   */
  const tokens = new Map<string, string>();
  const api = (name: string, input: unknown, clientId: string, opts: { script?: boolean } = {}) =>
    new Promise<Envelope>((resolve, reject) => {
      const body = JSON.stringify(input);
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.port,
          method: 'POST',
          path: `/api/${name}`,
          headers: {
            host: `127.0.0.1:${host.port}`,
            'content-type': 'application/json',
            [SECRET_HEADER]: host.secret,
            [CLIENT_HEADER]: clientId,
            ...(opts.script ? {} : { [SESSION_HEADER]: tokens.get(clientId) ?? '' }),
          },
        },
        (res) => {
          const token = res.headers[SESSION_HEADER];
          if (typeof token === 'string' && !opts.script) tokens.set(clientId, token);
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(JSON.parse(text) as Envelope));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { api, t };
}

describe('attack: a supervisor takes over a manager’s session by its client id', () => {
  it('the client id of a session ended by a PIN reset is in the journal; the same tab signs in again; the supervisor uses it', async () => {
    const { api } = await till();
    const managerTab = randomUUID(); // what the renderer keeps in sessionStorage
    const officeTab = randomUUID();
    const supervisorTab = randomUUID();
    await api(
      'completeSetup',
      {
        terminalName: 'Counter 1',
        terminalId: 'T-01',
        storeName: 'Xuhui',
        language: 'en',
        mode: 'sandbox',
        manager: MANAGER,
      },
      officeTab,
    );
    await api('addOperator', { ...SUPERVISOR, role: 'supervisor' }, officeTab);
    expect(
      await api('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin }, managerTab),
    ).toMatchObject({ ok: true });
    // The manager changes their own PIN in the back office: the till tab is signed out there…
    await api('resetPin', { id: MANAGER.id, pin: '97531' }, officeTab);
    // … and the manager signs in again at the till, in the same tab (same client id).
    expect(await api('signIn', { operatorId: MANAGER.id, pin: '97531' }, managerTab)).toMatchObject(
      { ok: true },
    );
    await api('signOut', {}, officeTab);

    // The supervisor, at their own tab, reads the journal.
    expect(
      await api('signIn', { operatorId: SUPERVISOR.id, pin: SUPERVISOR.pin }, supervisorTab),
    ).toMatchObject({ ok: true });
    const page = (await api(
      'searchAudit',
      { filter: { actions: ['sign_out'] }, limit: 50 },
      supervisorTab,
    )) as { value: { rows: { id: number }[] } };
    const clients: string[] = [];
    for (const row of page.value.rows) {
      const rec = (await api('getAuditRecord', { id: row.id }, supervisorTab)) as {
        value: { record: { detail: { client?: string } } };
      };
      const c = rec.value.record.detail.client;
      if (c) clients.push(c.replace(/^browser:/, ''));
    }
    // The journal no longer names a tab.
    expect(clients).toEqual([]);

    // And even with the manager's tab id (guessed, or seen over a shoulder), a script without
    // the tab's session token is nobody: it cannot make the supervisor a manager.
    const answer = await api('updateOperator', { id: SUPERVISOR.id, role: 'manager' }, managerTab, {
      script: true,
    });
    expect(
      answer.ok,
      'a supervisor promoted themselves to manager with a client id read in the journal',
    ).toBe(false);
  });

  it('a cashier reads the till tab’s id in their own journal and acts as the manager who signs in there next', async () => {
    const { api } = await till();
    const tillTab = randomUUID(); // the one browser tab at the counter, every operator uses it
    const officeTab = randomUUID();
    const cashierScript = randomUUID(); // DevTools in another tab, or a script with the secret
    await api(
      'completeSetup',
      {
        terminalName: 'Counter 1',
        terminalId: 'T-01',
        storeName: 'Xuhui',
        language: 'en',
        mode: 'sandbox',
        manager: MANAGER,
      },
      officeTab,
    );
    await api('addOperator', { id: 'ann', name: 'Ann', role: 'cashier', pin: '1357' }, officeTab);
    await api('signIn', { operatorId: 'ann', pin: '1357' }, tillTab);
    // The manager gives Ann a new PIN from the back office: the till tab is signed out.
    await api('resetPin', { id: 'ann', pin: '2468' }, officeTab);
    await api('signIn', { operatorId: 'ann', pin: '2468' }, tillTab);

    // Ann's own journal (today, her records): the sign-out names the till tab.
    await api('signIn', { operatorId: 'ann', pin: '2468' }, cashierScript);
    const page = (await api(
      'searchAudit',
      { filter: { actions: ['sign_out'] }, limit: 50 },
      cashierScript,
    )) as { value: { rows: { id: number }[] } };
    let tab: string | undefined;
    for (const row of page.value.rows) {
      const rec = (await api('getAuditRecord', { id: row.id }, cashierScript)) as {
        value: { record: { detail: { client?: string } } };
      };
      tab ??= rec.value.record.detail.client?.replace(/^browser:/, '');
    }
    // The journal no longer names the till's tab.
    expect(tab).toBeUndefined();

    // Later the manager signs in at the till to fix something. Ann's script, knowing the till
    // tab's id anyway, can neither see who is signed in there nor act as them.
    await api('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin }, tillTab);
    const seen = await api('getSession', {}, tillTab, { script: true });
    expect(seen).toMatchObject({ ok: true });
    expect(seen.value).not.toHaveProperty('operator');
    const answer = await api('updateOperator', { id: 'ann', role: 'manager' }, tillTab, {
      script: true,
    });
    expect(answer.ok, 'a cashier made herself manager through the till tab’s id').toBe(false);
  });
});
