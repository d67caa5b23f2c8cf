/**
 * Every operation that needs more than "public" is refused to each lower role, through the
 * real dispatcher and the real access guard (createTerminalServices on a temporary data folder,
 * with the built-in sandbox), and the refusal comes from the guard, not from validation:
 *
 * - the cases are generated from the contract, so a new operation is covered the day it is
 *   added, and a test fails until VALID_INPUT has an entry for it;
 * - each lower role calls with a VALID input (the allowed role's call with the same input
 *   reaches the handler, which proves it passes validation): the answer is `forbidden` with
 *   the guard's key, and the handler never runs;
 * - each lower role also calls with an invalid input: still `forbidden`, with no schema details
 *   (a cashier must not learn what a manager's operation takes). Before access was checked
 *   first, these answers were validation errors naming the fields.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatch } from '../../../electron/host/dispatch';
import type { Services } from '../../../electron/services/call-context';
import { createTerminalServices, type TerminalServices } from '../../../electron/services';
import { contract, opNames, type Contract, type OpName } from '../../../shared/contract';
import type { Access, OpInput } from '../../../shared/contract-kit';
import type { Role } from '../../../shared/role';

/** One valid input per non-public operation; harmless when it runs (unknown ids, no-ops). */
const VALID_INPUT: { [K in OpName]?: OpInput<Contract, K> } = {
  completeSetup: {
    terminalName: 'T',
    terminalId: 'T-2',
    storeName: 'S',
    language: 'en',
    mode: 'sandbox',
    manager: { id: 'boss2', name: 'Boss Two', pin: '135790' },
  },
  testConnection: { mode: 'sandbox' },

  getSettings: {},
  getShippingStatus: {},
  updateSettings: { sound: { muted: true, volume: 0.5 } },
  setSecret: { name: 'tokenServiceAuth', value: null },
  listOperators: {},
  addOperator: { id: 'eve', name: 'Eve', role: 'cashier', pin: '2468' },
  // Aimed at an operator nobody signs in as, so no session of the test is ended.
  updateOperator: { id: 'dora', name: 'Dora Two' },
  resetPin: { id: 'dora', pin: '9753' },
  unlockOperator: { id: 'dora' },

  lookupCode: { code: '178847660332' },
  redeemCode: { code: '999999999999' },
  getPendingWork: {},
  listDemoCodes: {},

  refundPreview: { code: '178847660332' },
  invalidateCode: { code: '999999999999', reason: 'customer_refund', confirmed: true },
  listOutbox: {},
  retryOutbox: { id: 1 },
  cancelOutbox: { id: 1, why: 'role test' },

  reviewInfo: {},
  searchAudit: { filter: {} },
  countAudit: { filter: {} },
  getAuditRecord: { id: 1 },
  auditSummary: { from: 0, to: 1 },
  startExport: { filter: {}, format: 'csv' },
  exportStatus: { exportId: 'no-such-export' },
  cancelExport: { exportId: 'no-such-export' },
  startVerify: {},
  verifyStatus: { verifyId: 'no-such-verify' },
  cancelVerify: { verifyId: 'no-such-verify' },

  officeListCards: { offset: 0, count: 1 },
  officeCardSummaries: { cardIds: ['pNoSuchCard'] },
  officeGetCard: { cardId: 'pNoSuchCard' },
  officeAcceptCardCodes: { cardId: 'pNoSuchCard', accept: false },
  officeUpdateCard: { cardId: 'pNoSuchCard', cardType: 'CASH', fields: {} },
  officeModifyStock: { cardId: 'pNoSuchCard', direction: 'increase', amount: 1, confirmed: true },
  officeCheckCode: { cardId: 'pNoSuchCard', code: '999999999999' },
  officeUpdateCode: {
    cardId: 'pNoSuchCard',
    code: '999999999999',
    newCode: '999999999998',
    confirmed: true,
  },
  officeDeleteCard: { cardId: 'pNoSuchCard', confirmTitle: 'nothing' },
  officeUserCards: { openid: 'oNoSuchUser' },
  officeCodeVerdict: { code: '999999999999' },
  officeStatsInfo: {},
  officeCouponSummary: { begin: '2026-01-01', end: '2026-01-01', condSource: 0 },
  officeCouponCards: { begin: '2026-01-01', end: '2026-01-01', condSource: 0 },
  officeMemberSummary: { begin: '2026-01-01', end: '2026-01-01', condSource: 0 },
  officeMemberCard: { begin: '2026-01-01', end: '2026-01-01', cardId: 'pNoSuchCard' },

  getTraining: {},
  // Armed by the manager's call, taken back by disarmTraining's (the next case).
  armTraining: { fault: 'network', target: 'lookup' },
  disarmTraining: {},
};

/** Inputs no operation accepts: each would have produced a validation error naming fields. */
const INVALID_INPUTS: unknown[] = [42, { notAField: 'x'.repeat(600) }];

type Caller = 'nobody' | Role;
const RANK: Record<Caller, number> = { nobody: 0, cashier: 1, supervisor: 2, manager: 3 };
const CALLERS = Object.keys(RANK) as Caller[];

/** 'setup' is open while the terminal is not set up; after that it takes a manager. */
const neededRole = (access: Access): Role => (access === 'setup' ? 'manager' : (access as Role));

const guarded = opNames.filter((name) => contract[name].access !== 'public');

/** The guard's refusal for a caller below the role an operation needs. */
const refusalKey = (caller: Caller, needed: Role) =>
  caller === 'nobody' ? 'errors.not_signed_in' : `errors.role_required_${needed}`;

const refusals = guarded.flatMap((name) => {
  const needed = neededRole(contract[name].access);
  return CALLERS.filter((c) => RANK[c] < RANK[needed]).map((caller) => ({ name, caller, needed }));
});

const OPERATORS = {
  manager: { id: 'boss', name: 'Boss', pin: '246810' },
  supervisor: { id: 'sue', name: 'Sue', pin: '8642' },
  cashier: { id: 'ann', name: 'Ann', pin: '1357' },
} as const;
const clientOf = (caller: Caller) => `roles-${caller}`;

let terminal: TerminalServices;
let dispatch: Dispatch;
/** The operations whose handler ran, in order (the guard and validation let them through). */
const reached: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-roles-'));
  terminal = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
  });
  const counted = Object.fromEntries(
    opNames.map((name) => [
      name,
      (input: never, ctx: never) => {
        reached.push(name);
        return (terminal.services[name] as (i: never, c: never) => Promise<unknown>)(input, ctx);
      },
    ]),
  ) as unknown as Services;
  dispatch = createDispatcher({ services: counted, guard: terminal.guard });
  const must = async (name: string, input: unknown, caller: Caller) => {
    const res = await dispatch(name, input, { clientId: clientOf(caller) });
    if (!res.ok) throw new Error(`${name} failed: ${JSON.stringify(res.error)}`);
  };
  await must(
    'completeSetup',
    {
      terminalName: 'Roles',
      terminalId: 'T-1',
      storeName: 'Store',
      language: 'en',
      mode: 'sandbox',
      manager: OPERATORS.manager,
    },
    'manager',
  );
  await must('addOperator', { ...OPERATORS.supervisor, role: 'supervisor' }, 'manager');
  await must('addOperator', { ...OPERATORS.cashier, role: 'cashier' }, 'manager');
  await must('addOperator', { id: 'dora', name: 'Dora', role: 'cashier', pin: '1122' }, 'manager');
  for (const role of ['supervisor', 'cashier'] as const) {
    const o = OPERATORS[role];
    await must('signIn', { operatorId: o.id, pin: o.pin }, role);
  }
  reached.length = 0;
}, 60_000);

afterAll(async () => {
  await terminal?.close();
});

describe('the role table covers the contract', () => {
  it('has a valid input for every operation that is not public', () => {
    const missing = guarded.filter((name) => !(name in VALID_INPUT));
    expect(missing, 'add a valid input to VALID_INPUT for each').toEqual([]);
  });

  it('has no input for a public or unknown operation (a stale entry would test nothing)', () => {
    const stale = Object.keys(VALID_INPUT).filter((name) => !(guarded as string[]).includes(name));
    expect(stale).toEqual([]);
  });

  it('has each role signed in as expected', async () => {
    for (const caller of CALLERS) {
      const res = await dispatch('getSession', {}, { clientId: clientOf(caller) });
      const role = res.ok ? (res.value as { operator?: { role: string } }).operator?.role : 'x';
      expect(role ?? 'nobody', caller).toBe(caller);
    }
  });
});

describe('a lower role is refused by the guard, before validation', () => {
  it.each(refusals)('$name as $caller (needs $needed): valid input', async (c) => {
    const before = reached.length;
    const res = await dispatch(c.name, VALID_INPUT[c.name], { clientId: clientOf(c.caller) });
    expect(res).toEqual({
      ok: false,
      error: { kind: 'forbidden', key: refusalKey(c.caller, c.needed), params: {} },
    });
    expect(reached.slice(before)).toEqual([]);
  });

  it.each(refusals)('$name as $caller: invalid input gets no schema details', async (c) => {
    const before = reached.length;
    for (const input of INVALID_INPUTS) {
      const res = await dispatch(c.name, input, { clientId: clientOf(c.caller) });
      expect(res).toEqual({
        ok: false,
        error: { kind: 'forbidden', key: refusalKey(c.caller, c.needed), params: {} },
      });
    }
    expect(reached.slice(before)).toEqual([]);
  });
});

describe('the role an operation needs passes the guard and validation', () => {
  it.each(guarded.map((name) => ({ name, role: neededRole(contract[name].access) })))(
    '$name as $role: the valid input reaches the handler; an invalid one is a validation error',
    async ({ name, role }) => {
      const ctx = { clientId: clientOf(role) };
      const before = reached.length;
      for (const input of INVALID_INPUTS) {
        const res = await dispatch(name, input, ctx);
        expect(res).toMatchObject({
          ok: false,
          error: { kind: 'invalid_input', key: 'errors.invalid_input' },
        });
      }
      expect(reached.slice(before)).toEqual([]);
      const res = await dispatch(name, VALID_INPUT[name], ctx);
      // The service may refuse it (unknown card, already set up...), but never as invalid input
      // from the dispatcher: the handler ran.
      expect(reached.slice(before)).toEqual([name]);
      if (!res.ok) expect(res.error.key).not.toBe('errors.invalid_input');
    },
  );
});
