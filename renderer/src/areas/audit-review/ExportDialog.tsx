/**
 * Export of the journal's current filter as CSV or JSON Lines. The host streams the records to
 * a file (Electron: the file the operator picks in the save dialog; browser: a temporary file
 * that is then downloaded once), reports progress, can be cancelled, and records the export in
 * the log. The filter is the one on screen; for a cashier the host narrows it to their shift.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditExportFormat, AuditFilter } from '../../../../shared/audit';
import type { ErrorInfo } from '../../../../shared/errors';
import type { ExportStatus } from '../../../../shared/ops/audit-review';
import { errorText } from '../../i18n';
import { actionName, outcomeName } from './review-text';
import { Progress } from './Progress';
import { useReview } from './review-context';
import { usePoll } from './use-poll';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { calendarDate } from '../../kit/date-time';

export function ExportDialog({
  filter,
  count,
  onClose,
}: {
  filter: AuditFilter;
  count: number | undefined;
  onClose(): void;
}) {
  const { t, i18n } = useTranslation();
  const { info, source, operatorName } = useReview();
  const lang = i18n.language;
  const tz = info.timeZone;
  const [format, setFormat] = useState<AuditExportFormat>('csv');
  const [includeTraining, setIncludeTraining] = useState(false);
  const [status, setStatus] = useState<ExportStatus>();
  const [dismissed, setDismissed] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const fetched = useRef<string | undefined>(undefined);
  const dialog = useRef<HTMLDivElement>(null);
  const running = status?.state === 'running';

  usePoll(running, 300, async () => {
    if (!status) return;
    try {
      setStatus(await source.exportStatus({ exportId: status.exportId }));
    } catch (err) {
      setError(caught(err));
    }
  });

  // The browser host hands a finished export over once, as a download.
  useEffect(() => {
    const url = status?.downloadUrl;
    if (!url || fetched.current === url) return;
    fetched.current = url;
    const a = document.createElement('a');
    a.href = url;
    a.download = status.fileName;
    document.body.append(a);
    a.click();
    a.remove();
  }, [status]);

  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>('input, button')?.focus();
  }, []);

  async function start() {
    setStarting(true);
    setError(undefined);
    setDismissed(false);
    try {
      const s = await source.startExport({ filter, format, includeTraining });
      if (s) setStatus(s);
      else setDismissed(true);
    } catch (err) {
      setError(caught(err));
    } finally {
      setStarting(false);
    }
  }

  async function cancel() {
    if (!status) return;
    try {
      setStatus(await source.cancelExport({ exportId: status.exportId }));
    } catch (err) {
      setError(caught(err));
    }
  }

  return (
    <div
      className="dialog-backdrop"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !running) onClose();
      }}
    >
      <div
        className="dialog export-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="export-title"
        ref={dialog}
        data-testid="export-dialog"
      >
        <h2 id="export-title">{t('review.export.title')}</h2>
        {count !== undefined && <p>{t('review.export.what', { count })}</p>}
        <dl className="kv export-filter">
          <dt>{t('review.export.filter')}</dt>
          <dd data-testid="export-filter">
            {[
              filter.from !== undefined && filter.to !== undefined
                ? filter.to - filter.from <= 86_400_000 + 3_600_000
                  ? calendarDate(filter.from, lang, tz, { weekday: true })
                  : `${calendarDate(filter.from, lang, tz, { weekday: true })} – ${calendarDate(filter.to - 1, lang, tz, { weekday: true })}`
                : filter.from !== undefined
                  ? `${calendarDate(filter.from, lang, tz, { weekday: true })} –`
                  : filter.to !== undefined
                    ? `– ${calendarDate(filter.to - 1, lang, tz, { weekday: true })}`
                    : t('review.export.allTime'),
              filter.operatorId && operatorName(filter.operatorId),
              filter.actions?.map((a) => actionName(a, t)).join(t('review.filters.listSeparator')),
              filter.outcomes
                ?.map((o) => outcomeName(o, t))
                .join(t('review.filters.listSeparator')),
              filter.codePrefix && `${t('review.filters.code')} ${filter.codePrefix}`,
              filter.cardPrefix && `${t('review.filters.card')} ${filter.cardPrefix}`,
              filter.text && `${t('review.filters.text')} “${filter.text}”`,
            ]
              .filter(Boolean)
              .join(' · ')}
          </dd>
          {status && (
            <>
              <dt>{t('review.export.file')}</dt>
              <dd className="mono small wrap">{status.fileName}</dd>
            </>
          )}
        </dl>
        {!status || (status.state !== 'running' && status.state !== 'done') ? (
          <fieldset className="export-format" disabled={starting}>
            <legend>{t('review.export.format')}</legend>
            {(['csv', 'jsonl'] as const).map((f) => (
              <label key={f} className="check">
                <input
                  type="radio"
                  name="export-format"
                  value={f}
                  checked={format === f}
                  onChange={() => setFormat(f)}
                />
                <span>{t(`review.export.${f}`)}</span>
              </label>
            ))}
            <label className="check">
              <input
                type="checkbox"
                checked={includeTraining}
                onChange={(e) => setIncludeTraining(e.target.checked)}
                data-testid="export-include-training"
              />
              <span>{t('review.export.includeTraining')}</span>
            </label>
          </fieldset>
        ) : null}
        <p className="muted">
          {info.exportTarget === 'file'
            ? t('review.export.whereFile')
            : t('review.export.whereDownload')}
          {info.scope.own && <> {t('review.export.masked')}</>}
        </p>
        {status && status.state === 'running' && (
          <Progress
            label={t('review.export.progress')}
            done={status.rows}
            total={status.total}
            text={t('review.export.running', { done: status.rows, total: status.total })}
          />
        )}
        <div role="status" data-testid="export-result">
          {status?.state === 'done' && (
            <div className="result-box ok">
              <p>{t('review.export.done', { count: status.rows })}</p>
              {status.savedTo && (
                <p className="mono small">{t('review.export.savedTo', { path: status.savedTo })}</p>
              )}
              {status.target === 'download' && (
                <p className="small">{t('review.export.downloading')}</p>
              )}
            </div>
          )}
          {status?.state === 'cancelled' && (
            <p className="result-box neutral">{t('review.export.cancelled')}</p>
          )}
          {status?.state === 'failed' && (
            <p className="result-box bad">
              {t('review.export.failed')} {status.error && errorText(status.error)}
            </p>
          )}
          {dismissed && <p className="result-box neutral">{t('review.export.dialogClosed')}</p>}
        </div>
        {error && <ErrorNotice error={error} look="line" />}
        <div className="confirm-actions">
          {running ? (
            <button type="button" className="secondary" onClick={() => void cancel()}>
              {t('review.export.cancel')}
            </button>
          ) : status?.state === 'done' ? (
            <button type="button" onClick={onClose}>
              {t('review.export.close')}
            </button>
          ) : (
            <>
              <button type="button" className="secondary" onClick={onClose}>
                {t('review.export.close')}
              </button>
              <button type="button" onClick={() => void start()} disabled={starting}>
                {t('review.export.start')}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
