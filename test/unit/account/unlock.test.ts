/**
 * Lifting a PIN lock (issue 18, "the scanner at the lock screen"): at the lock screen a
 * supervisor (for a cashier) or a manager (for anyone but themselves) unlocks with their own id
 * and PIN; in Settings > Operators a manager unlocks. Every unlock is an `operator_unlock`
 * record naming who unlocked whom; every refusal reaches the check it names.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../electron/host/dispatch';
import { createTerminalServices } from '../../../electron/services';
import type { AuditRecord } from '../../../shared/audit';

const SETUP = {
  terminalName: 'Counter 1',
  terminalId: 'T-01',
  storeName: '徐汇店',
  language: 'zh-CN' as const,
  mode: 'sandbox' as const,
  manager: { id: 'boss', name: '王经理', pin: '246810' },
};

async function setUp() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-unlock-'));
  let clock = Date.parse('2026-11-25T10:00:00Z');
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
    now: () => clock,
  });
  const dispatch = createDispatcher({ services: t.services, guard: t.guard });
  const call = (name: string, input: unknown, client = 'c1') =>
    dispatch(name, input, { clientId: client });
  expect(await call('completeSetup', SETUP)).toMatchObject({ ok: true });
  await call('addOperator', { id: 'ann', name: 'Ann', role: 'cashier', pin: '1234' });
  await call('addOperator', { id: 'sue', name: 'Sue', role: 'supervisor', pin: '5678' });
  await call('addOperator', { id: 'sam', name: 'Sam', role: 'supervisor', pin: '8765' });
  const records = (): AuditRecord[] =>
    t.audit.search({}, { limit: 500 }).rows.reverse() as AuditRecord[];
  return { call, records, advance: (ms: number) => (clock += ms) };
}

type Env = Awaited<ReturnType<typeof setUp>>;

async function lockOut(env: Env, id: string) {
  for (let i = 0; i < 5; i++) await env.call('signIn', { operatorId: id, pin: '0000' }, 'till');
  expect(await env.call('signIn', { operatorId: id, pin: '0000' }, 'till')).toMatchObject({
    ok: false,
    error: { key: 'errors.operator_locked' },
  });
}

describe('unlocking a locked operator at the lock screen', () => {
  it('the lock says when it ends', async () => {
    const env = await setUp();
    await lockOut(env, 'ann');
    const r = await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till');
    expect(r).toMatchObject({
      ok: false,
      error: {
        key: 'errors.operator_locked',
        params: { minutes: 5, until: Date.parse('2026-11-25T10:05:00Z') },
      },
    });
  });

  it('a supervisor unlocks a cashier with their own PIN, audited; the cashier then signs in', async () => {
    const env = await setUp();
    await lockOut(env, 'ann');
    const r = await env.call(
      'unlockOperatorWithPin',
      { operatorId: 'ann', by: { id: 'sue', pin: '5678' } },
      'till',
    );
    expect(r).toEqual({ ok: true, value: { id: 'ann', name: 'Ann' } });
    expect(await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till')).toMatchObject({
      ok: true,
      value: { operator: { id: 'ann' } },
    });
    const unlock = env.records().filter((e) => e.action === 'operator_unlock');
    expect(unlock).toHaveLength(1);
    expect(unlock[0]).toMatchObject({
      outcome: 'ok',
      operator_id: 'sue',
      detail: { operator: 'ann', where: 'lock_screen' },
    });
  });

  it('a manager unlocks a supervisor; a supervisor cannot unlock a supervisor', async () => {
    const env = await setUp();
    await lockOut(env, 'sam');
    expect(
      await env.call('unlockOperatorWithPin', {
        operatorId: 'sam',
        by: { id: 'sue', pin: '5678' },
      }),
    ).toMatchObject({ ok: false, error: { key: 'errors.unlock_not_allowed' } });
    expect(
      await env.call('unlockOperatorWithPin', {
        operatorId: 'sam',
        by: { id: 'boss', pin: '246810' },
      }),
    ).toMatchObject({ ok: true });
    expect(env.records().filter((e) => e.action === 'operator_unlock')).toHaveLength(1);
  });

  it('a wrong PIN of the unlocker is refused, counted against the unlocker, and says nothing of the locked operator', async () => {
    const env = await setUp();
    await lockOut(env, 'ann');
    expect(
      await env.call('unlockOperatorWithPin', {
        operatorId: 'ann',
        by: { id: 'sue', pin: '0000' },
      }),
    ).toMatchObject({ ok: false, error: { key: 'errors.unlock_pin_wrong' } });
    // A cashier cannot unlock anyone, themselves included.
    await env.call('addOperator', { id: 'bob', name: 'Bob', role: 'cashier', pin: '4321' });
    expect(
      await env.call('unlockOperatorWithPin', {
        operatorId: 'ann',
        by: { id: 'bob', pin: '4321' },
      }),
    ).toMatchObject({ ok: false, error: { key: 'errors.unlock_not_allowed' } });
    // Still locked.
    expect(await env.call('signIn', { operatorId: 'ann', pin: '1234' }, 'till')).toMatchObject({
      ok: false,
      error: { key: 'errors.operator_locked' },
    });
    // Sue's 4 more wrong PINs lock Sue, not anyone else.
    for (let i = 0; i < 4; i++) {
      await env.call('unlockOperatorWithPin', {
        operatorId: 'ann',
        by: { id: 'sue', pin: '0000' },
      });
    }
    expect(
      await env.call('unlockOperatorWithPin', {
        operatorId: 'ann',
        by: { id: 'sue', pin: '5678' },
      }),
    ).toMatchObject({ ok: false, error: { key: 'errors.operator_locked' } });
    env.advance(61_000);
    expect(await env.call('signIn', { operatorId: 'boss', pin: '246810' }, 'x')).toMatchObject({
      ok: true,
    });
    const failed = env.records().filter((e) => e.action === 'sign_in_failed');
    expect(failed.find((e) => e.operator_id === 'sue')?.detail).toMatchObject({
      reasons: { unlock_mismatch: 5, unlock_locked: 1 },
    });
    expect(failed.find((e) => e.operator_id === 'bob')?.detail).toMatchObject({
      reasons: { unlock_not_allowed: 1 },
    });
    expect(env.records().filter((e) => e.action === 'operator_unlock')).toHaveLength(0);
  });

  it('an operator who is not locked is said so, and nothing is recorded as an unlock', async () => {
    const env = await setUp();
    expect(
      await env.call('unlockOperatorWithPin', {
        operatorId: 'ann',
        by: { id: 'sue', pin: '5678' },
      }),
    ).toMatchObject({ ok: false, error: { key: 'errors.operator_not_locked' } });
    expect(env.records().filter((e) => e.action === 'operator_unlock')).toHaveLength(0);
  });
});

describe('unlocking in Settings > Operators', () => {
  it('a manager unlocks; the list then shows no lock; audited', async () => {
    const env = await setUp();
    await lockOut(env, 'ann');
    const list = await env.call('listOperators', {});
    expect(list).toMatchObject({ ok: true });
    const ann = (list as { value: { id: string; lockedUntil?: number }[] }).value.find(
      (o) => o.id === 'ann',
    );
    expect(ann?.lockedUntil).toBe(Date.parse('2026-11-25T10:05:00Z'));
    const r = await env.call('unlockOperator', { id: 'ann' });
    expect(r).toMatchObject({ ok: true, value: { id: 'ann' } });
    expect((r as { value: { lockedUntil?: number } }).value.lockedUntil).toBeUndefined();
    expect(
      env
        .records()
        .filter((e) => e.action === 'operator_unlock')
        .at(-1),
    ).toMatchObject({
      operator_id: 'boss',
      detail: { operator: 'ann', where: 'settings' },
    });
  });
});
