/**
 * What every screen may read about the terminal: app info, the counter-relevant settings and
 * who is signed in. `refresh` re-reads them after set-up, sign-in or a settings change.
 */
import { createContext, useContext } from 'react';
import type { AppInfo, TerminalConfig } from '../../../shared/ops/account';
import type { PendingWork } from '../../../shared/ops/counter';
import type { SessionView } from '../../../shared/settings';
import { storeZone } from '../kit/date-time';

export interface TerminalState {
  info: AppInfo;
  config: TerminalConfig;
  session: SessionView;
  /** Unsettled redemptions and queued refunds (undefined until first polled). */
  pending?: PendingWork | undefined;
  refresh(): Promise<void>;
}

export const TerminalContext = createContext<TerminalState | null>(null);

export function useTerminal(): TerminalState {
  const value = useContext(TerminalContext);
  if (!value) throw new Error('useTerminal outside TerminalContext');
  return value;
}

/**
 * The store's time zone for dates and times on screen: the terminal's setting, also on
 * screens shown before sign-in (the configuration is public).
 */
export function useStoreZone(): string {
  const value = useContext(TerminalContext);
  return value?.config.timeZone ?? storeZone();
}
