import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShippingStatus } from '../../../../shared/ops/shipping';
import { isSecureEndpoint, sameEndpoint } from '../../../../shared/settings';
import { api } from '../../api';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { dateTime } from '../../kit/date-time';
import { useStoreZone } from '../../shell/terminal-context';
import { focusFirstError, TextField, type FieldErrors } from '../../kit/form/form';
import type { ErrorInfo } from '../../../../shared/errors';
import { SectionForm, type SectionProps } from './SectionForm';

const ORDER = ['central.url', 'central.credential'];
const POLL_MS = 3_000;

/**
 * Head office: the collector this terminal ships its audit records to, its credential
 * (write-only, bound to the address like the AppSecret: a new address needs it typed again),
 * and how shipping is doing: connection state, records not shipped yet, last success.
 */
export function HeadOfficeSection({ view, onSaved }: SectionProps) {
  const { t, i18n } = useTranslation();
  const zone = useStoreZone();
  const saved = view.settings.central;
  const [url, setUrl] = useState(saved.url);
  const [credential, setCredential] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<ShippingStatus | null>(null);
  const [statusError, setStatusError] = useState<ErrorInfo | null>(null);
  const [clearing, setClearing] = useState(false);

  useEffect(() => {
    let live = true;
    const load = () =>
      api.getShippingStatus({}).then(
        (s) => {
          if (live) {
            setStatus(s);
            setStatusError(null);
          }
        },
        (err: unknown) => live && setStatusError(caught(err)),
      );
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [view]);

  const trimmed = url.trim();
  const storedFor = view.secretEndpoints.centralCredential;
  /** A stored credential would go to another address: it must be typed again. */
  const mustRetype =
    trimmed !== '' && view.secrets.centralCredential && !sameEndpoint(storedFor, trimmed);
  const dirty = trimmed !== saved.url || credential.trim() !== '';

  function save() {
    const found: FieldErrors = {};
    if (trimmed !== '') {
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(trimmed).protocol);
      } catch {
        ok = false;
      }
      if (!ok) found['central.url'] = t('setup.invalid.url');
      else if (!isSecureEndpoint(trimmed)) found['central.url'] = t('setup.invalid.urlNotSecure');
    }
    if (trimmed === '' && credential.trim() !== '') {
      found['central.url'] = t('errors.central_url_missing');
    }
    if (mustRetype && credential.trim() === '') {
      found['central.credential'] = t('setup.invalid.required');
    }
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found, ORDER);
      return null;
    }
    return api
      .updateSettings({
        central: { url: trimmed },
        ...(credential.trim() ? { centralCredential: credential.trim() } : {}),
      })
      .then((next) => {
        setCredential('');
        return next;
      });
  }

  async function clear() {
    setClearing(true);
    try {
      onSaved(await api.setSecret({ name: 'centralCredential', value: null }));
    } catch (err) {
      setStatusError(caught(err));
    } finally {
      setClearing(false);
    }
  }

  const when = (ms: number | undefined) =>
    ms === undefined
      ? t('settings.headOffice.never')
      : dateTime(ms, i18n.language, zone, { seconds: true });

  return (
    <>
      <SectionForm
        id="headOffice"
        title={t('settings.sections.headOffice')}
        intro={t('settings.headOffice.intro')}
        dirty={dirty}
        save={save}
        onSaved={onSaved}
      >
        <TextField
          id="central.url"
          label={t('settings.headOffice.url')}
          hint={t('settings.headOffice.urlHint')}
          type="url"
          value={url}
          spellCheck={false}
          onChange={(e) => setUrl(e.target.value)}
          error={errors['central.url']}
        />
        <TextField
          id="central.credential"
          label={
            mustRetype
              ? t('settings.headOffice.credentialRetype')
              : t('settings.headOffice.credential')
          }
          hint={
            view.secrets.centralCredential
              ? t('settings.headOffice.credentialSet', { url: storedFor ?? '—' })
              : t('settings.headOffice.credentialHint')
          }
          type="password"
          autoComplete="off"
          value={credential}
          onChange={(e) => setCredential(e.target.value)}
          error={errors['central.credential']}
        />
      </SectionForm>

      <section
        className="settings-section"
        aria-labelledby="shipping-title"
        data-testid="shipping-status"
      >
        <h2 id="shipping-title">{t('settings.headOffice.statusTitle')}</h2>
        {statusError && <ErrorNotice error={statusError} />}
        {status && (
          <dl className="shipping-status">
            <dt>{t('settings.headOffice.state')}</dt>
            <dd data-testid="shipping-state" data-state={status.state}>
              {t(`settings.headOffice.states.${status.state}`)}
              {status.lastError && status.state !== 'up_to_date' && (
                <> — {t(`settings.headOffice.errors.${status.lastError}`)}</>
              )}
            </dd>
            <dt>{t('settings.headOffice.behind')}</dt>
            <dd data-testid="shipping-behind">
              {status.behind === undefined
                ? t('settings.headOffice.unknown')
                : t('settings.headOffice.records', { count: status.behind })}
            </dd>
            <dt>{t('settings.headOffice.lastSuccess')}</dt>
            <dd data-testid="shipping-last-success">{when(status.lastSuccessAt)}</dd>
            {status.nextAttemptAt !== undefined && status.state === 'failing' && (
              <>
                <dt>{t('settings.headOffice.nextAttempt')}</dt>
                <dd>{when(status.nextAttemptAt)}</dd>
              </>
            )}
            {status.alerts > 0 && (
              <>
                <dt>{t('settings.headOffice.alerts')}</dt>
                <dd className="warning-note">{status.alerts}</dd>
              </>
            )}
            <dt>{t('settings.headOffice.installId')}</dt>
            <dd>
              <code>{status.installId}</code>
            </dd>
          </dl>
        )}
        {view.secrets.centralCredential && (
          <button
            type="button"
            className="secondary"
            disabled={clearing}
            onClick={() => void clear()}
          >
            {t('settings.headOffice.clearCredential')}
          </button>
        )}
      </section>
    </>
  );
}
