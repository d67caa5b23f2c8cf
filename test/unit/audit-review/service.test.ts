/**
 * The review operations on a real terminal (services + contract dispatch + audit log): the
 * cashier's shift rule in the host, export to a picked file and as a one-time download (token
 * rules), cancel, the export and verify records, and the temporary folder's clean-up.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text as readAll } from 'node:stream/consumers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../../electron/host/dispatch';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';
import type { ExportStatus, VerifyStatus } from '../../../shared/ops/audit-review';

const DAY = 86_400_000;
// 2026-11-25 10:00 in Shanghai.
const START = Date.parse('2026-11-25T02:00:00Z');
const MIDNIGHT = Date.parse('2026-11-24T16:00:00Z');

const open: TerminalServices[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function terminal(
  opts: { chooseExportFile?: (name: string) => Promise<string | undefined> } = {},
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-review-'));
  let clock = START;
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    now: () => clock,
    ...opts,
  });
  open.push(t);
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const call = async <T = unknown>(name: string, input: unknown, client = 'boss-tab') => {
    const res = await dispatch(name, input, { clientId: client });
    return res as { ok: true; value: T } | { ok: false; error: { key: string; kind: string } };
  };
  const must = async <T = unknown>(name: string, input: unknown, client = 'boss-tab') => {
    const res = await call<T>(name, input, client);
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value;
  };
  await must('completeSetup', {
    terminalName: 'Counter 1',
    terminalId: 'T-01',
    storeName: 'Xuhui',
    language: 'en',
    mode: 'sandbox',
    manager: { id: 'boss', name: 'Boss', pin: '246810' },
  });
  await must('addOperator', { id: 'ann', name: 'Ann', role: 'cashier', pin: '1357' });
  await must('addOperator', { id: 'sue', name: 'Sue', role: 'supervisor', pin: '8642' });
  await must('signIn', { operatorId: 'ann', pin: '1357' }, 'ann-tab');
  await must('signIn', { operatorId: 'sue', pin: '8642' }, 'sue-tab');
  return {
    t,
    dir,
    call,
    must,
    set: (ms: number) => (clock = ms),
  };
}

type Env = Awaited<ReturnType<typeof terminal>>;

/** Yesterday and today, for ann and sue. */
function seed(env: Env) {
  const ids: Record<string, number> = {};
  const at = (
    name: string,
    ms: number,
    rec: Parameters<TerminalServices['audit']['append']>[0],
  ) => {
    env.set(ms);
    ids[name] = env.t.audit.append(rec).id;
  };
  at('annYesterday', MIDNIGHT - 2 * 3_600_000, {
    action: 'lookup',
    outcome: 'ok',
    operator_id: 'ann',
    code: '111122223333',
    card_id: 'pCARD1',
    detail: { title: '满100减10', verdict: 'redeemable' },
  });
  at('sueToday', MIDNIGHT + 3_600_000, {
    action: 'redeem',
    outcome: 'ok',
    operator_id: 'sue',
    code: '444455556666',
    card_id: 'pCARD1',
  });
  at('annToday', MIDNIGHT + 2 * 3_600_000, {
    action: 'redeem',
    outcome: 'ok',
    operator_id: 'ann',
    code: '777788889999',
    card_id: 'pCARD1',
    errcode: 0,
  });
  env.set(START);
  return ids;
}

async function settled<T extends { state: string }>(poll: () => Promise<T>): Promise<T> {
  let last!: T;
  await vi.waitFor(
    async () => {
      last = await poll();
      expect(last.state).not.toBe('running');
    },
    { timeout: 10_000, interval: 20 },
  );
  return last;
}

describe('the cashier’s shift rule, in the host', () => {
  it('narrows search, count, record, summary and the linked records to their own shift', async () => {
    const env = await terminal();
    const ids = seed(env);
    const forged = { filter: { operatorId: 'sue', from: 0, actions: ['lookup', 'redeem'] } };
    const page = await env.must<{ rows: { id: number; code: string; title: string | null }[] }>(
      'searchAudit',
      forged,
      'ann-tab',
    );
    expect(page.rows.map((r) => r.id)).toEqual([ids.annToday]);
    expect(page.rows[0]).toMatchObject({ code: '7777****9999', title: '满100减10' });
    expect(await env.must('countAudit', forged, 'ann-tab')).toEqual({ count: 1 });

    for (const id of [ids.sueToday, ids.annYesterday]) {
      expect(await env.call('getAuditRecord', { id }, 'ann-tab')).toMatchObject({
        ok: false,
        error: { key: 'review.errors.record_not_found' },
      });
    }
    const own = await env.must<{ record: { code: string }; masked: boolean }>(
      'getAuditRecord',
      { id: ids.annToday },
      'ann-tab',
    );
    expect(own).toMatchObject({ record: { code: '7777****9999' }, masked: true });

    const summary = await env.must<{ total: number; from: number }>(
      'auditSummary',
      { from: 0, to: START + DAY },
      'ann-tab',
    );
    // Her redemption and her sign-in of this morning.
    expect(summary).toMatchObject({ total: 2, from: MIDNIGHT });

    // A supervisor sees everything, codes whole.
    const all = await env.must<{ rows: { id: number; code: string | null }[] }>(
      'searchAudit',
      { filter: { actions: ['lookup', 'redeem'] } },
      'sue-tab',
    );
    expect(all.rows.map((r) => r.id)).toEqual([ids.annToday, ids.sueToday, ids.annYesterday]);
    expect(all.rows[0]!.code).toBe('777788889999');

    // The shift of the cashier moves on at midnight.
    env.set(MIDNIGHT + DAY + 60_000);
    await env.must('signIn', { operatorId: 'ann', pin: '1357' }, 'ann-tab');
    const next = await env.must<{ rows: { action: string }[] }>(
      'searchAudit',
      { filter: {} },
      'ann-tab',
    );
    expect(next.rows.map((r) => r.action)).toEqual(['sign_in']); // this morning's only
  });

  it('keeps verify for supervisors', async () => {
    const env = await terminal();
    expect(await env.call('startVerify', {}, 'ann-tab')).toMatchObject({
      ok: false,
      error: { key: 'errors.role_required_supervisor' },
    });
  });
});

describe('export', () => {
  it('writes the picked file (Electron), records the export, and does nothing when the dialog is closed', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'carddesk-export-'));
    let answer: string | undefined = path.join(out, 'mine.csv');
    const asked: string[] = [];
    const env = await terminal({
      chooseExportFile: async (name) => {
        asked.push(name);
        return answer;
      },
    });
    const ids = seed(env);
    expect(
      (await env.must<{ exportTarget: string }>('reviewInfo', {}, 'sue-tab')).exportTarget,
    ).toBe('file');

    const filter = { from: MIDNIGHT, to: MIDNIGHT + DAY, actions: ['redeem'] };
    const started = await env.must<ExportStatus>(
      'startExport',
      { filter, format: 'csv' },
      'sue-tab',
    );
    expect(asked).toEqual(['carddesk-audit_T-01_2026-11-25.csv']);
    const done = await settled(() =>
      env.must<ExportStatus>('exportStatus', { exportId: started.exportId }, 'sue-tab'),
    );
    expect(done).toMatchObject({
      state: 'done',
      rows: 2,
      target: 'file',
      fileName: 'mine.csv',
      savedTo: path.join(out, 'mine.csv'),
    });
    expect(done.downloadUrl).toBeUndefined();
    const lines = readFileSync(path.join(out, 'mine.csv'), 'utf8').trim().split('\r\n');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([
      ids.sueToday,
      ids.annToday,
    ]);
    expect(readdirSync(out)).toEqual(['mine.csv']); // no .part left
    const rec = env.t.audit.search({ actions: ['export'] }, { limit: 1 }).rows[0]!;
    expect(rec).toMatchObject({ outcome: 'ok', operator_id: 'sue' });
    expect(rec.detail).toMatchObject({ format: 'csv', rows: 2, target: 'file', file: 'mine.csv' });

    answer = undefined;
    const before = env.t.audit.head()!.id;
    expect(await env.must('startExport', { filter, format: 'jsonl' }, 'sue-tab')).toBeNull();
    expect(env.t.audit.head()!.id).toBe(before);
  });

  it('hands a browser download over once, to a valid token, before it expires', async () => {
    const env = await terminal();
    seed(env);
    const started = await env.must<ExportStatus>(
      'startExport',
      { filter: { from: 0 }, format: 'jsonl' },
      'ann-tab',
    );
    const done = await settled(() =>
      env.must<ExportStatus>('exportStatus', { exportId: started.exportId }, 'ann-tab'),
    );
    expect(done).toMatchObject({ state: 'done', target: 'download', rows: 2 });
    // ann's own records since midnight: her redemption and her sign-in, codes masked.
    const url = new URL(done.downloadUrl!, 'http://host/');
    const token = url.searchParams.get('token')!;
    expect(url.pathname).toBe(`/download/${done.exportId}`);
    // Another operator does not get the token.
    expect(
      (await env.must<ExportStatus>('exportStatus', { exportId: done.exportId }, 'sue-tab'))
        .downloadUrl,
    ).toBeUndefined();

    // The contract has no operation that hands out a download (or its file's path).
    expect(
      await env.call('takeExportDownload', { exportId: done.exportId, token }, 'ann-tab'),
    ).toMatchObject({ ok: false, error: { key: 'errors.unknown_operation' } });

    // The host's download route asks the store itself.
    const downloads = env.t.exportDownloads;
    expect(await downloads.take(done.exportId, 'x'.repeat(43))).toBeUndefined();
    const taken = (await downloads.take(done.exportId, token))!;
    expect(taken.fileName).toMatch(/^carddesk-audit_T-01_ann_2026-11-25\.jsonl$/);
    expect(taken.contentType).toBe('application/jsonl; charset=utf-8');
    expect(Object.keys(taken)).not.toContain('file'); // no path leaves the store
    const rows = (await readAll(taken.stream))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r: { operator_id: string }) => r.operator_id)).toEqual(['ann', 'ann']);
    expect(rows.find((r: { code: string | null }) => r.code)?.code).toBe('7777****9999');
    // Single use, and the file went when its stream closed.
    expect(await downloads.take(done.exportId, token)).toBeUndefined();
    await vi.waitFor(() => expect(readdirSync(path.join(env.dir, 'exports'))).toEqual([]));

    // A token not used within ten minutes expires, and its file goes with it.
    const second = await env.must<ExportStatus>(
      'startExport',
      { filter: {}, format: 'csv' },
      'sue-tab',
    );
    const ready = await settled(() =>
      env.must<ExportStatus>('exportStatus', { exportId: second.exportId }, 'sue-tab'),
    );
    expect(readdirSync(path.join(env.dir, 'exports'))).toEqual([`${ready.exportId}.csv`]);
    env.set(START + 11 * 60_000);
    const late = new URL(ready.downloadUrl!, 'http://host/').searchParams.get('token')!;
    await env.must('signIn', { operatorId: 'sue', pin: '8642' }, 'sue-tab'); // idle-locked
    const expired = await env.must<ExportStatus>(
      'exportStatus',
      { exportId: ready.exportId },
      'sue-tab',
    );
    expect(expired.downloadUrl).toBeUndefined();
    await vi.waitFor(() => expect(readdirSync(path.join(env.dir, 'exports'))).toEqual([]));
    expect(await downloads.take(ready.exportId, late)).toBeUndefined();
  });

  it('runs one export per operator at a time, and a cancel leaves no file and is recorded', async () => {
    const env = await terminal();
    seed(env);
    const audit = env.t.audit;
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
    const started = await env.must<ExportStatus>(
      'startExport',
      { filter: {}, format: 'jsonl' },
      'sue-tab',
    );
    expect(started.state).toBe('running');
    expect(await env.call('startExport', { filter: {}, format: 'csv' }, 'sue-tab')).toMatchObject({
      ok: false,
      error: { key: 'review.errors.export_running' },
    });
    // The cashier cannot see or cancel a supervisor's export.
    expect(await env.call('cancelExport', { exportId: started.exportId }, 'ann-tab')).toMatchObject(
      {
        ok: false,
      },
    );
    await env.must('cancelExport', { exportId: started.exportId }, 'sue-tab');
    release();
    const end = await settled(() =>
      env.must<ExportStatus>('exportStatus', { exportId: started.exportId }, 'sue-tab'),
    );
    expect(end.state).toBe('cancelled');
    expect(readdirSync(path.join(env.dir, 'exports'))).toEqual([]);
    expect(audit.search({ actions: ['export'] }, { limit: 1 }).rows[0]).toMatchObject({
      outcome: 'cancelled',
      operator_id: 'sue',
    });
  });

  it('removes downloads nobody took when the terminal starts again', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-review-'));
    mkdirSync(path.join(dir, 'exports'));
    writeFileSync(path.join(dir, 'exports', 'old.csv'), 'x');
    const t = await createTerminalServices({
      host: 'browser',
      version: 't',
      dataDir: dir,
      osLocale: 'en',
    });
    open.push(t);
    expect(existsSync(path.join(dir, 'exports'))).toBe(false);
  });
});

describe('verify', () => {
  it('checks the chain with progress and records the check', async () => {
    const env = await terminal();
    seed(env);
    const started = await env.must<VerifyStatus>('startVerify', {}, 'sue-tab');
    const done = await settled(() =>
      env.must<VerifyStatus>('verifyStatus', { verifyId: started.verifyId }, 'sue-tab'),
    );
    expect(done.result).toMatchObject({ ok: true });
    expect(done.checked).toBe(done.total);
    const rec = env.t.audit.search({ actions: ['verify'] }, { limit: 1 }).rows[0]!;
    expect(rec).toMatchObject({ outcome: 'ok', operator_id: 'sue' });
    expect(rec.detail).toMatchObject({ result: 'intact', count: done.checked });
  });
});

describe('the journal for a dispute', () => {
  it('links the request half of a finished write to its result, and keeps an open one open', async () => {
    const env = await terminal();
    const { t } = env;
    env.set(START - 60_000);
    const done = t.audit.appendIntent({
      action: 'redeem',
      operator_id: 'ann',
      code: '500011112222',
    });
    t.audit.append({ action: 'send', outcome: 'pending', nonce: done.nonce!, operator_id: 'ann' });
    const result = t.audit.appendResult(done.nonce!, {
      action: 'redeem',
      outcome: 'ok',
      errcode: 0,
    });
    const open = t.audit.appendIntent({
      action: 'redeem',
      operator_id: 'ann',
      code: '500011113333',
    });
    env.set(START);
    const page = await env.must<{
      rows: { id: number; outcome: string; result?: { id: number; outcome: string } }[];
    }>('searchAudit', { filter: {} }, 'sue-tab');
    const row = (id: number) => page.rows.find((r) => r.id === id)!;
    expect(row(done.id)).toMatchObject({
      outcome: 'pending',
      result: { id: result.id, outcome: 'ok' },
    });
    expect(row(done.id + 1).result).toEqual({ id: result.id, outcome: 'ok' });
    expect(row(result.id).result).toBeUndefined();
    expect(row(open.id).outcome).toBe('pending');
    expect(row(open.id).result).toBeUndefined();
    // A cashier sees the link on their own rows too (no nonce leaves the host for them).
    const own = await env.must<{ rows: { id: number; nonce: string | null; result?: unknown }[] }>(
      'searchAudit',
      { filter: {} },
      'ann-tab',
    );
    const mine = own.rows.find((r) => r.id === done.id)!;
    expect(mine.nonce).toBeNull();
    expect(mine.result).toEqual({ id: result.id, outcome: 'ok' });
  });

  it('records a lookup of an expired or redeemed code as answered, with the verdict', async () => {
    const env = await terminal();
    const { listDemoCodes } = await import('../../../electron/sandbox');
    const codes = listDemoCodes(undefined, START);
    const expired = codes.find((c) => c.note.startsWith('expired'))!;
    const used = codes.find((c) => c.note === 'already redeemed')!;
    for (const c of [expired, used]) {
      await env.must('lookupCode', { code: c.code, source: 'manual' }, 'ann-tab');
    }
    const rows = env.t.audit
      .search({ actions: ['lookup'] }, { limit: 10 })
      .rows.filter((r) => r.code === expired.code || r.code === used.code);
    expect(rows.map((r) => [r.outcome, r.detail.verdict]).sort()).toEqual([
      ['ok', 'already_redeemed'],
      ['ok', 'expired'],
    ]);
  });
});
