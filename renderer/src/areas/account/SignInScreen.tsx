import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import { api } from '../../api';
import { RecoveryNote, type Recovery } from '../../kit/form/RecoveryNote';
import { useTerminal } from '../../shell/terminal-context';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';

/**
 * Sign-in, and the lock screen after idling or "switch operator" (same form). A terminal that
 * lost its settings or its operators says here how it is recovered.
 */
export function SignInScreen() {
  const { t } = useTranslation();
  const { session, refresh, info } = useTerminal();
  const [recovery, setRecovery] = useState<Recovery | undefined>();
  const lockedBy = session.locked ? session.operator : undefined;
  const [operatorId, setOperatorId] = useState(lockedBy?.id ?? '');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const idRef = useRef<HTMLInputElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (lockedBy ? pinRef : idRef).current?.focus();
  }, [lockedBy]);

  useEffect(() => {
    void api
      .getSetupState({})
      .then((s) => setRecovery(s.recovery))
      .catch(() => undefined);
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn({ operatorId, pin });
      await refresh();
    } catch (err) {
      setError(caught(err));
      setPin('');
      pinRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="signin">
      <form className="panel signin-form" onSubmit={(e) => void submit(e)}>
        <h1>{lockedBy ? t('ui.signin.lockedTitle') : t('ui.signin.title')}</h1>
        {lockedBy && <p className="muted">{t('ui.signin.lockedHint', { name: lockedBy.name })}</p>}
        <label>
          {t('ui.signin.operatorId')}
          <input
            ref={idRef}
            value={operatorId}
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            onChange={(e) => setOperatorId(e.target.value)}
            required
          />
        </label>
        <label>
          {t('ui.signin.pin')}
          <input
            ref={pinRef}
            type="password"
            inputMode="numeric"
            autoComplete="current-password"
            pattern="\d{4,8}"
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            required
          />
        </label>
        {error && <ErrorNotice error={error} look="line" />}
        <button type="submit" disabled={busy}>
          {t('ui.signin.submit')}
        </button>
        {recovery && <RecoveryNote recovery={recovery} dataDir={info.dataDir} />}
      </form>
    </section>
  );
}
