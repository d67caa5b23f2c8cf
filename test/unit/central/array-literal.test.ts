/**
 * The collector's array literals (central/ingest.ts) are the text `pg` itself would send for
 * the same JS array: quotes, backslashes, NULL, the string "NULL", empty strings, braces and
 * commas, spaces, non-ASCII, numbers and booleans.
 */
import utils from 'pg/lib/utils.js';
import { describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../../central/ingest';

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
    for (const c of cases) expect(arrayLiteral(c)).toBe(utils.prepareValue(c));
  });
});
