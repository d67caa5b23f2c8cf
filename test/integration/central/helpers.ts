/** Shared by the central journal tests: real terminal logs, and HTTP calls to a collector. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAuditLog, type AuditLog } from '../../../electron/audit';
import { createRecordReader } from '../../../electron/services/shipping/reader';
import type { ShippedRecord } from '../../../shared/central';

/** A real audit log whose clock the test sets record by record. */
export function terminalLog(start = Date.UTC(2026, 0, 31, 23, 58)): {
  log: AuditLog;
  at(ms: number): void;
  add(n: number, stepMs?: number): void;
  records(afterId?: number, max?: number): ShippedRecord[];
} {
  let t = start;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-central-log-'));
  const log = openAuditLog(path.join(dir, 'audit.db'), { terminalId: 'T-1', now: () => t });
  const reader = createRecordReader(log.db);
  return {
    log,
    at(ms) {
      t = ms;
    },
    add(n, stepMs = 60_000) {
      for (let i = 0; i < n; i++) {
        log.append({
          action: i % 3 === 0 ? 'redeem' : 'lookup',
          outcome: 'ok',
          operator_id: `op${i % 2}`,
          code: `17884766${String(1000 + i)}`,
          card_id: 'pCARD1',
          duration_ms: 40,
          detail: { i, title: '满100减20' },
        });
        t += stepMs;
      }
    },
    records: (afterId = 0, max = 1000) => reader.after(afterId, max, 64 * 1024 * 1024),
  };
}

export async function call(
  base: string,
  token: string | undefined,
  method: 'GET' | 'POST',
  p: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: {
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export const push = (base: string, token: string | undefined, body: unknown) =>
  call(base, token, 'POST', '/v1/records', body);

/** WeChat's side: the platform consumes `code` at `at` on the sandbox's clock (another till). */
export async function wechatConsume(
  wx: {
    url: string;
    app: { appid: string; secret: string };
    sim: { clock: { set(ms: number): void } };
  },
  code: string,
  at: number,
): Promise<void> {
  wx.sim.clock.set(at);
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
  if (r.errcode !== 0) throw new Error(`consume ${code}: errcode ${r.errcode}`);
}
