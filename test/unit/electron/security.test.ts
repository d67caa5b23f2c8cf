/**
 * Electron's security checklist, item by item, on the functions the shell uses (Electron
 * itself cannot run here; these are the exact options and handlers main.ts installs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../../electron/host/csp';
import type { BrowserWindowConstructorOptions } from 'electron';
import {
  createMainWindow,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  isPermissionAllowed,
  registerContractPreload,
} from '../../../electron/security';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Stands in for Electron's BrowserWindow: keeps what the shell passes to the constructor. */
class FakeWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}
const mainWindow = (devTools = false, extra: { bounds?: FakeBounds; kiosk?: boolean } = {}) =>
  createMainWindow(FakeWindow, {
    devTools,
    kiosk: extra.kiosk ?? false,
    bounds: extra.bounds,
  }).options;
type FakeBounds = { x: number; y: number; width: number; height: number };

describe('window options', () => {
  const web = mainWindow().webPreferences!;
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
  ] as const)('%s is %s', (key, value) => {
    expect(web[key]).toBe(value);
  });
  it('carries no script path, and disables middle-click new windows', () => {
    expect(web.preload).toBeUndefined();
    expect(web.disableBlinkFeatures).toContain('Auxclick');
  });
  it('registers the contract preload on the session for frames, and the shell does so before the window', () => {
    const calls: unknown[] = [];
    const id = registerContractPreload(
      { registerPreloadScript: (s) => (calls.push(s), 'id-1') },
      '/app/preload.cjs',
    );
    expect(id).toBe('id-1');
    expect(calls).toEqual([
      { type: 'frame', id: 'carddesk-contract', filePath: '/app/preload.cjs' },
    ]);
    const main = readFileSync(path.join(ROOT, 'electron/main.ts'), 'utf8');
    const registered = main.indexOf('registerContractPreload(session.defaultSession');
    expect(registered).toBeGreaterThan(0);
    expect(registered).toBeLessThan(main.indexOf('createMainWindow(BrowserWindow'));
  });
  it("the preload exposes the contract only to the app's own top-level page", () => {
    const preload = readFileSync(path.join(ROOT, 'electron/preload.ts'), 'utf8');
    expect(preload).toMatch(
      /if \(page\.top === page && page\.location\.origin === 'app:\/\/carddesk'\) \{\s*contextBridge\.exposeInMainWorld/,
    );
  });
  it('has DevTools only when the shell asks for them (development), whatever else is passed', () => {
    expect(mainWindow(false).webPreferences?.devTools).toBe(false);
    expect(mainWindow(true).webPreferences?.devTools).toBe(true);
    const placed = mainWindow(false, { bounds: { x: 5, y: 6, width: 1000, height: 700 } });
    expect(placed).toMatchObject({ x: 5, y: 6, width: 1000, height: 700, show: false });
    expect(mainWindow(false, { kiosk: true }).kiosk).toBe(true);
    expect(placed.webPreferences).toEqual(web);
  });
  it('main.ts creates it with DevTools for development only (Electron cannot run here)', () => {
    // Any other window is the scanner's to find: scripts/electronegativity.mjs refuses a
    // window without these options (test/unit/electron/electronegativity.test.ts).
    const main = readFileSync(path.join(ROOT, 'electron/main.ts'), 'utf8');
    expect(main).toMatch(/createMainWindow\(BrowserWindow, \{[^}]*devTools: isDevelopment\(app\)/s);
  });
});

describe('Content-Security-Policy', () => {
  it('is strict: self only, no eval, no inline script, no frames, no plugins', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|weixin|https?:/);
  });
});

describe('app origin and permissions', () => {
  it('recognises only app://carddesk', () => {
    expect(isAppUrl('app://carddesk/index.html')).toBe(true);
    expect(isAppUrl('app://carddesk.evil/')).toBe(false);
    expect(isAppUrl('https://carddesk/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
  it('allows the camera for the app itself and refuses everything else', () => {
    expect(isPermissionAllowed('media', 'app://carddesk/', ['video'])).toBe(true);
    expect(isPermissionAllowed('media', 'app://carddesk/', ['audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'app://carddesk/', ['video', 'audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'https://evil.example/', ['video'])).toBe(false);
    for (const p of [
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'midi',
      'hid',
      'serial',
    ]) {
      expect(isPermissionAllowed(p, 'app://carddesk/', ['video'])).toBe(false);
    }
  });
});

describe('session handlers', () => {
  function fakeSession() {
    const h: Record<string, (...a: never[]) => unknown> = {};
    const s = {
      setPermissionRequestHandler: (fn: never) => (h.request = fn),
      setPermissionCheckHandler: (fn: never) => (h.check = fn),
      webRequest: { onHeadersReceived: (fn: never) => (h.headers = fn) },
    };
    hardenSession(s as unknown as Session);
    return h as Record<string, (...a: unknown[]) => unknown>;
  }
  it('answers permission requests and checks with the rule above', () => {
    const h = fakeSession();
    const answers: boolean[] = [];
    h.request!(null, 'media', (ok: boolean) => answers.push(ok), {
      requestingUrl: 'app://carddesk/',
      mediaTypes: ['video'],
    });
    h.request!(null, 'geolocation', (ok: boolean) => answers.push(ok), {
      requestingUrl: 'app://carddesk/',
    });
    h.request!(null, 'media', (ok: boolean) => answers.push(ok), {
      requestingUrl: 'https://x.example/',
      mediaTypes: ['video'],
    });
    expect(answers).toEqual([true, false, false]);
    expect(h.check!(null, 'media', 'app://carddesk', { mediaType: 'video' })).toBe(true);
    expect(h.check!(null, 'notifications', 'app://carddesk', {})).toBe(false);
  });
  it('adds the CSP to every response', () => {
    const h = fakeSession();
    let out: { responseHeaders: Record<string, string[]> } | undefined;
    h.headers!({ responseHeaders: { 'X-Other': ['1'] } }, (r: typeof out) => (out = r));
    expect(out!.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(out!.responseHeaders['X-Other']).toEqual(['1']);
  });
});

describe('navigation and new windows', () => {
  function fakeContents() {
    const on: Record<string, (e: { preventDefault(): void }, url?: string) => void> = {};
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, fn: never) => (on[name] = fn),
      setWindowOpenHandler: (fn: never) => (openHandler = fn),
    };
    hardenWebContents(contents as unknown as WebContents);
    return { on, open: () => openHandler!({ url: 'https://evil.example/' }) };
  }
  const prevented = (fn: (e: { preventDefault(): void }, url?: string) => void, url?: string) => {
    let p = false;
    fn({ preventDefault: () => (p = true) }, url);
    return p;
  };
  it('blocks navigation and redirects away from the app, and every webview', () => {
    const { on } = fakeContents();
    expect(prevented(on['will-navigate']!, 'https://evil.example/')).toBe(true);
    expect(prevented(on['will-navigate']!, 'app://carddesk/index.html#/audit')).toBe(false);
    expect(prevented(on['will-redirect']!, 'file:///etc/passwd')).toBe(true);
    expect(prevented(on['will-attach-webview']!)).toBe(true);
  });
  it('denies every new window', () => {
    expect(fakeContents().open()).toEqual({ action: 'deny' });
  });
});

describe('the shell never hands untrusted input to the OS', () => {
  it('does not use shell.openExternal anywhere', () => {
    for (const f of ['electron/main.ts', 'electron/security.ts', 'electron/preload.ts']) {
      expect(readFileSync(path.join(ROOT, f), 'utf8')).not.toMatch(/openExternal/);
    }
  });
  it('the preload exposes only the contract, no ipcRenderer', () => {
    const preload = readFileSync(path.join(ROOT, 'electron/preload.ts'), 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\('carddesk', api\)/);
    expect(preload.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
