/**
 * One record, everything in it: when, where, who, what, WeChat's answer (errcode, message and
 * what it means), how long it took, its details as readable pairs, its seal; and every record
 * of the same intent (the request, a lost answer, the settlement...) in order, each a link.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import type { RecordView as RecordData } from '../../../../shared/ops/audit-review';
import { OPEN_OUTCOMES } from '../../../../shared/audit';
import { actionName, duration, errcodeMeaning } from './review-text';
import { RowOutcome, TrainingBadge } from './JournalView';
import { useReview } from './review-context';
import { RecordDetail } from './RecordDetail';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { dateTime } from '../../kit/date-time';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function RecordView({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const { info, source, href, operatorName } = useReview();
  const lang = i18n.language;
  const tz = info.timeZone;
  const [loaded, setLoaded] = useState<{ id: number; data?: RecordData; error?: ErrorInfo }>();

  useEffect(() => {
    let live = true;
    if (!Number.isSafeInteger(id) || id < 1) return;
    source.getAuditRecord({ id }).then(
      (data) => live && setLoaded({ id, data }),
      (err: unknown) =>
        live &&
        setLoaded({
          id,
          error: caught(err),
        }),
    );
    return () => {
      live = false;
    };
  }, [id, source]);

  const back = (
    <a className="back-link" href={href('journal')}>
      ← {t('review.record.back')}
    </a>
  );
  const current = loaded?.id === id ? loaded : undefined;
  if (!Number.isSafeInteger(id) || id < 1) {
    return (
      <div className="record-view">
        {back}
        <p className="form-error" role="alert">
          {t('review.errors.record_not_found', { id: String(id) })}
        </p>
      </div>
    );
  }
  if (!current) {
    return (
      <div className="record-view">
        {back}
        <p className="muted">{t('review.record.loading')}</p>
      </div>
    );
  }
  if (current.error || !current.data) {
    return (
      <div className="record-view">
        {back}
        {current.error && <ErrorNotice error={current.error} look="line" />}
      </div>
    );
  }

  const { record: r, title, linked } = current.data;
  // A cashier's (masked) record has no nonce and no hashes: they would give the code away.
  const chain = current.data.masked ? undefined : current.data.record;
  const hasLinked = linked.length > 1 || !!chain?.nonce;
  // The request half of a finished write shows what finished it, not "processing".
  const resultOf = (l: { id: number; outcome: string }) => {
    if (!(OPEN_OUTCOMES as readonly string[]).includes(l.outcome)) return undefined;
    const closing = linked.find(
      (x) => x.id > l.id && !(OPEN_OUTCOMES as readonly string[]).includes(x.outcome),
    );
    return closing ? { id: closing.id, outcome: closing.outcome } : undefined;
  };
  const ownResult = resultOf(r);
  const resultHref = (id: number) => href('record', { id: String(id) });
  const meaning = errcodeMeaning(r.errcode, t);
  const details = Object.entries(r.detail);
  return (
    <article className="record-view" data-testid="record-view">
      <div className="record-nav">
        {back}
        <span className="spacer" />
        {!info.scope.own && r.id > 1 && (
          <a className="button-link secondary" href={href('record', { id: String(r.id - 1) })}>
            {t('review.record.previous')}
          </a>
        )}
        {!info.scope.own && (
          <a className="button-link secondary" href={href('record', { id: String(r.id + 1) })}>
            {t('review.record.next')}
          </a>
        )}
      </div>
      <header className="record-head">
        <h2>{t('review.record.title', { id: r.id })}</h2>
        {r.detail.training === true && <TrainingBadge />}
        <span className="record-action">{actionName(r.action, t)}</span>
        <RowOutcome
          row={{
            action: r.action,
            outcome: r.outcome,
            verdict: typeof r.detail.verdict === 'string' ? r.detail.verdict : null,
            result: ownResult,
          }}
          href={resultHref}
        />
      </header>
      <div className="record-columns">
        <section className="panel record-fields">
          <dl className="kv">
            <Field label={t('review.record.fields.time')}>
              {dateTime(r.ts, lang, tz, { seconds: true })}
            </Field>
            <Field label={t('review.record.fields.timeUtc')}>
              <span className="mono small">{new Date(r.ts).toISOString()}</span>
            </Field>
            <Field label={t('review.record.fields.terminal')}>
              <span className="mono" translate="no">
                {r.terminal_id}
              </span>
            </Field>
            <Field label={t('review.record.fields.operator')}>
              {r.operator_id ? (
                <>
                  <span data-merchant>{operatorName(r.operator_id)}</span>{' '}
                  <span className="muted mono small">{r.operator_id}</span>
                </>
              ) : (
                '—'
              )}
            </Field>
            <Field label={t('review.record.fields.action')}>{actionName(r.action, t)}</Field>
            <Field label={t('review.record.fields.outcome')}>
              <RowOutcome
                row={{ action: r.action, outcome: r.outcome, verdict: null, result: ownResult }}
                href={resultHref}
              />
            </Field>
            <Field label={t('review.record.fields.code')}>
              <span className="mono" data-testid="record-code">
                {r.code ?? '—'}
              </span>
            </Field>
            <Field label={t('review.record.fields.card')}>
              {title && <span data-merchant>{title}</span>}{' '}
              {r.card_id && <span className="muted mono small">{r.card_id}</span>}
              {!title && !r.card_id && '—'}
            </Field>
            <Field label={t('review.record.fields.duration')}>
              {r.duration_ms === null ? '—' : duration(r.duration_ms, t)}
            </Field>
            {chain?.nonce && (
              <Field label={t('review.record.fields.nonce')}>
                <span className="mono small">{chain.nonce}</span>
              </Field>
            )}
          </dl>
          {current.data.masked && <p className="muted small">{t('review.record.masked')}</p>}
        </section>
        <section className="panel record-wechat" data-testid="record-wechat">
          <h3>{t('review.record.wechat')}</h3>
          {r.errcode === null && r.errmsg === null ? (
            <p className="muted">{t('review.record.wechatNotAsked')}</p>
          ) : (
            <dl className="kv">
              {r.errcode !== null && (
                <Field label={t('review.summary.columns.errcode')}>
                  <span className="mono">{r.errcode}</span>
                </Field>
              )}
              {r.errmsg !== null && (
                <Field label={t('review.record.errmsg')}>
                  {/* WeChat's own words, as it sent them ("what it means" is ours). */}
                  <span className="wrap" translate="no">
                    {r.errmsg}
                  </span>
                </Field>
              )}
              {(meaning || r.errcode === 0) && (
                <Field label={t('review.record.meaning')}>
                  {meaning ?? t('review.record.success')}
                </Field>
              )}
            </dl>
          )}
          <h3>{t('review.record.detail')}</h3>
          {details.length === 0 ? (
            <p className="muted">{t('review.record.noDetail')}</p>
          ) : (
            <RecordDetail detail={r.detail} timeZone={tz} />
          )}
        </section>
      </div>
      {hasLinked && (
        <section className="panel record-linked" data-testid="record-linked">
          <h3>{t('review.record.linked')}</h3>
          <p className="muted small">{t('review.record.linkedHint')}</p>
          <ol className="linked-list">
            {linked.map((l) => (
              <li key={l.id} className={l.id === r.id ? 'current' : undefined} data-id={l.id}>
                <a
                  href={href('record', { id: String(l.id) })}
                  aria-current={l.id === r.id ? 'page' : undefined}
                >
                  <span className="linked-id">#{l.id}</span>
                  <span>{dateTime(l.ts, lang, tz, { seconds: true })}</span>
                  <span>{actionName(l.action, t)}</span>
                  {/* Each record of the chain with its own outcome: the list is the story. */}
                  <RowOutcome row={l} />
                  <span className="muted">
                    {l.errcode !== null ? t('review.record.errcode', { errcode: l.errcode }) : ''}
                  </span>
                  <span className="muted">{duration(l.duration_ms, t)}</span>
                  {l.id === r.id && (
                    <span className="this-record">{t('review.record.thisRecord')}</span>
                  )}
                </a>
              </li>
            ))}
          </ol>
        </section>
      )}
      {chain && (
        <details className="record-chain">
          <summary>{t('review.record.chain')}</summary>
          <dl className="kv">
            <Field label={t('review.record.prevHash')}>
              <span className="mono small wrap">{chain.prev_hash}</span>
            </Field>
            <Field label={t('review.record.hash')}>
              <span className="mono small wrap">{chain.hash}</span>
            </Field>
          </dl>
        </details>
      )}
    </article>
  );
}
