/**
 * The services, the WeChat client, the audit log and the sandbox are plain Node: they must run
 * under Vitest and in the browser host. Bundling each plain-Node entry with esbuild lists every
 * module it reaches; 'electron' must not be among them.
 */
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PLAIN_NODE_DIRS = [
  'electron/services',
  'electron/wechat',
  'electron/audit',
  'electron/sandbox',
  'electron/host',
];
const PLAIN_NODE_FILES = ['electron/browser-host-main.ts', 'electron/data-dir.ts'];

function tsFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return tsFiles(rel);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

const entries = [...PLAIN_NODE_DIRS.flatMap(tsFiles), ...PLAIN_NODE_FILES];

describe('plain-Node modules never import electron', () => {
  it('finds the modules to check', () => {
    expect(entries).toContain('electron/services/index.ts');
    expect(entries).toContain('electron/host/browser-host.ts');
  });

  it('no module reaches electron, directly or through another module', async () => {
    const result = await build({
      entryPoints: entries.map((e) => path.join(ROOT, e)),
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      outdir: path.join(ROOT, 'dist', 'no-electron-check'),
      external: ['electron', 'better-sqlite3'],
      logLevel: 'silent',
    });
    const offenders = Object.entries(result.metafile.inputs)
      .filter(([, input]) => input.imports.some((imp) => imp.path === 'electron'))
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });

  it('the check itself catches an electron import', async () => {
    const result = await build({
      stdin: { contents: "import { app } from 'electron'; console.log(app);", resolveDir: ROOT },
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      external: ['electron'],
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.inputs).flatMap((i) =>
      i.imports.map((x) => x.path),
    );
    expect(imports).toContain('electron');
  });

  it('no source text under the plain-Node folders mentions an electron import', () => {
    const pattern = /(from\s+|require\(\s*|import\(\s*)['"]electron['"]/;
    const hits = entries.filter((f) => pattern.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(hits).toEqual([]);
  });
});
