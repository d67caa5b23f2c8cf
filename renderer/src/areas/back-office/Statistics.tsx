/**
 * The four datacube reports as charts and tables: coupon summary (getcardbizuininfo), free
 * coupons per card (getcardcardinfo), member card summary (getcardmembercardinfo) and one
 * member card (getcardmembercarddetail). The date range is checked against the platform's
 * rules before any call (YYYY-MM-DD, at most 62 days, end not before begin, ending before the
 * platform's today in Asia/Shanghai); each table exports as CSV for Excel.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ErrorInfo } from '../../../../shared/errors';
import { toCsv } from '../../../../shared/office/csv';
import {
  checkDatacubeRange,
  lastDays,
  MAX_RANGE_DAYS,
  type DateProblem,
} from '../../../../shared/office/date-rules';
import type { StatsInfo } from '../../../../shared/ops/back-office';
import type {
  BizUinInfoRow,
  CardInfoRow,
  MemberCardDetailRow,
  MemberCardInfoRow,
} from '../../../../shared/wechat/datacube';
import type { CardType } from '../../../../shared/wechat/enums';
import { api } from '../../api';
import { money } from '../../kit/verdict/verdict-text';
import { routeHref } from '../../shell/route';
import { useCardIds } from './card-ids';
import { summaryOf, useSummaries } from './card-summaries';
import { downloadText, ErrorLine, useFormat } from './common';
import { VirtualTable, fitWidth, type DataColumn } from '../../kit/table/VirtualTable';
import { REPORTS, type Report } from './reports';
import { caught } from '../../kit/errors/ErrorNotice';

const FREE_COUPONS: readonly CardType[] = ['DISCOUNT', 'CASH', 'GIFT', 'GENERAL_COUPON', 'GROUPON'];
/** getcardcardinfo's numeric card_type. */
const DATACUBE_TYPES: Record<number, CardType> = {
  0: 'DISCOUNT',
  1: 'CASH',
  2: 'GIFT',
  3: 'GENERAL_COUPON',
  4: 'GROUPON',
};

const SERIES_COLORS = ['#38bdf8', '#4ade80', '#f472b6', '#facc15', '#fb923c', '#a78bfa', '#94a3b8'];
const NO_STATUSES = [] as const;

type Rows =
  | { report: 'coupons'; rows: BizUinInfoRow[] }
  | { report: 'cards'; rows: CardInfoRow[] }
  | { report: 'members'; rows: MemberCardInfoRow[] }
  | { report: 'member'; rows: MemberCardDetailRow[] };

interface Query {
  begin: string;
  end: string;
  condSource: 0 | 1;
  cardId: string;
}

export default function Statistics({ report }: { report: Report }) {
  const { t } = useTranslation();
  const [info, setInfo] = useState<StatsInfo>();
  const [infoError, setInfoError] = useState<ErrorInfo>();

  useEffect(() => {
    api.officeStatsInfo({}).then(setInfo, (err: unknown) => setInfoError(caught(err)));
  }, []);

  return (
    <section className="office-section" aria-labelledby="stats-title">
      <h2 id="stats-title">{t('office.stats.title')}</h2>
      <nav className="report-tabs" aria-label={t('office.stats.reports')}>
        {REPORTS.map((r) => (
          <a
            key={r}
            href={routeHref('office', { view: 'stats', report: r })}
            aria-current={r === report ? 'page' : undefined}
          >
            {t(`office.stats.report.${r}`)}
          </a>
        ))}
      </nav>
      <p className="muted">{t(`office.stats.about.${report}`)}</p>
      {infoError && <ErrorLine error={infoError} />}
      {info && <ReportView key={report} report={report} info={info} />}
    </section>
  );
}

function ReportView({ report, info }: { report: Report; info: StatsInfo }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState<Query>(() => ({
    ...lastDays(info.today, 30),
    condSource: 0,
    cardId: '',
  }));
  const [data, setData] = useState<Rows>();
  const [shown, setShown] = useState<Query>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const check = checkDatacubeRange(query, info.today);
  const needsCard = report === 'member';
  const cardOk = !needsCard || query.cardId !== '';
  const all = useCardIds(NO_STATUSES);
  useSummaries(all.ids);
  const choices = all.ids
    .map((id) => summaryOf(id)?.summary)
    .filter((s) => s !== undefined)
    .filter((s) =>
      report === 'member' ? s.cardType === 'MEMBER_CARD' : FREE_COUPONS.includes(s.cardType),
    )
    .sort((a, b) => a.title.localeCompare(b.title));

  async function run() {
    if (!check.ok || !cardOk) return;
    setBusy(true);
    setError(undefined);
    const q = { ...query };
    try {
      const range = { begin: q.begin, end: q.end };
      let next: Rows;
      switch (report) {
        case 'coupons':
          next = {
            report,
            rows: (await api.officeCouponSummary({ ...range, condSource: q.condSource })).rows,
          };
          break;
        case 'cards':
          next = {
            report,
            rows: (
              await api.officeCouponCards({
                ...range,
                condSource: q.condSource,
                ...(q.cardId ? { cardId: q.cardId } : {}),
              })
            ).rows,
          };
          break;
        case 'members':
          next = {
            report,
            rows: (await api.officeMemberSummary({ ...range, condSource: q.condSource })).rows,
          };
          break;
        case 'member':
          next = {
            report,
            rows: (await api.officeMemberCard({ ...range, cardId: q.cardId })).rows,
          };
          break;
      }
      setData(next);
      setShown(q);
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  const problems = new Set<DateProblem>(check.problems);
  const dateError = (which: 'begin' | 'end') => {
    const mine: DateProblem[] =
      which === 'begin'
        ? ['begin_format']
        : ['end_format', 'end_before_begin', 'too_long', 'not_before_today'];
    return mine.filter((p) => problems.has(p));
  };

  return (
    <div className="report" data-testid={`report-${report}`}>
      <form
        className="report-query"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <div className="row wrap">
          <div className="field">
            <label htmlFor="stats-begin">{t('office.stats.begin')}</label>
            <input
              id="stats-begin"
              type="date"
              value={query.begin}
              max={lastDays(info.today, 1).end}
              aria-invalid={dateError('begin').length ? true : undefined}
              onChange={(e) => setQuery({ ...query, begin: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="stats-end">{t('office.stats.end')}</label>
            <input
              id="stats-end"
              type="date"
              value={query.end}
              max={lastDays(info.today, 1).end}
              aria-invalid={dateError('end').length ? true : undefined}
              onChange={(e) => setQuery({ ...query, end: e.target.value })}
            />
          </div>
          {report !== 'member' && (
            <div className="field">
              <label htmlFor="stats-source">{t('office.stats.condSource')}</label>
              <select
                id="stats-source"
                value={query.condSource}
                onChange={(e) => setQuery({ ...query, condSource: e.target.value === '1' ? 1 : 0 })}
              >
                <option value={0}>{t('office.stats.source0')}</option>
                <option value={1}>{t('office.stats.source1')}</option>
              </select>
            </div>
          )}
          {(report === 'cards' || report === 'member') && (
            <div className="field grow">
              <label htmlFor="stats-card">
                {t(report === 'member' ? 'office.stats.memberCard' : 'office.stats.card')}
              </label>
              <select
                id="stats-card"
                value={query.cardId}
                onChange={(e) => setQuery({ ...query, cardId: e.target.value })}
              >
                <option value="">
                  {report === 'member'
                    ? t('office.stats.chooseCard')
                    : t('office.stats.allFreeCoupons')}
                </option>
                {choices.map((s) => (
                  <option key={s.cardId} value={s.cardId} data-merchant>
                    {s.title}
                  </option>
                ))}
              </select>
            </div>
          )}
          <button type="submit" className="align-end" disabled={busy || !check.ok || !cardOk}>
            {busy ? t('office.loadingShort') : t('office.stats.show')}
          </button>
        </div>
        <div className="row wrap presets">
          <span className="muted">{t('office.stats.presets')}</span>
          {[1, 7, 30, MAX_RANGE_DAYS].map((n) => (
            <button
              key={n}
              type="button"
              className="secondary small"
              onClick={() => setQuery({ ...query, ...lastDays(info.today, n) })}
            >
              {n === 1 ? t('office.stats.yesterday') : t('office.stats.lastDays', { count: n })}
            </button>
          ))}
        </div>
        <p className="field-hint" data-testid="stats-rules">
          {t('office.stats.rules', { max: info.maxDays, today: info.today })}
          {check.days !== undefined && check.days > 0 && (
            <> · {t('office.stats.days', { count: check.days })}</>
          )}
        </p>
        {check.problems.length > 0 && (
          <ul className="date-problems" role="alert" data-testid="date-problems">
            {check.problems.map((p) => (
              <li key={p} className="field-error" data-problem={p}>
                ⚠ {t(`office.stats.problem.${p}`, { max: info.maxDays, today: info.today })}
              </li>
            ))}
          </ul>
        )}
        {!cardOk && <p className="field-hint">{t('office.stats.chooseCardHint')}</p>}
      </form>
      {error && <ErrorLine error={error} />}
      {data && shown && <ReportResult data={data} query={shown} />}
    </div>
  );
}

interface Metric<Row> {
  key: string;
  value: (r: Row) => number;
  money?: boolean;
}

const m = <Row,>(key: keyof Row & string, isMoney = false): Metric<Row> => ({
  key,
  value: (r) => Number(r[key] ?? 0),
  money: isMoney,
});

const COUPON_METRICS: Metric<BizUinInfoRow>[] = [
  m('view_cnt'),
  m('view_user'),
  m('receive_cnt'),
  m('receive_user'),
  m('verify_cnt'),
  m('verify_user'),
  m('given_cnt'),
  m('given_user'),
  m('expire_cnt'),
  m('expire_user'),
];
const CARD_METRICS: Metric<CardInfoRow>[] = COUPON_METRICS as unknown as Metric<CardInfoRow>[];
const MEMBERS_METRICS: Metric<MemberCardInfoRow>[] = [
  m('view_cnt'),
  m('view_user'),
  m('receive_cnt'),
  m('receive_user'),
  m('active_user'),
  m('verify_cnt'),
  m('verify_user'),
  m('total_user'),
  m('total_receive_user'),
];
const MEMBER_METRICS: Metric<MemberCardDetailRow>[] = [
  m('view_cnt'),
  m('view_user'),
  m('receive_cnt'),
  m('receive_user'),
  m('active_cnt'),
  m('active_user'),
  m('verify_cnt'),
  m('verify_user'),
  m('new_user'),
  m('total_user'),
  m('payOriginalFee', true),
  m('fee', true),
];

/** What the chart draws per report (the table has every column). */
const CHART_KEYS: Record<Report, string[]> = {
  coupons: ['view_cnt', 'receive_cnt', 'verify_cnt', 'given_cnt', 'expire_cnt'],
  cards: ['receive_cnt', 'verify_cnt', 'view_cnt'],
  members: ['view_cnt', 'receive_cnt', 'active_user', 'verify_cnt', 'total_user'],
  member: ['view_cnt', 'receive_cnt', 'active_user', 'verify_cnt', 'new_user'],
};

function metricLabel(t: TFunction, key: string) {
  return t(`office.stats.metric.${key}`);
}

function ReportResult({ data, query }: { data: Rows; query: Query }) {
  switch (data.report) {
    case 'coupons':
      return (
        <DailyReport report="coupons" rows={data.rows} metrics={COUPON_METRICS} query={query} />
      );
    case 'members':
      return (
        <DailyReport report="members" rows={data.rows} metrics={MEMBERS_METRICS} query={query} />
      );
    case 'member':
      return (
        <DailyReport report="member" rows={data.rows} metrics={MEMBER_METRICS} query={query} />
      );
    case 'cards':
      return <CardsReport rows={data.rows} query={query} />;
  }
}

function fileName(report: Report, q: Query) {
  return `carddesk-${report}${q.cardId ? `-${q.cardId}` : ''}_${q.begin}_${q.end}.csv`;
}

function Totals<Row>({ rows, metrics }: { rows: Row[]; metrics: Metric<Row>[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const shown = metrics.filter(
    (x) => !/_user$/.test(x.key) || x.key === 'active_user' || x.key === 'new_user',
  );
  return (
    <dl className="stat-tiles" data-testid="stat-totals">
      {shown.map((x) => {
        const sum =
          x.key === 'total_user' || x.key === 'total_receive_user'
            ? rows.length
              ? x.value(rows[rows.length - 1]!)
              : 0
            : rows.reduce((a, r) => a + x.value(r), 0);
        return (
          <div key={x.key} className="stat-tile" data-metric={x.key}>
            <dt>{metricLabel(t, x.key)}</dt>
            <dd>{x.money ? money(sum, fmt.lang) : fmt.number(sum)}</dd>
          </div>
        );
      })}
    </dl>
  );
}

function ExportButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="secondary" onClick={onClick} data-testid="export-csv">
      ⇩ {t('office.stats.exportCsv')}
    </button>
  );
}

function ChartBox({ title, children }: { title: string; children: ReactNode }) {
  return (
    <figure className="chart-box" aria-label={title}>
      <figcaption className="sr-only">{title}</figcaption>
      {children}
    </figure>
  );
}

function DailyReport<Row extends { ref_date: string }>({
  report,
  rows,
  metrics,
  query,
}: {
  report: Report;
  rows: Row[];
  metrics: Metric<Row>[];
  query: Query;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const sorted = useMemo(
    () => [...rows].sort((a, b) => a.ref_date.localeCompare(b.ref_date)),
    [rows],
  );
  const chartKeys = CHART_KEYS[report];
  const chartData = useMemo(
    () =>
      sorted.map((r) => ({
        date: r.ref_date.slice(5),
        ...Object.fromEntries(
          metrics.filter((x) => chartKeys.includes(x.key)).map((x) => [x.key, x.value(r)]),
        ),
      })),
    [sorted, metrics, chartKeys],
  );
  const columns = useMemo(
    (): DataColumn<Row>[] => [
      {
        id: 'ref_date',
        header: t('office.stats.metric.ref_date'),
        width: '120px',
        value: (r) => r.ref_date,
      },
      ...metrics.map((x): DataColumn<Row> => ({
        id: x.key,
        header: metricLabel(t, x.key),
        width: fitWidth(metricLabel(t, x.key)),
        numeric: true,
        value: x.value,
        cell: (r) => (x.money ? money(x.value(r), fmt.lang) : fmt.number(x.value(r))),
      })),
    ],
    [metrics, t, fmt],
  );
  const exportCsv = () =>
    downloadText(
      fileName(report, query),
      toCsv(
        [
          { header: t('office.stats.metric.ref_date'), value: (r: Row) => r.ref_date },
          ...metrics.map((x) => ({
            header: metricLabel(t, x.key),
            value: (r: Row) => (x.money ? x.value(r) / 100 : x.value(r)),
          })),
        ],
        sorted,
      ),
    );

  return (
    <div className="report-result" data-testid="report-result" data-rows={rows.length}>
      <div className="office-head">
        <h3>
          {t(`office.stats.report.${report}`)}{' '}
          <small className="muted">
            {query.begin} – {query.end}
          </small>
        </h3>
        <ExportButton onClick={exportCsv} />
      </div>
      <Totals rows={sorted} metrics={metrics} />
      {rows.length === 0 ? (
        <p className="muted">{t('office.stats.noRows')}</p>
      ) : (
        <ChartBox title={t(`office.stats.report.${report}`)}>
          <ResponsiveContainer width="100%" height={280}>
            <LineChart data={chartData} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid stroke="#334155" strokeDasharray="3 3" />
              <XAxis dataKey="date" stroke="#94a3b8" fontSize={13} minTickGap={12} />
              <YAxis stroke="#94a3b8" fontSize={13} allowDecimals={false} width={48} />
              <Tooltip contentStyle={{ background: '#0f172a', border: '1px solid #475569' }} />
              <Legend itemSorter={null} />
              {chartKeys.map((key, i) => (
                <Line
                  key={key}
                  type="monotone"
                  dataKey={key}
                  name={metricLabel(t, key)}
                  stroke={SERIES_COLORS[i % SERIES_COLORS.length]}
                  strokeWidth={2}
                  dot={sorted.length <= 31}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </ChartBox>
      )}
      <VirtualTable
        columns={columns}
        rows={sorted}
        rowKey={(r) => r.ref_date}
        label={t(`office.stats.report.${report}`)}
        testId="report-table"
        maxHeight={420}
      />
    </div>
  );
}

function CardsReport({ rows, query }: { rows: CardInfoRow[]; query: Query }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const ids = useMemo(() => [...new Set(rows.map((r) => r.card_id))], [rows]);
  useSummaries(ids);
  const title = (id: string) => summaryOf(id)?.summary?.title ?? id;
  const typeName = (n: number) => {
    const type = DATACUBE_TYPES[n];
    return type ? t(`office.cardType.${type}`) : String(n);
  };
  const sorted = [...rows].sort(
    (a, b) =>
      a.ref_date.localeCompare(b.ref_date) || title(a.card_id).localeCompare(title(b.card_id)),
  );
  const perCard = ids
    .map((id) => {
      const mine = rows.filter((r) => r.card_id === id);
      return {
        id,
        name: title(id),
        receive_cnt: mine.reduce((a, r) => a + r.receive_cnt, 0),
        verify_cnt: mine.reduce((a, r) => a + r.verify_cnt, 0),
        view_cnt: mine.reduce((a, r) => a + r.view_cnt, 0),
      };
    })
    .sort((a, b) => b.receive_cnt + b.verify_cnt - (a.receive_cnt + a.verify_cnt));
  const top = perCard.slice(0, 20);
  const columns: DataColumn<CardInfoRow>[] = [
    {
      id: 'ref_date',
      header: t('office.stats.metric.ref_date'),
      width: '110px',
      value: (r) => r.ref_date,
    },
    {
      id: 'card',
      header: t('office.stats.metric.card'),
      width: 'minmax(160px, 2fr)',
      value: (r) => title(r.card_id),
    },
    {
      id: 'card_type',
      header: t('office.stats.metric.card_type'),
      width: 'minmax(120px, 1fr)',
      value: (r) => typeName(r.card_type),
    },
    ...CARD_METRICS.map((x): DataColumn<CardInfoRow> => ({
      id: x.key,
      header: metricLabel(t, x.key),
      width: fitWidth(metricLabel(t, x.key)),
      numeric: true,
      value: x.value,
      cell: (r) => fmt.number(x.value(r)),
    })),
  ];
  const exportCsv = () =>
    downloadText(
      fileName('cards', query),
      toCsv(
        [
          { header: t('office.stats.metric.ref_date'), value: (r: CardInfoRow) => r.ref_date },
          { header: t('office.stats.metric.card_id'), value: (r: CardInfoRow) => r.card_id },
          { header: t('office.stats.metric.card'), value: (r: CardInfoRow) => title(r.card_id) },
          {
            header: t('office.stats.metric.card_type'),
            value: (r: CardInfoRow) => typeName(r.card_type),
          },
          ...CARD_METRICS.map((x) => ({ header: metricLabel(t, x.key), value: x.value })),
        ],
        sorted,
      ),
    );

  return (
    <div className="report-result" data-testid="report-result" data-rows={rows.length}>
      <div className="office-head">
        <h3>
          {t('office.stats.report.cards')}{' '}
          <small className="muted">
            {query.begin} – {query.end}
          </small>
        </h3>
        <ExportButton onClick={exportCsv} />
      </div>
      <Totals rows={rows} metrics={CARD_METRICS} />
      {rows.length === 0 ? (
        <p className="muted">{t('office.stats.noRowsCards')}</p>
      ) : (
        <ChartBox title={t('office.stats.perCardChart')}>
          <p className="muted chart-title">
            {t('office.stats.perCardChart')}
            {perCard.length > top.length && (
              <> · {t('office.stats.topN', { count: top.length, total: perCard.length })}</>
            )}
          </p>
          <ResponsiveContainer width="100%" height={Math.max(200, top.length * 36 + 60)}>
            <BarChart
              data={top}
              layout="vertical"
              margin={{ top: 4, right: 16, bottom: 4, left: 8 }}
            >
              <CartesianGrid stroke="#334155" strokeDasharray="3 3" />
              <XAxis type="number" stroke="#94a3b8" fontSize={13} allowDecimals={false} />
              <YAxis type="category" dataKey="name" stroke="#94a3b8" fontSize={13} width={170} />
              <Tooltip contentStyle={{ background: '#0f172a', border: '1px solid #475569' }} />
              <Legend itemSorter={null} />
              {(['receive_cnt', 'verify_cnt', 'view_cnt'] as const).map((key, i) => (
                <Bar
                  key={key}
                  dataKey={key}
                  name={metricLabel(t, key)}
                  fill={SERIES_COLORS[i]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </ChartBox>
      )}
      <VirtualTable
        columns={columns}
        rows={sorted}
        rowKey={(r) => `${r.ref_date}:${r.card_id}`}
        label={t('office.stats.report.cards')}
        testId="report-table"
        maxHeight={420}
      />
    </div>
  );
}
