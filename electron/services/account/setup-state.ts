/**
 * Whether the first-run wizard may run: only on a terminal that was never set up, whatever
 * happened to its settings or operators files since.
 */
import type { AuditLog } from '../../audit';
import type { AccountDeps } from './index';

/** The settings file has gone while operators remain (shown until a manager saves settings). */
export const SETTINGS_MISSING =
  'settings.json is missing: sign in as a manager and save each section';

/**
 * The wizard is offered only to a terminal that was never set up: no operator and no stored
 * secret. A missing settings file, or a damaged operators file, does not reopen it: that would
 * let anyone at the counter make themselves manager, or test the stored AppSecret against a
 * server of theirs. Such a terminal is repaired by a manager, or reset (npm run reset-terminal).
 */
export function needsSetup(
  deps: Pick<AccountDeps, 'operators' | 'secrets' | 'setUpBefore'>,
): boolean {
  return (
    !deps.operators.problem &&
    !(deps.setUpBefore?.() ?? false) &&
    deps.operators.count === 0 &&
    !deps.secrets.has('appSecret') &&
    !deps.secrets.has('tokenServiceAuth')
  );
}

/**
 * Whether the audit log shows this terminal was set up since its last reset: its operators
 * file going missing (moved away, or a Sandbox terminal with no secret) must not reopen the
 * wizard over its log. Read once at start-up; only the reset tool, with the terminal stopped,
 * starts a terminal over.
 */
export function setUpSinceReset(audit: Pick<AuditLog, 'search'>): boolean {
  const reset = audit.search({ actions: ['terminal_reset'] }, { limit: 1 }).rows[0]?.id ?? 0;
  let before: number | undefined;
  for (;;) {
    const page = audit.search(
      { actions: ['settings_change'] },
      { limit: 500, ...(before !== undefined ? { before } : {}) },
    );
    for (const r of page.rows) {
      if (r.id <= reset) return false;
      if (r.detail.setup === true) return true;
    }
    if (page.nextBefore === undefined) return false;
    before = page.nextBefore;
  }
}
