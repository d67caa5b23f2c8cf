/**
 * card/modifystock: add to or take from the stock, with the new stock and total shown before
 * sending, and what the platform would refuse (below zero, a total over 100,000,000) refused
 * here first.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  MAX_TOTAL_QUANTITY,
  previewStock,
  type StockDirection,
} from '../../../../shared/office/stock-rules';
import { cardBody, type Card } from '../../../../shared/wechat/card';
import { api } from '../../api';
import { ErrorLine, useFormat } from './common';
import { caught } from '../../kit/errors/ErrorNotice';
import { ConfirmStep } from './ConfirmStep';

export function StockPanel({ card, onChanged }: { card: Card; onChanged: (card: Card) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const b = cardBody(card).base_info;
  const [direction, setDirection] = useState<StockDirection>('increase');
  const [amountText, setAmountText] = useState('');
  const [busy, setBusy] = useState(false);
  /** The second step: the change in numbers, confirmed deliberately before it is sent. */
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const [result, setResult] = useState<{
    before: { quantity: number; total: number };
    after: { quantity: number; total: number };
    settled: boolean;
  }>();
  const total = b.sku.total_quantity ?? b.sku.quantity;
  const amount = /^\d+$/.test(amountText.trim()) ? Number(amountText.trim()) : Number.NaN;
  const preview = amountText.trim() === '' ? undefined : previewStock(b.sku, direction, amount);

  async function send() {
    if (!preview?.ok) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const r = await api.officeModifyStock({
        cardId: b.id,
        direction,
        amount,
        confirmed: true,
      });
      setResult({ before: r.before, after: r.after, settled: r.settled === true });
      setAmountText('');
      setConfirming(false);
      onChanged(r.card);
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="office-panel" aria-labelledby="stock-title" data-testid="stock-panel">
      <h3 id="stock-title">{t('office.stock.title')}</h3>
      <dl className="stock-now">
        <dt>{t('office.details.quantity')}</dt>
        <dd data-testid="stock-quantity">{fmt.number(b.sku.quantity)}</dd>
        <dt>{t('office.details.total')}</dt>
        <dd data-testid="stock-total">{fmt.number(total)}</dd>
      </dl>
      <fieldset className="choices">
        <legend>{t('office.stock.direction')}</legend>
        <div className="row">
          {(['increase', 'reduce'] as const).map((d) => (
            <label key={d} className="check">
              <input
                type="radio"
                name="stock-direction"
                value={d}
                checked={direction === d}
                disabled={confirming}
                onChange={() => {
                  setDirection(d);
                  setResult(undefined);
                }}
              />
              {t(`office.stock.${d}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field stock-amount">
        <label htmlFor="stock-amount">{t('office.stock.amount')}</label>
        <input
          id="stock-amount"
          inputMode="numeric"
          autoComplete="off"
          value={amountText}
          readOnly={confirming}
          onChange={(e) => {
            setAmountText(e.target.value);
            setResult(undefined);
          }}
          aria-invalid={preview && !preview.ok ? true : undefined}
          aria-describedby="stock-preview"
        />
      </div>
      <div
        id="stock-preview"
        className="stock-preview"
        data-testid="stock-preview"
        aria-live="polite"
      >
        {preview?.quantity !== undefined && preview.total !== undefined && (
          <p>
            {t('office.stock.preview', {
              quantity: fmt.number(preview.quantity),
              total: fmt.number(preview.total),
            })}
          </p>
        )}
        {preview && !preview.ok && (
          <p className="field-error" data-testid="stock-problem">
            ⚠{' '}
            {t(`office.stock.problem.${preview.problem!}`, {
              quantity: fmt.number(b.sku.quantity),
              max: fmt.number(MAX_TOTAL_QUANTITY),
            })}
          </p>
        )}
      </div>
      {confirming && preview?.ok ? (
        <ConfirmStep
          id="stock"
          title={t('office.stock.confirmTitle')}
          confirmLabel={t(`office.stock.confirm_${direction}`, { amount: fmt.number(amount) })}
          busy={busy}
          onConfirm={() => void send()}
          onBack={() => setConfirming(false)}
        >
          <p>
            {t('office.stock.confirmText', {
              before: fmt.number(b.sku.quantity),
              after: fmt.number(preview.quantity!),
              beforeTotal: fmt.number(total),
              afterTotal: fmt.number(preview.total!),
            })}
          </p>
        </ConfirmStep>
      ) : (
        <div className="confirm-actions">
          <button
            type="button"
            disabled={!preview?.ok || busy}
            onClick={() => {
              setError(undefined);
              setConfirming(true);
            }}
          >
            {t(`office.stock.send_${direction}`, {
              amount: Number.isFinite(amount) ? fmt.number(amount) : '',
            })}
          </button>
        </div>
      )}
      {error && <ErrorLine error={error} />}
      {result && (
        <div className="office-result ok" role="status" data-testid="stock-result">
          <p>
            <strong>✓ {t('office.stock.done')}</strong>{' '}
            {t('office.stock.doneText', {
              before: fmt.number(result.before.quantity),
              after: fmt.number(result.after.quantity),
              beforeTotal: fmt.number(result.before.total),
              afterTotal: fmt.number(result.after.total),
            })}
          </p>
          {result.settled && <p>{t('office.settledNote')}</p>}
        </div>
      )}
    </section>
  );
}
