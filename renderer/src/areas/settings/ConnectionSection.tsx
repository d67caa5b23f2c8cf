import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  isSecureEndpoint,
  isWeChatBaseUrl,
  liveBaseUrl,
  sameEndpoint,
  secretEndpoint,
  secretInUse,
  Settings,
  type SecretName,
  type SettingsView,
} from '../../../../shared/settings';
import { api } from '../../api';
import {
  ConnectionFields,
  TestConnection,
  usesAppSecret,
  validateLive,
  type ConnectionDraft,
} from '../../kit/form/ConnectionFields';
import {
  FieldMessages,
  focusFirstError,
  numberFrom,
  TextField,
  validate,
  type FieldErrors,
} from '../../kit/form/form';
import { SectionForm, type SectionProps } from './SectionForm';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { settingLimits } from '../../kit/form/setting-limits';

/** This section's secrets (the head office credential has its own section). */
type WeChatSecret = Exclude<SecretName, 'centralCredential'>;
const ApiSettings = Settings.shape.api.unwrap();
const ORDER = [
  'conn.appId',
  'conn.appSecret',
  'conn.tokenServiceUrl',
  'conn.tokenServiceAuth',
  'api.baseUrl',
  'api.confirmCustomBaseUrl',
  'api.connectTimeoutMs',
  'api.totalTimeoutMs',
  'api.settleWindowSeconds',
];
const SECRET_ORDER: WeChatSecret[] = ['appSecret', 'tokenServiceAuth'];
const RETYPE_LABEL: Record<WeChatSecret, string> = {
  appSecret: 'settings.connection.retypeAppSecret',
  tokenServiceAuth: 'settings.connection.retypeTokenServiceAuth',
};

/**
 * Sandbox or Live, the token provider, AppID, API address and timeouts; below the form, the
 * secrets (write-only: set or not set, replace, clear) and "Test connection". The host's rules
 * for endpoints are shown as field errors before anything is sent: Live mode over https (http
 * only on this computer), a confirmation for an API address other than WeChat's, and a stored
 * secret typed again when its address changes (it is only ever sent where it was entered for).
 */
export function ConnectionSection({ view, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const s = view.settings;
  const [conn, setConn] = useState<ConnectionDraft>({
    mode: s.mode,
    provider: s.live.provider,
    appId: s.live.appId,
    tokenServiceUrl: s.live.tokenServiceUrl,
  });
  const [baseUrl, setBaseUrl] = useState(s.api.baseUrl);
  const [connectMs, setConnectMs] = useState(String(s.api.connectTimeoutMs));
  const [totalMs, setTotalMs] = useState(String(s.api.totalTimeoutMs));
  const [settleS, setSettleS] = useState(String(s.api.settleWindowSeconds));
  const [errors, setErrors] = useState<FieldErrors>({});
  /** Secrets typed but not saved yet: "Test connection" tries them. */
  const [typed, setTyped] = useState<Record<WeChatSecret, string>>({
    appSecret: '',
    tokenServiceAuth: '',
  });
  /** Secrets typed again in the form because their address changes (sent with Save). */
  const [retyped, setRetyped] = useState<Record<WeChatSecret, string>>({
    appSecret: '',
    tokenServiceAuth: '',
  });
  const [confirmBase, setConfirmBase] = useState(false);

  const apiDraft = {
    baseUrl,
    connectTimeoutMs: numberFrom(connectMs),
    totalTimeoutMs: numberFrom(totalMs),
    settleWindowSeconds: numberFrom(settleS),
  };
  const dirty =
    conn.mode !== s.mode ||
    conn.provider !== s.live.provider ||
    conn.appId !== s.live.appId ||
    conn.tokenServiceUrl !== s.live.tokenServiceUrl ||
    baseUrl !== s.api.baseUrl ||
    apiDraft.connectTimeoutMs !== s.api.connectTimeoutMs ||
    apiDraft.totalTimeoutMs !== s.api.totalTimeoutMs ||
    apiDraft.settleWindowSeconds !== s.api.settleWindowSeconds;

  const draftEndpoints = {
    mode: conn.mode,
    live: { provider: conn.provider, tokenServiceUrl: conn.tokenServiceUrl },
    api: { baseUrl },
  };
  /** A stored secret the draft would use at an address other than the one it was entered for. */
  const mustRetype = (name: WeChatSecret) =>
    secretInUse(name, draftEndpoints) &&
    view.secrets[name] &&
    !sameEndpoint(view.secretEndpoints[name], secretEndpoint(name, draftEndpoints));
  /** Live requests would go to an address not WeChat's that was not confirmed before. */
  const needsConfirm =
    conn.mode === 'live' &&
    !isWeChatBaseUrl(baseUrl) &&
    liveBaseUrl(draftEndpoints) !== liveBaseUrl(s);

  function retypeField(name: WeChatSecret) {
    if (!mustRetype(name)) return null;
    const id = `conn.${name}`;
    return (
      <TextField
        id={id}
        label={t(RETYPE_LABEL[name])}
        hint={t(`${RETYPE_LABEL[name]}Hint`, { url: view.secretEndpoints[name] ?? '—' })}
        type="password"
        autoComplete="off"
        value={retyped[name]}
        onChange={(e) => setRetyped((v) => ({ ...v, [name]: e.target.value }))}
        error={errors[id]}
      />
    );
  }

  /** Validates the form; what only saving needs (confirmation, secrets again) when `forSave`. */
  function check(forSave: boolean) {
    const live = validateLive(t, conn, 'conn.');
    const apiResult = validate(t, ApiSettings, apiDraft, {
      prefix: 'api.',
      overrides: { baseUrl: 'setup.invalid.url' },
    });
    // In Sandbox the Live fields are hidden: their errors do not block, the saved ones stay.
    const found = { ...(conn.mode === 'live' ? live.errors : {}), ...apiResult.errors };
    if (
      apiResult.ok &&
      apiResult.data.totalTimeoutMs < apiResult.data.connectTimeoutMs &&
      !found['api.totalTimeoutMs']
    ) {
      found['api.totalTimeoutMs'] = t('settings.connection.totalBelowConnect');
    }
    if (conn.mode === 'live' && !found['api.baseUrl'] && !isSecureEndpoint(baseUrl)) {
      found['api.baseUrl'] = t('setup.invalid.urlNotSecure');
    }
    if (forSave && needsConfirm && !confirmBase) {
      found['api.confirmCustomBaseUrl'] = t('settings.connection.confirmBaseUrlRequired');
    }
    for (const name of SECRET_ORDER) {
      if (forSave && mustRetype(name) && !retyped[name].trim()) {
        found[`conn.${name}`] = t('setup.invalid.required');
      }
    }
    setErrors(found);
    if (Object.keys(found).length > 0 || !apiResult.ok) {
      focusFirstError(found, ORDER);
      return null;
    }
    return { live: live.live ?? s.live, api: apiResult.data };
  }

  function save() {
    const valid = check(true);
    if (!valid) return null;
    const again = (name: WeChatSecret) =>
      mustRetype(name) && retyped[name].trim() ? { [name]: retyped[name].trim() } : {};
    return api
      .updateSettings({
        mode: conn.mode,
        live: valid.live,
        api: valid.api,
        ...again('appSecret'),
        ...again('tokenServiceAuth'),
        ...(needsConfirm && confirmBase ? { confirmCustomBaseUrl: true as const } : {}),
      })
      .then((saved) => {
        setRetyped({ appSecret: '', tokenServiceAuth: '' });
        setConfirmBase(false);
        return saved;
      });
  }

  const secretMissing =
    conn.mode === 'live' && (usesAppSecret(conn.provider) ? !view.secrets.appSecret : false);

  return (
    <>
      <SectionForm
        id="connection"
        title={t('settings.sections.connection')}
        intro={t('settings.connection.intro')}
        dirty={dirty}
        save={save}
        onSaved={onSaved}
        note={
          secretMissing && (
            <p className="warning-note" data-testid="secret-missing">
              <span aria-hidden="true">⚠ </span>
              {t('settings.connection.secretMissing')}
            </p>
          )
        }
      >
        <ConnectionFields
          prefix="conn."
          draft={conn}
          onChange={setConn}
          errors={errors}
          appSecretSlot={retypeField('appSecret')}
          authSlot={retypeField('tokenServiceAuth')}
          extra={
            <fieldset className="choices group">
              <legend>{t('settings.connection.advanced')}</legend>
              <div className="field-grid three">
                <TextField
                  id="api.baseUrl"
                  className="span-all"
                  label={t('settings.connection.baseUrl')}
                  hint={t('settings.connection.baseUrlHint')}
                  type="url"
                  value={baseUrl}
                  spellCheck={false}
                  onChange={(e) => setBaseUrl(e.target.value)}
                  error={errors['api.baseUrl']}
                />
                {needsConfirm && (
                  <ConfirmField
                    id="api.confirmCustomBaseUrl"
                    label={t('settings.connection.confirmBaseUrl', { url: baseUrl.trim() })}
                    hint={t('settings.connection.confirmBaseUrlHint')}
                    checked={confirmBase}
                    onChange={setConfirmBase}
                    error={errors['api.confirmCustomBaseUrl']}
                  />
                )}
                <TextField
                  id="api.connectTimeoutMs"
                  label={t('settings.connection.connectTimeout')}
                  hint={t('settings.connection.connectTimeoutHint')}
                  type="number"
                  {...settingLimits('api.connectTimeoutMs')}
                  step={100}
                  unit={t('settings.units.ms')}
                  value={connectMs}
                  onChange={(e) => setConnectMs(e.target.value)}
                  error={errors['api.connectTimeoutMs']}
                />
                <TextField
                  id="api.totalTimeoutMs"
                  label={t('settings.connection.totalTimeout')}
                  hint={t('settings.connection.totalTimeoutHint')}
                  type="number"
                  {...settingLimits('api.totalTimeoutMs')}
                  step={100}
                  unit={t('settings.units.ms')}
                  value={totalMs}
                  onChange={(e) => setTotalMs(e.target.value)}
                  error={errors['api.totalTimeoutMs']}
                />
                <TextField
                  id="api.settleWindowSeconds"
                  label={t('settings.connection.settleWindow')}
                  hint={t('settings.connection.settleWindowHint')}
                  type="number"
                  {...settingLimits('api.settleWindowSeconds')}
                  step={10}
                  unit={t('settings.units.seconds')}
                  value={settleS}
                  onChange={(e) => setSettleS(e.target.value)}
                  error={errors['api.settleWindowSeconds']}
                />
              </div>
            </fieldset>
          }
        />
      </SectionForm>

      <section className="settings-section" aria-labelledby="secrets-title">
        <h2 id="secrets-title">{t('settings.secrets.title')}</h2>
        <p className="muted section-intro" data-testid="secret-storage">
          {t(`settings.secrets.storage.${view.secretStorage}`)}
        </p>
        <div className="secret-list">
          {SECRET_ORDER.map((name) => (
            <SecretRow
              key={name}
              name={name}
              isSet={view.secrets[name]}
              value={typed[name]}
              onType={(value) => setTyped((v) => ({ ...v, [name]: value }))}
              onSaved={onSaved}
            />
          ))}
        </div>
      </section>

      <section className="settings-section" aria-labelledby="test-title">
        <h2 id="test-title">{t('setup.test.button')}</h2>
        <p className="muted section-intro">{t('settings.connection.testIntro')}</p>
        <TestConnection
          build={() => {
            const valid = check(false);
            if (!valid) return null;
            // A secret typed for the new address first, else one typed below but not saved;
            // without either the host uses the saved one only where it was entered for.
            const secret = retyped.appSecret.trim() || typed.appSecret.trim();
            const auth = retyped.tokenServiceAuth.trim() || typed.tokenServiceAuth.trim();
            return {
              mode: conn.mode,
              ...(conn.mode === 'live' ? { live: valid.live } : {}),
              baseUrl: valid.api.baseUrl,
              ...(secret ? { appSecret: secret } : {}),
              ...(auth ? { tokenServiceAuth: auth } : {}),
            };
          }}
        />
      </section>
    </>
  );
}

/** A checkbox that must be ticked deliberately, with its hint and its error. */
function ConfirmField({
  id,
  label,
  hint,
  checked,
  onChange,
  error,
}: {
  id: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string | undefined;
}) {
  return (
    <div className="field span-all">
      <label className="check" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          aria-invalid={error ? true : undefined}
          aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span>{label}</span>
      </label>
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}

/** One secret, write-only: whether it is set, a field to replace it, a button to clear it. */
function SecretRow({
  name,
  isSet,
  value,
  onType,
  onSaved,
}: {
  name: WeChatSecret;
  isSet: boolean;
  value: string;
  onType: (value: string) => void;
  onSaved: (view: SettingsView) => void;
}) {
  const { t } = useTranslation();
  const k = (key: string) => t(`settings.secrets.${name}.${key}`);
  const label = k('title');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const id = `secret.${name}`;

  async function run(next: string | null) {
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      const view = await api.setSecret({ name, value: next });
      onType('');
      setConfirming(false);
      setMessage(next === null ? k('cleared') : k('saved'));
      onSaved(view);
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!value.trim()) {
      setFieldError(t('setup.invalid.required'));
      document.getElementById(id)?.focus();
      return;
    }
    if (value.trim().length > 256) {
      setFieldError(t('setup.invalid.tooLong', { max: 256 }));
      return;
    }
    setFieldError(undefined);
    void run(value);
  }

  return (
    <form className="secret-row" onSubmit={submit} noValidate aria-label={label}>
      <div className="secret-head">
        <strong>{label}</strong>
        <span
          className={`secret-state ${isSet ? 'set' : 'unset'}`}
          data-testid={`secret-state-${name}`}
        >
          <span aria-hidden="true">{isSet ? '● ' : '○ '}</span>
          {isSet ? t('settings.secrets.set') : t('settings.secrets.notSet')}
        </span>
        <small className="muted">{k('usedBy')}</small>
      </div>
      <div className="secret-edit">
        <TextField
          id={id}
          className="field--grow"
          label={isSet ? k('replace') : k('enter')}
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => onType(e.target.value)}
          error={fieldError}
        />
        <button type="submit" disabled={busy}>
          {t('settings.secrets.save')}
        </button>
        {isSet && !confirming && (
          <button
            type="button"
            className="danger-outline"
            disabled={busy}
            onClick={() => setConfirming(true)}
          >
            {t('settings.secrets.clear')}
          </button>
        )}
      </div>
      {confirming && (
        <div className="confirm-box" role="alertdialog" aria-label={label}>
          <p>
            <span aria-hidden="true">⚠ </span>
            {k('clearConfirm')}
          </p>
          <div className="confirm-actions">
            <button type="button" className="danger" disabled={busy} onClick={() => void run(null)}>
              {k('clearYes')}
            </button>
            <button
              type="button"
              className="secondary"
              autoFocus
              onClick={() => setConfirming(false)}
            >
              {t('settings.cancel')}
            </button>
          </div>
        </div>
      )}
      {message && (
        <p className="saved" role="status">
          <span aria-hidden="true">✓ </span>
          {message}
        </p>
      )}
      {error && <ErrorNotice error={error} />}
    </form>
  );
}
