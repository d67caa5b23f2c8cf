/**
 * The PIN lock of the operators file on its own (electron/services/account/operators.ts): at most 5
 * failed checks per operator in 5 minutes, counted before the hashing, with a clock the test
 * moves, on a real operators.json.
 */
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FAILURE_WINDOW_MS,
  LOCKOUT_MS,
  OperatorStore,
} from '../../../electron/services/account/operators';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const MIN = 60_000;

async function store() {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'carddesk-ops-')), 'operators.json');
  const clock = { now: T0 };
  const ops = new OperatorStore(file, () => clock.now);
  await ops.add({ id: 'ann', name: 'Ann', role: 'cashier', pin: '1357' });
  return { file, clock, ops };
}

describe('the PIN lock', () => {
  it('counts a check before its PIN is hashed: a crash mid-check still costs the attempt', async () => {
    const { file, ops } = await store();
    const checking = ops.verify('ann', '0000');
    await new Promise((resolve) => setImmediate(resolve)); // the check has started hashing
    // The process dies here, while scrypt runs: what is on disk is what the next start sees.
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as {
      operators: { failedChecks: number[] }[];
    };
    expect(onDisk.operators[0]!.failedChecks).toEqual([T0]);
    await checking;
  });

  it('5 failures within 5 minutes lock for 5 minutes from the fifth; older ones no longer count', async () => {
    const { clock, ops } = await store();
    // Four typos, one a minute...
    for (let i = 0; i < 4; i++) {
      expect(await ops.verify('ann', '0000')).toMatchObject({ ok: false, reason: 'wrong_pin' });
      clock.now += MIN;
    }
    // ...then a quiet spell: the first two leave the window.
    clock.now = T0 + 6 * MIN;
    expect(await ops.verify('ann', '0000')).toMatchObject({ reason: 'wrong_pin' });
    expect(await ops.verify('ann', '0000')).toMatchObject({ reason: 'wrong_pin' });
    const fifth = await ops.verify('ann', '0000');
    expect(fifth).toMatchObject({
      ok: false,
      reason: 'locked',
      justLocked: true,
      lockedUntil: clock.now + LOCKOUT_MS,
    });
    clock.now += LOCKOUT_MS - 1;
    expect(await ops.verify('ann', '1357')).toMatchObject({ ok: false, reason: 'locked' });
    clock.now += 1;
    expect(await ops.verify('ann', '1357')).toMatchObject({ ok: true });
  });

  it('a right PIN neither lifts a lock nor wipes earlier failures', async () => {
    const { clock, ops } = await store();
    for (let i = 0; i < 3; i++) await ops.verify('ann', '0000');
    expect(await ops.verify('ann', '1357')).toMatchObject({ ok: true });
    await ops.verify('ann', '0000');
    expect(await ops.verify('ann', '0000')).toMatchObject({ reason: 'locked' });
    expect(ops.find('ann')?.lockedUntil).toBe(clock.now + LOCKOUT_MS);
    expect(await ops.verify('ann', '1357')).toMatchObject({ ok: false, reason: 'locked' });
  });

  it('a manager resetting the PIN lifts the lock', async () => {
    const { ops } = await store();
    for (let i = 0; i < 5; i++) await ops.verify('ann', '0000');
    expect(ops.find('ann')?.lockedUntil).toBeDefined();
    await ops.resetPin('ann', '2468');
    expect(ops.find('ann')?.lockedUntil).toBeUndefined();
    expect(await ops.verify('ann', '2468')).toMatchObject({ ok: true });
  });

  it('the lock survives a restart, and a clock set back does not forget failures', async () => {
    const { file, clock, ops } = await store();
    for (let i = 0; i < 4; i++) await ops.verify('ann', '0000');
    clock.now -= 10 * MIN;
    const again = new OperatorStore(file, () => clock.now);
    expect(await again.verify('ann', '0000')).toMatchObject({ reason: 'locked' });
  });

  it('reads an operators file of the version before (a plain failure counter)', async () => {
    const { file, clock } = await store();
    const old = JSON.parse(readFileSync(file, 'utf8')) as { operators: object[] };
    const legacy = old.operators.map((o) => {
      const { failedChecks: _f, ...rest } = o as { failedChecks: number[] };
      return { ...rest, failures: 3 };
    });
    writeFileSync(file, JSON.stringify({ operators: legacy }));
    const ops = new OperatorStore(file, () => clock.now);
    expect(ops.problem).toBeUndefined();
    expect(await ops.verify('ann', '1357')).toMatchObject({ ok: true });
  });

  it('an unknown id is hashed and locked like a real one, and its lock outlives a restart as a real one does', async () => {
    const { file, clock, ops } = await store();
    const before = readFileSync(file, 'utf8');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await ops.verify('ghost', '0000'));
    expect(answers.map((a) => (a.ok ? 'ok' : a.lockedUntil !== undefined))).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    // Not in the operators file (a flood of made-up ids must not grow it)...
    expect(readFileSync(file, 'utf8')).toBe(before);
    // ...but a restart (a crash, the end of the day) keeps the lock, as it keeps a real one's:
    // otherwise the answer after a restart would tell a made-up id from a real one.
    for (let i = 0; i < 5; i++) await ops.verify('ann', '0000');
    const until = answers[5]!.ok ? 0 : answers[5]!.lockedUntil;
    clock.now += MIN;
    const again = new OperatorStore(file, () => clock.now);
    expect(await again.verify('ghost', '0000')).toMatchObject({ ok: false, lockedUntil: until });
    expect(await again.verify('ann', '1357')).toMatchObject({ ok: false, reason: 'locked' });
    // Once its lock is over the file forgets it at the next start, and it fails as before.
    clock.now += LOCKOUT_MS + FAILURE_WINDOW_MS;
    const later = new OperatorStore(file, () => clock.now);
    const strangers = path.join(path.dirname(file), 'unknown-ids.jsonl');
    expect(readFileSync(strangers, 'utf8')).toBe('');
    expect(await later.verify('ghost', '0000')).toMatchObject({ ok: false, reason: 'unknown' });
    expect(statSync(strangers).mode & 0o777).toBe(0o600);
  });

  it('the made-up ids file is rewritten with the live ones once it has grown, and keeps the lock', async () => {
    const { file, clock } = await store();
    const ops = new OperatorStore(file, () => clock.now, 3); // rewritten after 3 lines more
    for (let i = 0; i < 5; i++) await ops.verify('ghost', '0000');
    await ops.verify('other', '0000');
    const strangers = path.join(path.dirname(file), 'unknown-ids.jsonl');
    const lines = readFileSync(strangers, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(6); // not one a check
    expect(lines.filter((l) => l.includes('"ghost"')).at(-1)).toContain('lockedUntil');
    const again = new OperatorStore(file, () => clock.now);
    expect(await again.verify('ghost', '0000')).toHaveProperty('lockedUntil');
    expect(await again.verify('other', '0000')).toMatchObject({ reason: 'unknown', checked: true });
  });

  it('a made-up id line cut short by a crash is skipped, the lines before it kept', async () => {
    const { file, clock, ops } = await store();
    for (let i = 0; i < 5; i++) await ops.verify('ghost', '0000');
    const strangers = path.join(path.dirname(file), 'unknown-ids.jsonl');
    appendFileSync(strangers, '{"id":"other","failedChe');
    const again = new OperatorStore(file, () => clock.now);
    expect(again.problem).toBeUndefined();
    expect(await again.verify('ghost', '0000')).toMatchObject({ ok: false, reason: 'unknown' });
    expect((await again.verify('ghost', '0000')) as { lockedUntil?: number }).toHaveProperty(
      'lockedUntil',
    );
    expect(readFileSync(strangers, 'utf8')).not.toContain('"other"');
  });
});
