/**
 * A curious cashier against masked output (issue 16). Each hash of the chain is over the record
 * with the FULL code, so a masked export or record that carried `hash` and `prev_hash` would
 * give the 12-digit code back in 10,000 tries of the four hidden digits. The attack is run here
 * for real against what a cashier gets (JSON Lines and CSV downloads, one record, the journal),
 * and against a supervisor's complete export to show it works where hashes are present.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text as readAll } from 'node:stream/consumers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { canonicalRecord, chainHash } from '../../../electron/audit/canonical';
import { MASKED_CSV_COLUMNS } from '../../../electron/audit/export';
import { createDispatcher } from '../../../electron/host/dispatch';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';
import type { ExportStatus } from '../../../shared/ops/audit-review';

// 2026-11-25 10:00 in Shanghai.
const START = Date.parse('2026-11-25T02:00:00Z');
const CODE = '777788889999';

const open: TerminalServices[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function terminal() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-unmask-'));
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    now: () => START,
  });
  open.push(t);
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const must = async <T>(name: string, input: unknown, client: string): Promise<T> => {
    const res = await dispatch(name, input, { clientId: client });
    if (!res.ok) throw new Error(`${name}: ${JSON.stringify(res.error)}`);
    return res.value as T;
  };
  await must(
    'completeSetup',
    {
      terminalName: 'Counter 1',
      terminalId: 'T-01',
      storeName: 'Xuhui',
      language: 'en',
      mode: 'sandbox',
      manager: { id: 'boss', name: 'Boss', pin: '246810' },
    },
    'boss-tab',
  );
  await must('addOperator', { id: 'ann', name: 'Ann', role: 'cashier', pin: '1357' }, 'boss-tab');
  await must(
    'addOperator',
    { id: 'sue', name: 'Sue', role: 'supervisor', pin: '8642' },
    'boss-tab',
  );
  await must('signIn', { operatorId: 'ann', pin: '1357' }, 'ann-tab');
  await must('signIn', { operatorId: 'sue', pin: '8642' }, 'sue-tab');
  // Ann redeems a code: an intent and its result, tied by a nonce, both chained.
  const intent = t.audit.appendIntent({
    action: 'redeem',
    operator_id: 'ann',
    code: CODE,
    card_id: 'pCARD1',
  });
  const result = t.audit.appendResult(intent.nonce!, {
    action: 'redeem',
    outcome: 'ok',
    errcode: 0,
  });
  return { t, must, resultId: result.id };
}

type Env = Awaited<ReturnType<typeof terminal>>;

/** Exports as `client`, downloads the file the way the browser host does, returns its text. */
async function download(env: Env, client: string, format: 'csv' | 'jsonl'): Promise<string> {
  const started = await env.must<ExportStatus>('startExport', { filter: {}, format }, client);
  let status = started;
  await vi.waitFor(
    async () => {
      status = await env.must<ExportStatus>('exportStatus', { exportId: started.exportId }, client);
      expect(status.state).toBe('done');
    },
    { timeout: 10_000, interval: 20 },
  );
  const token = new URL(status.downloadUrl!, 'http://host/').searchParams.get('token')!;
  const taken = await env.t.exportDownloads.take(status.exportId, token);
  return readAll(taken!.stream);
}

type Loose = Record<string, unknown>;

/**
 * The cashier's attack: for a record whose code is masked as `1234****5678`, try the 10,000
 * values of the hidden digits against the record's own hash. Returns the code it recovers, or
 * undefined when the record offers nothing to check a guess against.
 */
function bruteForce(masked: Loose): string | undefined {
  const code = masked.code;
  const { hash, prev_hash: prev } = masked;
  if (typeof code !== 'string' || typeof hash !== 'string' || typeof prev !== 'string') {
    return undefined;
  }
  const m = /^(\d{4})\*{4}(\d{4})$/.exec(code);
  if (!m) return undefined;
  const detail = typeof masked.detail === 'string' ? masked.detail : JSON.stringify(masked.detail);
  for (let i = 0; i < 10_000; i++) {
    const guess = `${m[1]}${String(i).padStart(4, '0')}${m[2]}`;
    const canonical = canonicalRecord({
      id: masked.id as number,
      ts: masked.ts as number,
      terminal_id: masked.terminal_id as string,
      operator_id: masked.operator_id as string | null,
      action: masked.action as string,
      code: guess,
      card_id: masked.card_id as string | null,
      outcome: masked.outcome as string,
      errcode: masked.errcode as number | null,
      errmsg: masked.errmsg as string | null,
      duration_ms: masked.duration_ms as number | null,
      nonce: (masked.nonce ?? null) as string | null,
      detail,
    });
    if (chainHash(prev, canonical) === hash) return guess;
  }
  return undefined;
}

/** Anything in a text that could be a hash or a nonce to check guesses against. */
const HEX64 = /[0-9a-f]{64}/;

describe('masked output cannot be unmasked', () => {
  it('the attack works on a complete (supervisor) export: that is why masked output has no chain', async () => {
    const env = await terminal();
    const lines = (await download(env, 'sue-tab', 'jsonl')).trim().split('\n');
    const rec = lines.map((l) => JSON.parse(l) as Loose).find((r) => r.code === CODE)!;
    const masked = { ...rec, code: '7777****9999' };
    expect(bruteForce(masked)).toBe(CODE);
  });

  it('a cashier’s JSON Lines export carries no hash, prev_hash or nonce to try guesses on', async () => {
    const env = await terminal();
    const text = await download(env, 'ann-tab', 'jsonl');
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Loose);
    const redeemed = records.filter((r) => r.action === 'redeem');
    expect(redeemed).toHaveLength(2);
    for (const r of records) {
      expect(r).not.toHaveProperty('hash');
      expect(r).not.toHaveProperty('prev_hash');
      expect(r).not.toHaveProperty('nonce');
      expect(bruteForce(r)).toBeUndefined();
    }
    expect(redeemed[0]!.code).toBe('7777****9999');
    expect(text).not.toContain(CODE);
    expect(text).not.toMatch(HEX64);
  });

  it('a cashier’s CSV export has no chain columns, and no hash anywhere', async () => {
    const env = await terminal();
    const text = await download(env, 'ann-tab', 'csv');
    const [header, ...rows] = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header).toBe(MASKED_CSV_COLUMNS.join(','));
    expect(header).not.toMatch(/hash|nonce/);
    expect(rows.filter((r) => r.includes(',redeem,'))).toHaveLength(2);
    for (const r of rows.filter((row) => row.includes(',redeem,'))) {
      expect(r).toContain(',7777****9999,');
    }
    expect(text).not.toContain(CODE);
    expect(text).not.toMatch(HEX64);
  });

  it('a cashier’s record and journal carry no hash, prev_hash or nonce either', async () => {
    const env = await terminal();
    const view = await env.must<{ record: Loose; linked: Loose[]; masked: boolean }>(
      'getAuditRecord',
      { id: env.resultId },
      'ann-tab',
    );
    expect(view.masked).toBe(true);
    expect(view.record.code).toBe('7777****9999');
    expect(view.record).not.toHaveProperty('hash');
    expect(view.record).not.toHaveProperty('prev_hash');
    expect(view.record).not.toHaveProperty('nonce');
    expect(bruteForce(view.record)).toBeUndefined();
    // The intent and its result are still shown together, without the nonce that ties them.
    expect(view.linked).toHaveLength(2);
    const page = await env.must<{ rows: Loose[] }>('searchAudit', { filter: {} }, 'ann-tab');
    const everything = JSON.stringify([view, page]);
    expect(everything).not.toContain(CODE);
    expect(everything).not.toMatch(HEX64);
    for (const r of [...view.linked, ...page.rows]) expect(r.nonce ?? null).toBeNull();

    // A supervisor still gets the complete record, chain and all.
    const full = await env.must<{ record: Loose; masked: boolean }>(
      'getAuditRecord',
      { id: env.resultId },
      'sue-tab',
    );
    expect(full).toMatchObject({ masked: false, record: { code: CODE } });
    expect(full.record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(full.record.nonce).toEqual(expect.any(String));
  });
});
