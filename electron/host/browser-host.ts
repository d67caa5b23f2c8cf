/**
 * Binds the contract over loopback HTTP, so the same terminal runs in any Chromium browser
 * and under Playwright. Defences, because any web page the user opens can send requests to
 * 127.0.0.1:
 * - listens on 127.0.0.1 only;
 * - refuses any request whose Host header is not this host and port (DNS rebinding);
 * - refuses API calls without the per-launch secret, which only our own page can read (it is
 *   written into index.html, and other origins cannot read our responses);
 * - refuses API calls from a foreign Origin, and anything but POST application/json;
 * - carries the counter's hot calls (CALL_SOCKET_OPS: lookupCode, redeemCode) also over one
 *   WebSocket per tab at /api/socket, which saves the page a fetch's own cost per scan (a few
 *   milliseconds in Chromium). The upgrade is refused without this host's Host header and an
 *   Origin of this host (a browser always sends one on a WebSocket); the socket then takes
 *   nothing until its first message proves the per-launch secret and names the client id (and
 *   is closed if that does not come in time), runs nothing that arrives once it is closing, and
 *   each call carries the tab's session token, so a call over the socket runs under exactly
 *   the same rules as the same call by POST (one function, runCall, serves both);
 * - serves a finished audit export once, at GET /download/<id>?token=<one-time token> (the
 *   token, from exportStatus, is the only key: a download is a plain navigation that cannot
 *   carry the secret header). The route asks the export store directly (no contract operation
 *   hands out files or paths), streams with pipeline, and the store deletes the file when the
 *   stream closes, sent in full or cut short by the client.
 * Plain Node: never imports 'electron'.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CALL_SOCKET_OPS,
  CALL_SOCKET_PATH,
  CLIENT_HEADER,
  SECRET_HEADER,
  SESSION_HEADER,
  type CallSocketCall,
  type CallSocketHello,
  type CallSocketReply,
  type Envelope,
} from '../../shared/contract-kit';
import reviewMessages from '../../shared/i18n/messages/review';
import { DownloadRequest } from '../../shared/ops/audit-review';
import { CONTENT_SECURITY_POLICY } from './csp';
import type { Dispatch } from './dispatch';
import type { ExportDownloads } from '../services/audit-review/export-downloads';
import { accountGate } from './peer-user';

export interface BrowserHostOptions {
  port: number;
  staticDir: string;
  dispatch: Dispatch;
  /** Finished audit exports waiting for their download (without it, /download/ answers 410). */
  downloads?: ExportDownloads;
  /** Fixed secret for tests; a random one per launch otherwise. */
  secret?: string;
  /** How long a new call socket may take to send its hello (10 s; shorter in tests). */
  socketHelloMs?: number;
}

export interface RunningBrowserHost {
  url: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
/** The operations that start a session for the calling tab. */
const SESSION_STARTS = new Set(['signIn', 'completeSetup']);
const DOWNLOAD = /^\/download\/([A-Za-z0-9_-]{8,64})$/;

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** A plain navigation shows this page: both languages, since it comes without the app. */
const DOWNLOAD_GONE = `${reviewMessages['zh-CN'].errors.download_gone}\n${reviewMessages.en.errors.download_gone}\n`;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(body);
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<RunningBrowserHost> {
  const secret = opts.secret ?? randomBytes(32).toString('base64url');
  /** The session token issued to each client id by its last sign-in (in memory only). */
  const sessionTokens = new Map<string, string>();
  const staticRoot = path.resolve(opts.staticDir);
  let port = opts.port;
  let allowedHosts = new Set<string>();
  const indexTemplate = await fs.readFile(path.join(staticRoot, 'index.html'), 'utf8').catch(() => {
    throw new Error(
      `The renderer is not built (${path.join(staticRoot, 'index.html')} is missing): run "npm run build".`,
    );
  });
  const indexHtml = indexTemplate.replace(
    '</head>',
    `<meta name="carddesk-secret" content="${secret}"></head>`,
  );

  /**
   * One call by a tab: POST /api/<name> and the call socket both end here. The client id is
   * the caller's choice, so it alone never reaches a session: a call whose session token does
   * not match the one issued to that id runs as a stranger (no session).
   */
  async function runCall(
    clientId: string,
    presented: string | undefined,
    name: string,
    input: unknown,
  ): Promise<{ envelope: Envelope<unknown>; token?: string }> {
    const issued = sessionTokens.get(clientId);
    const own =
      issued === undefined || (typeof presented === 'string' && sameSecret(presented, issued));
    const ctxId = own
      ? `browser:${clientId}`
      : `browser:stranger:${randomBytes(16).toString('hex')}`;
    const envelope = await opts.dispatch(name, input, { clientId: ctxId });
    if (own && envelope.ok && SESSION_STARTS.has(name)) {
      // A new token at every sign-in: one read before (in a log, over a shoulder) is worthless.
      const token = randomBytes(32).toString('base64url');
      sessionTokens.set(clientId, token);
      return { envelope, token };
    }
    if (own && envelope.ok && name === 'signOut') sessionTokens.delete(clientId);
    return { envelope };
  }

  /** The Origin of this host's own page (http://127.0.0.1:PORT or http://localhost:PORT). */
  const ownOrigin = (origin: string) => allowedHosts.has(origin.replace(/^http:\/\//, ''));

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, name: string) {
    if (req.method !== 'POST') return send(res, 405, 'POST only');
    const origin = req.headers.origin;
    if (origin !== undefined && !ownOrigin(origin)) return send(res, 403, 'foreign origin');
    if (!sameSecret(req.headers[SECRET_HEADER] as string | undefined, secret)) {
      return send(res, 403, 'missing or wrong terminal secret');
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(res, 415, 'application/json only');
    }
    const clientId = req.headers[CLIENT_HEADER];
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) {
      return send(res, 400, 'missing client id');
    }
    let input: unknown;
    try {
      const body = await readBody(req);
      input = body.length ? JSON.parse(body) : {};
    } catch {
      return send(res, 400, 'malformed JSON body');
    }
    const { envelope, token } = await runCall(
      clientId,
      req.headers[SESSION_HEADER] as string | undefined,
      name,
      input,
    );
    const headers: Record<string, string> = token ? { [SESSION_HEADER]: token } : {};
    send(res, 200, JSON.stringify(envelope), 'application/json; charset=utf-8', headers);
  }

  async function handleDownload(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    exportId: string,
    query: string,
  ) {
    if (req.method !== 'GET') return send(res, 405, 'GET only');
    // Only our own page starts a download (a navigation from another site carries no token
    // anyway; this refuses it before the token is even looked at).
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return send(res, 403, 'foreign site');
    }
    const request = DownloadRequest.safeParse({
      exportId,
      token: new URLSearchParams(query).get('token') ?? '',
    });
    const download = request.success
      ? await opts.downloads?.take(request.data.exportId, request.data.token)
      : undefined;
    if (!download) return send(res, 410, DOWNLOAD_GONE);
    const { stream, fileName, contentType, bytes } = download;
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': bytes,
      'Content-Disposition': attachmentHeader(fileName),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    try {
      // pipeline destroys the file stream when the client goes away, which closes its handle
      // and deletes the file (export-downloads.ts); a finished transfer does the same.
      await pipeline(stream, res);
    } catch {
      // The client closed early: nothing to answer, and the file is gone with the stream.
    }
  }

  async function handleStatic(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    urlPath: string,
  ) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only');
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath);
    } catch {
      return send(res, 400, 'bad path');
    }
    const file = path.resolve(staticRoot, '.' + rel);
    const isIndex = rel === '/' || rel === '/index.html' || !path.extname(rel);
    if (!isIndex && file.startsWith(staticRoot + path.sep)) {
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat?.isFile()) {
        res.writeHead(200, {
          'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
          'Content-Length': stat.size,
          'Cache-Control': rel.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-cache',
          'X-Content-Type-Options': 'nosniff',
        });
        if (req.method === 'HEAD') return res.end();
        createReadStream(file).pipe(res);
        return;
      }
      return send(res, 404, 'not found');
    }
    // Every other path is the single-page app (its router reads the location).
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
    res.end(req.method === 'HEAD' ? undefined : indexHtml);
  }

  const server = http.createServer((req, res) => {
    void admit(req.socket).then((yes) => {
      if (yes) serve(req, res);
    });
  });

  function serve(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return send(res, 421, 'foreign Host header');
    }
    const [urlPath = '/', query = ''] = (req.url ?? '/').split('?');
    const api = /^\/api\/([A-Za-z][A-Za-z0-9]*)$/.exec(urlPath);
    const download = DOWNLOAD.exec(urlPath);
    const work = api?.[1]
      ? handleApi(req, res, api[1])
      : download?.[1]
        ? handleDownload(req, res, download[1], query)
        : handleStatic(req, res, urlPath);
    work.catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  }

  // Another account of the PC may not even load the page (it holds the per-launch secret): a
  // connection is served only once the gate has said whose it is, and closed if not ours.
  const gate = accountGate();
  const admitted = new WeakMap<Socket, Promise<boolean>>();
  const admit = (socket: Socket) => {
    let ok = admitted.get(socket);
    if (!ok) {
      ok = gate(socket).then((yes) => {
        if (!yes) socket.destroy();
        return yes;
      });
      admitted.set(socket, ok);
    }
    return ok;
  };
  server.on('connection', (socket: Socket) => void admit(socket));

  /** The call socket (see the header): the same checks as a POST, then runCall. */
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  server.on('upgrade', (req, socket: Socket, head) => {
    socket.on('error', () => socket.destroy());
    void admit(socket).then((yes) => {
      if (yes) upgrade(req, socket, head);
    });
  });

  function upgrade(req: http.IncomingMessage, socket: Socket, head: Buffer) {
    const refuse = (status: string) =>
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    const host = req.headers.host ?? '';
    if (!allowedHosts.has(host)) return refuse('421 Misdirected Request');
    if ((req.url ?? '').split('?')[0] !== CALL_SOCKET_PATH) return refuse('404 Not Found');
    // A browser always sends the page's Origin on a WebSocket, and any site may open one to
    // 127.0.0.1: only this host's own page may.
    const origin = req.headers.origin;
    if (origin === undefined || !ownOrigin(origin)) return refuse('403 Forbidden');
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  }

  function serveSocket(ws: WebSocket) {
    let clientId: string | undefined;
    // An upgraded socket is out of the HTTP server's timeouts: one that never proves the
    // secret would stay open for good. 4408, not 1008: the page reconnects after it.
    const helloTimer = setTimeout(
      () => ws.close(4408, 'no hello in time'),
      opts.socketHelloMs ?? 10_000,
    );
    ws.on('close', () => clearTimeout(helloTimer));
    const reply = (r: CallSocketReply) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(r));
    };
    const refused = (status: number): Envelope<unknown> => ({
      ok: false,
      error: { kind: 'internal', key: 'errors.host_refused', params: { status } },
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      // ws goes on delivering what arrives after close() until the peer's close frame (up to
      // 30 s): a socket closed for a wrong secret or a bad message must not run what follows.
      if (ws.readyState !== ws.OPEN) return;
      if (isBinary) return ws.close(1003, 'text only');
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return ws.close(1007, 'malformed JSON');
      }
      if (typeof msg !== 'object' || msg === null) return ws.close(1007, 'not an object');
      if (clientId === undefined) {
        const hello = msg as Partial<CallSocketHello>;
        if (typeof hello.secret !== 'string' || !sameSecret(hello.secret, secret)) {
          return ws.close(1008, 'missing or wrong terminal secret');
        }
        if (typeof hello.clientId !== 'string' || !CLIENT_ID.test(hello.clientId)) {
          return ws.close(1008, 'missing client id');
        }
        clientId = hello.clientId;
        clearTimeout(helloTimer);
        return reply({ ready: true });
      }
      const call = msg as Partial<CallSocketCall>;
      if (!Number.isSafeInteger(call.id)) return ws.close(1007, 'call without an id');
      const id = call.id!;
      if (typeof call.name !== 'string' || !CALL_SOCKET_OPS.has(call.name)) {
        return reply({ id, envelope: refused(404) });
      }
      const session = typeof call.session === 'string' ? call.session : undefined;
      runCall(clientId, session, call.name, call.input ?? {}).then(
        ({ envelope, token }) => reply(token ? { id, envelope, session: token } : { id, envelope }),
        () => reply({ id, envelope: refused(500) }),
      );
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    secret,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets.clients) ws.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
