import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = path.resolve(__dirname, '../../../electron/sandbox');

describe('sandbox is plain Node', () => {
  it('never imports electron, and no framework beyond node:http and zod', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(path.join(DIR, file), 'utf8');
      const imports = [...text.matchAll(/(?:from|import\(?|require\()\s*['"]([^'"]+)['"]/g)].map(
        (m) => m[1]!,
      );
      for (const spec of imports) {
        expect(
          spec.startsWith('./') || spec.startsWith('node:') || spec === 'zod',
          `${file} imports ${spec}`,
        ).toBe(true);
      }
    }
  });
});
