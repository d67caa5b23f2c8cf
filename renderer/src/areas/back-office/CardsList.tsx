/**
 * The merchant's cards by status: card/batchget pages of 50 until the total, each row's title,
 * type, colour, stock and status from card/get loaded when the row comes on screen.
 */
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CARD_STATUSES, type CardStatus } from '../../../../shared/wechat/enums';
import { navigate, routeHref } from '../../shell/route';
import { reloadCardIds, useCardIds } from './card-ids';
import { forgetSummaries, requestSummaries, summaryOf, useSummaryVersion } from './card-summaries';
import { cardHref, ErrorLine, StatusBadge, Swatch, TypeLabel, useFormat } from './common';
import { VirtualTable, type DataColumn } from '../../kit/table/VirtualTable';

export function parseStatuses(param: string | null): CardStatus[] {
  if (!param) return [];
  return param
    .split(',')
    .filter((s): s is CardStatus => (CARD_STATUSES as readonly string[]).includes(s));
}

interface RowItem {
  id: string;
}
const rowId = (r: RowItem) => r.id;

export function CardsList({ statuses }: { statuses: CardStatus[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const list = useCardIds(statuses);
  useSummaryVersion();
  const rows = useMemo(() => list.ids.map((id) => ({ id })), [list.ids]);

  const toggle = (s: CardStatus) => {
    const next = statuses.includes(s) ? statuses.filter((x) => x !== s) : [...statuses, s];
    navigate('office', { view: 'cards', status: next.join(',') || undefined }, true);
  };

  const onVisible = useCallback((visible: RowItem[]) => {
    requestSummaries(visible.map((r) => r.id));
  }, []);

  const columns = useMemo((): DataColumn<RowItem>[] => {
    const s = (r: RowItem) => summaryOf(r.id)?.summary;
    return [
      {
        id: 'title',
        header: t('office.cards.columns.title'),
        width: 'minmax(220px, 3fr)',
        value: (r) => s(r)?.title ?? r.id,
        cell: (r) => {
          const e = summaryOf(r.id);
          return (
            <a className="office-card-link" href={cardHref(r.id)} data-testid="card-row-link">
              <Swatch color={e?.summary?.color} />
              <span className="office-card-title">
                {e?.summary ? (
                  <span data-merchant="">{e.summary.title}</span>
                ) : e?.error ? (
                  <span className="office-row-error">{t('office.cards.rowFailed')}</span>
                ) : (
                  <span className="muted">{t('office.cards.rowLoading')}</span>
                )}
                <small className="mono">{r.id}</small>
              </span>
            </a>
          );
        },
      },
      {
        id: 'type',
        header: t('office.cards.columns.type'),
        width: 'minmax(110px, 1fr)',
        value: (r) => s(r)?.cardType ?? '',
        cell: (r) => {
          const x = s(r);
          return x ? <TypeLabel type={x.cardType} /> : null;
        },
      },
      {
        id: 'status',
        header: t('office.cards.columns.status'),
        width: 'minmax(130px, 1fr)',
        value: (r) => s(r)?.status ?? '',
        cell: (r) => {
          const x = s(r);
          return x ? <StatusBadge status={x.status} /> : null;
        },
      },
      {
        id: 'stock',
        header: t('office.cards.columns.stock'),
        width: 'minmax(120px, 1fr)',
        numeric: true,
        value: (r) => s(r)?.quantity ?? -1,
        cell: (r) => {
          const x = s(r);
          return x ? (
            <span data-testid="card-row-stock">
              {fmt.number(x.quantity)}
              {x.total !== undefined && <small className="muted"> / {fmt.number(x.total)}</small>}
            </span>
          ) : null;
        },
      },
    ];
  }, [t, fmt]);

  return (
    <section className="office-section" aria-labelledby="office-cards-title">
      <div className="office-head">
        <h2 id="office-cards-title">{t('office.cards.title')}</h2>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            forgetSummaries();
            reloadCardIds(statuses);
          }}
        >
          {t('office.reload')}
        </button>
      </div>
      <div className="status-chips" role="group" aria-label={t('office.cards.statusFilter')}>
        <a
          className="chip"
          href={routeHref('office', { view: 'cards' })}
          aria-current={statuses.length === 0 ? 'true' : undefined}
        >
          {t('office.cards.allStatuses')}
        </a>
        {CARD_STATUSES.map((s) => (
          <label key={s} className="chip">
            <input type="checkbox" checked={statuses.includes(s)} onChange={() => toggle(s)} />
            {t(`office.status.${s}`)}
          </label>
        ))}
      </div>
      <p className="muted" data-testid="cards-count" aria-live="polite">
        {list.total === undefined
          ? t('office.cards.loading')
          : list.loading
            ? t('office.cards.loadingMore', { loaded: list.ids.length, total: list.total })
            : t('office.cards.count', { count: list.total })}
      </p>
      {list.error && <ErrorLine error={list.error} />}
      <VirtualTable
        columns={columns}
        rows={rows}
        rowKey={rowId}
        label={t('office.cards.title')}
        sortable={false}
        rowHeight={60}
        maxHeight={560}
        testId="cards-table"
        onVisible={onVisible}
        empty={list.loading ? t('office.cards.loading') : t('office.cards.none')}
      />
    </section>
  );
}
