// Builds everything `npm start` and `npm run start:browser` run: the renderer (Vite) and the
// main-process bundles (esbuild): Electron main, preload, and the browser host; and head
// office's page that the collector serves.
import { build as esbuild } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const quiet = process.argv.includes('--quiet');

const started = Date.now();
await viteBuild({
  configFile: path.join(root, 'vite.config.mts'),
  logLevel: quiet ? 'warn' : 'info',
});
// Head office's page, served by the collector (npm run central) under /office/.
await viteBuild({
  configFile: path.join(root, 'vite.head-office.config.mts'),
  logLevel: quiet ? 'warn' : 'info',
});

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  // Native and Electron modules are loaded at run time, never bundled.
  external: ['electron', 'better-sqlite3'],
  define: { __CARDDESK_VERSION__: JSON.stringify(pkg.version) },
};

await Promise.all([
  esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' }),
  esbuild({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
  }),
  esbuild({
    ...common,
    entryPoints: ['electron/browser-host-main.ts'],
    outfile: 'dist/node/browser-host.cjs',
  }),
]);
if (!quiet) console.log(`built in ${Date.now() - started} ms`);
