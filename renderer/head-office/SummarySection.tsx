/** The day and period summary per store and terminal, by WeChat's day, with a chart. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { SummaryRow } from '../../shared/head-office';
import { StaticTable } from '../src/kit/table/StaticTable';
import { columns } from './columns';
import { DateRangeForm } from './DateRangeForm';
import { officeApi, shanghaiDay } from './office-api';

// One colour per store in the chart (none of the verdict colours' meanings: they are stores).
const STORE_COLOURS = ['#38bdf8', '#a78bfa', '#f472b6', '#2dd4bf', '#facc15', '#fb923c'];

interface TerminalTotal {
  store: string;
  terminal: string;
  redeemed: number;
  refunded: number;
  failed: number;
  lookups: number;
}

export function SummarySection({ onError }: { onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const [range] = useState(() => ({ from: shanghaiDay(-6), to: shanghaiDay(0) }));
  const [rows, setRows] = useState<SummaryRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  const fetchRows = (f: string, tt: string) => {
    void officeApi.summary(f, tt).then(setRows, (err: unknown) => {
      onError(err);
      setError((err as Error).message);
    });
  };
  const load = (f: string, tt: string) => {
    setRows(undefined);
    setError(undefined);
    fetchRows(f, tt);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the default range once
  useEffect(() => fetchRows(range.from, range.to), []);

  const { chart, stores, totals } = useMemo(() => {
    const stores = [...new Set((rows ?? []).map((r) => r.store))].sort();
    const byDay = new Map<string, Record<string, number | string>>();
    const totals = new Map<string, TerminalTotal>();
    for (const r of rows ?? []) {
      const d = byDay.get(r.day) ?? { day: r.day };
      d[r.store] = Number(d[r.store] ?? 0) + r.redeemed;
      byDay.set(r.day, d);
      const k = `${r.store}\u0000${r.terminal}`;
      const tt = totals.get(k) ?? {
        store: r.store,
        terminal: r.terminal,
        redeemed: 0,
        refunded: 0,
        failed: 0,
        lookups: 0,
      };
      tt.redeemed += r.redeemed;
      tt.refunded += r.refunded;
      tt.failed += r.failed;
      tt.lookups += r.lookups;
      totals.set(k, tt);
    }
    return {
      chart: [...byDay.values()].sort((a, b) => String(a.day).localeCompare(String(b.day))),
      stores,
      totals: [...totals.values()],
    };
  }, [rows]);

  const lang = i18n.language;
  const num = (n: number) => n.toLocaleString(lang);
  const cols = useMemo(
    () =>
      columns<TerminalTotal>([
        { id: 'store', header: t('headOffice.summary.store'), cell: (r) => r.store },
        { id: 'terminal', header: t('headOffice.summary.terminal'), cell: (r) => r.terminal },
        { id: 'redeemed', header: t('headOffice.summary.redeemed'), cell: (r) => num(r.redeemed) },
        { id: 'refunded', header: t('headOffice.summary.refunded'), cell: (r) => num(r.refunded) },
        { id: 'failed', header: t('headOffice.summary.failed'), cell: (r) => num(r.failed) },
        { id: 'lookups', header: t('headOffice.summary.lookups'), cell: (r) => num(r.lookups) },
      ]),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- num follows lang
    [t, lang],
  );

  return (
    <section aria-labelledby="ho-summary-title">
      <h1 id="ho-summary-title" className="sr-only">
        {t('headOffice.nav.summary')}
      </h1>
      <DateRangeForm from={range.from} to={range.to} onApply={load} />
      {error && (
        <p className="ho-error" role="alert">
          {t('headOffice.common.failed', { message: error })}
        </p>
      )}
      {!rows && !error && <p className="ho-note">{t('headOffice.common.loading')}</p>}
      {rows && rows.length === 0 && <p className="ho-note">{t('headOffice.common.none')}</p>}
      {rows && rows.length > 0 && (
        <>
          <h2 className="ho-h2">{t('headOffice.summary.chartTitle')}</h2>
          <div className="ho-chart" data-testid="ho-summary-chart">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={chart} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#334155" vertical={false} />
                <XAxis dataKey="day" stroke="#94a3b8" tick={{ fontSize: 13 }} />
                <YAxis stroke="#94a3b8" allowDecimals={false} tick={{ fontSize: 13 }} width={48} />
                <Tooltip
                  cursor={{ fill: 'rgb(148 163 184 / 15%)' }}
                  contentStyle={{ background: '#0f172a', border: '1px solid #475569' }}
                  labelStyle={{ color: '#f1f5f9' }}
                />
                <Legend wrapperStyle={{ fontSize: 15 }} />
                {stores.map((s, i) => (
                  <Bar
                    key={s}
                    dataKey={s}
                    name={s}
                    stackId="stores"
                    fill={STORE_COLOURS[i % STORE_COLOURS.length]}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <div className="ho-table">
            <StaticTable
              columns={cols}
              data={totals}
              rowId={(r) => `${r.store}/${r.terminal}`}
              testId="ho-summary"
              caption={t('headOffice.nav.summary')}
              numeric={['redeemed', 'refunded', 'failed', 'lookups']}
            />
          </div>
        </>
      )}
    </section>
  );
}
