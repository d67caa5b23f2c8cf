/**
 * What the Electron shell allows in a packaged build (the till) and in development: the menu,
 * DevTools and the native-module override. Each takes the Electron objects it needs as plain
 * parameters, as host/ipc.ts does, so the rules are tested in Node with fakes (Electron cannot run
 * on our CI machines). Only types come from 'electron' here.
 *
 * Why: Electron's default menu has View > Reload and Toggle Developer Tools, and their
 * accelerators (Ctrl+R, Ctrl+Shift+I) work even with the menu bar hidden. At the counter that
 * is a console in the page (every contract operation, as the signed-in operator) and a way to
 * drop the screen in the middle of a sale. A developer needs both, so development keeps them.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** The part of Electron's `app` these rules read. */
export interface AppLike {
  readonly isPackaged: boolean;
}

/** The part of Electron's `Menu` (the class) these rules call. */
export interface MenuLike<M = unknown> {
  setApplicationMenu(menu: M | null): void;
  buildFromTemplate(template: MenuItemConstructorOptions[]): M;
}

/** The part of a BrowserWindow's webContents (or any WebContents) these rules use. */
export interface DevToolsHost {
  on(event: 'devtools-opened', listener: () => void): unknown;
  closeDevTools(): void;
}

/** Development (npm start, Playwright's _electron) keeps DevTools, reload and the default menu. */
export function isDevelopment(app: AppLike): boolean {
  return !app.isPackaged;
}

/**
 * The menu of a packaged build: none on Windows and Linux (copy and paste work without one).
 * macOS needs an Edit menu for Cmd+C/V in text fields and an app menu for Cmd+Q; neither role
 * has a reload or DevTools item. undefined: leave Electron's default menu (development).
 */
export function packagedMenu(
  app: AppLike,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] | null | undefined {
  if (isDevelopment(app)) return undefined;
  return platform === 'darwin' ? [{ role: 'appMenu' }, { role: 'editMenu' }] : null;
}

/** Replaces the default menu in a packaged build; call once, after `app.whenReady()`. */
export function applyApplicationMenu<M>(
  app: AppLike,
  menu: MenuLike<M>,
  platform: NodeJS.Platform,
): void {
  const template = packagedMenu(app, platform);
  if (template === undefined) return;
  menu.setApplicationMenu(template === null ? null : menu.buildFromTemplate(template));
}

/**
 * Packaged builds create their window with `devTools: false`; this also closes DevTools if
 * any web contents opens them anyway (a second line, for whatever a future Electron adds).
 */
export function refuseDevTools(app: AppLike, contents: DevToolsHost): void {
  if (isDevelopment(app)) return;
  contents.on('devtools-opened', () => contents.closeDevTools());
}

/**
 * CARDDESK_SQLITE_BINDING names a native module file that the audit log loads as
 * better-sqlite3. `npm start` points it at the copy built for Electron's ABI; in a packaged
 * build it would load any .node file into the main process (which holds the secrets), so there
 * it is ignored and the module shipped in the package is used.
 */
export function sqliteBindingOverride(
  app: AppLike,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (!isDevelopment(app)) return undefined;
  const file = env.CARDDESK_SQLITE_BINDING;
  return file ? file : undefined;
}
