/**
 * The chain check, for supervisors: runs on the host with progress and cancel, then says
 * "intact" or which record is broken and how, in the shop's words, with a link to it. The check
 * is recorded in the log (action "verify").
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import type { VerifyStatus } from '../../../../shared/ops/audit-review';
import { api } from '../../api';
import { errorText } from '../../i18n';
import { Progress } from './Progress';
import { useReview } from './review-context';
import { usePoll } from './use-poll';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { dateTime } from '../../kit/date-time';

export function VerifyView() {
  const { t, i18n } = useTranslation();
  const { info, href } = useReview();
  const [status, setStatus] = useState<VerifyStatus>();
  const [error, setError] = useState<ErrorInfo>();
  const [starting, setStarting] = useState(false);
  const running = status?.state === 'running';

  usePoll(running, 250, async () => {
    if (!status) return;
    try {
      setStatus(await api.verifyStatus({ verifyId: status.verifyId }));
    } catch (err) {
      setError(caught(err));
    }
  });

  if (info.scope.own) return <p className="muted">{t('review.verify.supervisorOnly')}</p>;

  async function start() {
    setStarting(true);
    setError(undefined);
    try {
      setStatus(await api.startVerify({}));
    } catch (err) {
      setError(caught(err));
    } finally {
      setStarting(false);
    }
  }

  async function cancel() {
    if (!status) return;
    try {
      setStatus(await api.cancelVerify({ verifyId: status.verifyId }));
    } catch (err) {
      setError(caught(err));
    }
  }

  const result = status?.state === 'done' ? status.result : undefined;
  return (
    <div className="verify">
      <section className="panel verify-intro">
        <h2>{t('review.verify.title')}</h2>
        <p>{t('review.verify.intro')}</p>
        <div className="row">
          {running ? (
            <button type="button" className="secondary" onClick={() => void cancel()}>
              {t('review.verify.cancel')}
            </button>
          ) : (
            <button type="button" className="big" onClick={() => void start()} disabled={starting}>
              {status ? t('review.verify.again') : t('review.verify.start')}
            </button>
          )}
        </div>
        {running && (
          <Progress
            label={t('review.verify.progress')}
            done={status.checked}
            total={status.total}
            text={t('review.verify.running', { done: status.checked, total: status.total })}
          />
        )}
      </section>
      {error && <ErrorNotice error={error} look="line" />}
      <div role="status" data-testid="verify-result">
        {result?.ok && (
          <section className="result-box ok verify-result">
            <p className="verify-word">
              <span aria-hidden="true">✓ </span>
              {t('review.verify.intact', { count: result.count })}
            </p>
            {result.warnings.map((w) => (
              <p key={w} className="warning-note">
                {t(`review.verify.warnings.${w}`)}
              </p>
            ))}
            {result.head && (
              <>
                <p className="mono small wrap">
                  {t('review.verify.head', { id: result.head.id, hash: result.head.hash })}
                </p>
                <p className="small">{t('review.verify.headHint')}</p>
              </>
            )}
          </section>
        )}
        {result && !result.ok && (
          <section className="result-box bad verify-result" data-problem={result.problem}>
            <p className="verify-word">
              <span aria-hidden="true">✕ </span>
              {t('review.verify.brokenTitle')}
            </p>
            <p className="verify-problem">
              {t(`review.verify.problems.${result.problem}`, {
                id: result.firstBadId,
                more:
                  result.lastBadId !== undefined && result.lastBadId !== result.firstBadId
                    ? t('review.verify.problems.deletedMore', { last: result.lastBadId })
                    : '',
              })}
            </p>
            <p>{t('review.verify.checkedBefore', { count: result.checked })}</p>
            <p>
              <a className="button-link" href={href('record', { id: String(result.firstBadId) })}>
                {t('review.verify.openRecord', { id: result.firstBadId })}
              </a>
            </p>
            <p className="verify-todo">{t('review.verify.whatToDo')}</p>
            <details>
              <summary>{t('review.verify.technical')}</summary>
              <p className="mono small wrap">
                {result.problem}: {result.detail}
              </p>
            </details>
          </section>
        )}
        {status?.state === 'cancelled' && (
          <p className="result-box neutral">{t('review.verify.cancelled')}</p>
        )}
        {status?.state === 'failed' && (
          <p className="result-box bad">
            {t('review.verify.failed')} {status.error && errorText(status.error)}
          </p>
        )}
        {status && status.state !== 'running' && (
          <p className="muted small">
            {t('review.verify.checkedAt', {
              time: dateTime(status.startedAt, i18n.language, info.timeZone, { seconds: true }),
            })}
          </p>
        )}
      </div>
    </div>
  );
}
