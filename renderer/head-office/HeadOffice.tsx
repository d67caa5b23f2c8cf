/**
 * Head office's page: sign-in, then the chain-wide journal, the summary per store and
 * terminal, the terminals behind or with chain alerts, and the reconciliation with WeChat's
 * statistics, and for admins the terminal credentials, store mapping and users. What a role may see is decided by the collector; the page only shows it.
 */
import i18next from 'i18next';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roleAtLeast, type Me } from '../../shared/head-office';
import { LANGUAGES, type Language } from '../../shared/i18n';
import { AdminSection } from './AdminSection';
import { JournalSection } from './JournalSection';
import { officeApi, ApiError } from './office-api';
import { ReconciliationSection } from './ReconciliationSection';
import { SummarySection } from './SummarySection';
import { TerminalsSection } from './TerminalsSection';

export const LANGUAGE_KEY = 'carddesk.office.language';
const SECTIONS = ['journal', 'summary', 'terminals', 'reconciliation', 'admin'] as const;
type Section = (typeof SECTIONS)[number];

function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const set = (lang: Language) => {
    localStorage.setItem(LANGUAGE_KEY, lang);
    void i18next.changeLanguage(lang);
  };
  return (
    <div className="ho-lang" role="group" aria-label={t('headOffice.language')}>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          aria-pressed={i18n.language === l}
          onClick={() => set(l)}
          lang={l}
        >
          {l === 'zh-CN' ? '中文' : 'English'}
        </button>
      ))}
    </div>
  );
}

function SignIn({ onSignedIn, expired }: { onSignedIn: (me: Me) => void; expired: boolean }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await officeApi.signIn(name, password));
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('headOffice.signIn.wrong')
          : err instanceof ApiError && err.status === 429
            ? t('headOffice.signIn.locked')
            : t('headOffice.common.failed', { message: (err as Error).message }),
      );
      setBusy(false);
    }
  };
  return (
    <main className="ho-signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="ho-signin-title">
        <h1 id="ho-signin-title">{t('headOffice.signIn.heading')}</h1>
        {expired && !error && <p className="ho-note">{t('headOffice.common.expired')}</p>}
        <label>
          {t('headOffice.signIn.name')}
          <input
            autoComplete="username"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          {t('headOffice.signIn.password')}
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="ho-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="ho-primary" disabled={busy}>
          {busy ? t('headOffice.signIn.busy') : t('headOffice.signIn.submit')}
        </button>
        <p className="ho-hint">{t('headOffice.signIn.hint')}</p>
      </form>
    </main>
  );
}

export function HeadOffice() {
  const { t } = useTranslation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const [section, setSection] = useState<Section>('journal');

  useEffect(() => {
    officeApi.me().then(setMe, () => setMe(null));
  }, []);
  useEffect(() => {
    document.title = t('headOffice.title');
  }, [t]);

  /** A 401 anywhere: the session has ended. */
  const onError = useCallback((err: unknown) => {
    if (err instanceof ApiError && err.status === 401) {
      setExpired(true);
      setMe(null);
    }
  }, []);

  if (me === undefined) return <p className="ho-note">{t('headOffice.common.loading')}</p>;
  return (
    <div className="ho-shell">
      <header className="ho-top">
        <strong className="ho-brand">{t('headOffice.title')}</strong>
        <span className="ho-spacer" />
        <LanguagePicker />
        {me && (
          <>
            <span className="ho-user" data-testid="ho-user">
              {me.name} · {t(`headOffice.roles.${me.role}`)}
            </span>
            <button
              type="button"
              onClick={() => {
                void officeApi.signOut().finally(() => {
                  setExpired(false);
                  setMe(null);
                });
              }}
            >
              {t('headOffice.signOut')}
            </button>
          </>
        )}
      </header>
      {me === null ? (
        <SignIn
          expired={expired}
          onSignedIn={(m) => {
            setExpired(false);
            setSection('journal');
            setMe(m);
          }}
        />
      ) : (
        <>
          <nav className="ho-nav" aria-label={t('headOffice.nav.label')}>
            {SECTIONS.filter((s) => s !== 'admin' || roleAtLeast(me.role, 'admin')).map((s) => (
              <button
                key={s}
                type="button"
                aria-current={section === s ? 'page' : undefined}
                onClick={() => setSection(s)}
              >
                {t(`headOffice.nav.${s}`)}
              </button>
            ))}
          </nav>
          <main className="ho-main">
            {section === 'journal' && <JournalSection me={me} onError={onError} />}
            {section === 'summary' && <SummarySection onError={onError} />}
            {section === 'terminals' && <TerminalsSection onError={onError} />}
            {section === 'reconciliation' && <ReconciliationSection onError={onError} />}
            {section === 'admin' && roleAtLeast(me.role, 'admin') && (
              <AdminSection me={me} onError={onError} />
            )}
          </main>
        </>
      )}
    </div>
  );
}
