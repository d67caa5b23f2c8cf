import { describe, expect, it } from 'vitest';
import { contract, opNames } from '../../../shared/contract';
import { createDispatcher } from '../../../electron/host/dispatch';
import type { AccessGuard, Services } from '../../../electron/services/call-context';
import { createTerminalServices } from '../../../electron/services';
import { AppError } from '../../../shared/errors';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

async function realTerminal() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-dispatch-'));
  return createTerminalServices({ host: 'browser', version: 't', dataDir: dir, osLocale: 'en' });
}
async function realServices() {
  return (await realTerminal()).services;
}
async function realDeps() {
  const t = await realTerminal();
  return { services: t.services, guard: t.guard };
}
/** The dispatcher's own mechanics, apart from access rules (tested in sessions.test.ts). */
const allowAll: AccessGuard = { check: () => undefined };

/** Wraps real services so the test can see whether a handler ran at all. */
function counting(services: Services) {
  const calls: string[] = [];
  const wrapped = Object.fromEntries(
    opNames.map((name) => [
      name,
      (input: never, ctx: never) => {
        calls.push(name);
        return (services[name] as (i: never, c: never) => Promise<unknown>)(input, ctx);
      },
    ]),
  ) as unknown as Services;
  return { wrapped, calls };
}

const ctx = { clientId: 'test' };

describe('dispatch', () => {
  it('runs a valid call and returns the result shaped by the contract', async () => {
    const dispatch = createDispatcher({ services: await realServices(), guard: allowAll });
    const res = await dispatch('lookupCode', { code: ' 178847660332 ' }, ctx);
    expect(res).toMatchObject({
      ok: true,
      value: { code: '178847660332', kind: 'redeemable', card: { title: '满100减10元代金券' } },
    });
  });

  it('rejects invalid input with a clear error before any service runs', async () => {
    const { wrapped, calls } = counting(await realServices());
    const dispatch = createDispatcher({ services: wrapped, guard: allowAll });
    for (const bad of [
      { code: 42 },
      {},
      { code: 'x'.repeat(513) },
      { code: '1', extra: true },
      'no',
    ]) {
      const res = await dispatch('lookupCode', bad, ctx);
      expect(res.ok).toBe(false);
      if (!res.ok) {
        expect(res.error.kind).toBe('invalid_input');
        expect(res.error.key).toBe('errors.invalid_input');
        expect(String(res.error.params.detail)).toMatch(/code|input|extra/);
      }
    }
    expect(calls).toEqual([]);
  });

  it('checks access with the real guard before the service runs', async () => {
    const t = await realTerminal();
    const { wrapped, calls } = counting(t.services);
    const dispatch = createDispatcher({ services: wrapped, guard: t.guard });
    // First run: nobody is signed in; a cashier operation is refused, public ones answer.
    expect(await dispatch('lookupCode', { code: '123456789012' }, ctx)).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', key: 'errors.not_signed_in' },
    });
    expect(await dispatch('listOperators', {}, ctx)).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
    expect(await dispatch('getAppInfo', {}, ctx)).toMatchObject({ ok: true });
  });

  it('checks access before validating: a refused caller gets no schema details', async () => {
    const order: string[] = [];
    const refuseAll: AccessGuard = {
      check: (access, _ctx, name) => {
        order.push(`${name}:${access}`);
        throw new AppError('forbidden', 'errors.not_signed_in');
      },
    };
    const { wrapped, calls } = counting(await realServices());
    const dispatch = createDispatcher({ services: wrapped, guard: refuseAll });
    for (const bad of [{ code: 42 }, 'no', { code: '1', extra: true }]) {
      expect(await dispatch('lookupCode', bad, ctx)).toEqual({
        ok: false,
        error: { kind: 'forbidden', key: 'errors.not_signed_in', params: {} },
      });
    }
    expect(order).toEqual(['lookupCode:cashier', 'lookupCode:cashier', 'lookupCode:cashier']);
    expect(calls).toEqual([]);
    // An unknown operation never reaches the guard and names nothing but itself.
    expect(await dispatch('getSecrets', { a: 1 }, ctx)).toEqual({
      ok: false,
      error: {
        kind: 'invalid_input',
        key: 'errors.unknown_operation',
        params: { name: 'getSecrets' },
      },
    });
    expect(order).toHaveLength(3);
  });

  it('refuses unknown operations, including prototype names', async () => {
    const dispatch = createDispatcher(await realDeps());
    for (const name of ['nope', 'constructor', '__proto__', 'toString']) {
      const res = await dispatch(name, {}, ctx);
      expect(res).toMatchObject({ ok: false, error: { key: 'errors.unknown_operation' } });
    }
  });

  it('strips fields a service returns that the contract does not declare', async () => {
    const services = await realServices();
    const leaky: Services = {
      ...services,
      getAppInfo: async (i, c) => ({ ...(await services.getAppInfo(i, c)), appSecret: 's3cret' }),
    };
    const res = await createDispatcher({ services: leaky, guard: allowAll })('getAppInfo', {}, ctx);
    expect(res.ok).toBe(true);
    expect(JSON.stringify(res)).not.toContain('s3cret');
  });

  it('hides the details of unexpected errors from the caller', async () => {
    const services = await realServices();
    const seen: unknown[] = [];
    const broken: Services = {
      ...services,
      lookupCode: async () => {
        throw new Error('database password is hunter2');
      },
    };
    const res = await createDispatcher({
      services: broken,
      guard: allowAll,
      onInternalError: (_n, e) => seen.push(e),
    })('lookupCode', { code: '1' }, ctx);
    expect(res).toEqual({
      ok: false,
      error: { kind: 'internal', key: 'errors.internal', params: {} },
    });
    expect(seen).toHaveLength(1);
  });

  it('declares an access level for every operation', () => {
    for (const name of opNames) {
      expect(['public', 'setup', 'cashier', 'supervisor', 'manager']).toContain(
        contract[name].access,
      );
    }
  });
});

describe('polls', () => {
  it('every operation a screen polls on a timer is passive, so a poll never keeps the idle lock away', async () => {
    const { readFileSync, readdirSync, statSync } = await import('node:fs');
    const path = await import('node:path');
    const { contract } = await import('../../../shared/contract');
    const root = path.resolve(__dirname, '..', '..', '..', 'renderer', 'src');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f)) files.push(p);
      }
    };
    walk(root);
    const polled = new Set<string>();
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/setInterval\((\w+|\(\) =>)/g)) {
        // The function a timer runs: a named one is the code from its definition to the timer,
        // an inline one the code that follows.
        const named = m[1] !== '() =>' ? text.lastIndexOf(`const ${m[1]} =`, m.index) : -1;
        const body = named >= 0 ? text.slice(named, m.index) : text.slice(m.index, m.index + 400);
        for (const call of body.matchAll(/api\s*\.(\w+)\(/g)) polled.add(call[1]!);
      }
    }
    // The idle timer's one call locks the session: an action, not a poll.
    polled.delete('lockSession');
    expect([...polled].sort()).toEqual(expect.arrayContaining(['getPendingWork', 'listOutbox']));
    const active = [...polled].filter(
      (name) => !(contract as Record<string, { passive?: boolean }>)[name]?.passive,
    );
    expect(active).toEqual([]);
  });
});
