/**
 * "Accept this card's codes at this terminal" through the dispatcher, against the real sandbox
 * and audit log: before, the counter says "unknown code" for a custom code and the back office
 * and the demo codes say the same (not "redeemable"); a cashier and a supervisor are refused
 * with a valid input, a card without custom codes is refused, a manager's change is saved to
 * the settings' list and recorded once as a settings change, asking again changes nothing, and
 * the counter then finds and redeems the code.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDispatcher, type Dispatch } from '../../electron/host/dispatch';
import { listDemoCodes, startSandbox, type RunningSandbox } from '../../electron/sandbox';
import { createTerminalServices, type TerminalServices } from '../../electron/services';

const MANAGER = { id: 'boss', name: 'Boss', pin: '246810' };
const SUPERVISOR = { id: 'sue', name: 'Sue', pin: '8642' };
const CASHIER = { id: 'ann', name: 'Ann', pin: '1357' };
/** A card without custom codes (the seed's ¥10 off ¥100). */
const CASH_100 = 'pSBXrx-maWq86um_moXe_HJAlz_6';

let sandbox: RunningSandbox;
let terminal: TerminalServices;
let dispatch: Dispatch;

type Who = 'manager' | 'supervisor' | 'cashier';
const call = (who: Who, name: string, input: unknown) =>
  dispatch(name, input, { clientId: `till-${who}` });
async function must(who: Who, name: string, input: unknown) {
  const r = await call(who, name, input);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value as Record<string, unknown>;
}

beforeEach(async () => {
  sandbox = await startSandbox({ port: 0 });
  terminal = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'carddesk-accept-')),
    osLocale: 'en',
    sandbox,
  });
  dispatch = createDispatcher({ services: terminal.services, guard: terminal.guard });
  await must('manager', 'completeSetup', {
    terminalName: 'T',
    terminalId: 'T-1',
    storeName: 'S',
    language: 'en',
    mode: 'sandbox',
    manager: MANAGER,
  });
  await must('manager', 'addOperator', { ...SUPERVISOR, role: 'supervisor' });
  await must('manager', 'addOperator', { ...CASHIER, role: 'cashier' });
  await must('supervisor', 'signIn', { operatorId: SUPERVISOR.id, pin: SUPERVISOR.pin });
  await must('cashier', 'signIn', { operatorId: CASHIER.id, pin: CASHIER.pin });
});

afterEach(async () => {
  await terminal.close();
  await sandbox.close();
});

const settingsChanges = () =>
  terminal.audit.search({}, { limit: 500 }).rows.filter((r) => r.action === 'settings_change');
const acceptedIds = async () =>
  ((await must('manager', 'getSettings', {})).settings as { customCodeCardIds: string[] })
    .customCodeCardIds;

it('a manager accepts a custom-code card on its page; lower roles are refused; the counter then redeems', async () => {
  const custom = listDemoCodes(sandbox.sim.seed, sandbox.sim.clock.now()).find(
    (c) => c.use_custom_code && c.redeemable,
  );
  expect(custom, 'the seed has a redeemable custom code').toBeDefined();
  const { code, card_id: cardId } = custom!;

  // Before: the counter cannot find it, and the back office and demo codes say so too.
  expect(await must('cashier', 'lookupCode', { code })).toMatchObject({
    kind: 'unknown_code',
    tone: 'reject',
  });
  expect(await must('manager', 'officeCodeVerdict', { code, cardId })).toMatchObject({
    kind: 'unknown_code',
    tone: 'reject',
    notAcceptedHere: true,
  });
  const demo = (await must('cashier', 'listDemoCodes', {})) as {
    codes: { code: string; expect?: { kind: string; notAcceptedHere?: boolean } }[];
  };
  expect(demo.codes.find((c) => c.code === code)?.expect).toMatchObject({
    kind: 'unknown_code',
    notAcceptedHere: true,
  });
  expect(await must('manager', 'officeGetCard', { cardId })).toMatchObject({
    codesAccepted: false,
  });
  const before = settingsChanges().length;

  // A cashier and a supervisor, with a valid input, are refused by the role check.
  for (const who of ['cashier', 'supervisor'] as const) {
    const r = await call(who, 'officeAcceptCardCodes', { cardId, accept: true });
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', key: 'errors.role_required_manager' },
    });
  }
  // A card that does not use custom codes is refused: nothing to accept.
  expect(
    await call('manager', 'officeAcceptCardCodes', { cardId: CASH_100, accept: true }),
  ).toMatchObject({ ok: false, error: { key: 'office.errors.accept_not_custom_code' } });
  // Bad input changes nothing either.
  expect(
    await call('manager', 'officeAcceptCardCodes', { cardId: '', accept: true }),
  ).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
  expect(await acceptedIds()).toEqual([]);
  expect(settingsChanges()).toHaveLength(before);
  expect(await must('cashier', 'lookupCode', { code })).toMatchObject({ kind: 'unknown_code' });

  // The manager turns it on: saved to the settings' list, recorded once as a settings change.
  expect(await must('manager', 'officeAcceptCardCodes', { cardId, accept: true })).toEqual({
    cardId,
    accepted: true,
    changed: true,
    count: 1,
  });
  expect(await acceptedIds()).toEqual([cardId]);
  const changes = settingsChanges();
  expect(changes).toHaveLength(before + 1);
  expect(changes[0]).toMatchObject({
    operator_id: MANAGER.id,
    outcome: 'ok',
    detail: { changes: { customCodeCardIds: { before: [], after: [cardId] } } },
  });
  // Idempotent: again changes nothing and records nothing.
  expect(await must('manager', 'officeAcceptCardCodes', { cardId, accept: true })).toMatchObject({
    accepted: true,
    changed: false,
    count: 1,
  });
  expect(settingsChanges()).toHaveLength(before + 1);
  expect(await must('manager', 'officeGetCard', { cardId })).toMatchObject({
    codesAccepted: true,
  });

  // The counter now finds it (amber: the card has a minimum spend) and redeems it.
  const verdict = await must('cashier', 'lookupCode', { code });
  expect(verdict).toMatchObject({ kind: 'redeemable', tone: 'warning', cardId });
  expect(verdict.notAcceptedHere).toBeUndefined();
  expect(await must('manager', 'officeCodeVerdict', { code, cardId })).toMatchObject({
    kind: 'redeemable',
  });
  expect(await must('cashier', 'redeemCode', { code, cardId })).toMatchObject({
    outcome: 'redeemed',
  });

  // Turned off again: the counter cannot find its codes any more.
  expect(await must('manager', 'officeAcceptCardCodes', { cardId, accept: false })).toMatchObject({
    accepted: false,
    changed: true,
    count: 0,
  });
  expect(await acceptedIds()).toEqual([]);
  const other = listDemoCodes(sandbox.sim.seed, sandbox.sim.clock.now()).find(
    (c) => c.use_custom_code && c.redeemable && c.code !== code,
  );
  expect(await must('cashier', 'lookupCode', { code: other!.code })).toMatchObject({
    kind: 'unknown_code',
  });
});
