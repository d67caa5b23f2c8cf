/**
 * The stylesheets' rules: colours only as design tokens (kit/tokens.css).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../../renderer/src');
const TOKENS = path.join(SRC, 'kit', 'tokens.css');

function stylesheets(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return stylesheets(full);
    return e.name.endsWith('.css') ? [full] : [];
  });
}

const withoutComments = (css: string) => css.replace(/\/\*[\s\S]*?\*\//g, '');

describe('stylesheets', () => {
  it('write no hex colour outside the token sheet', () => {
    const found = stylesheets(SRC)
      .filter((f) => f !== TOKENS)
      .flatMap((f) =>
        [...withoutComments(readFileSync(f, 'utf8')).matchAll(/#[0-9a-f]{3,8}\b/gi)].map(
          (m) => `${path.relative(SRC, f)}: ${m[0]}`,
        ),
      );
    expect(found).toEqual([]);
  });
});
