/**
 * The journal: newest first, filtered, virtualised (only the rows in view are in the page), and
 * loaded a page at a time by keyset as the operator scrolls, so a million records scroll as
 * smoothly as a hundred. Coming back from a record (Back) restores the rows and the scroll
 * position.
 */
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import type { JournalRow } from '../../../../shared/ops/audit-review';
import { Tone, toneOf, VerdictKind } from '../../../../shared/verdict';
import { navigate } from '../../shell/route';
import { ExportDialog } from './ExportDialog';
import { JournalFilters, useShortWindow } from './Filters';
import { actionName, duration, OUTCOME_ICON, outcomeName } from './review-text';
import { toFilter } from './params';
import { useReview } from './review-context';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { dateTime } from '../../kit/date-time';

const PAGE = 200;
const ROW_HEIGHT = 46;
const EMPTY: JournalRow[] = [];

interface Loaded {
  key: string;
  rows: JournalRow[];
  nextBefore?: number | undefined;
  error?: ErrorInfo | undefined;
}

/** The journal as it was left, so Back from a record returns to the same rows and place. */
let kept: { data: Loaded; scrollTop: number; count?: number; at: number } | undefined;
const KEEP_MS = 5 * 60_000;

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, JournalRow>();

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const { t } = useTranslation();
  return (
    <span className={`outcome outcome-${outcome}`}>
      <span aria-hidden="true" className="outcome-icon">
        {OUTCOME_ICON[outcome] ?? '·'}
      </span>
      {outcomeName(outcome, t)}
    </span>
  );
}

/** A record of a Sandbox-mode training exercise: left out of totals and exports by default. */
export function TrainingBadge() {
  const { t } = useTranslation();
  return (
    <span
      className="training-badge"
      title={t('review.journal.trainingTitle')}
      data-testid="training-badge"
    >
      {t('review.journal.training')}
    </span>
  );
}

const TONE_CLASS: Record<Tone, string> = {
  accept: 'ok',
  warning: 'warning',
  reject: 'rejected',
  neutral: 'neutral',
};

/**
 * The journal's colour for a lookup's verdict: the tone the cashier saw (recorded with the
 * lookup), else the one rule for its kind (shared/verdict.ts), as an outcome badge class.
 */
export function verdictOutcomeClass(verdict: string, tone?: string | null): string {
  const recorded = Tone.safeParse(tone);
  if (recorded.success) return TONE_CLASS[recorded.data];
  const kind = VerdictKind.safeParse(verdict);
  return TONE_CLASS[kind.success ? toneOf(kind.data) : 'reject'];
}

/**
 * The outcome cell of a journal row: a lookup shows its verdict (what the cashier saw; logs
 * of older versions called those "rejected"), and the request half of a write that has
 * finished links to the record that finished it instead of "processing".
 */
export function RowOutcome({
  row,
  href,
}: {
  row: Pick<JournalRow, 'action' | 'outcome' | 'verdict'> &
    Partial<Pick<JournalRow, 'result' | 'tone'>>;
  href?: (id: number) => string;
}) {
  const { t } = useTranslation();
  if (row.action === 'lookup' && row.verdict && i18next.exists(`verdict.title.${row.verdict}`)) {
    const kind = verdictOutcomeClass(row.verdict, row.tone);
    const name = t(`verdict.title.${row.verdict}`);
    return (
      <span
        className={`outcome outcome-${kind}`}
        data-verdict={row.verdict}
        title={t('review.journal.verdictOf', { verdict: name })}
      >
        <span aria-hidden="true" className="outcome-icon">
          {OUTCOME_ICON[kind] ?? '·'}
        </span>
        {name}
      </span>
    );
  }
  if (row.result && !href) {
    // Inside another link (the record view's list): the result's outcome and number, no link.
    return (
      <span className="outcome-link" data-result={row.result.id}>
        <OutcomeBadge outcome={row.result.outcome} />
        <span className="muted small"> #{row.result.id}</span>
      </span>
    );
  }
  if (row.result && href) {
    const result = row.result;
    return (
      <a
        href={href(result.id)}
        className="outcome-link"
        data-result={result.id}
        aria-label={t('review.journal.openResult', {
          outcome: outcomeName(result.outcome, t),
          id: result.id,
        })}
        onClick={(e) => e.stopPropagation()}
      >
        <OutcomeBadge outcome={result.outcome} />
        <span className="muted small"> #{result.id}</span>
      </a>
    );
  }
  return <OutcomeBadge outcome={row.outcome} />;
}

export function JournalView() {
  const { t, i18n } = useTranslation();
  const review = useReview();
  const { source } = review;
  const { info, params, now, update, href, operatorName } = review;
  const lang = i18n.language;
  const tz = info.timeZone;

  const filter = useMemo(() => toFilter(params, now, tz), [params, now, tz]);
  const key = JSON.stringify(filter);
  const [version, setVersion] = useState(0);
  const fetchKey = `${key}#${version}`;

  const [restore] = useState(() =>
    kept && kept.data.key === fetchKey && Date.now() - kept.at < KEEP_MS ? kept : undefined,
  );
  const [data, setData] = useState<Loaded>(() => restore?.data ?? { key: '', rows: [] });
  const [counted, setCounted] = useState<{ key: string; count: number } | undefined>(() =>
    restore?.count !== undefined ? { key: fetchKey, count: restore.count } : undefined,
  );
  const [exporting, setExporting] = useState(false);
  const skipFetch = useRef(restore ? fetchKey : undefined);
  const inflight = useRef<number | undefined>(undefined);
  const scrollRef = useRef<HTMLDivElement>(null);
  const scrollTop = useRef(restore?.scrollTop ?? 0);

  useEffect(() => {
    if (skipFetch.current === fetchKey) {
      skipFetch.current = undefined;
      return;
    }
    let live = true;
    const filterNow = JSON.parse(key) as typeof filter;
    source.searchAudit({ filter: filterNow, limit: PAGE }).then(
      (r) => live && setData({ key: fetchKey, rows: r.rows, nextBefore: r.nextBefore }),
      (err: unknown) => live && setData({ key: fetchKey, rows: [], error: caught(err) }),
    );
    source.countAudit({ filter: filterNow }).then(
      (r) => live && setCounted({ key: fetchKey, count: r.count }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [fetchKey, key, source]);

  const current = data.key === fetchKey ? data : undefined;
  const rows = current?.rows ?? EMPTY;
  const more = current?.nextBefore !== undefined;
  const total = counted?.key === fetchKey ? counted.count : undefined;

  // Keep what is on screen for Back (read when the view unmounts).
  const keepRef = useRef<{ data: Loaded; count?: number | undefined }>({ data });
  useEffect(() => {
    keepRef.current = { data, count: total };
  });
  useEffect(
    () => () => {
      const k = keepRef.current;
      kept = {
        data: k.data,
        scrollTop: scrollTop.current,
        ...(k.count !== undefined ? { count: k.count } : {}),
        at: Date.now(),
      };
    },
    [],
  );

  const loadMore = useCallback(
    async (from: Loaded) => {
      const before = from.nextBefore;
      if (before === undefined || inflight.current === before) return;
      inflight.current = before;
      try {
        const r = await source.searchAudit({
          filter: JSON.parse(from.key.slice(0, from.key.lastIndexOf('#'))) as typeof filter,
          before,
          limit: PAGE,
        });
        setData((d) =>
          d.key === from.key && d.nextBefore === before
            ? { ...d, rows: [...d.rows, ...r.rows], nextBefore: r.nextBefore }
            : d,
        );
      } catch (err) {
        setData((d) => (d.key === from.key ? { ...d, error: caught(err) } : d));
      } finally {
        inflight.current = undefined;
      }
    },
    [source],
  );

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('id', {
          header: () => t('review.journal.columns.id'),
          cell: (c) => (
            <a
              href={href('record', { id: String(c.getValue()) })}
              aria-label={t('review.journal.openRecord', { id: c.getValue() })}
              onClick={(e) => e.stopPropagation()}
            >
              {c.getValue()}
            </a>
          ),
        }),
        helper.accessor('ts', {
          header: () => t('review.journal.columns.time'),
          cell: (c) => dateTime(c.getValue(), lang, tz, { seconds: true }),
        }),
        helper.accessor('operator_id', {
          header: () => t('review.journal.columns.operator'),
          cell: (c) => <span data-merchant="">{operatorName(c.getValue())}</span>,
        }),
        helper.accessor('action', {
          header: () => t('review.journal.columns.action'),
          cell: (c) => (
            <>
              {c.row.original.training && <TrainingBadge />}
              {actionName(c.getValue(), t)}
            </>
          ),
        }),
        helper.accessor('code', {
          header: () => t('review.journal.columns.code'),
          cell: (c) => <span className="mono">{c.getValue() ?? ''}</span>,
        }),
        helper.accessor('title', {
          header: () => t('review.journal.columns.card'),
          cell: (c) =>
            c.getValue() !== undefined && c.getValue() !== null ? (
              <span data-merchant="">{c.getValue()}</span>
            ) : (
              <span className="mono muted">{c.row.original.card_id ?? ''}</span>
            ),
        }),
        helper.accessor('outcome', {
          header: () => t('review.journal.columns.outcome'),
          cell: (c) => (
            <RowOutcome row={c.row.original} href={(id) => href('record', { id: String(id) })} />
          ),
        }),
        helper.accessor('duration_ms', {
          header: () => t('review.journal.columns.duration'),
          cell: (c) => duration(c.getValue(), t),
        }),
      ]),
    [t, lang, tz, href, operatorName],
  );

  const table = useTable({ features, columns, data: rows, getRowId: (r) => String(r.id) });
  const tableRows = table.getRowModel().rows;

  const virtualizer = useVirtualizer({
    count: tableRows.length + (more ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialOffset: restore?.scrollTop ?? 0,
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.length ? items[items.length - 1]!.index : 0;
  const needMore = more && !current?.error && lastShown >= rows.length - 40;

  useEffect(() => {
    if (needMore && current) void loadMore(current);
  }, [needMore, current, loadMore]);

  // The list fills the window below the filters (which change height as they wrap).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const fit = () => {
      const top = el.getBoundingClientRect().top + window.scrollY;
      el.style.height = `${Math.max(320, window.innerHeight - top - 20)}px`;
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(document.body);
    window.addEventListener('resize', fit);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', fit);
    };
  }, []);

  const short = useShortWindow();
  const sinceText =
    info.scope.own && info.scope.since !== undefined ? dateTime(info.scope.since, lang, tz) : '';

  const toolbar = (
    <div className="journal-toolbar">
      <span
        className="journal-count"
        data-testid="journal-count"
        data-count={total ?? ''}
        aria-live="polite"
      >
        {total === undefined
          ? t('review.journal.counting')
          : t('review.journal.count', { count: total })}
      </span>
      {!short && <span className="muted scan-hint">{t('review.filters.scanHint')}</span>}
      <span className="spacer" />
      <button type="button" className="secondary" onClick={() => setVersion((v) => v + 1)}>
        {t('review.journal.refresh')}
      </button>
      <button type="button" onClick={() => setExporting(true)} disabled={total === 0}>
        {t('review.export.button')}
      </button>
    </div>
  );

  return (
    <div className="journal">
      <JournalFilters
        info={info}
        params={params}
        onChange={(patch) => update(patch)}
        toolbar={short ? toolbar : undefined}
      />
      {info.scope.own && (
        <p className="shift-note">{t('review.journal.shiftNote', { since: sinceText })}</p>
      )}
      {!short && toolbar}
      {current?.error && <ErrorNotice error={current.error} look="line" />}
      <div
        className="journal-table"
        role="table"
        aria-label={t('review.nav.journal')}
        aria-rowcount={total !== undefined ? total + 1 : -1}
        aria-busy={!current}
      >
        <div className="journal-head" role="rowgroup">
          {table.getHeaderGroups().map((group) => (
            <div key={group.id} className="journal-grid" role="row">
              {group.headers.map((header) => (
                <div key={header.id} role="columnheader" className={`col-${header.id}`}>
                  <table.FlexRender header={header} />
                </div>
              ))}
            </div>
          ))}
        </div>
        <div
          className="journal-scroll"
          ref={scrollRef}
          role="rowgroup"
          onScroll={(e) => {
            scrollTop.current = e.currentTarget.scrollTop;
          }}
        >
          {!current && <p className="journal-empty muted">{t('review.journal.loading')}</p>}
          {current && rows.length === 0 && !current.error && (
            <p className="journal-empty muted">{t('review.journal.empty')}</p>
          )}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = tableRows[item.index];
              const style = { height: ROW_HEIGHT, transform: `translateY(${item.start}px)` };
              if (!row) {
                return (
                  <div key="more" className="journal-more muted" style={style} role="row">
                    <span role="cell">{t('review.journal.loadingMore')}</span>
                  </div>
                );
              }
              return (
                <div
                  key={row.id}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className={`journal-grid journal-row outcome-row-${row.original.outcome}`}
                  style={style}
                  data-testid="journal-row"
                  data-id={row.original.id}
                  onClick={() => navigate('audit', linkQuery(href('record', { id: row.id })))}
                >
                  {row.getAllCells().map((cell) => (
                    <div key={cell.id} role="cell" className={`col-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {current && !more && rows.length > 0 && (
            <p className="journal-end muted">{t('review.journal.end')}</p>
          )}
        </div>
      </div>
      {exporting && (
        <ExportDialog filter={filter} count={total} onClose={() => setExporting(false)} />
      )}
    </div>
  );
}

/** `#/audit?a=b` -> the query of navigate(). */
function linkQuery(hash: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(hash.split('?')[1] ?? ''));
}
