import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../../../shared/i18n';
import { api } from '../api';
import { setLanguage } from '../i18n';
import { routeHref, useRoute } from './route';
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
  return (
    <header className="topbar">
      <div className="brand">
        <span>{t('ui.app.title')}</span>
        <small>
          {config.terminalName} · {config.storeName}
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
      {operator && (
        <>
          <span className="operator" data-testid="operator-name">
            {operator.name} <small>· {t(`ui.roles.${operator.role}`)}</small>
          </span>
          <button type="button" className="secondary" onClick={() => void switchOperator(refresh)}>
            {t('ui.nav.switch')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => void api.signOut({}).then(refresh)}
          >
            {t('ui.nav.signOut')}
          </button>
        </>
      )}
      <a className="about-link" href={routeHref('about')}>
        {t('ui.nav.about')}
      </a>
      <LanguagePicker />
    </header>
  );
}
