/** The central journal against WeChat's consume counts, per card and WeChat day, explained. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReconciliationRow } from '../../shared/head-office';
import { StaticTable } from '../src/kit/table/StaticTable';
import { columns } from './columns';
import { DateRangeForm } from './DateRangeForm';
import { ApiError, officeApi, shanghaiDay } from './office-api';

export function ReconciliationSection({ onError }: { onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation();
  // WeChat reports days before today only.
  const [range] = useState(() => ({ from: shanghaiDay(-7), to: shanghaiDay(-1) }));
  const [rows, setRows] = useState<ReconciliationRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  const fetchRows = (f: string, tt: string) => {
    void officeApi.reconciliation(f, tt).then(
      (r) => setRows(r.rows),
      (err: unknown) => {
        onError(err);
        setError(
          err instanceof ApiError && err.code === 'no_wechat'
            ? t('headOffice.recon.noWechat')
            : t('headOffice.common.failed', { message: (err as Error).message }),
        );
      },
    );
  };
  const load = (f: string, tt: string) => {
    setRows(undefined);
    setError(undefined);
    fetchRows(f, tt);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the default range once
  useEffect(() => fetchRows(range.from, range.to), []);

  const lang = i18n.language;
  const cols = useMemo(
    () =>
      columns<ReconciliationRow>([
        { id: 'day', header: t('headOffice.recon.day'), cell: (r) => r.day },
        {
          id: 'card',
          header: t('headOffice.recon.card'),
          cell: (r) => (
            <span className="ho-card">
              <span className={r.card_title ? 'ho-card-title' : 'ho-hint'}>
                {r.card_title ?? t('headOffice.recon.noTitle')}
              </span>
              <span className="mono ho-wrap ho-hint">{r.card_id}</span>
              {r.card_title_from && (
                <span className="ho-hint">
                  {t(`headOffice.recon.titleFrom.${r.card_title_from}`)}
                </span>
              )}
            </span>
          ),
        },
        { id: 'wechat', header: t('headOffice.recon.wechat'), cell: (r) => r.wechat },
        { id: 'journal', header: t('headOffice.recon.journal'), cell: (r) => r.journal },
        { id: 'codes', header: t('headOffice.recon.codes'), cell: (r) => r.journal_codes },
        {
          id: 'difference',
          header: t('headOffice.recon.difference'),
          cell: (r) => (
            <span className={r.difference === 0 ? undefined : 'ho-diff'}>
              {r.difference > 0 ? `+${r.difference}` : r.difference}
            </span>
          ),
        },
        {
          id: 'why',
          header: t('headOffice.recon.why'),
          cell: (r) => (
            <ul className="ho-why">
              {r.explanation.map((e) => (
                <li key={e} className={e === 'match' ? 'ho-why--ok' : 'ho-why--warn'}>
                  {e === 'match' ? '✓ ' : '⚠ '}
                  {e === 'match' && t('headOffice.recon.match')}
                  {e === 'not_shipped' &&
                    t('headOffice.recon.not_shipped', { names: r.behind.join(', ') })}
                  {e === 'outside' && t('headOffice.recon.outside', { count: r.difference })}
                  {e === 'claimed_twice' &&
                    t('headOffice.recon.claimed_twice', {
                      codes: r.claimed_twice
                        .map((c) => `${c.code} (${c.terminals.join(', ')})`)
                        .join('; '),
                    })}
                  {e === 'journal_more' &&
                    t('headOffice.recon.journal_more', { count: -r.difference })}
                </li>
              ))}
            </ul>
          ),
        },
      ]),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt with the language
    [t, lang],
  );
  return (
    <section aria-labelledby="ho-recon-title">
      <h1 id="ho-recon-title" className="sr-only">
        {t('headOffice.nav.reconciliation')}
      </h1>
      <p className="ho-hint">{t('headOffice.recon.intro')}</p>
      <DateRangeForm from={range.from} to={range.to} onApply={load} />
      {error && (
        <p className="ho-error" role="alert">
          {error}
        </p>
      )}
      {!rows && !error && <p className="ho-note">{t('headOffice.common.loading')}</p>}
      {rows && rows.length === 0 && <p className="ho-note">{t('headOffice.common.none')}</p>}
      {rows && rows.length > 0 && (
        <div className="ho-table">
          <StaticTable
            columns={cols}
            data={rows}
            rowId={(r) => `${r.day}/${r.card_id}`}
            testId="ho-recon"
            caption={t('headOffice.nav.reconciliation')}
            numeric={['wechat', 'journal', 'codes', 'difference']}
          />
        </div>
      )}
    </section>
  );
}
