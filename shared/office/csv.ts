/**
 * CSV for the statistics tables, as Excel opens it: UTF-8 with a byte order mark (so Chinese
 * shows), CRLF line ends, fields quoted where needed (csv-stringify), and text that Excel would
 * run as a formula (= + - @ at the start) prefixed with an apostrophe.
 */
// The browser build: it carries its own Buffer (the default build needs Node's), and runs in both.
import { stringify } from 'csv-stringify/browser/esm/sync';

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const records = rows.map((row) =>
    columns.map((c) => {
      const v = c.value(row);
      if (v === null || v === undefined) return '';
      if (typeof v === 'string' && FORMULA_START.test(v)) return `'${v}`;
      return v;
    }),
  );
  return stringify([columns.map((c) => c.header), ...records], {
    bom: true,
    record_delimiter: 'windows',
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
}
