/**
 * "Switch operator" locks the session for the next person: the lock screen then starts with an
 * empty, focused operator id instead of the previous operator's id with the cursor in the PIN
 * (where the next person's PIN would count against the previous operator). The intent lives
 * until someone signs in.
 */
import { api } from '../api';

let switching = false;

export async function switchOperator(refresh: () => Promise<void>) {
  switching = true;
  await api.lockSession({});
  await refresh();
}

export function isSwitchingOperator(): boolean {
  return switching;
}

export function signedIn() {
  switching = false;
}
