/**
 * card/delete: says what happens (the card can no longer be received; codes customers already
 * hold stay valid and can still be redeemed; it cannot be undone) and needs the card's title
 * typed to confirm. Deliberately off the Enter key: nothing here submits a form.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import { cardBody, type Card } from '../../../../shared/wechat/card';
import { api } from '../../api';
import { navigate } from '../../shell/route';
import { ErrorLine } from './common';
import { caught } from '../../kit/errors/ErrorNotice';

export function DeletePanel({ card, onChanged }: { card: Card; onChanged: (card: Card) => void }) {
  const { t } = useTranslation();
  const b = cardBody(card).base_info;
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const matches = typed.trim() === b.title.trim();

  async function remove() {
    if (!matches) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.officeDeleteCard({ cardId: b.id, confirmTitle: typed });
      onChanged(r.card);
      navigate('office', { view: 'card', id: b.id }, true);
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      className="office-panel danger-panel"
      aria-labelledby="delete-title"
      data-testid="delete-panel"
    >
      <h3 id="delete-title">⚠ {t('office.delete.title', { title: b.title })}</h3>
      <ul className="delete-facts">
        <li>{t('office.delete.factReceive')}</li>
        <li>
          <strong>{t('office.delete.factCodes')}</strong>
        </li>
        <li>{t('office.delete.factUndo')}</li>
      </ul>
      <div className="field">
        <label htmlFor="delete-confirm">
          {t('office.delete.typeTitle')} <strong className="type-this">{b.title}</strong>
        </label>
        <input
          id="delete-confirm"
          autoComplete="off"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.preventDefault();
          }}
        />
        {typed && !matches && <small className="field-hint">{t('office.delete.notYet')}</small>}
      </div>
      <div className="confirm-actions">
        <button
          type="button"
          className="danger"
          disabled={!matches || busy}
          onClick={() => void remove()}
        >
          {busy ? t('office.sending') : t('office.delete.confirm')}
        </button>
      </div>
      {error && <ErrorLine error={error} />}
    </section>
  );
}
