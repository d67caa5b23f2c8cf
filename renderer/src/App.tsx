import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../shared/contract';
import { LANGUAGES, type Language } from '../../shared/i18n';
import { setLanguage } from './i18n';
import { CounterScreen } from './screens/CounterScreen';

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

export function App({ info }: { info: AppInfo }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="app">
      {info.mode === 'sandbox' && (
        <div className="sandbox-banner" role="status">
          {t('ui.app.sandboxBanner')}
        </div>
      )}
      <header className="topbar">
        <span className="brand">{t('ui.app.title')}</span>
        <span className="spacer" />
        <label className="lang">
          <span className="sr-only">{t('ui.app.language')}</span>
          <select
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
        </label>
      </header>
      <main className="content">
        <CounterScreen />
      </main>
    </div>
  );
}
