/**
 * A table of many rows that stays responsive: TanStack Table for the column model and sorting,
 * TanStack Virtual so only the rows on screen are in the page. Drawn with ARIA table roles on a
 * CSS grid (a virtualised <tbody> cannot hold absolutely placed rows).
 */
import {
  createSortedRowModel,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures,
  useTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import './table.css';

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
});

export interface DataColumn<Row extends RowData> {
  id: string;
  header: string;
  /** The value sorted on (and shown, unless `cell` is given). */
  value: (row: Row) => string | number;
  cell?: (row: Row) => ReactNode;
  /** A CSS grid track: '120px', 'minmax(160px, 2fr)'. */
  width: string;
  numeric?: boolean;
}

/**
 * A numeric column just wide enough for its header's longest word (headers wrap between words),
 * so narrow tables fit and none cuts a header: about 8 px per Latin letter at 14 px, 15 px per
 * Chinese character, and room for the sort arrow.
 */
export function fitWidth(header: string, min = 56): string {
  const longest = Math.max(
    ...header
      .split(/\s+/)
      .map((word) => [...word].reduce((w, ch) => w + (/[\u2e80-\uffff]/.test(ch) ? 15 : 8.2), 0)),
  );
  return `minmax(${Math.max(min, Math.ceil(longest + 18))}px, 1fr)`;
}

export function VirtualTable<Row extends RowData>({
  columns,
  rows,
  rowKey,
  label,
  maxHeight = 520,
  rowHeight = 44,
  sortable = true,
  testId,
  onVisible,
  empty,
}: {
  columns: readonly DataColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  label: string;
  maxHeight?: number;
  rowHeight?: number;
  sortable?: boolean;
  testId?: string;
  /** Told which rows are on screen (for loading their details lazily). */
  onVisible?: (rows: Row[]) => void;
  empty?: ReactNode;
}) {
  const { t } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [sorting, setSorting] = useState<SortingState>([]);
  const defs = useMemo(
    () =>
      columns.map((c): ColumnDef<typeof features, Row> => ({
        id: c.id,
        accessorFn: (row: Row) => c.value(row),
        header: c.header,
        enableSorting: sortable,
        sortFn: c.numeric ? 'basic' : 'alphanumeric',
        sortDescFirst: c.numeric === true,
      })),
    [columns, sortable],
  );
  const data = useMemo(() => [...rows], [rows]);
  const table = useTable({
    features,
    columns: defs,
    data,
    state: { sorting },
    onSortingChange: setSorting,
    getRowId: (row: Row) => rowKey(row),
  });
  const tableRows = table.getRowModel().rows;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read in this render only
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const template = columns.map((c) => c.width).join(' ');
  // Wide tables scroll sideways (header and rows together) rather than squeeze their columns.
  const minWidth =
    columns.reduce((sum, c) => sum + Number(/(\d+)px/.exec(c.width)?.[1] ?? 80), 0) +
    (columns.length - 1) * 10 +
    28;
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  const visibleKey = tableRows
    .slice(first, last + 1)
    .map((r) => r.id)
    .join(',');

  useEffect(() => {
    if (!onVisible || !visibleKey) return;
    const wanted = new Set(visibleKey.split(','));
    onVisible(data.filter((r) => wanted.has(rowKey(r))));
  }, [visibleKey, onVisible, data, rowKey]);

  const byId = new Map(columns.map((c) => [c.id, c]));
  return (
    <div
      className="data-table data-table--virtual"
      role="table"
      aria-label={label}
      aria-rowcount={tableRows.length + 1}
      data-testid={testId}
      data-rows={tableRows.length}
    >
      <div className="data-table-inner" style={{ minWidth }}>
        <div className="data-table-head" role="rowgroup">
          {table.getHeaderGroups().map((group) => (
            <div
              key={group.id}
              role="row"
              className="data-row"
              style={{ gridTemplateColumns: template }}
            >
              {group.headers.map((header) => {
                const col = byId.get(header.column.id);
                const dir = header.column.getIsSorted();
                return (
                  <div
                    key={header.id}
                    role="columnheader"
                    className={col?.numeric ? 'num' : undefined}
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                  >
                    {sortable ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={header.column.getToggleSortingHandler()}
                        title={t('office.table.sort')}
                      >
                        {col?.header}
                        <span aria-hidden="true">
                          {dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}
                        </span>
                      </button>
                    ) : (
                      col?.header
                    )}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
        {tableRows.length === 0 ? (
          <div className="data-table-empty muted">{empty ?? t('office.table.empty')}</div>
        ) : (
          <div ref={scrollRef} className="data-table-body" role="rowgroup" style={{ maxHeight }}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((item) => {
                const row = tableRows[item.index]!;
                const original = row.original;
                return (
                  <div
                    key={row.id}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className="data-row"
                    data-key={row.id}
                    style={{
                      gridTemplateColumns: template,
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      height: item.size,
                      transform: `translateY(${item.start}px)`,
                    }}
                  >
                    {columns.map((c) => (
                      <div key={c.id} role="cell" className={c.numeric ? 'num' : undefined}>
                        {c.cell ? c.cell(original) : c.value(original)}
                      </div>
                    ))}
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
