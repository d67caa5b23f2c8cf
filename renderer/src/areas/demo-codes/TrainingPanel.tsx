/**
 * Training (Sandbox mode, managers only): arm one deliberate fault for the next redemption or
 * lookup at any till, see what the cashier will be shown, disarm it, and see when it was used.
 * The host refuses all of it in Live mode and to anyone below a manager; this panel is only
 * where a manager finds it.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  TRAINING_ERRCODES,
  TRAINING_FAULTS,
  type TrainingErrcode,
  type TrainingFault,
  type TrainingState,
  type TrainingTarget,
} from '../../../../shared/ops/training';
import { api } from '../../api';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { timeOfDay } from '../../kit/date-time';
import { useStoreZone } from '../../shell/terminal-context';

type Exercise = Pick<NonNullable<TrainingState['armed']>, 'fault' | 'target' | 'errcode'>;

/** What the cashier will see, as a key under ui.demo.training.expect. */
export function expectKey(ex: Exercise): string {
  if (ex.fault === 'answer_lost') return 'answer_lost';
  if (ex.fault === 'network') return `network_${ex.target}`;
  if (ex.errcode === -1) return `busy_${ex.target}`;
  if (ex.errcode === 45009) return 'quota';
  return 'code';
}

/** How often the panel re-reads the state while armed (to show "used" after a till fires it). */
const POLL_MS = 1500;

export function TrainingPanel() {
  const zone = useStoreZone();
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<TrainingState>();
  const [fault, setFault] = useState<TrainingFault>('answer_lost');
  const [errcode, setErrcode] = useState<TrainingErrcode>(40099);
  const [target, setTarget] = useState<TrainingTarget>('redeem');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();

  const load = useCallback(
    () =>
      api.getTraining({}).then(setState, (err: unknown) => {
        setError(caught(err));
      }),
    [],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // While armed, re-read: a till may use it any moment, and the panel then says so.
  const armed = state?.armed;
  useEffect(() => {
    if (!armed) return;
    const timer = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [armed, load]);

  if (!state?.available) {
    return error ? <ErrorNotice error={error} look="line" /> : null;
  }

  const act = async (fn: () => Promise<TrainingState>) => {
    setBusy(true);
    setError(undefined);
    try {
      setState(await fn());
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  };

  const faultName = (ex: Exercise) =>
    ex.fault === 'errcode'
      ? t(`ui.demo.training.errcodes.c${ex.errcode ?? ''}`)
      : t(`ui.demo.training.faults.${ex.fault}`);
  // "answer lost" is about a redemption's answer: a lookup is simply asked again.
  const effectiveTarget: TrainingTarget = fault === 'answer_lost' ? 'redeem' : target;
  const draft: Exercise = {
    fault,
    target: effectiveTarget,
    ...(fault === 'errcode' ? { errcode } : {}),
  };
  const used = state.used;
  const shownName = (shown: string) =>
    i18n.exists(`ui.demo.training.shown.${shown}`)
      ? t(`ui.demo.training.shown.${shown}`)
      : i18n.exists(`verdict.title.${shown}`)
        ? t(`verdict.title.${shown}`)
        : shown;

  return (
    <section
      className={`training-panel${armed ? ' armed' : ''}`}
      aria-labelledby="training-title"
      data-testid="training-panel"
    >
      <h2 id="training-title">
        <span className="training-tag">{t('ui.demo.training.title')}</span>
      </h2>
      {armed ? (
        <div className="training-row">
          <p className="training-status" role="status" data-testid="training-status">
            <strong>
              {t('ui.demo.training.armed', {
                fault: faultName(armed),
                target: t(`ui.demo.training.targets.${armed.target}`),
              })}
            </strong>{' '}
            {t(`ui.demo.training.expect.${expectKey(armed)}`)}
          </p>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void act(() => api.disarmTraining({}))}
          >
            {t('ui.demo.training.disarm')}
          </button>
        </div>
      ) : (
        <>
          <p className="muted training-intro">{t('ui.demo.training.intro')}</p>
          <form
            className="training-row"
            onSubmit={(e) => {
              e.preventDefault();
              void act(() =>
                api.armTraining({
                  fault,
                  target: effectiveTarget,
                  ...(fault === 'errcode' ? { errcode } : {}),
                }),
              );
            }}
          >
            <label>
              {t('ui.demo.training.fault')}
              <select
                value={fault}
                onChange={(e) => setFault(e.target.value as TrainingFault)}
                data-testid="training-fault"
              >
                {TRAINING_FAULTS.map((f) => (
                  <option key={f} value={f}>
                    {t(`ui.demo.training.faults.${f}`)}
                  </option>
                ))}
              </select>
            </label>
            {fault === 'errcode' && (
              <label>
                {t('ui.demo.training.errcode')}
                <select
                  value={errcode}
                  onChange={(e) => setErrcode(Number(e.target.value) as TrainingErrcode)}
                  data-testid="training-errcode"
                >
                  {TRAINING_ERRCODES.map((c) => (
                    <option key={c} value={c}>
                      {t(`ui.demo.training.errcodes.c${c}`)}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label>
              {t('ui.demo.training.target')}
              <select
                value={effectiveTarget}
                disabled={fault === 'answer_lost'}
                onChange={(e) => setTarget(e.target.value as TrainingTarget)}
                data-testid="training-target"
              >
                {(['redeem', 'lookup'] as const).map((x) => (
                  <option key={x} value={x}>
                    {t(`ui.demo.training.targets.${x}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={busy}>
              {t('ui.demo.training.arm')}
            </button>
          </form>
          <p className="training-expect" data-testid="training-expect">
            {t(`ui.demo.training.expect.${expectKey(draft)}`)}
          </p>
        </>
      )}
      {used && (
        <p className="training-used" data-testid="training-used">
          {t('ui.demo.training.used', {
            time: timeOfDay(used.usedAt, i18n.language, zone),
            code: used.code ?? '—',
            shown: shownName(used.shown),
          })}
        </p>
      )}
      {!armed && !used && <p className="muted training-idle">{t('ui.demo.training.idle')}</p>}
      {error && <ErrorNotice error={error} look="line" />}
    </section>
  );
}
