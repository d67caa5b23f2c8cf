// `npm start`: run the built app in Electron. Electron's binary is downloaded on first use; on
// machines that cannot download it, explain and point to the browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import electronBinaryModule from './electron-binary.cjs';
import nativeSqlite from './native-sqlite.cjs';

const { electronBinary } = electronBinaryModule;
const { ensureElectronSqlite } = nativeSqlite;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

let bin = electronBinary();
if (!bin) {
  console.log('Electron is not downloaded yet; fetching it once (this needs internet access)...');
  const download = spawnSync(process.execPath, [require.resolve('electron/install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 180_000,
  });
  const reason = (download.stderr ?? '').split('\n').find((l) => l.trim());
  if (reason) console.error(`Download failed: ${reason.trim()}`);
  bin = electronBinary();
}
if (!bin) {
  console.error(
    '\nCardDesk cannot open its desktop window: the Electron binary is not installed and could ' +
      "not be downloaded (this machine cannot reach Electron's release downloads). Everything " +
      'else works without it: run "npm run start:browser" to serve the same terminal at ' +
      'http://127.0.0.1:5417/ for Chrome or Chromium, backed by the same services and data ' +
      'folder. On a machine with internet access, "npm start" downloads Electron once and opens ' +
      'the window.\n',
  );
  process.exit(1);
}

const binding = ensureElectronSqlite();
const child = spawn(bin, [root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CARDDESK_SQLITE_BINDING: binding ?? '' },
});
child.on('exit', (code) => process.exit(code ?? 1));
