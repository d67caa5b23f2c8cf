/**
 * code/update for a custom-code card: the old code is checked on this card first (code/get
 * with the card id: it must exist here and not be redeemed), then the new code is sent. The
 * reference advises doing this after a coupon was gifted, so the giver's copy stops working.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  checkNewCode,
  isPlausibleCode,
  MAX_CODE_LENGTH,
} from '../../../../shared/office/custom-code';
import type { CodeCheck } from '../../../../shared/ops/back-office';
import { cardBody, type Card } from '../../../../shared/wechat/card';
import { api } from '../../api';
import { ConfirmStep } from './ConfirmStep';
import { ErrorLine, useFormat } from './common';
import { caught } from '../../kit/errors/ErrorNotice';
import { dateTime } from '../../kit/date-time';

export function CustomCodePanel({ card }: { card: Card }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const b = cardBody(card).base_info;
  const [oldCode, setOldCode] = useState('');
  const [checked, setChecked] = useState<CodeCheck>();
  const [newCode, setNewCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  /** The second step: what the change does, confirmed deliberately before it is sent. */
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<{ oldCode: string; newCode: string; settled: boolean }>();
  const problem = checked ? checkNewCode(checked.code, newCode.trim()) : undefined;
  const consumed = checked?.status === 'CONSUMED';

  async function check(e: FormEvent) {
    e.preventDefault();
    const code = oldCode.trim();
    if (!isPlausibleCode(code)) return;
    setBusy(true);
    setError(undefined);
    setChecked(undefined);
    setDone(undefined);
    try {
      setChecked(await api.officeCheckCode({ cardId: b.id, code }));
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  async function change() {
    if (!checked || problem || consumed) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.officeUpdateCode({
        cardId: b.id,
        code: checked.code,
        newCode: newCode.trim(),
        confirmed: true,
      });
      setDone({ oldCode: r.oldCode, newCode: r.newCode, settled: r.settled === true });
      setChecked(undefined);
      setOldCode('');
      setNewCode('');
      setConfirming(false);
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="office-panel" aria-labelledby="code-title" data-testid="code-panel">
      <h3 id="code-title">{t('office.code.title')}</h3>
      <p className="muted">{t('office.code.intro')}</p>
      <form className="row" onSubmit={(e) => void check(e)}>
        <div className="field grow">
          <label htmlFor="old-code">{t('office.code.oldCode')}</label>
          <input
            id="old-code"
            autoComplete="off"
            className="mono"
            maxLength={MAX_CODE_LENGTH}
            value={oldCode}
            onChange={(e) => {
              setOldCode(e.target.value);
              setChecked(undefined);
              setConfirming(false);
            }}
          />
        </div>
        <button
          type="submit"
          className="secondary align-end"
          disabled={busy || !isPlausibleCode(oldCode.trim())}
        >
          {t('office.code.check')}
        </button>
      </form>

      {checked && (
        <div className="code-check" data-testid="code-check" data-status={checked.status}>
          <dl className="detail-list">
            <dt>{t('office.code.status')}</dt>
            <dd data-testid="code-status">{t(`office.codeStatus.${checked.status}`)}</dd>
            <dt>{t('office.code.owner')}</dt>
            <dd className="mono">{checked.owner}</dd>
            {(checked.begin || checked.end) && (
              <>
                <dt>{t('office.details.window')}</dt>
                <dd>
                  {checked.begin ? dateTime(checked.begin, fmt.lang, fmt.zone) : '…'} –{' '}
                  {checked.end ? dateTime(checked.end, fmt.lang, fmt.zone) : '…'}
                </dd>
              </>
            )}
          </dl>
          {consumed ? (
            <p className="field-error">⚠ {t('office.code.consumed')}</p>
          ) : (
            <>
              {checked.status !== 'NORMAL' && (
                <p className="office-note warn">{t('office.code.notNormal')}</p>
              )}
              <div className="row">
                <div className="field grow">
                  <label htmlFor="new-code">{t('office.code.newCode')}</label>
                  <input
                    id="new-code"
                    autoComplete="off"
                    className="mono"
                    value={newCode}
                    readOnly={confirming}
                    onChange={(e) => setNewCode(e.target.value)}
                    aria-invalid={newCode && problem ? true : undefined}
                  />
                  <small className="field-hint">
                    {t('office.code.newCodeHint', { max: MAX_CODE_LENGTH })}
                  </small>
                  {newCode && problem && (
                    <small className="field-error">⚠ {t(`office.code.problem.${problem}`)}</small>
                  )}
                </div>
                {!confirming && (
                  <button
                    type="button"
                    className="align-end"
                    disabled={busy || !!problem}
                    onClick={() => {
                      setError(undefined);
                      setConfirming(true);
                    }}
                  >
                    {t('office.code.change')}
                  </button>
                )}
              </div>
              {confirming && !problem && (
                <ConfirmStep
                  id="code"
                  title={t('office.code.confirmTitle')}
                  confirmLabel={t('office.code.confirmButton', {
                    old: checked.code,
                    new: newCode.trim(),
                  })}
                  busy={busy}
                  onConfirm={() => void change()}
                  onBack={() => setConfirming(false)}
                >
                  <p>{t('office.code.confirmText', { old: checked.code, new: newCode.trim() })}</p>
                </ConfirmStep>
              )}
            </>
          )}
        </div>
      )}
      {error && <ErrorLine error={error} />}
      {done && (
        <div className="office-result ok" role="status" data-testid="code-result">
          <p>
            <strong>✓ {t('office.code.done')}</strong>{' '}
            {t('office.code.doneText', { old: done.oldCode, new: done.newCode })}
          </p>
          {done.settled && <p>{t('office.settledNote')}</p>}
        </div>
      )}
    </section>
  );
}
