/**
 * The Electron shell: lifecycle, the window, the app:// protocol, the OS key store. Thin: all
 * logic lives in the services, bound to IPC by host/ipc.ts; every security setting comes from
 * security.ts and what differs between a packaged build and development from shell-policy.ts,
 * both tested with stand-ins for Electron's objects.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  safeStorage,
  screen,
  session,
} from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import settingsMessages from '../shared/i18n/messages/settings';
import type { Settings } from '../shared/settings';
import { CONTENT_SECURITY_POLICY } from './host/csp';
import { createDispatcher } from './host/dispatch';
import { bindIpc } from './host/ipc';
import { LogFile } from './log-file';
import {
  createMainWindow,
  hardenSession,
  hardenWebContents,
  registerContractPreload,
} from './security';
import { createTerminalServices } from './services';
import type { SecretProtector } from './services/account/secret-store';
import {
  applyApplicationMenu,
  isDevelopment,
  refuseDevTools,
  sqliteBindingOverride,
} from './shell-policy';
import { loadBounds, saveBounds } from './window-state';

protocol.registerSchemesAsPrivileged([
  {
    scheme: 'app',
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
  },
]);

const rendererDir = path.join(__dirname, '..', 'renderer');

// Tests and portable installs choose the data folder (same variable as the browser host).
if (process.env.CARDDESK_DATA_DIR) {
  app.setPath('userData', path.resolve(process.env.CARDDESK_DATA_DIR));
}

function serveRenderer() {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'carddesk') return new Response('not found', { status: 404 });
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || !path.extname(rel)) rel = '/index.html';
    const file = path.resolve(rendererDir, '.' + rel);
    if (!file.startsWith(rendererDir + path.sep)) return new Response('forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

/** The OS key store, unless it is Linux's plain-text fallback: then the key file is better. */
function osKeyStore(log: LogFile): SecretProtector | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    log.warn('no OS key store (basic_text): secrets use the key file in the data folder');
    return undefined;
  }
  return {
    kind: 'os-keystore',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}

async function start() {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const dataDir = app.getPath('userData');
  const log = new LogFile({ dir: path.join(dataDir, 'logs') });
  log.info(`CardDesk ${app.getVersion()} starting, Electron ${process.versions.electron}`);
  process.on('uncaughtException', (err) => log.error('uncaught', err));

  serveRenderer();
  hardenSession(session.defaultSession);
  registerContractPreload(session.defaultSession, path.join(__dirname, 'preload.cjs'));
  applyApplicationMenu(app, Menu, process.platform);
  app.on('web-contents-created', (_e, contents) => {
    hardenWebContents(contents);
    refuseDevTools(app, contents);
  });

  // Settings arrive from the services before the window exists (at start-up) and after.
  const current: { win?: BrowserWindow } = {};
  let shell: Settings['shell'] = { kiosk: false, startWithOs: false };
  let language: Settings['language'] = 'zh-CN';
  const applyShell = (next: Settings['shell']) => {
    shell = next;
    if (app.isPackaged) app.setLoginItemSettings({ openAtLogin: next.startWithOs });
    const w = current.win;
    if (w && w.isKiosk() !== next.kiosk) w.setKiosk(next.kiosk);
  };

  const protector = osKeyStore(log);
  const sqliteBinding = sqliteBindingOverride(app, process.env);
  const terminal = await createTerminalServices({
    host: 'electron',
    version: app.getVersion(),
    dataDir,
    osLocale: app.getLocale(),
    ...(protector ? { protector } : {}),
    ...(sqliteBinding ? { sqliteBinding } : {}),
    onSettings: (s) => {
      language = s.language;
      applyShell(s.shell);
    },
    // Audit exports (issue 10): the operator picks the file; undefined when they cancel.
    chooseExportFile: async (suggestedName) => {
      const csv = suggestedName.endsWith('.csv');
      const options = {
        defaultPath: path.join(app.getPath('documents'), suggestedName),
        filters: [
          csv
            ? { name: 'CSV', extensions: ['csv'] }
            : { name: 'JSON Lines', extensions: ['jsonl'] },
        ],
      };
      const r = current.win
        ? await dialog.showSaveDialog(current.win, options)
        : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? undefined : r.filePath;
    },
  });
  bindIpc(
    ipcMain,
    createDispatcher({
      services: terminal.services,
      guard: terminal.guard,
      onInternalError: (name, err) => log.error(`${name} failed`, err),
    }),
  );

  const boundsFile = path.join(dataDir, 'window.json');
  const saved = loadBounds(
    boundsFile,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = createMainWindow(BrowserWindow, {
    devTools: isDevelopment(app),
    kiosk: shell.kiosk,
    bounds: saved,
  });
  current.win = win;
  if (saved?.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    if (win.isKiosk()) return;
    saveBounds(boundsFile, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  });
  // Closing or reloading with unsaved settings edits: the page refuses to unload (its
  // beforeunload), and Electron would then silently keep the window open. Ask natively instead.
  win.webContents.on('will-prevent-unload', (event) => {
    const text = settingsMessages[language].leave.window;
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      title: text.title,
      message: text.message,
      detail: text.detail,
      buttons: [text.stay, text.discard],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    if (choice === 1) event.preventDefault(); // preventDefault here lets the unload go ahead
  });
  // A crashed renderer is reloaded; the operator's session lives in the main process and stays.
  win.webContents.on('render-process-gone', (_e, details) => {
    log.error('renderer gone', details.reason);
    if (details.reason !== 'clean-exit') setTimeout(() => win.webContents.reload(), 500);
  });
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  await win.loadURL('app://carddesk/index.html');

  app.on('window-all-closed', () => {
    void terminal.close().finally(() => app.quit());
  });
}

start().catch((err: unknown) => {
  console.error('CardDesk could not start:', err);
  app.exit(1);
});
