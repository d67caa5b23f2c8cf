/**
 * The collector's array literals (central/ingest.ts) are the text `pg` itself would send for
 * the same JS array: quotes, backslashes, NULL, the string "NULL", empty strings, braces and
 * commas, spaces, non-ASCII, numbers and booleans.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../../central/ingest';

// pg's own conversion of a parameter (not in its typings).
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue(v: unknown): unknown;
};

describe('arrayLiteral', () => {
  it('matches pg for every kind of element', () => {
    const cases: (string | number | boolean | null)[][] = [
      [],
      ['a', 'b'],
      ['{"k":"v\\\\n"}', 'back\\slash', 'quote"d', '\\"', '"'],
      [null, 'NULL', '', ' lead', 'trail ', '{,}', 'a,b', '新客立减10元'],
      [1, 0, -40099, 1704070861942, null],
      [true, false],
    ];
    for (const c of cases) expect(arrayLiteral(c)).toBe(prepareValue(c));
  });
});
