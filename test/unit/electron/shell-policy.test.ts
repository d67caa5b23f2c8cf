/**
 * What a packaged build (the till) allows against development: the menu with DevTools and
 * reload, DevTools themselves, and CARDDESK_SQLITE_BINDING. Electron cannot run here, so these
 * are the functions main.ts calls, given stand-ins for `app`, `Menu` and a window's
 * webContents that record what the shell does with them.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  applyApplicationMenu,
  isDevelopment,
  refuseDevTools,
  sqliteBindingOverride,
  type DevToolsHost,
  type MenuLike,
} from '../../../electron/shell-policy';

const packaged = { isPackaged: true };
const development = { isPackaged: false };

/** Electron's Menu class as far as the shell uses it; `current` is what the app shows. */
class FakeMenu implements MenuLike<{ template: MenuItemConstructorOptions[] }> {
  current: { template: MenuItemConstructorOptions[] } | null | 'electron-default' =
    'electron-default';
  calls = 0;
  setApplicationMenu(menu: { template: MenuItemConstructorOptions[] } | null) {
    this.calls += 1;
    this.current = menu;
  }
  buildFromTemplate(template: MenuItemConstructorOptions[]) {
    return { template };
  }
}

/** Every role reachable in a menu template, submenus included. */
function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [
    ...(i.role ? [i.role] : []),
    ...(Array.isArray(i.submenu) ? roles(i.submenu) : []),
  ]);
}
/** Menu roles that give DevTools, a reload or a console at the counter. */
const DANGEROUS = ['toggleDevTools', 'reload', 'forceReload', 'viewMenu', 'zoom', 'resetZoom'];

/** A window's webContents: its listeners, and whether DevTools are open. */
class FakeContents implements DevToolsHost {
  readonly listeners = new Map<string, (() => void)[]>();
  devToolsOpen = false;
  on(event: 'devtools-opened', listener: () => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  closeDevTools() {
    this.devToolsOpen = false;
  }
  /** What Electron does when DevTools open (a shortcut, a future menu, a debugger). */
  openDevTools() {
    this.devToolsOpen = true;
    for (const l of this.listeners.get('devtools-opened') ?? []) l();
  }
}

describe('the application menu', () => {
  it.each(['win32', 'linux'] as const)(
    'is removed in a packaged build on %s (no DevTools, no reload, no accelerators)',
    (platform) => {
      const menu = new FakeMenu();
      applyApplicationMenu(packaged, menu, platform);
      expect(menu.current).toBeNull();
    },
  );

  it('on macOS keeps only the app and Edit menus, without DevTools or reload', () => {
    const menu = new FakeMenu();
    applyApplicationMenu(packaged, menu, 'darwin');
    const current = menu.current;
    if (current === null || current === 'electron-default') throw new Error('no menu built');
    expect(roles(current.template)).toEqual(['appMenu', 'editMenu']);
    for (const role of DANGEROUS) expect(roles(current.template)).not.toContain(role);
  });

  it.each(['win32', 'linux', 'darwin'] as const)(
    "stays Electron's default in development on %s (DevTools and reload for developers)",
    (platform) => {
      const menu = new FakeMenu();
      applyApplicationMenu(development, menu, platform);
      expect(menu.current).toBe('electron-default');
      expect(menu.calls).toBe(0);
    },
  );
});

describe('DevTools', () => {
  it('are closed at once if they open in a packaged build', () => {
    const contents = new FakeContents();
    refuseDevTools(packaged, contents);
    contents.openDevTools();
    expect(contents.devToolsOpen).toBe(false);
  });

  it('stay open in development', () => {
    const contents = new FakeContents();
    refuseDevTools(development, contents);
    expect(contents.listeners.size).toBe(0);
    contents.openDevTools();
    expect(contents.devToolsOpen).toBe(true);
  });

  it('are for development only (main.ts passes isDevelopment(app) as devTools)', () => {
    expect(isDevelopment(packaged)).toBe(false);
    expect(isDevelopment(development)).toBe(true);
  });
});

describe('CARDDESK_SQLITE_BINDING', () => {
  const env = { CARDDESK_SQLITE_BINDING: '/tmp/evil/better_sqlite3.node' };

  it('is ignored in a packaged build: no outside native module reaches the main process', () => {
    expect(sqliteBindingOverride(packaged, env)).toBeUndefined();
  });

  it('is honoured in development (npm start passes the build for the Electron ABI)', () => {
    expect(sqliteBindingOverride(development, env)).toBe('/tmp/evil/better_sqlite3.node');
    expect(sqliteBindingOverride(development, { CARDDESK_SQLITE_BINDING: '' })).toBeUndefined();
    expect(sqliteBindingOverride(development, {})).toBeUndefined();
  });
});
