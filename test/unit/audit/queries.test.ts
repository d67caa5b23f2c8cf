/**
 * Reading the log: filters and keyset pages checked against a brute-force filter of every
 * record, the summary against counts taken directly from the table, intents and settling.
 */
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../../electron/audit';
import type { AuditLog } from '../../../electron/audit';
import type { AuditFilter, AuditRecord } from '../../../shared/audit';
import { summaryModel } from '../../../renderer/src/areas/audit-review/summary-model';
import { clock, expectAppError, open, record, tempFile } from './helpers';

const T0 = Date.UTC(2024, 2, 30, 0, 0, 0);
const HOUR = 3_600_000;

function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

/** 600 varied records over ~3 days; the clock is set back an hour once (ts not monotonic). */
function seeded(file = ':memory:', shared = false): AuditLog {
  const c = clock(T0, 7 * 60_000);
  // A log shared by the tests of a describe block outlives each test (closed in afterAll).
  const log = shared
    ? openAuditLog(file, { terminalId: 'T-0001', now: c })
    : open(file, { now: c });
  const rand = rng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const messages = [
    '卡券已过期 card expired',
    'invalid code, this code has consumed.',
    'Invalid Serial CODE',
    '系统繁忙 system busy',
    null,
  ];
  for (let i = 0; i < 600; i++) {
    if (i === 300) c.set(T0 + 299 * 7 * 60_000 - HOUR);
    const outcome = pick(['ok', 'ok', 'ok', 'rejected', 'failed', 'unknown'] as const);
    log.append({
      action: pick(['scan', 'lookup', 'redeem', 'invalidate', 'sign_in'] as const),
      outcome,
      operator_id: pick(['op1', 'op2', 'op3', null]),
      code:
        rand() < 0.1
          ? null
          : `${pick(['1234', '1235', '9900'])}${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`,
      card_id: pick(['pCardA', 'pCardB', 'pOther', null]),
      errcode: outcome === 'ok' ? 0 : 40099,
      errmsg: outcome === 'ok' ? null : pick(messages),
      detail:
        rand() < 0.1 ? { reason: '顾客退款 refund', message: 'Handled at counter' } : { n: i },
    });
  }
  return log;
}

function allRecords(log: AuditLog): AuditRecord[] {
  const n = log.head()?.id ?? 0;
  return Array.from({ length: n }, (_, i) => log.get(i + 1)!);
}

function matches(r: AuditRecord, f: AuditFilter): boolean {
  const text = [r.errmsg, r.detail.message, r.detail.reason]
    .filter((x) => typeof x === 'string')
    .join('\n')
    .toLowerCase();
  return (
    (f.from === undefined || r.ts >= f.from) &&
    (f.to === undefined || r.ts < f.to) &&
    (f.operatorId === undefined || r.operator_id === f.operatorId) &&
    (f.actions === undefined || f.actions.includes(r.action)) &&
    (f.outcomes === undefined || f.outcomes.includes(r.outcome)) &&
    (f.codePrefix === undefined || (r.code ?? '\u0000').startsWith(f.codePrefix)) &&
    (f.cardPrefix === undefined || (r.card_id ?? '\u0000').startsWith(f.cardPrefix)) &&
    (f.text === undefined || text.includes(f.text.toLowerCase()))
  );
}

function allPages(log: AuditLog, f: AuditFilter, limit: number): number[] {
  const ids: number[] = [];
  let before: number | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = log.search(f, before === undefined ? { limit } : { before, limit });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    ids.push(...page.rows.map((r) => r.id));
    if (page.nextBefore === undefined) return ids;
    before = page.nextBefore;
  }
  throw new Error('pagination does not end');
}

const FILTERS: AuditFilter[] = [
  {},
  { operatorId: 'op2' },
  { from: T0 + 10 * HOUR, to: T0 + 30 * HOUR },
  { from: T0 + 10 * HOUR, to: T0 + 30 * HOUR, operatorId: 'op1' },
  { outcomes: ['rejected'] },
  { outcomes: ['rejected', 'failed'] },
  { actions: ['redeem', 'invalidate'], outcomes: ['ok'] },
  { actions: ['redeem'], outcomes: ['unknown', 'failed', 'rejected'], operatorId: 'op3' },
  { codePrefix: '1234' },
  { codePrefix: '12350' },
  { cardPrefix: 'pCard' },
  { cardPrefix: 'pCardB', outcomes: ['ok'] },
  { text: '已过期' },
  { text: 'SERIAL code' },
  { text: '过期' },
  { text: 'refund', operatorId: 'op2' },
  { text: 'xyz-none' },
  { from: T0 + 30 * HOUR, to: T0 + 36 * HOUR }, // around the clock set back
  { outcomes: [] },
];

describe('search', () => {
  const log = seeded(':memory:', true);
  const records = allRecords(log);
  afterAll(() => log.close());
  const byTimeDesc = (a: AuditRecord, b: AuditRecord) => b.ts - a.ts || b.id - a.id;

  it('has a varied log to search, with the clock set back once', () => {
    expect(records).toHaveLength(600);
    expect(records[300]!.ts).toBeLessThan(records[299]!.ts);
  });

  it.each(FILTERS.map((f) => [JSON.stringify(f), f] as const))(
    'finds exactly the matching records, newest first, page by page: %s',
    (_name, f) => {
      const expected = records
        .filter((r) => matches(r, f))
        .sort(byTimeDesc)
        .map((r) => r.id);
      expect(allPages(log, f, 7)).toEqual(expected);
      expect(log.search(f, { limit: 500 }).rows.map((r) => r.id)).toEqual(expected.slice(0, 500));
    },
  );

  it.each(FILTERS.map((f) => [JSON.stringify(f), f] as const))(
    'counts exactly the matching records: %s',
    (_name, f) => {
      expect(log.count(f)).toBe(records.filter((r) => matches(r, f)).length);
    },
  );

  it('counts records appended a moment ago, and refuses a malformed filter', () => {
    const fresh = open(':memory:', { now: clock(T0) });
    for (let i = 0; i < 3; i++) fresh.append(record(i, { operator_id: 'op9' }));
    // No search ran in between: count brings the search index up to date itself.
    expect(fresh.count({ operatorId: 'op9' })).toBe(3);
    expectAppError(() => fresh.count({ outcomes: ['maybe' as 'ok'] }), 'audit.invalid_query');
  });

  it('gives whole records, and no nextBefore on the last page', () => {
    const first = log.search({ operatorId: 'op1' }, { limit: 3 });
    expect(first.rows).toHaveLength(3);
    expect(first.rows[0]).toEqual(records.find((r) => r.id === first.rows[0]!.id));
    expect(first.nextBefore).toBe(first.rows[2]!.id);
    const tail = log.search({ codePrefix: '99001' }, { limit: 500 });
    expect(tail.nextBefore).toBeUndefined();
    expect(log.search({}, { before: 999_999 })).toEqual({ rows: [] });
  });

  it('refuses malformed filters as invalid input', () => {
    expect(
      expectAppError(() => log.search({ outcomes: ['maybe' as 'ok'] }), 'audit.invalid_query').kind,
    ).toBe('invalid_input');
    expectAppError(() => log.search({ operator: 'op1' } as AuditFilter), 'audit.invalid_query');
    expectAppError(() => log.search({}, { limit: 0 }), 'audit.invalid_query');
  });

  it('answers the same from a read-only copy whose search index lags (direct mode)', () => {
    const file = tempFile();
    const source = seeded(file);
    const all = allRecords(source);
    source.close();
    const lagging = tempFile('lagging.db');
    copyFileSync(file, lagging);
    const raw = new Database(lagging);
    raw.exec(
      'DROP TRIGGER audit_ix_no_delete; DELETE FROM audit_ix WHERE id > 400; DELETE FROM audit_text WHERE rowid > 400;',
    );
    raw.close();
    const ro = open(lagging, { readonly: true });
    for (const f of FILTERS) {
      const expected = all
        .filter((r) => matches(r, f))
        .sort(byTimeDesc)
        .map((r) => r.id);
      expect(allPages(ro, f, 50), JSON.stringify(f)).toEqual(expected);
    }
  });
});

describe('summary', () => {
  it('counts by action x outcome, operator, card and local hour, as the table does', () => {
    const log = seeded();
    const range = { from: T0 + 5 * HOUR, to: T0 + 29 * HOUR };
    const s = log.summary({ ...range, tzOffsetMinutes: 480 });
    const count = (sql: string) =>
      log.db
        .prepare(`SELECT ${sql}, count(*) AS n FROM audit WHERE ts >= ? AND ts < ? GROUP BY ${sql}`)
        .raw()
        .all(range.from, range.to) as unknown[][];
    expect(s.total).toBe(
      log.db
        .prepare('SELECT count(*) FROM audit WHERE ts >= ? AND ts < ?')
        .pluck()
        .get(range.from, range.to),
    );
    expect(s.timeZone).toBe('+08:00');
    const sorted = <T>(xs: T[]) =>
      [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sorted(s.byActionOutcome.map((x) => [x.action, x.outcome, x.count]))).toEqual(
      sorted(count('action, outcome')),
    );
    expect(sorted(s.byOperator.map((x) => [x.operator_id, x.action, x.outcome, x.count]))).toEqual(
      sorted(count('operator_id, action, outcome')),
    );
    expect(sorted(s.byCard.map((x) => [x.card_id, x.action, x.outcome, x.count]))).toEqual(
      sorted(count('card_id, action, outcome')),
    );
    // Hours: local (UTC+8) hour starts, as UTC instants; with a whole-hour zone, UTC hours.
    const hours = count(`(ts / ${HOUR}) * ${HOUR}, action, outcome`);
    expect(sorted(s.byHour.map((x) => [x.hour, x.action, x.outcome, x.count]))).toEqual(
      sorted(hours),
    );
    expect(s.byHour.reduce((n, x) => n + x.count, 0)).toBe(s.total);
    // Reasons: rejections and failures grouped by (action, outcome, errcode): WeChat's message
    // is only a sample of its group (it carries a request id on the platform). A lookup is
    // never a rejection (only its failures are listed).
    const reasons = count(`action, outcome, errcode`)
      .filter((r) => r[1] === 'failed' || (r[1] === 'rejected' && r[0] !== 'lookup'))
      .sort((a, b) => (b[3] as number) - (a[3] as number));
    expect(s.reasons).toHaveLength(reasons.length);
    expect(s.reasons.map((r) => r.count)).toEqual(reasons.map((r) => r[3]));
    for (const r of s.reasons) {
      expect(reasons).toContainEqual([r.action, r.outcome, r.errcode, r.count]);
      expect(r.reason).toBeNull();
    }
  });

  it('never counts a lookup as a rejected redemption, whatever an older version stored', () => {
    const c = clock(T0, 1000);
    const log = open(':memory:', { now: c });
    // Old-style records, through the log's public append: lookups of a used and an expired
    // code written as "rejected" (with and without WeChat's errcode), before lookups recorded
    // their verdict.
    log.append({
      action: 'lookup',
      outcome: 'rejected',
      code: '178847660332',
      errcode: 0,
      detail: { verdict: 'redeemed', tone: 'reject' },
    });
    log.append({
      action: 'lookup',
      outcome: 'rejected',
      code: '174551011028',
      errcode: 40099,
      errmsg: 'invalid code, this code has consumed. rid: 1-2-3',
      detail: {},
    });
    log.append({ action: 'lookup', outcome: 'rejected', errcode: null, detail: {} });
    // One real refusal: a redemption of a used code.
    log.append({
      action: 'redeem',
      outcome: 'rejected',
      code: '178847660332',
      errcode: 40099,
      errmsg: 'invalid code, this code has consumed. rid: 4-5-6',
      detail: {},
    });
    const s = log.summary({ from: T0, to: T0 + HOUR, timeZone: 'Asia/Shanghai' });
    const m = summaryModel(s);
    expect(m.kinds).toMatchObject({ rejections: 1, failures: 0, total: 4 });
    expect(m.hours.reduce((n, h) => n + h.rejections, 0)).toBe(1);
    expect(s.reasons.map((r) => [r.action, r.outcome, r.errcode, r.count])).toEqual([
      ['redeem', 'rejected', 40099, 1],
    ]);
  });

  it('groups reasons by errcode or our reason key, without request ids or verdict rows', async () => {
    const c = clock(T0, 1000);
    const log = open(':memory:', { now: c });
    // Three refusals of one errcode, each with another request id: one reason.
    for (const rid of ['69686640-78dde6c4-00000004', '69686641-78dde6c4-00000005', 'abc']) {
      log.append({
        action: 'redeem',
        outcome: 'rejected',
        errcode: 40099,
        errmsg: `invalid code, this code has consumed. rid: ${rid}`,
        detail: {},
      });
    }
    // What an older version wrote for a lookup of an expired code: "rejected", errcode 0. A
    // verdict, not a refusal: no reason row (new lookups record it as ok).
    log.append({
      action: 'lookup',
      outcome: 'rejected',
      errcode: 0,
      detail: { verdict: 'expired', tone: 'reject' },
    });
    // No errcode: grouped by the terminal's own key (a failed lookup, an invalid scan).
    for (let i = 0; i < 2; i++) {
      log.append({
        action: 'lookup',
        outcome: 'failed',
        errcode: null,
        detail: { verdict: 'could_not_check', error: 'errors.network' },
      });
    }
    log.append({
      action: 'lookup',
      outcome: 'rejected',
      errcode: null,
      detail: { verdict: 'invalid_scan', reason: 'verdict.invalid.bad_characters' },
    });
    const s = log.summary({ from: T0, to: T0 + HOUR, timeZone: 'Asia/Shanghai' });
    expect(s.reasons).toEqual([
      {
        action: 'redeem',
        outcome: 'rejected',
        errcode: 40099,
        reason: null,
        errmsg: 'invalid code, this code has consumed.',
        count: 3,
      },
      {
        action: 'lookup',
        outcome: 'failed',
        errcode: null,
        reason: 'errors.network',
        errmsg: null,
        count: 2,
      },
    ]);
    // The old record itself is untouched: history is never rewritten.
    expect(log.get(4)).toMatchObject({ action: 'lookup', outcome: 'rejected', errcode: 0 });
    expect((await log.verify()).ok).toBe(true);
  });

  it('puts hours in the local zone: half-hour offsets and daylight saving', () => {
    const c = clock(Date.UTC(2024, 2, 10, 6, 50), 10 * 60_000); // 01:50 New York, before DST starts at 02:00
    const log = open(':memory:', { now: c });
    for (let i = 0; i < 4; i++) log.append(record(i)); // 06:50, 07:00, 07:10, 07:20 UTC
    const range = { from: Date.UTC(2024, 2, 10), to: Date.UTC(2024, 2, 11) };
    const ny = log.summary({ ...range, timeZone: 'America/New_York' });
    expect(ny.timeZone).toBe('America/New_York');
    // 01:50 EST is in the hour from 06:00 UTC; 03:00-03:20 EDT in the hour from 07:00 UTC.
    expect(ny.byHour.map((h) => [h.hour, h.count])).toEqual([
      [Date.UTC(2024, 2, 10, 6), 1],
      [Date.UTC(2024, 2, 10, 7), 3],
    ]);
    const india = log.summary({ ...range, tzOffsetMinutes: 330 });
    // 12:20, 12:30, 12:40, 12:50 IST: 12:00 IST is 06:30 UTC.
    expect(india.byHour.map((h) => [h.hour, h.count])).toEqual([[Date.UTC(2024, 2, 10, 6, 30), 4]]);
    expect(india.timeZone).toBe('+05:30');
    expect(log.summary({ ...range, operatorId: 'op1' }).total).toBe(1);
    expectAppError(
      () => log.summary({ ...range, timeZone: 'Mars/Olympus' }),
      'audit.invalid_query',
    );
    expectAppError(() => log.summary({ from: 10, to: 5 }), 'audit.invalid_query');
  });
});

describe('intents', () => {
  it('ties intent, unknown and settled results together and finds the open ones', () => {
    const log = open();
    const a = log.appendIntent({
      action: 'redeem',
      operator_id: 'op1',
      code: '111',
      card_id: 'pA',
    });
    const b = log.appendIntent({
      action: 'invalidate',
      operator_id: 'sup',
      code: '222',
      nonce: 'fixed-nonce-1',
      detail: { reason: '退款' },
    });
    const c = log.appendIntent({ action: 'redeem', operator_id: 'op2', code: '333' });
    expect(a.outcome).toBe('pending');
    expect(a.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.nonce).toBe('fixed-nonce-1');
    log.append(record(1));
    const lost = log.appendResult(a.nonce!, {
      action: 'redeem',
      outcome: 'unknown',
      errmsg: 'timeout',
    });
    log.appendResult(c.nonce!, { action: 'redeem', outcome: 'ok', errcode: 0 });
    // The result carries the intent's code, card and operator unless told otherwise.
    expect(lost).toMatchObject({ nonce: a.nonce, code: '111', card_id: 'pA', operator_id: 'op1' });
    expect(log.unsettledIntents().map((r) => r.id)).toEqual([a.id, b.id]);
    const settled = log.appendResult(a.nonce!, {
      action: 'redeem',
      outcome: 'settled',
      operator_id: null,
      detail: { message: 'code/get: consumed' },
    });
    expect(settled.operator_id).toBeNull();
    expect(log.byNonce(a.nonce!).map((r) => [r.outcome, r.code])).toEqual([
      ['pending', '111'],
      ['unknown', '111'],
      ['settled', '111'],
    ]);
    expect(log.unsettledIntents().map((r) => r.nonce)).toEqual(['fixed-nonce-1']);
    log.appendResult('fixed-nonce-1', { action: 'invalidate', outcome: 'queued' });
    expect(log.unsettledIntents()).toEqual([]);
    expect(log.byNonce('no-such-nonce')).toEqual([]);
  });

  it('finds intents left open by an earlier run', () => {
    const file = tempFile();
    const first = open(file);
    const open1 = first.appendIntent({ action: 'redeem', code: '1' });
    const done = first.appendIntent({ action: 'redeem', code: '2' });
    first.appendResult(done.nonce!, { action: 'redeem', outcome: 'rejected', errcode: 40099 });
    first.close();
    const again = open(file);
    expect(again.unsettledIntents()).toEqual([open1]);
    again.appendResult(open1.nonce!, { action: 'redeem', outcome: 'ok' });
    expect(again.unsettledIntents()).toEqual([]);
  });

  it('refuses results without an intent, pending results and reused nonces', () => {
    const log = open();
    expect(
      expectAppError(
        () => log.appendResult('nope', { action: 'redeem', outcome: 'ok' }),
        'audit.unknown_intent',
      ).params,
    ).toEqual({ nonce: 'nope' });
    const i = log.appendIntent({ action: 'redeem', nonce: 'n-1' });
    expectAppError(
      () => log.appendResult(i.nonce!, { action: 'redeem', outcome: 'pending' }),
      'audit.invalid_record',
    );
    expectAppError(
      () => log.appendIntent({ action: 'redeem', nonce: 'n-1' }),
      'audit.invalid_record',
    );
    expectAppError(
      () => log.appendResult('n-1', { action: 'redeem', outcome: 'ok', nonce: 'n-2' }),
      'audit.invalid_record',
    );
  });

  it('knows when and by whom this terminal last redeemed a code', () => {
    const log = open(':memory:', { now: clock(T0) });
    expect(log.lastRedemption('555')).toBeUndefined();
    const first = log.appendIntent({ action: 'redeem', code: '555', operator_id: 'alice' });
    log.appendResult(first.nonce!, { action: 'redeem', outcome: 'rejected', errcode: 40099 });
    log.append({ action: 'lookup', outcome: 'ok', code: '555' });
    expect(log.lastRedemption('555')).toBeUndefined();
    const second = log.appendIntent({ action: 'redeem', code: '555', operator_id: 'bob' });
    log.appendResult(second.nonce!, { action: 'redeem', outcome: 'unknown' });
    const settled = log.appendResult(second.nonce!, { action: 'redeem', outcome: 'settled' });
    expect(log.lastRedemption('555')).toEqual(settled);
    expect(log.lastRedemption('555')!.operator_id).toBe('bob');
    const third = log.appendIntent({ action: 'redeem', code: '5555', operator_id: 'carol' });
    log.appendResult(third.nonce!, { action: 'redeem', outcome: 'ok' });
    expect(log.lastRedemption('555')!.id).toBe(settled.id); // an exact code, not a prefix
    expect(log.lastRedemption('5555')!.operator_id).toBe('carol');
  });
});
