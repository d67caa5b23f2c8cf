/**
 * The summary of a range (today, yesterday, this week, custom days): redemptions, refunds,
 * rejections and failures in total and by hour (a chart, and the same numbers as a table), by
 * operator and by card, the busiest hour, and the rejection and failure reasons. Every number
 * comes from the host's summary of the log; each table row leads to its records in the journal.
 */
import { createColumnHelper } from '@tanstack/react-table';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  KIND_RULES,
  REVIEW_KINDS,
  type ReviewKind,
  type SummaryOutput,
} from '../../../../shared/ops/audit-review';
import { StaticTable, type Features } from '../../kit/table/StaticTable';
import { RangePicker } from './Filters';
import { actionName, count, reasonMeaning } from './review-text';
import { OutcomeBadge } from './JournalView';
import { KIND_COLOURS } from './kind-colours';
import { toFilter, type ReviewParams } from './params';
import { useReview } from './review-context';
import { summaryModel, type KindCounts } from './summary-model';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { calendarDate, dayAndTime, timeOfDay } from '../../kit/date-time';

const HourChart = lazy(() => import('./HourChart'));

const DAY_MS = 86_400_000;

type OperatorRow = { operatorId: string | null } & KindCounts;
type CardRow = { cardId: string; title: string } & KindCounts;
type ReasonRow = SummaryOutput['reasons'][number];
type MatrixRow = SummaryOutput['byActionOutcome'][number];
type HourRow = { hour: number } & KindCounts;

export function SummaryView() {
  const { t, i18n } = useTranslation();
  const { info, source, params: raw, now, update, href, operatorName } = useReview();
  const lang = i18n.language;
  const tz = info.timeZone;
  // A summary needs a range with both ends: "all time" shows today.
  const params: ReviewParams =
    raw.range === 'all' || (raw.range === 'custom' && (!raw.fromDate || !raw.toDate))
      ? { ...raw, range: raw.range === 'all' ? 'today' : raw.range }
      : raw;
  const filter = toFilter(params, now, tz);
  const from = filter.from;
  const to = filter.to;
  // Training records (Sandbox-mode exercises) are left out unless the supervisor asks.
  const [includeTraining, setIncludeTraining] = useState(false);
  const rangeKey =
    from !== undefined && to !== undefined && to > from
      ? `${from}-${to}-${includeTraining ? 1 : 0}`
      : '';

  const [loaded, setLoaded] = useState<{ key: string; data?: SummaryOutput; error?: ErrorInfo }>();
  useEffect(() => {
    if (!rangeKey) return;
    let live = true;
    const [f, tt, withTraining] = rangeKey.split('-').map(Number) as [number, number, number];
    source.auditSummary({ from: f, to: tt, includeTraining: withTraining === 1 }).then(
      (data) => live && setLoaded({ key: rangeKey, data }),
      (err: unknown) =>
        live &&
        setLoaded({
          key: rangeKey,
          error: caught(err),
        }),
    );
    return () => {
      live = false;
    };
  }, [rangeKey, source]);

  const current = loaded?.key === rangeKey ? loaded : undefined;
  const data = current?.data;
  const model = useMemo(() => (data ? summaryModel(data) : undefined), [data]);
  const multiDay = from !== undefined && to !== undefined && to - from > DAY_MS + 3_600_000;
  const hourLabel = (h: number) => (multiDay ? dayAndTime(h, lang, tz) : timeOfDay(h, lang, tz));

  /** The journal for this range, narrowed further by `patch`. */
  const journal = (patch: Record<string, string>) =>
    href('journal', {
      ...patch,
      range: params.range,
      ...(params.range === 'custom' && params.fromDate && params.toDate
        ? { from: params.fromDate, to: params.toDate }
        : {}),
    });
  const kindLink = (kind: ReviewKind) =>
    journal({ act: KIND_RULES[kind].actions.join(','), out: KIND_RULES[kind].outcomes.join(',') });

  const kindColumns = <T extends KindCounts>(
    h: ReturnType<typeof createColumnHelper<Features, T>>,
  ) =>
    REVIEW_KINDS.map((k) =>
      h.display({
        id: k,
        header: () => t(`review.summary.kinds.${k}`),
        cell: (c) => count(c.row.original[k], lang),
      }),
    );

  const operatorColumns = useMemo(() => {
    const h = createColumnHelper<Features, OperatorRow>();
    return [
      h.display({
        id: 'operator',
        header: () => t('review.summary.columns.operator'),
        cell: (c) => {
          const id = c.row.original.operatorId;
          if (id === null) return t('review.summary.noOperator');
          return (
            <a href={journal({ op: id })} title={t('review.summary.showInJournal')}>
              <span data-merchant="">{operatorName(id)}</span>{' '}
              <span className="muted mono small">{id}</span>
            </a>
          );
        },
      }),
      ...kindColumns(h),
      h.display({
        id: 'records',
        header: () => t('review.summary.columns.records'),
        cell: (c) => count(c.row.original.total, lang),
      }),
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when what they show changes
  }, [t, lang, operatorName, params.range, params.fromDate, params.toDate]);

  const cardColumns = useMemo(() => {
    const h = createColumnHelper<Features, CardRow>();
    return [
      h.display({
        id: 'card',
        header: () => t('review.summary.columns.card'),
        cell: (c) => (
          <a
            href={journal({ card: c.row.original.cardId })}
            title={t('review.summary.showInJournal')}
          >
            {c.row.original.title ? (
              <span data-merchant="">{c.row.original.title}</span>
            ) : (
              <span className="mono">{c.row.original.cardId}</span>
            )}{' '}
            {c.row.original.title && (
              <span className="muted mono small">{c.row.original.cardId}</span>
            )}
          </a>
        ),
      }),
      ...kindColumns(h),
      h.display({
        id: 'records',
        header: () => t('review.summary.columns.records'),
        cell: (c) => count(c.row.original.total, lang),
      }),
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when what they show changes
  }, [t, lang, params.range, params.fromDate, params.toDate]);

  const reasonColumns = useMemo(() => {
    const h = createColumnHelper<Features, ReasonRow>();
    return [
      h.display({
        id: 'action',
        header: () => t('review.summary.columns.action'),
        cell: (c) => actionName(c.row.original.action, t),
      }),
      h.display({
        id: 'outcome',
        header: () => t('review.summary.columns.outcome'),
        cell: (c) => <OutcomeBadge outcome={c.row.original.outcome} />,
      }),
      h.display({
        id: 'errcode',
        header: () => t('review.summary.columns.errcode'),
        cell: (c) => <span className="mono">{c.row.original.errcode ?? '—'}</span>,
      }),
      h.display({
        id: 'message',
        header: () => t('review.summary.columns.message'),
        cell: (c) => {
          const r = c.row.original;
          const ours = reasonMeaning(r, t);
          return (
            <>
              <span className="wrap" data-testid="reason-text">
                {ours ?? r.errmsg ?? t('review.summary.reasonUnknown')}
              </span>
              {ours && r.errmsg && r.errcode !== null && (
                <div className="muted small mono wrap">
                  {t('review.summary.reasonSample', { errmsg: r.errmsg })}
                </div>
              )}
            </>
          );
        },
      }),
      h.display({
        id: 'count',
        header: () => t('review.summary.columns.count'),
        cell: (c) => (
          <a
            href={journal({ act: c.row.original.action, out: c.row.original.outcome })}
            title={t('review.summary.showInJournal')}
          >
            {count(c.row.original.count, lang)}
          </a>
        ),
      }),
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when what they show changes
  }, [t, lang, params.range, params.fromDate, params.toDate]);

  const matrixColumns = useMemo(() => {
    const h = createColumnHelper<Features, MatrixRow>();
    return [
      h.display({
        id: 'action',
        header: () => t('review.summary.columns.action'),
        cell: (c) => actionName(c.row.original.action, t),
      }),
      h.display({
        id: 'outcome',
        header: () => t('review.summary.columns.outcome'),
        cell: (c) => <OutcomeBadge outcome={c.row.original.outcome} />,
      }),
      h.display({
        id: 'count',
        header: () => t('review.summary.columns.count'),
        cell: (c) => (
          <a href={journal({ act: c.row.original.action, out: c.row.original.outcome })}>
            {count(c.row.original.count, lang)}
          </a>
        ),
      }),
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when what they show changes
  }, [t, lang, params.range, params.fromDate, params.toDate]);

  const hourColumns = useMemo(() => {
    const h = createColumnHelper<Features, HourRow>();
    return [
      h.display({
        id: 'hour',
        header: () => t('review.summary.hour'),
        cell: (c) => hourLabel(c.row.original.hour),
      }),
      ...kindColumns(h),
      h.display({
        id: 'records',
        header: () => t('review.summary.columns.records'),
        cell: (c) => count(c.row.original.total, lang),
      }),
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when what they show changes
  }, [t, lang, tz, multiDay]);

  // By hour; over more than a month that is thousands of bars, so the chart goes by day then
  // (the hour table below keeps the hours).
  const chartData = useMemo(() => {
    const hours = model?.hours ?? [];
    const byDay = from !== undefined && to !== undefined && to - from > 31 * DAY_MS;
    const bars = new Map<string, { label: string } & Record<ReviewKind, number>>();
    for (const h of hours) {
      const label = byDay
        ? calendarDate(h.hour, lang, tz, { weekday: true })
        : multiDay
          ? dayAndTime(h.hour, lang, tz)
          : timeOfDay(h.hour, lang, tz);
      const bar = bars.get(label) ?? {
        label,
        redemptions: 0,
        refunds: 0,
        rejections: 0,
        failures: 0,
      };
      for (const k of REVIEW_KINDS) bar[k] += h[k];
      bars.set(label, bar);
    }
    return [...bars.values()];
  }, [model, multiDay, lang, tz, from, to]);

  const cards: CardRow[] = (model?.cards ?? []).map((c) => ({
    ...c,
    title: data?.cardTitles[c.cardId] ?? '',
  }));
  const busiest = model?.busiest;
  const numeric = [...REVIEW_KINDS, 'records', 'count'];

  return (
    <div className="summary">
      {!info.scope.own && (
        <RangePicker
          params={params}
          presets={['today', 'yesterday', 'week', 'custom']}
          onChange={(patch) => update(patch)}
        />
      )}
      {from !== undefined && to !== undefined && (
        <p className="summary-range" data-testid="summary-range">
          {calendarDate(from, lang, tz, { weekday: true })}
          {to - from > DAY_MS ? ` – ${calendarDate(to - 1, lang, tz, { weekday: true })}` : ''}
          <span className="muted small" translate="no">
            {' '}
            · {tz}
          </span>
          <label className="check summary-training">
            <input
              type="checkbox"
              checked={includeTraining}
              onChange={(e) => setIncludeTraining(e.target.checked)}
              data-testid="summary-include-training"
            />
            {t('review.summary.includeTraining')}
          </label>
        </p>
      )}
      {current?.error && <ErrorNotice error={current.error} look="line" />}
      {!current && rangeKey && <p className="muted">{t('review.journal.loading')}</p>}
      {data && model && (
        <>
          <div className="tiles">
            {REVIEW_KINDS.map((k) => (
              <a
                key={k}
                className={`tile tile-${k}`}
                href={kindLink(k)}
                data-testid={`kind-${k}`}
                data-count={model.kinds[k]}
                title={t('review.summary.showInJournal')}
              >
                <span className="tile-label">
                  <span
                    className="swatch"
                    style={{ background: KIND_COLOURS[k] }}
                    aria-hidden="true"
                  />
                  {t(`review.summary.kinds.${k}`)}
                </span>
                <span className="tile-value">{count(model.kinds[k], lang)}</span>
                <span className="tile-hint">{t(`review.summary.kindHints.${k}`)}</span>
              </a>
            ))}
            <div
              className="tile tile-busiest"
              data-testid="busiest-hour"
              data-hour={busiest?.hour ?? ''}
              data-count={busiest?.count ?? 0}
            >
              <span className="tile-label">{t('review.summary.busiest')}</span>
              <span className="tile-value">
                {busiest
                  ? `${timeOfDay(busiest.hour, lang, tz)}–${timeOfDay(busiest.hour + 3_600_000, lang, tz)}`
                  : t('review.summary.nothing')}
              </span>
              <span className="tile-hint">
                {busiest
                  ? `${multiDay ? `${calendarDate(busiest.hour, lang, tz, { weekday: true })} · ` : ''}${t(
                      'review.summary.busiestValue',
                      { count: busiest.count },
                    )}`
                  : t('review.summary.empty')}
              </span>
            </div>
            <div className="tile tile-total" data-testid="summary-total" data-count={data.total}>
              <span className="tile-label">{t('review.summary.total')}</span>
              <span className="tile-value">{count(data.total, lang)}</span>
            </div>
          </div>

          <figure className="panel chart" aria-label={t('review.summary.chart')}>
            <figcaption>{t('review.summary.chart')}</figcaption>
            <div className="chart-area">
              <Suspense fallback={<p className="muted">{t('review.journal.loading')}</p>}>
                <HourChart
                  data={chartData}
                  names={
                    Object.fromEntries(
                      REVIEW_KINDS.map((k) => [k, t(`review.summary.kinds.${k}`)]),
                    ) as Record<ReviewKind, string>
                  }
                />
              </Suspense>
            </div>
            <details className="chart-table">
              <summary>{t('review.summary.chartTable')}</summary>
              <StaticTable
                columns={hourColumns}
                data={model.hours.filter((h) => h.total > 0)}
                rowId={(r) => String(r.hour)}
                testId="hour-table"
                numeric={numeric}
              />
            </details>
          </figure>

          <div className="summary-tables">
            <section className="panel">
              <h2>{t('review.summary.byOperator')}</h2>
              <StaticTable
                columns={operatorColumns}
                data={model.operators}
                rowId={(r) => r.operatorId ?? ''}
                testId="operator-table"
                numeric={numeric}
              />
            </section>
            <section className="panel">
              <h2>{t('review.summary.byCard')}</h2>
              <StaticTable
                columns={cardColumns}
                data={cards}
                rowId={(r) => r.cardId}
                testId="card-table"
                numeric={numeric}
              />
            </section>
          </div>

          <section className="panel">
            <h2>{t('review.summary.reasons')}</h2>
            {data.reasons.length === 0 ? (
              <p className="muted">{t('review.summary.noReasons')}</p>
            ) : (
              <StaticTable
                columns={reasonColumns}
                data={data.reasons}
                rowId={(r) => `${r.action}|${r.outcome}|${r.errcode}|${r.reason}`}
                testId="reason-table"
                numeric={['count', 'errcode']}
              />
            )}
          </section>

          <details className="panel matrix">
            <summary>{t('review.summary.matrix')}</summary>
            <StaticTable
              columns={matrixColumns}
              data={data.byActionOutcome}
              rowId={(r) => `${r.action}|${r.outcome}`}
              testId="matrix-table"
              numeric={['count']}
            />
          </details>
          {data.total === 0 && <p className="muted">{t('review.summary.empty')}</p>}
        </>
      )}
    </div>
  );
}
