/**
 * `npm run start:browser`: the terminal's services plus the browser host, for any Chromium
 * browser on this machine. Options: --port N (or CARDDESK_PORT; 0 picks a free port),
 * --data-dir DIR (or CARDDESK_DATA_DIR).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBrowserHost } from './host/browser-host';
import { defaultDataDir } from './data-dir';
import { createDispatcher } from './host/dispatch';
import { LogFile } from './log-file';
import { createTerminalServices } from './services';
import { readTestEnv } from './test-env';

declare const __CARDDESK_VERSION__: string;

const DEFAULT_PORT = 5417;

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'static-dir': { type: 'string' },
    },
  });
  const portText = values.port ?? process.env.CARDDESK_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, not "${portText}"`);
  }
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  const staticDir = values['static-dir'] ?? path.join(__dirname, '..', 'renderer');

  const testEnv = readTestEnv(process.env);
  const terminal = await createTerminalServices({
    ...testEnv,
    host: 'browser',
    version: typeof __CARDDESK_VERSION__ === 'string' ? __CARDDESK_VERSION__ : '0.0.0-dev',
    dataDir,
    osLocale: Intl.DateTimeFormat().resolvedOptions().locale,
  });
  const log = new LogFile({ dir: path.join(dataDir, 'logs') });
  log.info(`CardDesk browser host starting on port ${port}`);
  const dispatch = createDispatcher({
    services: terminal.services,
    guard: terminal.guard,
    onInternalError: (name, err) => {
      log.error(`${name} failed`, err);
      console.error(`[carddesk] ${name} failed (see ${log.file})`);
    },
  });
  const host = await startBrowserHost({
    port,
    staticDir,
    dispatch,
    downloads: terminal.exportDownloads,
  });
  console.log(`CardDesk is running at ${host.url}`);
  console.log(`Data folder: ${dataDir}`);
  console.log('Open the address in Chromium or Chrome. Press Ctrl+C to stop.');

  const stop = async () => {
    await host.close();
    await terminal.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`CardDesk could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
