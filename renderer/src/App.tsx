import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, TerminalConfig } from '../../shared/ops/account';
import type { SessionView } from '../../shared/settings';
import { api, authEvents } from './api';
import { setLanguage } from './i18n';
import { setStoreZone } from './kit/date-time';
import { useWedgeScanner } from './scan/use-wedge-scanner';
import { useIdleLock } from './shell/idle-lock';
import { usePendingWork } from './shell/pending-work';
import { hasUnsavedEdits, restoreLocation, useRoute } from './shell/route';
import { TerminalContext, type TerminalState } from './shell/terminal-context';
import { TopBar } from './shell/TopBar';
import { CounterScreen } from './areas/counter/CounterScreen';
import { AboutScreen } from './areas/about/AboutScreen';
import { AuditScreen } from './areas/audit-review/AuditScreen';
import { BackOfficeScreen } from './areas/back-office/BackOfficeScreen';
import { DemoCodesScreen } from './areas/demo-codes/DemoCodesScreen';
import { RefundScreen } from './areas/refunds/RefundScreen';
import { SettingsScreen } from './areas/settings/SettingsScreen';
import { SetupWizard } from './areas/setup/SetupWizard';
import { SignInScreen } from './areas/account/SignInScreen';

interface Loaded {
  needsSetup: boolean;
  config: TerminalConfig;
  session: SessionView;
}

async function fetchState(): Promise<Loaded> {
  const [setup, config, session] = await Promise.all([
    api.getSetupState({}),
    api.getTerminalConfig({}),
    api.getSession({}),
  ]);
  // Messages that name a time (a lock's end) format it outside React: in the store's zone too.
  setStoreZone(config.timeZone);
  return { needsSetup: setup.needsSetup, config, session };
}

export function App({ info }: { info: AppInfo }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [route] = useRoute();

  // Several refreshes can be in flight at once (a settings save's, a sign-out's, the one every
  // poll refused after a sign-out starts) and their answers can arrive in any order. Only an
  // answer newer than the one shown is applied: a signed-in answer requested before a sign-out
  // and delivered after it would otherwise bring the last screen back over the sign-in screen,
  // whose next refresh then mounts a new, empty sign-in form (what was typed was lost).
  const requested = useRef(0);
  const applied = useRef(0);
  const refresh = useCallback(async () => {
    const n = ++requested.current;
    const next = await fetchState();
    if (n < applied.current) return;
    applied.current = n;
    setLoaded(next);
  }, []);

  useEffect(() => {
    void refresh();
    const onLost = () => void refresh();
    authEvents.addEventListener('lost', onLost);
    return () => authEvents.removeEventListener('lost', onLost);
  }, [refresh]);

  const signedIn = !!loaded?.session.operator && !loaded.session.locked;

  // The idle lock always locks. Unsaved settings edits stay behind it, hidden, for the operator
  // who made them: restored when they unlock, discarded when anyone else signs in or on sign-out.
  const [kept, setKept] = useState<{ operatorId: string; href: string; locked?: true } | null>(
    null,
  );
  const operatorId = useRef<string | undefined>(undefined);
  const signedInId = signedIn ? loaded?.session.operator?.id : undefined;
  useEffect(() => {
    operatorId.current = signedInId;
  }, [signedInId]);
  const onIdleLock = useCallback(() => {
    const id = operatorId.current;
    if (id && hasUnsavedEdits()) setKept({ operatorId: id, href: location.hash });
    return refresh();
  }, [refresh]);
  useIdleLock(signedIn ? (loaded?.config.idleLockMinutes ?? 0) : 0, onIdleLock);
  const keeping = !!kept && kept.operatorId === loaded?.session.operator?.id;
  if (kept && loaded) {
    if (!keeping) setKept(null);
    else if (!signedIn && !kept.locked) setKept({ ...kept, locked: true });
    else if (signedIn && kept.locked && route.screen === 'settings') setKept(null);
  }
  // Unlocked by the same operator while the address changed behind the lock ("About"): back.
  const restore = signedIn && kept?.locked ? kept.href : undefined;
  useEffect(() => {
    if (restore) restoreLocation(restore);
  }, [restore]);
  useWedgeScanner(signedIn ? loaded?.config.scan : undefined);
  const pending = usePendingWork(signedIn);

  if (!loaded) return <div className="boot">{t('ui.app.loading')}</div>;

  if (loaded.needsSetup) {
    return (
      <Frame mode="sandbox">
        <SetupWizard
          info={info}
          onDone={async (lang) => {
            await setLanguage(lang);
            await refresh();
          }}
        />
      </Frame>
    );
  }

  const state: TerminalState = {
    info,
    config: loaded.config,
    session: loaded.session,
    pending,
    refresh,
  };
  // Fixed slots, so the settings screen stays mounted (hidden) behind the lock screen.
  const manager = loaded.session.operator?.role === 'manager';
  const behindLock = keeping && (!signedIn || !!kept?.locked);
  const settingsShown = behindLock || (signedIn && route.screen === 'settings' && manager);
  let screen: ReactNode = null;
  if (!signedIn || settingsShown) screen = null;
  else if (route.screen === 'demo' && loaded.config.mode === 'sandbox') {
    screen = <DemoCodesScreen />;
  } else if (route.screen === 'about') {
    screen = <AboutScreen />;
  } else if (route.screen === 'refunds') {
    screen = <RefundScreen />;
  } else if (route.screen === 'audit') {
    screen = <AuditScreen />;
  } else if (route.screen === 'office' && manager) {
    screen = <BackOfficeScreen />;
  } else screen = <CounterScreen />;

  return (
    <TerminalContext.Provider value={state}>
      <Frame mode={loaded.config.mode} problem={loaded.config.problem}>
        <TopBar />
        <main className="content">
          {!signedIn && <SignInScreen keptSettings={behindLock} />}
          {settingsShown && <SettingsScreen hidden={!signedIn} />}
          {screen}
        </main>
      </Frame>
    </TerminalContext.Provider>
  );
}

function Frame({
  mode,
  problem,
  children,
}: {
  mode: 'sandbox' | 'live';
  problem?: string | undefined;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="app">
      {mode === 'sandbox' && (
        <div className="sandbox-banner" role="status">
          {t('ui.app.sandboxBanner')}
        </div>
      )}
      {problem && (
        <div className="problem-banner" role="alert">
          {t('ui.app.settingsProblem')} <small>{problem}</small>
        </div>
      )}
      {children}
    </div>
  );
}
