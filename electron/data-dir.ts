import os from 'node:os';
import path from 'node:path';
import { mkdirPrivate, tightenTree } from './private-files';

/**
 * The folder Electron calls `userData` for an app named CardDesk, computed without Electron so
 * the browser host and the app share one data folder (settings, audit log) on a machine.
 * CARDDESK_DATA_DIR overrides it (tests, portable installs).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CARDDESK_DATA_DIR) return path.resolve(env.CARDDESK_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'CardDesk');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'CardDesk');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'CardDesk');
  }
}

/**
 * Creates the data folder if needed and makes it and everything in it readable by this user
 * only (folders 0700, files 0600), also when an older version left it 0755 with 0644 files:
 * the audit log and exports hold full codes. Run at every start, before the services open it.
 */
export function prepareDataDir(dir: string): void {
  mkdirPrivate(dir);
  tightenTree(dir);
}
