// Where the Electron binary is, without triggering electron's lazy download (which hangs or
// fails on machines that cannot reach Electron's release downloads). undefined if absent.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(p) ? p : undefined;
  }
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = path.join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

function electronVersion() {
  return require('electron/package.json').version;
}

module.exports = { electronBinary, electronVersion };
