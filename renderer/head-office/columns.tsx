/** The head-office tables: display columns over the kit's StaticTable. */
import { createColumnHelper, type RowData } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import type { Features } from '../src/kit/table/StaticTable';

export interface Col<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
}

export function columns<T extends RowData>(cols: Col<T>[]) {
  const h = createColumnHelper<Features, T>();
  return cols.map((c) =>
    h.display({ id: c.id, header: () => c.header, cell: (x) => c.cell(x.row.original) }),
  );
}
