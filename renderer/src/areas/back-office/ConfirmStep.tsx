/**
 * The second step of a change WeChat applies at once and that cannot simply be undone (a
 * custom code, the stock): what will happen in words, a checkbox, and a separate button, like
 * the refund's confirmation. Enter never confirms: only a deliberate click does.
 */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function ConfirmStep({
  id,
  title,
  children,
  confirmLabel,
  busy,
  onConfirm,
  onBack,
}: {
  id: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const [checked, setChecked] = useState(false);
  return (
    <div
      className="confirm-step"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      data-testid={`${id}-confirm`}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.preventDefault();
        if (e.key === 'Escape') onBack();
      }}
    >
      <h4 id={`${id}-title`}>⚠ {title}</h4>
      <div>{children}</div>
      <label className="check">
        <input
          type="checkbox"
          checked={checked}
          autoFocus
          onChange={(e) => setChecked(e.target.checked)}
        />
        {t('office.confirmStep.check')}
      </label>
      <div className="confirm-actions">
        <button type="button" className="secondary" onClick={onBack} disabled={busy}>
          {t('office.confirmStep.back')}
        </button>
        <button type="button" className="danger" disabled={!checked || busy} onClick={onConfirm}>
          {busy ? t('office.sending') : confirmLabel}
        </button>
      </div>
    </div>
  );
}
