/**
 * Issue 16, sessions: a PIN reset, a role change or a disable must end every open session of
 * that operator at once (every client id signed in as them), not leave whoever knew the old PIN
 * or held the old role at work. Through the contract, against the real services.
 */
import { describe, expect, it } from 'vitest';
import { CASHIER, MANAGER, SUPERVISOR, signInAs, terminal, type Rig } from './attacks/rig';
import type { AuditRecord } from '../../shared/audit';

const CODE = '178847660332';

const signedIn = async (r: Rig, client: string) =>
  ((await r.call('getSession', {}, client)) as { operator?: { id: string } }).operator?.id;

function signOuts(r: Rig, operatorId: string): AuditRecord[] {
  return r.t.audit.search({ actions: ['sign_out'], operatorId }, { limit: 100 }).rows.reverse();
}

describe('attack: keeping a session after the PIN or the role changed', () => {
  it('a PIN reset signs the operator out everywhere; the old PIN no longer works', async () => {
    const r = await terminal();
    for (const client of ['till-1', 'till-2', 'tablet']) await signInAs(r, CASHIER, client);
    await r.call('lockSession', {}, 'tablet'); // a locked session ends too

    await r.call('resetPin', { id: CASHIER.id, pin: '2468' }); // the manager, on 'till'

    for (const client of ['till-1', 'till-2', 'tablet']) {
      expect(await signedIn(r, client), client).toBeUndefined();
      expect(await r.fail('lookupCode', { code: CODE }, client)).toMatchObject({
        key: 'errors.not_signed_in',
      });
    }
    // One sign-out record per session ended; the tab is not named (a client id is a handle on
    // a session, and cashiers read the journal).
    expect(signOuts(r, CASHIER.id).map((x) => x.detail)).toEqual(
      ['till-1', 'till-2', 'tablet'].map(() => ({ reason: 'pin_reset', by: MANAGER.id })),
    );
    expect(
      await r.fail('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin }, 'till-1'),
    ).toMatchObject({ key: 'errors.wrong_pin' });
    await signInAs(r, { id: CASHIER.id, pin: '2468' }, 'till-1');
    expect(await signedIn(r, 'till-1')).toBe(CASHIER.id);
  });

  it('a role change signs the operator out: a demoted supervisor cannot go on as one', async () => {
    const r = await terminal();
    await signInAs(r, SUPERVISOR, 'desk');
    expect(await r.call('listOutbox', {}, 'desk')).toEqual([]);

    await r.call('updateOperator', { id: SUPERVISOR.id, role: 'cashier' });

    expect(await signedIn(r, 'desk')).toBeUndefined();
    expect(await r.fail('lookupCode', { code: CODE }, 'desk')).toMatchObject({
      key: 'errors.not_signed_in',
    });
    expect(signOuts(r, SUPERVISOR.id).map((x) => x.detail)).toEqual([
      { reason: 'role_changed', by: MANAGER.id },
    ]);
    // Signed in again, with the new role only.
    await signInAs(r, SUPERVISOR, 'desk');
    expect(await r.fail('listOutbox', {}, 'desk')).toMatchObject({ kind: 'forbidden' });
    // A change of name alone is no reason to sign anyone out.
    await r.call('updateOperator', { id: SUPERVISOR.id, name: 'Sue Z.' });
    expect(await signedIn(r, 'desk')).toBe(SUPERVISOR.id);
  });

  it('disabling an operator ends their sessions at once, and says so in the journal', async () => {
    const r = await terminal();
    await signInAs(r, CASHIER, 'till-1');
    await signInAs(r, CASHIER, 'till-2');
    await r.call('updateOperator', { id: CASHIER.id, disabled: true });
    expect(signOuts(r, CASHIER.id).map((x) => x.detail)).toEqual([
      { reason: 'disabled', by: MANAGER.id },
      { reason: 'disabled', by: MANAGER.id },
    ]);
    expect(await signedIn(r, 'till-1')).toBeUndefined();
    expect(await signedIn(r, 'till-2')).toBeUndefined();
  });

  it('a manager resetting their own PIN stays signed in here and is signed out elsewhere', async () => {
    const r = await terminal(); // the manager is signed in on 'till'
    await signInAs(r, MANAGER, 'back-office');
    await r.call('resetPin', { id: MANAGER.id, pin: '13579' });
    expect(await signedIn(r, 'till')).toBe(MANAGER.id);
    expect(await signedIn(r, 'back-office')).toBeUndefined();
  });

  it('a sign-in with the old PIN racing the reset never leaves a session behind', async () => {
    const r = await terminal();
    const [signIn] = await Promise.all([
      r.raw('signIn', { operatorId: CASHIER.id, pin: CASHIER.pin }, 'race'),
      r.call('resetPin', { id: CASHIER.id, pin: '8080' }),
    ]);
    // Whether it got in before the reset or not, it is not signed in after it.
    expect(signIn).toBeDefined();
    expect(await signedIn(r, 'race')).toBeUndefined();
  });
});
