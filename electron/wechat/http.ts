/**
 * One HTTP exchange with WeChat (or the sandbox, a merchant's proxy, a token service), with
 * the two facts the retry rules need: did an answer come back, and if not, could the request
 * have reached the server? A request whose connection was never established was certainly
 * not sent; once connected, a lost answer means the call may have been applied.
 */
import {
  Axios,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import zlib from 'node:zlib';

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

/**
 * What one exchange learns beside its answer, for the retry rules. A class, not a plain
 * object: axios's config merge copies plain objects, and the adapter must write to this one.
 */
class Track {
  connected = false;
  timedOut = false;
}

/** Per-request settings our adapter reads (axios passes unknown config keys through). */
interface ExchangeConfig extends InternalAxiosRequestConfig {
  carddeskTrack: Track;
}

export function createHttp(timeouts: Timeouts): Http {
  // Keep-alive: a counter lookup should cost one round trip, not a TCP and TLS handshake too.
  const httpAgent = new http.Agent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
  const httpsAgent = new https.Agent({ keepAlive: true, timeout: FREE_SOCKET_TIMEOUT_MS });
  // `new Axios`, not axios.create: its defaults are only these, not axios's global ones (a
  // header set per method, timeouts, XSRF names, form-data classes...) that only axios's own
  // adapters read and that axios deep-merges into every request's config: 0.02 to 0.05 ms a
  // call, cold, measured side by side. The headers sent are the same.
  const ax = new Axios({
    // The adapter owns the exchange: its deadlines, every status answered as it came, no
    // redirect followed (axios's timeout, maxRedirects and validateStatus are its own
    // adapters' settings, unread by ours).
    adapter: exchangeAdapter(httpAgent, httpsAgent, timeouts),
    transformRequest: [(data: unknown) => data], // always a JSON text already
    transformResponse: [(data: unknown) => data], // parsed by the caller, so bad JSON is seen
    // Without Accept-Encoding any encoding is acceptable (RFC 9110 12.5.3); decode() reads one
    // a server applies anyway. Accept is axios's usual one.
    headers: { Accept: 'application/json, text/plain, */*', 'Accept-Encoding': 'identity' },
  });

  return {
    async request(req) {
      const track = new Track();
      try {
        const res = await ax.request<unknown>({
          method: req.method,
          url: req.url,
          data: req.body,
          headers: {
            ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...req.headers,
          },
          carddeskTrack: track,
        } as ExchangeConfig);
        return {
          type: 'response',
          status: res.status,
          text: typeof res.data === 'string' ? res.data : '',
        };
      } catch (err) {
        return {
          type: 'failed',
          sent: track.connected,
          timedOut: track.timedOut,
          code: track.timedOut ? 'ETIMEDOUT' : errorCode(err),
          message: track.timedOut ? `no answer within ${timeouts.totalMs} ms` : errorMessage(err),
        };
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * axios's adapter for these calls: one exchange on node:http or node:https, with a keep-alive
 * agent, and two facts the retry rules need that axios's own http adapter cannot tell: whether
 * the connection was established (a request never connected was certainly not sent), and
 * whether the total deadline ran out. It gives up on a connection that takes longer than
 * connectMs and on an exchange longer than totalMs, and refuses an answer over 20 MB (once
 * decoded: see decode()). axios's own adapter also does what these calls never need
 * (redirects, proxies from the environment, progress events, streams, form data), and cost
 * about 0.15 ms a call more for it (measured side by side); axios's API, headers and errors
 * stay.
 */
function exchangeAdapter(
  httpAgent: http.Agent,
  httpsAgent: https.Agent,
  timeouts: Timeouts,
): AxiosAdapter {
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      // Every way the exchange ends goes through one of these two, and so stops the deadline.
      const answer = (response: AxiosResponse) => {
        clearTimeout(deadline);
        resolve(response);
      };
      const fail = (err: unknown) => {
        clearTimeout(deadline);
        reject(err);
      };
      const track = (config as ExchangeConfig).carddeskTrack ?? new Track();
      const url = new URL(config.url ?? '');
      const secure = url.protocol === 'https:';
      const body = typeof config.data === 'string' ? config.data : undefined;
      const headers = config.headers.toJSON(true) as Record<string, string>;
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      const req = (secure ? https : http).request(
        url,
        {
          method: (config.method ?? 'get').toUpperCase(),
          agent: secure ? httpsAgent : httpAgent,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy(
                Object.assign(new Error(`answer over ${MAX_BODY_BYTES} bytes`), {
                  code: 'ERR_BODY_TOO_LARGE',
                }),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            if (!res.complete) return; // cut short: 'close' below settles it
            let data: string;
            try {
              data = decode(Buffer.concat(chunks), res.headers['content-encoding']).toString(
                'utf8',
              );
            } catch (err) {
              fail(err);
              return;
            }
            answer({
              data,
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: res.headers as AxiosResponse['headers'],
              config,
              request: req,
            });
          });
          res.on('error', fail);
          // The connection lost mid-answer: no answer (a settled promise ignores this).
          res.on('close', () => {
            if (!res.complete) {
              fail(Object.assign(new Error('connection lost mid-answer'), { code: 'ECONNRESET' }));
            }
          });
        },
      );
      const deadline = setTimeout(() => {
        track.timedOut = true;
        req.destroy(Object.assign(new Error('deadline'), { code: 'ETIMEDOUT' }));
      }, timeouts.totalMs);
      req.once('socket', (socket: Socket) => {
        if (req.reusedSocket || isEstablished(socket)) {
          track.connected = true;
          return;
        }
        const ready = socket instanceof TLSSocket ? 'secureConnect' : 'connect';
        const timer = setTimeout(
          () => req.destroy(connectTimeoutError(timeouts.connectMs)),
          timeouts.connectMs,
        );
        socket.once(ready, () => {
          clearTimeout(timer);
          track.connected = true;
        });
        socket.once('close', () => clearTimeout(timer));
      });
      req.on('error', fail);
      req.end(body);
    });
}

/**
 * The answer's bytes without their Content-Encoding. We ask for none, but a server or proxy
 * may encode anyway, and axios's own adapter decoded: gzip, deflate and br are read, within
 * the same 20 MB once decoded; anything else, or bytes that do not decode, is no answer.
 */
function decode(body: Buffer, encoding: string | undefined): Buffer {
  const coding = (encoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity' || body.length === 0) return body;
  const limit = { maxOutputLength: MAX_BODY_BYTES };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return zlib.gunzipSync(body, limit);
    if (coding === 'br') return zlib.brotliDecompressSync(body, limit);
    if (coding === 'deflate') {
      // zlib-wrapped, as the standard says, or raw, as some servers send it.
      return (body[0]! & 0x0f) === 8
        ? zlib.inflateSync(body, limit)
        : zlib.inflateRawSync(body, limit);
    }
  } catch (err) {
    if (err instanceof RangeError) {
      throw Object.assign(new Error(`answer over ${MAX_BODY_BYTES} bytes`), {
        code: 'ERR_BODY_TOO_LARGE',
      });
    }
    throw Object.assign(new Error(`answer not readable as ${coding}`), {
      code: 'ERR_BAD_ENCODING',
    });
  }
  throw Object.assign(new Error(`answer in an unknown encoding (${coding.slice(0, 40)})`), {
    code: 'ERR_BAD_ENCODING',
  });
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
