import { useCallback, useEffect, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import type { SettingsView } from '../../../../shared/settings';
import { api } from '../../api';
import { routeHref, setLeaveGuard, useRoute } from '../../shell/route';
import { useTerminal } from '../../shell/terminal-context';
import { CardIdsSection } from './CardIdsSection';
import { ConnectionSection } from './ConnectionSection';
import { CounterSection } from './CounterSection';
import { HeadOfficeSection } from './HeadOfficeSection';
import { OperatorsSection } from './OperatorsSection';
import { SectionDirty, type SectionProps } from './SectionForm';
import { SecuritySection } from './SecuritySection';
import { SoundsSection } from './SoundsSection';
import { TerminalSection } from './TerminalSection';
import { WindowSection } from './WindowSection';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';

const SECTIONS = [
  'terminal',
  'connection',
  'counter',
  'sounds',
  'security',
  'window',
  'cardIds',
  'headOffice',
  'operators',
] as const;
type Section = (typeof SECTIONS)[number];

const FORMS: Record<Exclude<Section, 'operators'>, ComponentType<SectionProps>> = {
  terminal: TerminalSection,
  connection: ConnectionSection,
  counter: CounterSection,
  sounds: SoundsSection,
  security: SecuritySection,
  window: WindowSection,
  cardIds: CardIdsSection,
  headOffice: HeadOfficeSection,
};

function isSection(value: string | null): value is Section {
  return (SECTIONS as readonly (string | null)[]).includes(value);
}

/**
 * Manager settings at `#/settings?section=…`: one section at a time, each saved on its own.
 * After a save the terminal's config is re-read, so the counter picks the change up at once.
 *
 * Unsaved edits are never thrown away silently: while a form of the section has any, every
 * way out asks "discard / keep editing" (the leave guard in shell/route.ts: links, Back,
 * Switch operator, Sign out), and so does closing or reloading the window. The idle lock still
 * locks: the app keeps this screen, hidden (`hidden`), behind the lock screen, and the same
 * operator finds the edits again after unlocking; anyone else signing in discards them.
 */
export function SettingsScreen({ hidden = false }: { hidden?: boolean }) {
  const { t } = useTranslation();
  const { refresh } = useTerminal();
  const [route] = useRoute();
  const [view, setView] = useState<SettingsView | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const param = route.params.get('section');
  const routeSection: Section = isSection(param) ? param : 'terminal';
  const [section, setSection] = useState<Section>(routeSection);
  // Behind the lock the route may change (the lock screen's "About"): the section stays.
  if (!hidden && route.screen === 'settings' && section !== routeSection) setSection(routeSection);
  const [dirtyForms, setDirtyForms] = useState<ReadonlySet<string>>(new Set());
  const dirty = dirtyForms.size > 0;
  const [leaving, setLeaving] = useState<{ proceed: () => void } | null>(null);
  const reportDirty = useCallback((key: string, d: boolean) => {
    setDirtyForms((forms) => {
      if (forms.has(key) === d) return forms;
      const next = new Set(forms);
      if (d) next.add(key);
      else next.delete(key);
      return next;
    });
  }, []);

  useEffect(() => {
    if (!dirty || hidden) return;
    setLeaveGuard((proceed) => setLeaving({ proceed }));
    return () => setLeaveGuard(null);
  }, [dirty, hidden]);
  if (hidden && leaving) setLeaving(null);
  useEffect(() => {
    if (!dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [dirty]);

  function leave() {
    const proceed = leaving?.proceed;
    setLeaving(null);
    setLeaveGuard(null);
    setDirtyForms(new Set());
    proceed?.();
  }

  useEffect(() => {
    void api.getSettings({}).then(setView, (err: unknown) => setError(caught(err)));
  }, []);

  function saved(next: SettingsView) {
    setView(next);
    void refresh();
  }

  const Form = section === 'operators' ? null : FORMS[section];

  return (
    <div
      className="side-layout settings"
      hidden={hidden}
      style={hidden ? { display: 'none' } : undefined}
      data-testid="settings-screen"
    >
      <nav className="side-nav" aria-label={t('settings.navLabel')}>
        <h1>{t('settings.title')}</h1>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s}>
              <a
                href={routeHref('settings', { section: s })}
                aria-current={s === section ? 'page' : undefined}
              >
                {t(`settings.sections.${s}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-body">
        {view?.problem && (
          <div className="settings-problem" role="alert" data-testid="settings-problem">
            <p>
              <strong>{t('settings.problem.title')}</strong>
            </p>
            <p>{t('settings.problem.todo')}</p>
            <small>{view.problem}</small>
          </div>
        )}
        {error && <ErrorNotice error={error} />}
        {section === 'operators' ? (
          <SectionDirty.Provider value={reportDirty}>
            <OperatorsSection />
          </SectionDirty.Provider>
        ) : !view ? (
          !error && <p className="muted">{t('settings.loading')}</p>
        ) : (
          Form && (
            <SectionDirty.Provider value={reportDirty}>
              <Form key={section} view={view} onSaved={saved} />
            </SectionDirty.Provider>
          )
        )}
      </div>
      {leaving !== null && (
        <div className="leave-backdrop">
          <div
            className="leave-dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="leave-title"
            aria-describedby="leave-text"
            data-testid="leave-dialog"
            onKeyDown={(e) => {
              if (e.key === 'Escape') setLeaving(null);
            }}
          >
            <h2 id="leave-title">{t('settings.leave.title')}</h2>
            <p id="leave-text">
              {t('settings.leave.text', { section: t(`settings.sections.${section}`) })}
            </p>
            <div className="leave-actions">
              <button type="button" autoFocus onClick={() => setLeaving(null)}>
                {t('settings.leave.stay')}
              </button>
              <button type="button" className="secondary" onClick={leave}>
                {t('settings.leave.discard')}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
