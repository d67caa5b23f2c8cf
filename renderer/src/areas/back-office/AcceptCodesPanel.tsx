/**
 * On a custom-code card's page: "accept this card's codes at this terminal". The counter asks
 * WeChat about a code without its card id, and a custom code is found only with it: the
 * terminal tries the cards listed here (the same list as Settings > Custom-code cards).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import { api } from '../../api';
import { caught } from '../../kit/errors/ErrorNotice';
import { ErrorLine } from './common';

export function AcceptCodesPanel({ cardId, accepted }: { cardId: string; accepted: boolean }) {
  const { t } = useTranslation();
  const [on, setOn] = useState(accepted);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<ErrorInfo>();

  async function set(accept: boolean) {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await api.officeAcceptCardCodes({ cardId, accept });
      setOn(r.accepted);
      setDone(r.accepted ? t('office.accept.doneOn') : t('office.accept.doneOff'));
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      className={`office-panel accept-codes ${on ? 'is-on' : 'is-off'}`}
      aria-labelledby="accept-title"
      data-testid="accept-codes"
      data-accepted={String(on)}
    >
      <h3 id="accept-title">{t('office.accept.title')}</h3>
      <p data-testid="accept-state">
        <span aria-hidden="true">{on ? '✓ ' : '✕ '}</span>
        {on ? t('office.accept.on') : t('office.accept.off')}
      </p>
      <div className="row">
        <button
          type="button"
          className={on ? 'secondary' : undefined}
          disabled={busy}
          onClick={() => void set(!on)}
        >
          {busy
            ? t('office.accept.saving')
            : on
              ? t('office.accept.turnOff')
              : t('office.accept.turnOn')}
        </button>
        <small className="muted">{t('office.accept.alsoInSettings')}</small>
      </div>
      {done && (
        <p className="office-result ok" role="status" data-testid="accept-done">
          {done}
        </p>
      )}
      {error && <ErrorLine error={error} />}
    </section>
  );
}
