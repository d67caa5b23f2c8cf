/**
 * The stylesheets' rules: colours only as design tokens (kit/tokens.css), and each class
 * styled by one area's stylesheet at most, so that no area's rules spill onto another's.
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

/**
 * The classes a stylesheet styles: of each selector's last compound (its subject), the first
 * class (`.result-box.ok` styles result-box, in its ok variant).
 */
function styledClasses(css: string): Set<string> {
  const classes = new Set<string>();
  for (const [, selectors] of withoutComments(css).matchAll(/([^{}]+)\{[^{}]*\}/g)) {
    if (selectors!.trim().startsWith('@')) continue;
    for (const selector of selectors!.split(',')) {
      const subject =
        selector
          .trim()
          .split(/[\s>+~]+/)
          .pop() ?? '';
      const first = /\.([\w-]+)/.exec(subject)?.[1];
      if (first) classes.add(first);
    }
  }
  return classes;
}

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

  it('style each class in one area stylesheet at most', () => {
    const areas = stylesheets(path.join(SRC, 'areas'));
    expect(areas.length).toBeGreaterThan(1);
    const owner = new Map<string, string>();
    const twice: string[] = [];
    for (const file of areas) {
      const area = path.relative(path.join(SRC, 'areas'), file).split(path.sep)[0]!;
      for (const name of styledClasses(readFileSync(file, 'utf8'))) {
        const first = owner.get(name);
        if (first && first !== area) twice.push(`.${name}: ${first} and ${area}`);
        else owner.set(name, area);
      }
    }
    expect(twice).toEqual([]);
  });
});
