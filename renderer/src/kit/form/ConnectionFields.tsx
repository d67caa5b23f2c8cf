/**
 * The connection part of the wizard and of Settings → Connection: Sandbox or Live, how the
 * access token is fetched, AppID and token service URL, and the "Test connection" button.
 * Secrets are passed in as slots, because the wizard asks for them plainly while Settings
 * shows them write-only ("set" / "not set", replace, clear).
 */
import { useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type {
  ConnectionTestInput,
  ConnectionTestResult,
  Mode,
} from '../../../../shared/ops/account';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  isSecureEndpoint,
  LiveSettings,
  type TokenProviderKind,
} from '../../../../shared/settings';
import { api } from '../../api';
import { ChoiceCards, TextField, validate, type FieldErrors } from './form';
import { caught, ErrorNotice } from '../errors/ErrorNotice';

export interface ConnectionDraft {
  mode: Mode;
  provider: TokenProviderKind;
  appId: string;
  tokenServiceUrl: string;
}

export const usesAppSecret = (provider: TokenProviderKind) => provider !== 'token_service';

/**
 * Checks the Live fields with the host's LiveSettings schema, plus what Live needs on top
 * (the host's own check when saving): an AppID for stable_token and classic, a URL for a
 * token service, reached over https. Returns the parsed LiveSettings when valid.
 */
export function validateLive(
  t: TFunction,
  draft: ConnectionDraft,
  prefix: string,
): { live?: LiveSettings; errors: FieldErrors } {
  const result = validate(
    t,
    LiveSettings,
    { provider: draft.provider, appId: draft.appId, tokenServiceUrl: draft.tokenServiceUrl },
    { prefix, overrides: { appId: 'setup.invalid.appId', tokenServiceUrl: 'setup.invalid.url' } },
  );
  const errors = { ...result.errors };
  if (draft.mode === 'live') {
    if (usesAppSecret(draft.provider) && !draft.appId.trim()) {
      errors[`${prefix}appId`] ??= t('setup.invalid.appIdRequired');
    }
    if (draft.provider === 'token_service' && !draft.tokenServiceUrl.trim()) {
      errors[`${prefix}tokenServiceUrl`] ??= t('setup.invalid.urlRequired');
    }
    // The host's rule: credentials and tokens travel over https (http only on this computer).
    if (draft.provider === 'token_service' && !isSecureEndpoint(draft.tokenServiceUrl)) {
      errors[`${prefix}tokenServiceUrl`] ??= t('setup.invalid.urlNotSecure');
    }
  }
  return result.ok && Object.keys(errors).length === 0 ? { live: result.data, errors } : { errors };
}

export function ConnectionFields({
  prefix,
  draft,
  onChange,
  errors,
  appSecretSlot,
  authSlot,
  extra,
}: {
  /** Prefix of the field ids, so errors can focus them. */
  prefix: string;
  draft: ConnectionDraft;
  onChange: (draft: ConnectionDraft) => void;
  errors: FieldErrors;
  appSecretSlot: ReactNode;
  authSlot: ReactNode;
  /** Shown after the Live fields, in both modes (Settings: API address and timeouts). */
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<ConnectionDraft>) => onChange({ ...draft, ...patch });
  return (
    <>
      <ChoiceCards<Mode>
        name={`${prefix}mode`}
        legend={t('setup.fields.mode')}
        value={draft.mode}
        onChange={(mode) => set({ mode })}
        columns={2}
        options={[
          {
            value: 'sandbox',
            label: t('setup.fields.sandbox'),
            hint: t('setup.fields.sandboxHint'),
          },
          { value: 'live', label: t('setup.fields.live'), hint: t('setup.fields.liveHint') },
        ]}
      />
      {draft.mode === 'live' && (
        <div className="live-fields">
          <ChoiceCards<TokenProviderKind>
            name={`${prefix}provider`}
            legend={t('setup.fields.provider')}
            value={draft.provider}
            onChange={(provider) => set({ provider })}
            columns={3}
            options={(['stable_token', 'classic', 'token_service'] as const).map((p) => ({
              value: p,
              label: t(`setup.fields.${p}`),
              hint: t(`setup.fields.${p}Hint`),
            }))}
          />
          {draft.provider === 'classic' && (
            <p className="warning-note" role="note" data-testid="classic-warning">
              <span aria-hidden="true">⚠ </span>
              {t('setup.fields.classicWarning')}
            </p>
          )}
          <div className="field-grid">
            <TextField
              id={`${prefix}appId`}
              label={
                usesAppSecret(draft.provider)
                  ? t('setup.fields.appId')
                  : t('setup.fields.appIdOptional')
              }
              hint={
                // The prefix is what the manager types: a code, not a word to translate.
                <Trans
                  i18nKey="setup.fields.appIdHint"
                  components={{ code: <code translate="no" /> }}
                />
              }
              value={draft.appId}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set({ appId: e.target.value })}
              error={errors[`${prefix}appId`]}
            />
            {usesAppSecret(draft.provider) && appSecretSlot}
          </div>
          {draft.provider === 'token_service' && (
            <div className="field-grid">
              <TextField
                id={`${prefix}tokenServiceUrl`}
                label={t('setup.fields.tokenServiceUrl')}
                hint={t('setup.fields.tokenServiceUrlHint')}
                type="url"
                value={draft.tokenServiceUrl}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => set({ tokenServiceUrl: e.target.value })}
                error={errors[`${prefix}tokenServiceUrl`]}
              />
              {authSlot}
            </div>
          )}
        </div>
      )}
      {extra}
    </>
  );
}

type TestResult = z.infer<typeof ConnectionTestResult>;

/**
 * "Test connection": `build` validates the form and returns what to test (or null, having
 * shown the field errors); the result is the host's own message (i18n key and params).
 */
export function TestConnection({
  build,
}: {
  build: () => z.input<typeof ConnectionTestInput> | null;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function run() {
    const input = build();
    if (!input) return;
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      setResult(await api.testConnection(input));
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="test-connection">
      <button type="button" className="secondary" disabled={busy} onClick={() => void run()}>
        {busy ? t('setup.test.running') : t('setup.test.button')}
      </button>
      <div aria-live="polite" className="test-result-area">
        {result && (
          <p
            className={`test-result ${result.ok ? 'ok' : 'bad'}`}
            data-testid="test-connection-result"
          >
            <strong>
              <span aria-hidden="true">{result.ok ? '✓ ' : '✗ '}</span>
              {result.ok ? t('setup.test.ok') : t('setup.test.failed')}
            </strong>{' '}
            {t(result.key, { ...result.params, defaultValue: t('setup.test.noDetail') })}
            <small className="errcode">
              {result.errcode !== undefined &&
                `${t('ui.app.errcode', { errcode: result.errcode })} · `}
              {t('setup.test.duration', { ms: result.durationMs })}
            </small>
          </p>
        )}
        {error && <ErrorNotice error={error} />}
      </div>
    </div>
  );
}
