/**
 * The one way the renderer shows an error from the terminal: what happened and what to do, in
 * the cashier's words, with the errcode in small type for the IT person. It takes the error as
 * the contract's client throws it (an AppError has the ErrorInfo shape), never converted back
 * and forth.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError, type ErrorInfo } from '../../../../shared/errors';
import { errorText } from '../../i18n';

const INTERNAL: ErrorInfo = { kind: 'internal', key: 'errors.internal', params: {} };

/** What a screen keeps of a caught value: the AppError itself, or an internal error. */
export function caught(err: unknown): ErrorInfo {
  return err instanceof AppError ? err : INTERNAL;
}

/**
 * `box` (forms and the back office): a warning sign and the errcode on its own line; `line`:
 * a single line with the errcode in brackets; `verdict`: inside a verdict panel, not an alert.
 */
export function ErrorNotice({
  error,
  look = 'box',
  className,
  testId,
  errcodeTestId,
  note,
}: {
  error: ErrorInfo;
  look?: 'box' | 'line' | 'verdict';
  className?: string;
  testId?: string;
  errcodeTestId?: string;
  note?: ReactNode;
}) {
  const { t } = useTranslation();
  const errcode =
    error.errcode === undefined ? null : t('ui.app.errcode', { errcode: error.errcode });
  if (look !== 'box') {
    return (
      <p
        className={look === 'verdict' ? 'verdict-error' : 'form-error'}
        role={look === 'verdict' ? undefined : 'alert'}
        data-testid={testId}
      >
        {errorText(error)}
        {note}
        {errcode && <small> ({errcode})</small>}
      </p>
    );
  }
  return (
    <div
      className={className ? `form-error ${className}` : 'form-error'}
      role="alert"
      data-testid={testId}
    >
      <span aria-hidden="true">⚠ </span>
      {errorText(error)}
      {note}
      {errcode && (
        <small className="errcode" data-testid={errcodeTestId}>
          {errcode}
        </small>
      )}
    </div>
  );
}
