/**
 * The window and the session handlers that make the shell safe, in one place that tests call
 * directly (Electron's security checklist). Only types come from 'electron' here.
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY as CSP } from './host/csp';
import { APP_ORIGIN } from './host/ipc';

/** Electron's BrowserWindow class, or a test's stand-in for it. */
export type BrowserWindowClass<W> = new (options: BrowserWindowConstructorOptions) => W;

export interface MainWindowOptions {
  /** False in packaged builds (shell-policy.ts): no DevTools at the counter. */
  devTools: boolean;
  kiosk: boolean;
  /** Where the window was last time (window-state.ts); Electron's default place otherwise. */
  bounds?: { x: number; y: number; width: number; height: number } | undefined;
}

/**
 * Creates the terminal's window. The constructor is passed in so tests can see exactly what it
 * receives, and the options are one literal at the `new BrowserWindow(...)` so Electronegativity
 * checks the real values (contextIsolation, sandbox, Auxclick...) instead of reporting what it
 * cannot follow: any other window anywhere in the shell is scanned the same way.
 */
export function createMainWindow<W>(
  BrowserWindow: BrowserWindowClass<W>,
  opts: MainWindowOptions,
): W {
  return new BrowserWindow({
    width: opts.bounds?.width ?? 1280,
    height: opts.bounds?.height ?? 800,
    ...(opts.bounds ? { x: opts.bounds.x, y: opts.bounds.y } : {}),
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#0f172a',
    title: 'CardDesk',
    kiosk: opts.kiosk,
    // The preload is registered on the session (registerContractPreload), not here.
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click must not open links in new windows (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
      devTools: opts.devTools,
    },
  });
}

/**
 * Registers the preload that exposes the contract, for the frames of the app's session. The
 * session has one page (navigation, new windows and webviews are refused, and host/ipc.ts answers
 * only the top frame of app://carddesk), and the preload itself exposes nothing anywhere else.
 * Registered on the session rather than in webPreferences, the window's options carry no
 * script path at all.
 */
export function registerContractPreload(
  session: Pick<Session, 'registerPreloadScript'>,
  filePath: string,
): string {
  return session.registerPreloadScript({ type: 'frame', id: 'carddesk-contract', filePath });
}

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** Camera for the app's own page; every other permission is refused. */
export function isPermissionAllowed(
  permission: string,
  requestingOrigin: string,
  mediaTypes: readonly string[] = [],
): boolean {
  if (!isAppUrl(requestingOrigin)) return false;
  if (permission !== 'media') return false;
  return mediaTypes.length > 0 && mediaTypes.every((t) => t === 'video');
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(isPermissionAllowed(permission, details.requestingUrl, mediaTypes));
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) => {
    const mediaType = 'mediaType' in details ? details.mediaType : undefined;
    return isPermissionAllowed(permission, requestingOrigin, mediaType ? [mediaType] : []);
  });
  // On one line: Electronegativity reports the `responseHeaders` line (it cannot evaluate the
  // constant), and its justification quotes this whole line.
  session.webRequest.onHeadersReceived((d, callback) => {
    callback({
      responseHeaders: { ...d.responseHeaders, 'Content-Security-Policy': [CSP] },
    });
  });
}

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
