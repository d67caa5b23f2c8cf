/**
 * The browser host serves only its own OS account (and root): another account of the PC may not
 * load the page that holds the per-launch secret, nor call the contract. Linux tells a loopback
 * connection's account from its socket table (electron/host/peer-user.ts).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost, type RunningBrowserHost } from '../../../electron/host/browser-host';
import { createDispatcher } from '../../../electron/host/dispatch';
import { accountGate, uidIn } from '../../../electron/host/peer-user';
import { createTerminalServices } from '../../../electron/services';

const LINUX = process.platform === 'linux';
const NOBODY = 65534;

/** Asks the host for its page and calls getSetupState, as the account `uid` (this one if unset). */
async function visit(host: RunningBrowserHost, uid?: number) {
  const script = `
    const http = require('node:http');
    const out = {};
    const done = () => { if ('page' in out && 'call' in out) console.log(JSON.stringify(out)); };
    const ask = (key, opts, body) => {
      const req = http.request({ host: '127.0.0.1', port: ${host.port}, ...opts }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => { out[key] = { status: res.statusCode, text }; done(); });
      });
      req.on('error', (e) => { out[key] = { error: e.code }; done(); });
      req.end(body);
    };
    ask('page', { path: '/' });
    ask('call', { method: 'POST', path: '/api/getSetupState', headers: {
      'content-type': 'application/json',
      'x-carddesk-secret': ${JSON.stringify(host.secret)},
      'x-carddesk-client': 'client-0001',
    } }, '{}');
  `;
  // Not spawnSync: the host runs in this process, and must answer meanwhile.
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  return JSON.parse(stdout) as Record<
    'page' | 'call',
    { status?: number; text?: string; error?: string }
  >;
}

/** Root can act as another account, if that account can run this Node. */
function canVisitAsNobody(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync(process.execPath, ['--version'], { uid: NOBODY, gid: NOBODY }).status === 0;
}

let host: RunningBrowserHost;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-accounts-'));
  const staticDir = path.join(dir, 'static');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<html><head></head><body></body></html>');
  const t = await createTerminalServices({
    host: 'browser',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
  });
  host = await startBrowserHost({
    port: 0,
    staticDir,
    dispatch: createDispatcher({ services: t.services, guard: t.guard }),
  });
});

afterAll(() => host.close());

describe.skipIf(!LINUX)('the browser host and the accounts of the PC', () => {
  it("reads a loopback connection's account from the kernel's socket table", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    const socket = await accepted;
    const table = readFileSync('/proc/net/tcp', 'latin1');
    expect(uidIn(table, socket)).toBe(process.getuid!());
    // A port nobody uses is no line, and the wrong way round (our own end) is not theirs.
    expect(uidIn(table, { ...socket, remotePort: 1 })).toBeNull();
    expect(
      uidIn(table, {
        remoteAddress: socket.localAddress,
        remotePort: socket.localPort,
        localAddress: socket.remoteAddress,
        localPort: 1,
      }),
    ).toBeNull();
    // A line as the kernel writes it, of another account (1000): its uid, not a neighbour field.
    const line =
      '   5: 0100007F:D431 0100007F:1535 01 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0000000000000000 20 4 30 10 -1\n';
    const ends = { remoteAddress: '127.0.0.1', remotePort: 0xd431, localAddress: '127.0.0.1' };
    expect(uidIn(table + line, { ...ends, localPort: 0x1535 })).toBe(1000);
    // Many connections at once are answered from one read of the table each batch.
    const gate = accountGate();
    expect(await Promise.all(Array.from({ length: 50 }, () => gate(socket)))).toEqual(
      Array(50).fill(true),
    );
    expect(await accountGate('/no/such/table')(socket)).toBe(true); // no table: not Linux
    // A table there but unreadable this time (here: a folder) refuses, and does not open the
    // gate for the connections after it.
    const unreadable = accountGate(os.tmpdir());
    expect(await unreadable(socket)).toBe(false);
    expect(await unreadable(socket)).toBe(false);
    client.destroy();
    server.close();
  });

  it('serves its own account: the page with its secret, and calls', async () => {
    const seen = await visit(host);
    expect(seen.page.status).toBe(200);
    expect(seen.page.text).toContain(`content="${host.secret}"`);
    expect(seen.call.status).toBe(200);
  });

  it.skipIf(!canVisitAsNobody())(
    'refuses another account: no page, no secret, no call, even with the secret',
    async () => {
      const seen = await visit(host, NOBODY);
      expect(seen.page.error).toMatch(/ECONNRESET|EPIPE/);
      expect(seen.page.text).toBeUndefined();
      expect(seen.call.error).toMatch(/ECONNRESET|EPIPE/);
      // And the host still serves its own account afterwards.
      expect((await visit(host)).page.status).toBe(200);
    },
  );
});
