/**
 * Failed sign-ins counted per operator id and minute (electron/services/account/sign-in-failures.ts),
 * on a real audit log: one record per id and minute, written when the minute is over (at the
 * next failure, on the timer, at start-up), none lost by a restart.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openAuditLog, type AuditLog } from '../../../electron/audit';
import { createSignInFailureLog } from '../../../electron/services/account/sign-in-failures';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const logs: AuditLog[] = [];

afterEach(() => {
  vi.useRealTimers();
  for (const l of logs.splice(0)) l.close();
});

function setUp(file = path.join(mkdtempSync(path.join(os.tmpdir(), 'carddesk-fail-')), 'a.db')) {
  const clock = { now: T0 };
  const audit = openAuditLog(file, { terminalId: 'T-1', now: () => clock.now });
  logs.push(audit);
  const failures = createSignInFailureLog({ db: audit.db, audit, now: () => clock.now });
  const recorded = () =>
    audit
      .search({ actions: ['sign_in_failed'] }, { limit: 500 })
      .rows.reverse()
      .map((r) => ({ id: r.operator_id, ...(r.detail as object) }));
  return { file, clock, audit, failures, recorded };
}

describe('failed sign-ins per id and minute', () => {
  it('are one record per id and minute, with the count, first and last time and the reasons', () => {
    const { clock, failures, recorded } = setUp();
    for (let i = 0; i < 50; i++) {
      failures.record('ann', i < 5 ? 'mismatch' : 'locked');
      failures.record('ghost', 'unknown');
      clock.now += 1_000;
    }
    expect(recorded()).toEqual([]); // the minute is not over yet
    clock.now = T0 + 60_000;
    failures.record('ann', 'locked');
    expect(recorded()).toHaveLength(2);
    expect(recorded()).toEqual(
      expect.arrayContaining([
        {
          id: 'ann',
          count: 50,
          first_at: T0,
          last_at: T0 + 49_000,
          minute: T0,
          reasons: { mismatch: 5, locked: 45 },
        },
        // Ids that name no operator share one record a minute (their ids are not kept: a new
        // made-up id for every guess must not cost a record each).
        {
          id: null,
          unknown_ids: true,
          count: 50,
          first_at: T0,
          last_at: T0 + 49_000,
          minute: T0,
          reasons: { unknown: 50 },
        },
      ]),
    );
  });

  it('a minute left open by a stop or a crash is written at the next start', () => {
    const first = setUp();
    first.failures.record('ann', 'mismatch');
    first.failures.record('ann', 'mismatch');
    first.failures.close();
    first.audit.close();
    logs.splice(0);
    const second = setUp(first.file);
    second.clock.now = T0 + 5 * 60_000;
    expect(second.failures.flushDue()).toBe(1);
    expect(second.recorded()).toEqual([expect.objectContaining({ id: 'ann', count: 2 })]);
    expect(second.audit.db.prepare('SELECT count(*) FROM sign_in_failures').pluck().get()).toBe(0);
  });

  it('a quiet terminal writes the minute on its timer', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { clock, failures, recorded } = setUp();
    failures.record('ann', 'mismatch');
    clock.now = T0 + 61_000;
    vi.advanceTimersByTime(61_000);
    expect(recorded()).toEqual([expect.objectContaining({ id: 'ann', count: 1 })]);
    failures.close();
  });
});
