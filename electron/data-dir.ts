import os from 'node:os';
import path from 'node:path';

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
