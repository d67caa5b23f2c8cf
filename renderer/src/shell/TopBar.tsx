import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../../../shared/i18n';
import { api } from '../api';
import { setLanguage } from '../i18n';
import { guardedLeave, routeHref, useRoute } from './route';
import { switchOperator } from './switch-operator';
import { useTerminal } from './terminal-context';

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

function LanguagePicker() {
  const { t, i18n } = useTranslation();
  return (
    <select
      className="lang"
      aria-label={t('ui.app.language')}
      value={i18n.language}
      onChange={(e) => void setLanguage(e.target.value as Language)}
    >
      {LANGUAGES.map((lang) => (
        <option key={lang} value={lang}>
          {LANGUAGE_NAMES[lang]}
        </option>
      ))}
    </select>
  );
}

/**
 * The signed-in operator as a button opening the operator's menu: switch operator, sign out,
 * about. One button instead of four keeps the bar on one line at 1024 px in both languages
 * with a manager's six tabs.
 */
function OperatorMenu({
  name,
  role,
  onLock,
  onSignOut,
}: {
  name: string;
  role: string;
  onLock: () => void;
  onSignOut: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);
  return (
    <div className="operator-menu" ref={box}>
      <button
        type="button"
        className="operator-button"
        aria-expanded={open}
        aria-controls="operator-menu-items"
        aria-haspopup="true"
        title={t('ui.nav.operatorMenu')}
        data-testid="operator-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <span className="operator" data-testid="operator-name">
          <span data-merchant="">{name}</span> <small>· {role}</small>
        </span>
        <span aria-hidden="true" className="operator-caret">
          ▾
        </span>
      </button>
      {open && (
        <div className="operator-menu-items" id="operator-menu-items">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setOpen(false);
              onLock();
            }}
          >
            {t('ui.nav.switch')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setOpen(false);
              onSignOut();
            }}
          >
            {t('ui.nav.signOut')}
          </button>
          <a className="topbar-link" href={routeHref('about')} onClick={() => setOpen(false)}>
            {t('ui.nav.about')}
          </a>
        </div>
      )}
    </div>
  );
}

export function TopBar() {
  const { t } = useTranslation();
  const { config, session, pending, refresh } = useTerminal();
  const pendingCount = (pending?.unsettled.length ?? 0) + (pending?.outbox ?? 0);
  const [route] = useRoute();
  const operator = session.locked ? undefined : session.operator;
  const manager = operator?.role === 'manager';
  const tabs = operator
    ? [
        { screen: 'counter', label: t('ui.nav.counter') },
        { screen: 'refunds', label: t('ui.nav.refunds') },
        { screen: 'audit', label: t('ui.nav.audit') },
        ...(manager ? [{ screen: 'office', label: t('ui.nav.office') }] : []),
        ...(config.mode === 'sandbox' ? [{ screen: 'demo', label: t('ui.nav.demo') }] : []),
        ...(manager ? [{ screen: 'settings', label: t('ui.nav.settings') }] : []),
      ]
    : [];
  const where = `${config.terminalName} · ${config.storeName}`;
  return (
    <header className="topbar">
      <div className="brand">
        <span>{t('ui.app.brand')}</span>
        <small title={where} data-merchant="">
          {where}
        </small>
      </div>
      <nav className="tabs" aria-label={t('ui.nav.label')}>
        {tabs.map((tab) => (
          <a
            key={tab.screen}
            href={routeHref(tab.screen)}
            aria-current={route.screen === tab.screen ? 'page' : undefined}
          >
            {tab.label}
          </a>
        ))}
      </nav>
      <span className="spacer" />
      {config.mode === 'live' && <span className="badge live">{t('ui.app.liveBadge')}</span>}
      {pendingCount > 0 && (
        <span className="badge pending" data-testid="pending-badge">
          {t('ui.counter.pending', { count: pendingCount })}
        </span>
      )}
      {operator ? (
        <OperatorMenu
          name={operator.name}
          role={t(`ui.roles.${operator.role}`)}
          // Unsaved edits (settings) are asked about first, as any other way out.
          onLock={() => guardedLeave(() => void switchOperator(refresh))}
          onSignOut={() => guardedLeave(() => void api.signOut({}).then(refresh))}
        />
      ) : (
        <a className="topbar-link" href={routeHref('about')}>
          {t('ui.nav.about')}
        </a>
      )}
      <LanguagePicker />
    </header>
  );
}
