// better-sqlite3 is a native module built for one ABI. Node (tests, browser host) uses the
// build in node_modules; Electron gets its own copy, built once into node_modules/.carddesk,
// so running `npm start` never breaks `npm test` and vice versa. The app passes that file to
// better-sqlite3 as `nativeBinding` (CARDDESK_SQLITE_BINDING).
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { electronVersion } = require('./electron-binary.cjs');

const root = path.resolve(__dirname, '..');

/** Makes sure node_modules/better-sqlite3 loads in this Node; rebuilds it if not. */
function ensureNodeSqlite() {
  const probe = spawnSync(
    process.execPath,
    ['-e', "new (require('better-sqlite3'))(':memory:').close()"],
    { cwd: root, encoding: 'utf8' },
  );
  if (probe.status === 0) return;
  console.log('better-sqlite3 is not built for this Node; rebuilding it...');
  const rebuild = spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' });
  if (rebuild.status !== 0) throw new Error('npm rebuild better-sqlite3 failed');
}

/** Returns the path of a better-sqlite3 binary built for the installed Electron. */
function ensureElectronSqlite() {
  const version = electronVersion();
  const target = path.join(root, 'node_modules', '.carddesk', `electron-${version}`);
  const binary = path.join(target, 'better_sqlite3.node');
  if (existsSync(binary)) return binary;
  console.log(`Building better-sqlite3 for Electron ${version} (once)...`);
  const src = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = path.join(os.tmpdir(), `carddesk-sqlite-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  cpSync(src, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  const result = spawnSync(
    process.execPath,
    [
      gyp,
      'rebuild',
      `--target=${version}`,
      `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers',
      '--release',
    ],
    { cwd: work, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    console.error('Could not build better-sqlite3 for Electron; the audit log will not open.');
    return undefined;
  }
  mkdirSync(target, { recursive: true });
  cpSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), binary);
  rmSync(work, { recursive: true, force: true });
  return binary;
}

module.exports = { ensureNodeSqlite, ensureElectronSqlite };
