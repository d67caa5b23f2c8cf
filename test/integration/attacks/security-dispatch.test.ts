/**
 * Adversarial review of issue 16 (the dispatcher): roles before schemas, generated from the
 * contract, for callers without a session, with a session the idle lock closed, and with each
 * lower role; odd operation names; and the idle lock against the page's own polling (a poll
 * must be `passive`, or the host's lock never closes a session left open on that screen).
 */
import { describe, expect, it } from 'vitest';
import { contract, opNames } from '../../../shared/contract';
import { roleAllows } from '../../../shared/settings';
import type { Role } from '../../../shared/role';
import { CASHIER, MANAGER, SUPERVISOR, signInAs, terminal } from './rig';

const GARBAGE = { zzz: 1, filter: 'x', id: -1, code: 7, name: {}, pin: [] };

type Answer = {
  ok: boolean;
  error?: { kind: string; key: string; params: Record<string, unknown> };
};

describe('held: nothing but "refused" for a caller who may not use an operation', () => {
  it('no session, a locked session, each lower role: forbidden, no schema detail, for every operation', async () => {
    const clock = { now: Date.parse('2026-11-25T10:00:00Z') };
    const r = await terminal({ now: () => clock.now });
    await signInAs(r, CASHIER, 'c');
    await signInAs(r, SUPERVISOR, 's');
    await signInAs(r, MANAGER, 'idle');
    clock.now += 11 * 60_000; // 'idle' (a manager) is now behind the lock
    await signInAs(r, CASHIER, 'c');
    await signInAs(r, SUPERVISOR, 's');
    const callers: { client: string; role: Role | undefined }[] = [
      { client: 'nobody', role: undefined },
      { client: 'idle', role: undefined },
      { client: 'c', role: 'cashier' },
      { client: 's', role: 'supervisor' },
    ];
    const leaks: string[] = [];
    for (const name of opNames) {
      const access = contract[name].access;
      if (access === 'public') continue;
      const needed: Role = access === 'setup' ? 'manager' : access;
      for (const { client, role } of callers) {
        if (role && roleAllows(role, needed)) continue;
        const res = (await r.raw(name, GARBAGE, client)) as Answer;
        if (res.ok || res.error?.kind !== 'forbidden' || 'detail' in (res.error?.params ?? {})) {
          leaks.push(`${name} as ${client}: ${JSON.stringify(res).slice(0, 160)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 60_000);

  it('operation names from Object.prototype are unknown operations', async () => {
    const r = await terminal();
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf']) {
      expect(await r.raw(name, {}, 'till')).toMatchObject({
        ok: false,
        error: { key: 'errors.unknown_operation' },
      });
    }
  });
});

describe('attack: the page’s own polling keeps the host’s idle lock from closing a session', () => {
  it('the refund screen polls listOutbox every 3 s: a supervisor who walked away is still signed in on the host after 11 minutes', async () => {
    const clock = { now: Date.parse('2026-11-25T10:00:00Z') };
    const r = await terminal({ now: () => clock.now });
    await signInAs(r, SUPERVISOR, 'desk');
    // Nobody touches the till; the screen refreshes itself (RefundScreen.tsx: setInterval(load, 3_000)).
    for (let t = 0; t < 11 * 60_000; t += 3_000) {
      clock.now += 3_000;
      await r.raw('listOutbox', { includeClosed: false }, 'desk');
      await r.raw('getPendingWork', {}, 'desk'); // passive: fine
    }
    // idleLockMinutes is 10: the host must have locked the session by now.
    const session = (await r.call('getSession', {}, 'desk')) as { locked: boolean };
    expect(
      session.locked,
      'a poll that is not passive refreshed the session: the host-side idle lock never engages',
    ).toBe(true);
  }, 60_000);
});
