/**
 * Issue 16, sign-in: PIN guessing through the contract, as a process holding the page's secret
 * would do it (any client id it likes, as many requests at once as it likes), against the real
 * services, a real operators file and a real SQLite audit log. Each test performs the attack and
 * fails if it works again.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CASHIER,
  CODES,
  MANAGER,
  SUPERVISOR,
  signInAs,
  terminal,
  trackSandbox,
  type Rig,
} from './attacks/rig';
import { startSandbox } from '../../electron/sandbox';
import type { AuditRecord } from '../../shared/audit';

const T0 = Date.parse('2026-11-25T10:00:20Z');
const MINUTE = 60_000;
const LOCK_MS = 5 * MINUTE;

type Answer = { ok: true; value: unknown } | { ok: false; error: { key: string; params: object } };

/** A terminal whose clock the test moves. */
async function clocked(opts: { dir?: string } = {}) {
  const clock = { now: T0 };
  const r = await terminal({ now: () => clock.now, ...opts });
  return { r, clock };
}

/** 4-digit PINs that are not `right`. */
const wrongPins = (n: number, right: string) =>
  Array.from({ length: n + 1 }, (_, i) => String(i).padStart(4, '0'))
    .filter((p) => p !== right)
    .slice(0, n);

const keys = (answers: Answer[]) =>
  answers
    .map((a) => (a.ok ? 'ok' : a.error.key))
    .reduce<Record<string, number>>((acc, k) => {
      acc[k] = (acc[k] ?? 0) + 1;
      return acc;
    }, {});

function records(r: Rig, action: string): AuditRecord[] {
  return r.t.audit.search({ actions: [action] }, { limit: 500 }).rows.reverse();
}

/** When an operator's lock ends, as a manager sees it in Settings > Operators. */
async function lockedUntil(r: Rig, id: string) {
  await signInAs(r, MANAGER, 'office');
  const ops = (await r.call('listOperators', {}, 'office')) as unknown as {
    id: string;
    lockedUntil?: number;
  }[];
  return ops.find((o) => o.id === id)?.lockedUntil;
}

describe('attack: parallel PIN guesses', () => {
  it('200 sign-ins at once, 199 wrong and the right one last: 5 PIN checks fail, then the lock holds, the right PIN included, and says when it ends', async () => {
    const { r, clock } = await clocked();
    const pins = [...wrongPins(199, CASHIER.pin), CASHIER.pin];
    // A different client id each: the caller picks them, so they must not matter.
    const answers = (await Promise.all(
      pins.map((pin, i) => r.raw('signIn', { operatorId: CASHIER.id, pin }, `guess-${i}`)),
    )) as Answer[];

    expect(keys(answers)).toEqual({ 'errors.wrong_pin': 4, 'errors.operator_locked': 196 });
    const right = answers[199]!;
    expect(right).toMatchObject({
      ok: false,
      error: { key: 'errors.operator_locked', params: { minutes: 5, until: T0 + LOCK_MS } },
    });
    expect(await r.call('getSession', {}, 'guess-199')).not.toHaveProperty('operator');
    // What the operators file holds: five failed checks, and the lock's end.
    const stored = JSON.parse(readFileSync(path.join(r.dir, 'operators.json'), 'utf8')) as {
      operators: { id: string; failedChecks: number[]; lockedUntil?: number }[];
    };
    const ann = stored.operators.find((o) => o.id === CASHIER.id)!;
    expect(ann.failedChecks).toHaveLength(5);
    expect(ann.lockedUntil).toBe(T0 + LOCK_MS);
    expect(await lockedUntil(r, CASHIER.id)).toBe(T0 + LOCK_MS);

    // The minute's 200 failures are one record once the minute is over: 5 PIN mismatches.
    clock.now += MINUTE;
    await r.raw('signIn', { operatorId: 'nobody', pin: '0000' }, 'guess-x');
    const failed = records(r, 'sign_in_failed').filter((x) => x.operator_id === CASHIER.id);
    expect(failed.map((x) => x.detail)).toEqual([
      expect.objectContaining({ count: 200, reasons: { mismatch: 5, locked: 195 } }),
    ]);
    expect(records(r, 'lockout').map((x) => x.detail)).toEqual([{ until: T0 + LOCK_MS }]);

    // When the lock ends as it said, the right PIN gets in.
    clock.now = T0 + LOCK_MS;
    expect(
      await r.raw('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin }, 'till-1'),
    ).toMatchObject({ ok: true, value: { operator: { id: CASHIER.id } } });
  });

  it("the same race on a supervisor's PIN for a refund (invalidateCode): 5 checks fail, the right PIN does not authorise it once locked", async () => {
    const { r, clock } = await clocked();
    await signInAs(r, CASHIER, 'till');
    const code = CODES[0]!;
    const pins = [...wrongPins(199, SUPERVISOR.pin), SUPERVISOR.pin];
    const answers = (await Promise.all(
      pins.map((pin) =>
        r.raw(
          'invalidateCode',
          {
            code,
            reason: 'customer_refund',
            confirmed: true,
            supervisor: { id: SUPERVISOR.id, pin },
          },
          'till',
        ),
      ),
    )) as Answer[];

    expect(keys(answers)).toEqual({
      'errors.supervisor_pin_wrong': 4,
      'errors.operator_locked': 196,
    });
    expect(answers[199]).toMatchObject({
      ok: false,
      error: { key: 'errors.operator_locked', params: { minutes: 5, until: T0 + LOCK_MS } },
    });
    expect(await lockedUntil(r, SUPERVISOR.id)).toBe(T0 + LOCK_MS);
    // Nothing was invalidated, nothing was queued.
    expect(r.rowsFor(code)).toEqual([]);
    expect(r.sandbox.sim.callCount('/card/code/unavailable')).toBe(0);
    // Like sign-ins, the minute's 200 refused authorisations are one record once it is over.
    clock.now += MINUTE;
    await r.raw('signIn', { operatorId: 'nobody', pin: '0000' }, 'guess-x');
    const failed = records(r, 'sign_in_failed').filter((x) => x.operator_id === SUPERVISOR.id);
    expect(failed.map((x) => x.detail)).toEqual([
      expect.objectContaining({
        count: 200,
        reasons: { refund_mismatch: 5, refund_locked: 195 },
      }),
    ]);
  });

  it('successes do not count: switching operators all day, and right PINs in parallel, never lock anyone', async () => {
    const { r, clock } = await clocked();
    for (let i = 0; i < 30; i++) {
      const who = [CASHIER, SUPERVISOR, MANAGER][i % 3]!;
      expect(await r.raw('signIn', { operatorId: who.id, pin: who.pin }, 'till')).toMatchObject({
        ok: true,
      });
      clock.now += 1_000;
    }
    // Four typos, then twenty right PINs at once: all twenty get in.
    for (const pin of wrongPins(4, CASHIER.pin)) {
      await r.raw('signIn', { operatorId: CASHIER.id, pin }, 'till');
    }
    const right = (await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        r.raw('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin }, `till-${i}`),
      ),
    )) as Answer[];
    expect(keys(right)).toEqual({ ok: 20 });
    // They did not wipe the four failures either: a fifth one within 5 minutes locks.
    expect(await r.raw('signIn', { operatorId: CASHIER.id, pin: '9999' }, 'till')).toMatchObject({
      ok: false,
      error: { key: 'errors.operator_locked' },
    });
  });

  it('there is no global limit: locking one operator and a flood of unknown ids leave the others able to sign in', async () => {
    const { r } = await clocked();
    const flood = Array.from({ length: 120 }, (_, i) =>
      r.raw('signIn', { operatorId: `x${i % 12}`, pin: String(i).padStart(4, '0') }, 'bad'),
    );
    const ann = wrongPins(10, CASHIER.pin).map((pin) =>
      r.raw('signIn', { operatorId: CASHIER.id, pin }, 'bad'),
    );
    await Promise.all([...flood, ...ann]);
    expect(
      await r.raw('signIn', { operatorId: SUPERVISOR.id, pin: SUPERVISOR.pin }, 'desk'),
    ).toMatchObject({
      ok: true,
    });
    expect(
      await r.raw('signIn', { operatorId: MANAGER.id, pin: MANAGER.pin }, 'office'),
    ).toMatchObject({
      ok: true,
    });
    expect(await lockedUntil(r, SUPERVISOR.id)).toBeUndefined();
    expect(await lockedUntil(r, MANAGER.id)).toBeUndefined();
    expect(await lockedUntil(r, CASHIER.id)).toBe(T0 + LOCK_MS);
  });

  it('an id that names no operator answers exactly like one that does: wrong PIN four times, then locked', async () => {
    const { r } = await clocked();
    const tries = async (id: string) => {
      const out: unknown[] = [];
      for (const pin of wrongPins(6, CASHIER.pin)) {
        out.push(await r.raw('signIn', { operatorId: id, pin }, 'probe'));
      }
      return out;
    };
    expect(await tries('ghost')).toEqual(await tries(CASHIER.id));
  });
});

describe('attack: flooding the audit log with failed sign-ins', () => {
  it('an id that cannot exist is refused before any check and costs no record', async () => {
    const { r } = await clocked();
    for (const operatorId of ['a b', '../../etc', '<script>', 'x'.repeat(33), ' ', 'ann;drop']) {
      expect(await r.raw('signIn', { operatorId, pin: '1234' }, 'bad')).toMatchObject({
        ok: false,
        error: { kind: 'invalid_input' },
      });
    }
    expect(r.t.audit.db.prepare('SELECT count(*) FROM sign_in_failures').pluck().get()).toBe(0);
  });

  it('10,000 failed sign-ins cost a few records, with the count, first and last time, and a crash loses none', async () => {
    const { r, clock } = await clocked();
    const before = r.t.audit.db.prepare('SELECT count(*) FROM audit').pluck().get() as number;
    let n = 0;
    const burst = async (ids: string[], total: number) => {
      for (let sent = 0; sent < total; sent += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, total - sent) }, (_, i) =>
            r.raw(
              'signIn',
              {
                operatorId: ids[(sent + i) % ids.length]!,
                pin: String(n++ % 10_000).padStart(4, '0'),
              },
              `flood-${i}`,
            ),
          ),
        );
        clock.now += 500; // the burst spans a few seconds
      }
    };
    await burst([CASHIER.id, 'ghost'], 6_000);
    clock.now = T0 + MINUTE + 5_000; // the next minute
    await burst([CASHIER.id, 'ghost'], 4_000);

    // The last minute is still open: its counts are in the table, on disk. A copy of the data
    // folder now is what a SIGKILL would leave; it starts after that minute is over.
    const crashed = mkdtempSync(path.join(os.tmpdir(), 'carddesk-crash-'));
    cpSync(r.dir, crashed, { recursive: true });
    const later = { now: T0 + 3 * MINUTE };
    const sandbox = trackSandbox(await startSandbox({ port: 0 }));
    const after = await terminal({ dir: crashed, now: () => later.now, sandbox });

    // The cashier's id and the made-up ones (counted together, operator id null), two minutes:
    // four records for 10,000 failures.
    const failed = records(after, 'sign_in_failed').filter(
      (x) => x.operator_id === CASHIER.id || x.operator_id === null,
    );
    expect(failed).toHaveLength(4);
    const details = failed.map(
      (x) => x.detail as { count: number; first_at: number; last_at: number; minute: number },
    );
    expect(details.reduce((sum, d) => sum + d.count, 0)).toBe(10_000);
    for (const d of details) {
      expect(d.first_at).toBeGreaterThanOrEqual(d.minute);
      expect(d.last_at).toBeLessThan(d.minute + MINUTE);
      expect(d.last_at).toBeGreaterThan(d.first_at);
    }
    // Everything the flood wrote: those four, one lockout of the real operator, and nothing else.
    const written =
      (after.t.audit.db.prepare('SELECT count(*) FROM audit').pluck().get() as number) - before;
    expect(written).toBeLessThanOrEqual(4 + 1 + 2); // + the restart's own sign-in records
    expect(after.t.audit.db.prepare('SELECT count(*) FROM sign_in_failures').pluck().get()).toBe(0);
    expect(await after.t.audit.verify()).toMatchObject({ ok: true });
  }, 120_000);
});
