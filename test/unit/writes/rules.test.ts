/**
 * The durable write engine's pure rules: when a write whose answer was lost is settled, the
 * backoff, the crash points' parsing, and the state machine's transitions and their atomicity
 * with the audit record (on a real SQLite file).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAuditLog } from '../../../electron/audit';
import { crashHookFromEnv } from '../../../electron/services/writes/crash-points';
import { settleDecision } from '../../../electron/services/writes/settle-rule';
import { canTransition, createWriteStore } from '../../../electron/services/writes/store';
import { backoffMs, WriteTimings } from '../../../electron/services/writes/timings';
import { WRITE_STATES } from '../../../shared/writes';

describe('settling', () => {
  it('the status the write produces settles it at once, inside the window too', () => {
    expect(settleDecision('consume', { status: 'CONSUMED' }, false)).toBe('done');
    expect(settleDecision('invalidate', { status: 'UNAVAILABLE' }, false)).toBe('done');
  });

  it.each(['NORMAL', 'EXPIRE', 'GIFTING', 'DELETE', 'UNAVAILABLE'])(
    'a consume seeing %s waits for the window, then is not done',
    (status) => {
      expect(settleDecision('consume', { status }, false)).toBe('wait');
      expect(settleDecision('consume', { status }, true)).toBe('not_done');
    },
  );

  it('an invalidation of a code that is consumed is not done after the window', () => {
    expect(settleDecision('invalidate', { status: 'CONSUMED' }, false)).toBe('wait');
    expect(settleDecision('invalidate', { status: 'CONSUMED' }, true)).toBe('not_done');
  });
});

describe('backoff', () => {
  it('doubles from the minimum and stops at the maximum', () => {
    const t = WriteTimings.parse({ retryMinMs: 100, retryMaxMs: 1_000 });
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffMs(t, n))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('the default settling window is longer than the sandbox applies any write late', async () => {
    const { MAX_APPLY_DELAY_MS } = await import('../../../electron/sandbox');
    expect(WriteTimings.parse({}).settleWindowMs).toBeGreaterThan(MAX_APPLY_DELAY_MS);
  });
});

describe('crash points', () => {
  it('fire at the nth time the step is reached, once', () => {
    const kills: string[] = [];
    const hook = crashHookFromEnv('after_intent:2', () => kills.push('kill'));
    hook('after_intent');
    hook('after_answer');
    expect(kills).toEqual([]);
    hook('after_intent');
    expect(kills).toEqual(['kill']);
    hook('after_intent');
    expect(kills).toEqual(['kill']);
  });

  it('refuse a step that does not exist, naming the ones that do', () => {
    expect(() => crashHookFromEnv('whenever')).toThrow(/before_intent, after_intent/);
  });
});

describe('the state machine', () => {
  it('lets nothing follow a closed state, and cancels only what is queued', () => {
    for (const s of ['applied', 'settled', 'rejected', 'not_applied', 'cancelled'] as const) {
      expect(WRITE_STATES.filter((to) => canTransition(s, to))).toEqual([]);
    }
    expect(WRITE_STATES.filter((from) => canTransition(from, 'cancelled'))).toEqual(['queued']);
    // Nothing goes back to "checking" except a queued write taken up again.
    expect(WRITE_STATES.filter((from) => canTransition(from, 'checking'))).toEqual(['queued']);
  });

  function store() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-writes-'));
    const log = openAuditLog(path.join(dir, 'audit.db'), { terminalId: 'T-1' });
    let failAppends = false;
    const audit = {
      append: (r: Parameters<typeof log.append>[0]) => {
        if (failAppends) throw new Error('disk full');
        return log.append(r);
      },
      appendIntent: (r: Parameters<typeof log.appendIntent>[0]) => log.appendIntent(r),
      appendResult: (n: string, r: Parameters<typeof log.appendResult>[1]) => {
        if (failAppends) throw new Error('disk full');
        return log.appendResult(n, r);
      },
    };
    const s = createWriteStore(log.db, audit, Date.now);
    return { log, s, fail: (v: boolean) => (failAppends = v) };
  }

  it('a step from a state the row has left changes nothing and records nothing', () => {
    const { log, s } = store();
    const begun = s.begin({ kind: 'invalidate', code: 'C1', env: 'sandbox' }, 'n-1', {
      action: 'invalidate',
    });
    if (!('row' in begun)) throw new Error('blocked');
    const records = log.search({}).rows.length;
    // A cancel of a write that is being checked (it may be out) is refused.
    expect(
      s.transition(
        begun.row.id,
        ['queued'],
        'cancelled',
        {},
        { result: { action: 'invalidate', outcome: 'cancelled' } },
      ),
    ).toBeUndefined();
    expect(s.get(begun.row.id)?.state).toBe('checking');
    expect(log.search({}).rows.length).toBe(records);
  });

  it('a second open write of the same code is refused, with the one that blocks it', () => {
    const { s } = store();
    const a = s.begin({ kind: 'consume', code: 'C2', env: 'sandbox' }, 'n-a', { action: 'redeem' });
    const b = s.begin({ kind: 'invalidate', code: 'C2', env: 'sandbox' }, 'n-b', {
      action: 'invalidate',
    });
    expect('row' in a).toBe(true);
    expect(b).toMatchObject({ blockedBy: { nonce: 'n-a' } });
  });

  it('the row and its audit record change together or not at all', () => {
    const { log, s, fail } = store();
    const begun = s.begin({ kind: 'consume', code: 'C3', env: 'sandbox' }, 'n-3', {
      action: 'redeem',
    });
    if (!('row' in begun)) throw new Error('blocked');
    fail(true);
    expect(() =>
      s.transition(
        begun.row.id,
        ['checking'],
        'not_applied',
        {},
        { result: { action: 'redeem', outcome: 'failed' } },
      ),
    ).toThrow(/disk full/);
    expect(s.get(begun.row.id)?.state).toBe('checking');
    fail(false);
    expect(
      s.transition(
        begun.row.id,
        ['checking'],
        'not_applied',
        {},
        { result: { action: 'redeem', outcome: 'failed' } },
      )?.state,
    ).toBe('not_applied');
    expect(log.byNonce('n-3').map((r) => r.outcome)).toEqual(['pending', 'failed']);
  });
});
