/**
 * One HTTP exchange with WeChat (or the sandbox, a merchant's proxy, a token service), with
 * the two facts the retry rules need: did an answer come back, and if not, could the request
 * have reached the server? A request whose connection was never established was certainly
 * not sent; once connected, a lost answer means the call may have been applied.
 */
import axios, { type AxiosInstance } from 'axios';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export interface Timeouts {
  /** Longest wait for the TCP (and TLS) connection. */
  connectMs: number;
  /** Longest wait for the whole exchange, connection included. */
  totalMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 3_000, totalMs: 8_000 };

/**
 * Idle keep-alive sockets are closed after this. It must stay below the server's keep-alive
 * timeout (Node servers: 5 s; nginx: 75 s), or a write could go out on a socket the server is
 * closing and end as "outcome unknown" for no reason.
 */
const FREE_SOCKET_TIMEOUT_MS = 4_000;
const MAX_BODY_BYTES = 20 * 1024 * 1024;

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** A JSON text, sent as application/json. */
  body?: string;
  headers?: Record<string, string>;
}

export type Exchange =
  | { type: 'response'; status: number; text: string }
  | {
      type: 'failed';
      /** The connection was up: the server may have received (and acted on) the request. */
      sent: boolean;
      timedOut: boolean;
      /** A system code (ECONNREFUSED, ECONNRESET...) for the logs; never contains secrets. */
      code: string;
      message: string;
    };

export interface Http {
  request(req: HttpRequest): Promise<Exchange>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

export function createHttp(timeouts: Timeouts): Http {
  // Keep-alive: a counter lookup should cost one round trip, not a TCP and TLS handshake too.
  const httpAgent = new http.Agent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
  const httpsAgent = new https.Agent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
  const ax: AxiosInstance = axios.create({
    httpAgent,
    httpsAgent,
    proxy: false,
    maxRedirects: 0,
    timeout: 0, // the total deadline is ours (below): axios's is an idle timer
    responseType: 'text',
    transformResponse: [(data: unknown) => data], // parsed by the caller, so bad JSON is seen
    validateStatus: () => true,
    maxContentLength: MAX_BODY_BYTES,
  });

  return {
    async request(req) {
      const track = { connected: false };
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeouts.totalMs);
      try {
        const res = await ax.request<unknown>({
          method: req.method,
          url: req.url,
          data: req.body,
          headers: {
            ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...req.headers,
          },
          signal: controller.signal,
          transport: trackingTransport(track, timeouts.connectMs),
        });
        return {
          type: 'response',
          status: res.status,
          text: typeof res.data === 'string' ? res.data : '',
        };
      } catch (err) {
        return {
          type: 'failed',
          sent: track.connected,
          timedOut,
          code: timedOut ? 'ETIMEDOUT' : errorCode(err),
          message: timedOut ? `no answer within ${timeouts.totalMs} ms` : errorMessage(err),
        };
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * Node's http/https with two additions per request: it records whether the connection was
 * established, and it gives up on a connection that takes longer than connectMs.
 */
function trackingTransport(track: { connected: boolean }, connectMs: number) {
  return {
    request(
      options: http.RequestOptions,
      onResponse: (res: http.IncomingMessage) => void,
    ): http.ClientRequest {
      const mod = options.protocol === 'https:' ? https : http;
      const req = mod.request(options, onResponse);
      req.once('socket', (socket: Socket) => {
        if (req.reusedSocket || isEstablished(socket)) {
          track.connected = true;
          return;
        }
        const ready = socket instanceof TLSSocket ? 'secureConnect' : 'connect';
        const timer = setTimeout(() => req.destroy(connectTimeoutError(connectMs)), connectMs);
        socket.once(ready, () => {
          clearTimeout(timer);
          track.connected = true;
        });
        socket.once('close', () => clearTimeout(timer));
      });
      return req;
    },
  };
}

function isEstablished(socket: Socket): boolean {
  if (socket.connecting) return false;
  return socket instanceof TLSSocket ? socket.getProtocol() !== null : !socket.destroyed;
}

function connectTimeoutError(ms: number): Error {
  return Object.assign(new Error(`could not connect within ${ms} ms`), { code: 'ECONNECTTIMEOUT' });
}

function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') {
    return err.code;
  }
  return 'ENETWORK';
}

/** The error's own text only: axios errors also carry the config (URL, token), never used. */
function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
