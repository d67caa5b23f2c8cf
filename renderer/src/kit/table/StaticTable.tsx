/** A plain, non-virtualised table over TanStack Table (the summary's short tables). */
import { tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';
import './table.css';

const features = tableFeatures({});
export type Features = typeof features;

export function StaticTable<T extends RowData>({
  columns,
  data,
  rowId,
  testId,
  caption,
  numeric = [],
}: {
  columns: ColumnDef<Features, T, unknown>[];
  data: T[];
  rowId: (row: T) => string;
  testId?: string;
  caption?: string;
  /** Column ids aligned right (numbers). */
  numeric?: string[];
}) {
  const table = useTable({ features, columns, data, getRowId: (r) => rowId(r) });
  return (
    <table className="table data-table data-table--static" data-testid={testId}>
      {caption && <caption className="sr-only">{caption}</caption>}
      <thead>
        {table.getHeaderGroups().map((g) => (
          <tr key={g.id}>
            {g.headers.map((h) => (
              <th
                key={h.id}
                className={numeric.includes(h.column.id) ? 'num' : undefined}
                scope="col"
              >
                <table.FlexRender header={h} />
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id} data-key={row.id}>
            {row.getAllCells().map((cell) => (
              <td
                key={cell.id}
                className={numeric.includes(cell.column.id) ? 'num' : undefined}
                data-col={cell.column.id}
              >
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
