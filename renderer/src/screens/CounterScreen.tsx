import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LookupResult } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { api } from '../api';
import { errorText } from '../i18n';

type State =
  | { phase: 'idle' }
  | { phase: 'checking'; code: string }
  | { phase: 'done'; result: LookupResult }
  | { phase: 'error'; error: AppError };

export function CounterScreen() {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [state, setState] = useState<State>({ phase: 'idle' });
  const input = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const scanned = code;
    if (!scanned.trim()) return;
    setState({ phase: 'checking', code: scanned });
    setCode('');
    try {
      const result = await api.lookupCode({ code: scanned, source: 'manual' });
      setState({ phase: 'done', result });
    } catch (err) {
      setState({
        phase: 'error',
        error: err instanceof AppError ? err : new AppError('internal', 'errors.internal'),
      });
    }
    input.current?.focus();
  }

  return (
    <section className="counter">
      <form className="scan-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="scan-input">{t('ui.counter.scanLabel')}</label>
        <div className="scan-row">
          <input
            id="scan-input"
            ref={input}
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={code}
            placeholder={t('ui.counter.scanPlaceholder')}
            onChange={(e) => setCode(e.target.value)}
          />
          <button type="submit">{t('ui.counter.lookUp')}</button>
        </div>
      </form>
      <div className="verdict" data-testid="verdict" aria-live="polite">
        {state.phase === 'idle' && <p className="hint">{t('ui.counter.ready')}</p>}
        {state.phase === 'checking' && <p className="hint">{t('ui.counter.checking')}</p>}
        {state.phase === 'done' && (
          <div className="verdict-card">
            {state.result.placeholder && (
              <p className="notice" data-testid="placeholder-notice">
                {t('ui.counter.placeholderNotice')}
              </p>
            )}
            <dl>
              <dt>{t('ui.counter.codeLabel')}</dt>
              <dd data-testid="verdict-code">{state.result.code}</dd>
              <dt>{t('ui.counter.statusLabel')}</dt>
              <dd>{state.result.status}</dd>
            </dl>
          </div>
        )}
        {state.phase === 'error' && (
          <div className="verdict-card error" role="alert">
            <p>{errorText(state.error)}</p>
            {state.error.errcode !== undefined && (
              <small>{t('ui.app.errcode', { errcode: state.error.errcode })}</small>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
