/**
 * Adversarial review of issue 16 (the Electron shell), with Electron's objects faked: a packaged
 * build offers no DevTools, reload or outside native module; the app's own page is the only one
 * that gets the contract, navigation or a permission, whatever the spelling of its address.
 */
import type {
  BrowserWindowConstructorOptions,
  MenuItemConstructorOptions,
  WebContents,
} from 'electron';
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../electron/host/ipc';
import {
  createMainWindow,
  hardenWebContents,
  isAppUrl,
  isPermissionAllowed,
} from '../../../electron/security';
import {
  applyApplicationMenu,
  refuseDevTools,
  sqliteBindingOverride,
} from '../../../electron/shell-policy';

const packaged = { isPackaged: true };

const FOREIGN = [
  'app://carddesk.evil/',
  'app://evil/carddesk',
  'app://carddesk:8080/',
  'app://CARDDESK/',
  'https://carddesk/',
  'http://carddesk/',
  'file:///app/carddesk/index.html',
  'app:carddesk',
  'app:///carddesk',
  'app://car%64desk/',
  'about:blank',
  'javascript:alert(1)',
  'data:text/html,<script>1</script>',
  '',
];

describe('held: only the app’s own page', () => {
  it('IPC, navigation and permissions refuse every other spelling', () => {
    for (const url of FOREIGN) {
      expect(isTrustedSender({ sender: { id: 1 }, senderFrame: { url, parent: null } }), url).toBe(
        false,
      );
      expect(isAppUrl(url), url).toBe(false);
      expect(isPermissionAllowed('media', url, ['video']), url).toBe(false);
    }
    // A subframe of the app, even at the app's own address, is not trusted.
    expect(
      isTrustedSender({
        sender: { id: 1 },
        senderFrame: { url: 'app://carddesk/index.html', parent: {} },
      }),
    ).toBe(false);
    expect(isTrustedSender({ sender: { id: 1 }, senderFrame: null })).toBe(false);
    // The camera only: no microphone, no other permission, not even for the app.
    expect(isPermissionAllowed('media', 'app://carddesk/', ['video', 'audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'app://carddesk/', [])).toBe(false);
    for (const p of [
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'usb',
      'serial',
    ]) {
      expect(isPermissionAllowed(p, 'app://carddesk/', ['video']), p).toBe(false);
    }
  });

  it('navigation, redirects, new windows and webviews away from the app are refused', () => {
    const handlers = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (e: string, l: (event: { preventDefault(): void }, url?: string) => void) =>
        handlers.set(e, l),
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => (openHandler = h),
    } as unknown as WebContents;
    hardenWebContents(contents);
    for (const ev of ['will-navigate', 'will-redirect']) {
      for (const url of FOREIGN) {
        let prevented = false;
        handlers.get(ev)!({ preventDefault: () => (prevented = true) }, url);
        expect(prevented, `${ev} ${url}`).toBe(true);
      }
    }
    let webview = false;
    handlers.get('will-attach-webview')!({ preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
    expect(openHandler!({ url: 'app://carddesk/index.html' })).toEqual({ action: 'deny' });
  });
});

describe('held: a packaged build', () => {
  it('no menu with DevTools or reload on any platform; DevTools closed; no outside native module', () => {
    const found: string[] = [];
    for (const platform of ['win32', 'linux', 'darwin', 'freebsd'] as NodeJS.Platform[]) {
      let set: unknown = 'default';
      applyApplicationMenu(
        packaged,
        {
          setApplicationMenu: (m) => (set = m),
          buildFromTemplate: (t: MenuItemConstructorOptions[]) => t,
        },
        platform,
      );
      const roles = JSON.stringify(set);
      if (set === 'default' || /devtools|reload|viewmenu|zoom|windowmenu/i.test(roles)) {
        found.push(`${platform}: ${roles}`);
      }
    }
    expect(found).toEqual([]);
    let closed = 0;
    const listeners: (() => void)[] = [];
    refuseDevTools(packaged, { on: (_e, l) => listeners.push(l), closeDevTools: () => closed++ });
    listeners.forEach((l) => l());
    expect(closed).toBe(1);
    expect(
      sqliteBindingOverride(packaged, { CARDDESK_SQLITE_BINDING: '/tmp/evil.node' }),
    ).toBeUndefined();
    let options: BrowserWindowConstructorOptions | undefined;
    class FakeWindow {
      constructor(o: BrowserWindowConstructorOptions) {
        options = o;
      }
    }
    createMainWindow(FakeWindow, { devTools: false, kiosk: true });
    expect(options!.webPreferences).toMatchObject({
      devTools: false,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(options!.webPreferences).not.toHaveProperty('preload');
  });
});
