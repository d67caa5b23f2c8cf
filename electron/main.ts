/**
 * The Electron shell: lifecycle, the window, the app:// protocol. Thin: all logic lives in the
 * services, bound to IPC by ipc.ts.
 */
import { app, BrowserWindow, ipcMain, net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDispatcher } from './host/dispatch';
import { bindIpc } from './ipc';
import { hardenSession, hardenWebContents, windowOptions } from './security';
import { createTerminalServices } from './services';

protocol.registerSchemesAsPrivileged([
  {
    scheme: 'app',
    privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
  },
]);

const rendererDir = path.join(__dirname, '..', 'renderer');

// Tests and portable installs choose the data folder (same variable as the browser host).
if (process.env.CARDDESK_DATA_DIR)
  app.setPath('userData', path.resolve(process.env.CARDDESK_DATA_DIR));

function serveRenderer() {
  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    if (url.host !== 'carddesk') return new Response('not found', { status: 404 });
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || !path.extname(rel)) rel = '/index.html';
    const file = path.resolve(rendererDir, '.' + rel);
    if (!file.startsWith(rendererDir + path.sep)) return new Response('forbidden', { status: 403 });
    return net.fetch(pathToFileURL(file).toString());
  });
}

async function start() {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  serveRenderer();
  const { session } = await import('electron');
  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));

  const terminal = await createTerminalServices({
    host: 'electron',
    version: app.getVersion(),
    dataDir: app.getPath('userData'),
    osLocale: app.getLocale(),
  });
  bindIpc(
    ipcMain,
    createDispatcher({
      services: terminal.services,
      guard: terminal.guard,
      onInternalError: (name, err) => console.error(`[carddesk] ${name} failed:`, err),
    }),
  );

  const win = new BrowserWindow(windowOptions(path.join(__dirname, 'preload.cjs')));
  win.once('ready-to-show', () => win.show());
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
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
