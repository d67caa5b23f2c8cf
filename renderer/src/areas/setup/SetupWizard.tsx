import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SetupInput, type AppInfo } from '../../../../shared/ops/account';
import type { ErrorInfo } from '../../../../shared/errors';
import { isLanguage, LANGUAGES, type Language } from '../../../../shared/i18n';
import { api } from '../../api';
import {
  ConnectionFields,
  TestConnection,
  usesAppSecret,
  validateLive,
  type ConnectionDraft,
} from '../../kit/form/ConnectionFields';
import {
  ChoiceCards,
  focusFirstError,
  TextField,
  validate,
  type FieldErrors,
} from '../../kit/form/form';
import { RecoveryNote, type Recovery } from '../../kit/form/RecoveryNote';
import { setLanguage } from '../../i18n';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { checkPinRepeat, OperatorFields } from '../../kit/form/OperatorFields';
import { TimeZoneField } from '../../kit/form/TimeZoneField';
import { DEFAULT_TIME_ZONE } from '../../../../shared/time-zone';

const STEPS = ['terminal', 'connection', 'manager'] as const;
const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

/** Field ids in screen order, per step, so the first wrong one gets the focus. */
const FIELD_ORDER = [
  ['terminalName', 'terminalId', 'storeName', 'poiId', 'timeZone'],
  ['appId', 'appSecret', 'tokenServiceUrl', 'tokenServiceAuth'],
  ['manager.id', 'manager.name', 'manager.pin', 'pinRepeat'],
] as const;

interface Draft extends ConnectionDraft {
  terminalName: string;
  terminalId: string;
  storeName: string;
  poiId: string;
  timeZone: string;
  appSecret: string;
  tokenServiceAuth: string;
  managerId: string;
  managerName: string;
  pin: string;
  pinRepeat: string;
}

const SUGGESTED_ID = 'T-01';

const EMPTY: Draft = {
  terminalName: '',
  terminalId: '',
  storeName: '',
  poiId: '',
  timeZone: DEFAULT_TIME_ZONE,
  mode: 'sandbox',
  provider: 'stable_token',
  appId: '',
  tokenServiceUrl: '',
  appSecret: '',
  tokenServiceAuth: '',
  managerId: '',
  managerName: '',
  pin: '',
  pinRepeat: '',
};

const MANAGER_IDS = {
  id: 'manager.id',
  name: 'manager.name',
  pin: 'manager.pin',
  repeat: 'pinRepeat',
};

/** The optional store id: empty is "none", anything but digits is refused by the schema. */
function poiIdValue(text: string): number | undefined {
  const v = text.trim();
  if (!v) return undefined;
  return /^\d+$/.test(v) ? Number(v) : Number.NaN;
}

/** First start: terminal and store, connection, first manager; then signed in as that manager. */
export function SetupWizard({
  info,
  onDone,
}: {
  info: AppInfo;
  onDone: (lang: Language) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const [step, setStep] = useState(0);
  // A suggested terminal name and id, so that a new user reaches the counter in a few keys.
  const [draft, setDraft] = useState<Draft>(() => ({
    ...EMPTY,
    terminalName: t('setup.suggest.terminalName'),
    terminalId: SUGGESTED_ID,
  }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [serverError, setServerError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  /** Set when the host refused set-up because this terminal was set up before. */
  const [recovery, setRecovery] = useState<Recovery | undefined>();
  const stepRef = useRef<HTMLDivElement>(null);
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';

  useEffect(() => {
    void api
      .getSetupState({})
      .then((s) => setProblem(s.problem))
      .catch(() => undefined);
  }, []);

  // The first field of each step gets the focus (a checked radio stands for its group).
  useEffect(() => {
    stepRef.current
      ?.querySelector<HTMLElement>(
        'input[type="radio"]:checked, input:not([type="radio"]), select, textarea',
      )
      ?.focus();
  }, [step]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  function validateStep(n: number): FieldErrors {
    if (n === 0) {
      return validate(
        t,
        SetupInput.pick({
          terminalName: true,
          terminalId: true,
          storeName: true,
          poiId: true,
          timeZone: true,
        }),
        {
          terminalName: draft.terminalName,
          terminalId: draft.terminalId,
          storeName: draft.storeName,
          poiId: poiIdValue(draft.poiId),
          timeZone: draft.timeZone,
        },
        {
          overrides: {
            terminalId: 'setup.invalid.terminalId',
            poiId: 'setup.invalid.poiId',
            timeZone: 'timeZone.invalid',
          },
        },
      ).errors;
    }
    if (n === 1) {
      if (draft.mode === 'sandbox') return {};
      const { errors: e } = validateLive(t, draft, '');
      if (usesAppSecret(draft.provider)) {
        const secret = validate(t, SetupInput.shape.appSecret, draft.appSecret || undefined, {
          prefix: 'appSecret',
        });
        if (!draft.appSecret.trim()) e.appSecret = t('setup.invalid.appSecretRequired');
        else Object.assign(e, secret.errors);
      } else if (draft.tokenServiceAuth) {
        Object.assign(
          e,
          validate(t, SetupInput.shape.tokenServiceAuth, draft.tokenServiceAuth, {
            prefix: 'tokenServiceAuth',
          }).errors,
        );
      }
      return e;
    }
    const e = validate(
      t,
      SetupInput.shape.manager,
      { id: draft.managerId, name: draft.managerName, pin: draft.pin },
      {
        prefix: 'manager.',
        overrides: { id: 'setup.invalid.operatorId', pin: 'setup.invalid.pin' },
      },
    ).errors;
    return checkPinRepeat(e, MANAGER_IDS, { pin: draft.pin, repeat: draft.pinRepeat }, t);
  }

  function input(): SetupInput {
    const live = draft.mode === 'live';
    const poiId = poiIdValue(draft.poiId);
    return {
      terminalName: draft.terminalName,
      terminalId: draft.terminalId,
      storeName: draft.storeName,
      ...(poiId !== undefined ? { poiId } : {}),
      language,
      timeZone: draft.timeZone,
      mode: draft.mode,
      ...(live
        ? {
            live: {
              provider: draft.provider,
              appId: draft.appId.trim(),
              tokenServiceUrl:
                draft.provider === 'token_service' ? draft.tokenServiceUrl.trim() : '',
            },
          }
        : {}),
      ...(live && usesAppSecret(draft.provider) && draft.appSecret.trim()
        ? { appSecret: draft.appSecret }
        : {}),
      ...(live && draft.provider === 'token_service' && draft.tokenServiceAuth.trim()
        ? { tokenServiceAuth: draft.tokenServiceAuth }
        : {}),
      manager: { id: draft.managerId, name: draft.managerName, pin: draft.pin },
    };
  }

  async function next(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const found = validateStep(step);
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0) {
      focusFirstError(found, FIELD_ORDER[step] ?? []);
      return;
    }
    if (step < STEPS.length - 1) {
      setStep(step + 1);
      return;
    }
    setBusy(true);
    try {
      await api.completeSetup(input());
      await onDone(language);
    } catch (err) {
      const error = caught(err);
      setServerError(error);
      setBusy(false);
      // Set up before (in another window, or its files went missing): say how to recover.
      if (error.kind === 'forbidden') {
        const state = await api.getSetupState({}).catch(() => undefined);
        setRecovery(state?.recovery);
      }
    }
  }

  function back() {
    setErrors({});
    setServerError(null);
    setStep((s) => Math.max(0, s - 1));
  }

  // Enter on a radio button or checkbox advances too (a text field does so by itself).
  function onKeyDown(e: KeyboardEvent<HTMLFormElement>) {
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && target instanceof HTMLInputElement) {
      if (target.type === 'radio' || target.type === 'checkbox') {
        e.preventDefault();
        e.currentTarget.requestSubmit();
      }
    }
  }

  const stepName = STEPS[step] ?? 'terminal';

  return (
    <section className="wizard">
      <form
        className="panel wizard-panel"
        onSubmit={(e) => void next(e)}
        onKeyDown={onKeyDown}
        noValidate
        aria-labelledby="wizard-title"
      >
        <header className="wizard-head">
          <h1 id="wizard-title">{t('setup.title')}</h1>
          <p className="wizard-progress" data-testid="wizard-progress">
            {t('setup.progress', { step: step + 1, total: STEPS.length })}
          </p>
          <ol className="wizard-steps">
            {STEPS.map((s, i) => (
              <li
                key={s}
                className={i < step ? 'done' : i === step ? 'current' : undefined}
                aria-current={i === step ? 'step' : undefined}
              >
                <span className="wizard-step-no" aria-hidden="true">
                  {i < step ? '✓' : i + 1}
                </span>
                {t(`setup.steps.${s}`)}
              </li>
            ))}
          </ol>
        </header>

        {problem && (
          <div className="settings-problem" role="alert">
            <p>{t('setup.problem')}</p>
            <small>{problem}</small>
          </div>
        )}

        <div className="wizard-step" ref={stepRef} key={stepName}>
          <h2>{t(`setup.steps.${stepName}`)}</h2>
          <p className="muted">{t(`setup.intro.${stepName}`)}</p>

          {step === 0 && (
            <>
              <ChoiceCards<Language>
                name="language"
                legend={t('setup.fields.language')}
                value={language}
                columns={2}
                onChange={(lang) => {
                  // The suggested name follows the language chosen here until it is edited.
                  const suggestions = LANGUAGES.map((lng) =>
                    i18n.t('setup.suggest.terminalName', { lng }),
                  );
                  const next = i18n.t('setup.suggest.terminalName', { lng: lang });
                  setDraft((d) =>
                    suggestions.includes(d.terminalName) ? { ...d, terminalName: next } : d,
                  );
                  void setLanguage(lang);
                }}
                options={LANGUAGES.map((lang) => ({ value: lang, label: LANGUAGE_NAMES[lang] }))}
              />
              <div className="field-grid">
                <TextField
                  id="terminalName"
                  label={t('setup.fields.terminalName')}
                  hint={t('setup.fields.terminalNameHint')}
                  value={draft.terminalName}
                  maxLength={64}
                  onChange={(e) => set({ terminalName: e.target.value })}
                  error={errors.terminalName}
                />
                <TextField
                  id="terminalId"
                  label={t('setup.fields.terminalId')}
                  hint={t('setup.fields.terminalIdHint')}
                  value={draft.terminalId}
                  autoCapitalize="off"
                  spellCheck={false}
                  maxLength={32}
                  onChange={(e) => set({ terminalId: e.target.value })}
                  error={errors.terminalId}
                />
                <TextField
                  id="storeName"
                  label={t('setup.fields.storeName')}
                  value={draft.storeName}
                  maxLength={64}
                  onChange={(e) => set({ storeName: e.target.value })}
                  error={errors.storeName}
                />
                <TextField
                  id="poiId"
                  label={t('setup.fields.poiId')}
                  hint={t('setup.fields.poiIdHint')}
                  value={draft.poiId}
                  inputMode="numeric"
                  autoComplete="off"
                  onChange={(e) => set({ poiId: e.target.value })}
                  error={errors.poiId}
                />
                <TimeZoneField
                  id="timeZone"
                  className="span-all"
                  value={draft.timeZone}
                  onChange={(timeZone) => set({ timeZone })}
                  error={errors.timeZone}
                />
              </div>
            </>
          )}

          {step === 1 && (
            <>
              <ConnectionFields
                prefix=""
                draft={draft}
                onChange={(c) => set(c)}
                errors={errors}
                appSecretSlot={
                  <TextField
                    id="appSecret"
                    label={t('setup.fields.appSecret')}
                    hint={t('setup.fields.appSecretHint')}
                    type="password"
                    autoComplete="off"
                    value={draft.appSecret}
                    onChange={(e) => set({ appSecret: e.target.value })}
                    error={errors.appSecret}
                  />
                }
                authSlot={
                  <TextField
                    id="tokenServiceAuth"
                    label={t('setup.fields.tokenServiceAuth')}
                    hint={t('setup.fields.tokenServiceAuthHint')}
                    type="password"
                    autoComplete="off"
                    value={draft.tokenServiceAuth}
                    onChange={(e) => set({ tokenServiceAuth: e.target.value })}
                    error={errors.tokenServiceAuth}
                  />
                }
              />
              {draft.mode === 'live' && (
                <TestConnection
                  build={() => {
                    const found = validateStep(1);
                    setErrors(found);
                    if (Object.keys(found).length > 0) {
                      focusFirstError(found, FIELD_ORDER[1]);
                      return null;
                    }
                    const setup = input();
                    return {
                      mode: setup.mode,
                      ...(setup.live ? { live: setup.live } : {}),
                      ...(setup.appSecret ? { appSecret: setup.appSecret } : {}),
                      ...(setup.tokenServiceAuth
                        ? { tokenServiceAuth: setup.tokenServiceAuth }
                        : {}),
                    };
                  }}
                />
              )}
            </>
          )}

          {step === 2 && (
            <div className="field-grid">
              <OperatorFields
                ids={MANAGER_IDS}
                value={{
                  id: draft.managerId,
                  name: draft.managerName,
                  pin: draft.pin,
                  repeat: draft.pinRepeat,
                }}
                onChange={(p) =>
                  set({
                    ...(p.id !== undefined && { managerId: p.id }),
                    ...(p.name !== undefined && { managerName: p.name }),
                    ...(p.pin !== undefined && { pin: p.pin }),
                    ...(p.repeat !== undefined && { pinRepeat: p.repeat }),
                  })
                }
                errors={errors}
              />
            </div>
          )}
        </div>

        {serverError && <ErrorNotice error={serverError} />}
        {recovery && <RecoveryNote recovery={recovery} dataDir={info.dataDir} />}

        <footer className="wizard-actions">
          {step > 0 ? (
            <button type="button" className="secondary" onClick={back} disabled={busy}>
              {t('setup.back')}
            </button>
          ) : (
            <span />
          )}
          <button type="submit" disabled={busy}>
            {step < STEPS.length - 1
              ? t('setup.next')
              : busy
                ? t('setup.finishing')
                : t('setup.finish')}
          </button>
        </footer>
      </form>
    </section>
  );
}
