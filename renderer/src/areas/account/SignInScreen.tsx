import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import { api } from '../../api';
import { RecoveryNote, type Recovery } from '../../kit/form/RecoveryNote';
import { useWedgeScanner } from '../../scan/use-wedge-scanner';
import { isSwitchingOperator, signedIn } from '../../shell/switch-operator';
import { useTerminal } from '../../shell/terminal-context';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { textWith } from '../../kit/text/merchant-text';

/**
 * Sign-in, and the lock screen after idling or "switch operator" (same form). A terminal that
 * lost its settings or its operators says here how it is recovered.
 *
 * A USB scanner is live here too: a burst is never typed into the id or the PIN (five scans
 * would lock the operator out); it is discarded and the screen says so. After "switch
 * operator" the id is empty and focused for the next person. An operator locked out by wrong
 * PINs is unlocked here by a supervisor (a cashier) or a manager with their own id and PIN.
 */
export function SignInScreen({ keptSettings = false }: { keptSettings?: boolean }) {
  const { t } = useTranslation();
  const { session, refresh, info, config } = useTerminal();
  const [recovery, setRecovery] = useState<Recovery | undefined>();
  const [switching] = useState(isSwitchingOperator);
  const lockedBy = session.locked ? session.operator : undefined;
  const [operatorId, setOperatorId] = useState(switching ? '' : (lockedBy?.id ?? ''));
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [scanRefused, setScanRefused] = useState(0);
  const [unlocking, setUnlocking] = useState(false);
  const [busy, setBusy] = useState(false);
  const idRef = useRef<HTMLInputElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);
  const lockedId = lockedBy?.id;

  useEffect(() => {
    (lockedId && !switching ? pinRef : idRef).current?.focus();
  }, [lockedId, switching]);

  useEffect(() => {
    void api
      .getSetupState({})
      .then((s) => setRecovery(s.recovery))
      .catch(() => undefined);
  }, []);

  // A scanner burst here is a customer's code, never a PIN: discarded, and said so.
  const onScan = useCallback(() => setScanRefused((n) => n + 1), []);
  useWedgeScanner(config.scan, onScan);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    setScanRefused(0);
    try {
      await api.signIn({ operatorId, pin });
      signedIn();
      await refresh();
    } catch (err) {
      setError(caught(err));
      setPin('');
      pinRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  const locked = error?.key === 'errors.operator_locked';

  return (
    <section className="signin">
      <form
        className="panel signin-form"
        data-testid="signin-form"
        onSubmit={(e) => void submit(e)}
      >
        <h1>
          {switching
            ? t('ui.signin.switchTitle')
            : lockedBy
              ? t('ui.signin.lockedTitle')
              : t('ui.signin.title')}
        </h1>
        {lockedBy && (
          <p className="muted">
            {switching
              ? textWith(t, 'ui.signin.switchHint', {}, { merchant: { name: lockedBy.name } })
              : textWith(t, 'ui.signin.lockedHint', {}, { merchant: { name: lockedBy.name } })}
          </p>
        )}
        {lockedBy && keptSettings && (
          <p className="signin-kept" role="status" data-testid="kept-behind-lock">
            {t('ui.signin.keptSettings')}
          </p>
        )}
        {scanRefused > 0 && (
          <p className="signin-scan-refused" role="alert" data-testid="scan-refused">
            <span aria-hidden="true">⊘ </span>
            {lockedBy ? t('ui.signin.scanWhileLocked') : t('ui.signin.scanWhileSignedOut')}
            {scanRefused > 1 && <small> ×{scanRefused}</small>}
          </p>
        )}
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
        {error && <ErrorNotice error={error} look="line" testId="signin-error" />}
        {notice && (
          <p className="signin-notice" role="status" data-testid="signin-notice">
            {notice}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('ui.signin.submit')}
        </button>
        {locked && !unlocking && (
          <button type="button" className="secondary" onClick={() => setUnlocking(true)}>
            {t('ui.signin.unlockOpen')}
          </button>
        )}
        {recovery && <RecoveryNote recovery={recovery} dataDir={info.dataDir} />}
      </form>
      {locked && unlocking && (
        <UnlockForm
          operatorId={operatorId}
          onCancel={() => setUnlocking(false)}
          onUnlocked={(name) => {
            setUnlocking(false);
            setError(null);
            setNotice(t('ui.signin.unlocked', { name }));
            pinRef.current?.focus();
          }}
        />
      )}
    </section>
  );
}

/** A supervisor's or manager's own id and PIN lift a locked operator's lock (audited). */
function UnlockForm({
  operatorId,
  onCancel,
  onUnlocked,
}: {
  operatorId: string;
  onCancel(): void;
  onUnlocked(name: string): void;
}) {
  const { t } = useTranslation();
  const [byId, setById] = useState('');
  const [byPin, setByPin] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const idRef = useRef<HTMLInputElement>(null);

  useEffect(() => idRef.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.unlockOperatorWithPin({ operatorId, by: { id: byId, pin: byPin } });
      onUnlocked(r.name);
    } catch (err) {
      setError(caught(err));
      setByPin('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="panel signin-form signin-unlock"
      aria-labelledby="unlock-title"
      onSubmit={(e) => void submit(e)}
    >
      <h2 id="unlock-title">
        {textWith(t, 'ui.signin.unlockTitle', {}, { ids: { id: operatorId } })}
      </h2>
      <p className="muted">{t('ui.signin.unlockHint')}</p>
      <label>
        {t('ui.signin.unlockById')}
        <input
          ref={idRef}
          value={byId}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          onChange={(e) => setById(e.target.value)}
          required
        />
      </label>
      <label>
        {t('ui.signin.unlockByPin')}
        <input
          type="password"
          inputMode="numeric"
          autoComplete="off"
          pattern="\d{4,8}"
          maxLength={8}
          value={byPin}
          onChange={(e) => setByPin(e.target.value.replace(/\D/g, ''))}
          required
        />
      </label>
      {error && <ErrorNotice error={error} look="line" testId="unlock-error" />}
      <div className="signin-actions">
        <button type="submit" disabled={busy}>
          {t('ui.signin.unlockSubmit')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('ui.signin.unlockCancel')}
        </button>
      </div>
    </form>
  );
}
