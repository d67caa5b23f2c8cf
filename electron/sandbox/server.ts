/**
 * The HTTP shell (node:http, no framework): routes /__sandbox/ to the control API and
 * everything else to the simulator, applying injected faults on the way. Answers the way the
 * platform does: HTTP 200 with a JSON body (Content-Type "application/json; encoding=utf-8",
 * the platform's own odd header) for errcodes too.
 *
 * Delayed work (latency, late_apply) is cancelled when the server closes: a closed sandbox
 * never applies a write, so a later sandbox on the same state file cannot be overwritten by a
 * leftover timer of an earlier one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  CONTROL_PREFIX,
  crossSiteReason,
  handleControl,
  ownHosts,
  refuseControl,
  type ControlResponse,
} from './control-api';
import { demoSeed } from './demo-seed';
import { MAX_APPLY_DELAY_MS, type FaultRule } from './faults';
import type { SandboxSeed } from './seed-schema';
import { Simulator, type RequestLogEntry, type SandboxResponse } from './simulator';
import { StateFileError } from './state-file';

export interface SandboxOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default '127.0.0.1': the sandbox has a control API and must not face a network. */
  host?: string;
  /** Default: the demo seed. */
  seed?: SandboxSeed;
  /** Unix ms for the sandbox clock; default Date.now(). */
  startTime?: number;
  /** Seed of the PRNG behind probability faults; default 1. */
  faultRandomSeed?: number;
  /**
   * The latest a delayed write (latency, late_apply) may land after it arrived; one held longer
   * is dropped, not applied. At most MAX_APPLY_DELAY_MS (the default). Tests with a short
   * settling window set it below that window.
   */
  maxApplyDelayMs?: number;
  /** Time moves only by clock.set()/advance(); default false (the clock ticks). */
  frozenClock?: boolean;
  /** Durable state in this file (see SimulatorOptions.stateFile); default: in memory only. */
  stateFile?: string;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  /** The first app of the seed. */
  app: { appid: string; secret: string };
  /** Direct access to state, clock, counters and faults. */
  sim: Simulator;
  /** The HTTP server, for an in-process bench that times the sandbox's own share of a call. */
  server: Server;
  close(): Promise<void>;
}

/** Bodies above this are refused (47001) without being kept in memory. */
const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = 'application/json; encoding=utf-8';

/** The body as text; undefined when over the limit; rejects if the client went away. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** An nginx-style error page, as a proxy in front of the platform would send. */
function send5xx(res: ServerResponse, entry: RequestLogEntry, outcome: FaultRule): void {
  const status = outcome.status ?? 503;
  entry.status = status;
  const html = `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

/** `outcome`: what the client got instead of an answer that would have claimed success. */
function logFailure(err: unknown, outcome = 'answered HTTP 500'): void {
  if (err instanceof StateFileError) {
    console.error(`[sandbox] ${err.message}; the change was undone and ${outcome}`);
  } else {
    console.error('[sandbox] internal error', err);
  }
}

interface Delay {
  timer: NodeJS.Timeout;
  resolve(elapsed: boolean): void;
}

export function createSandboxServer(
  sim: Simulator,
  opts: { maxApplyDelayMs?: number } = {},
): { server: Server; hung: Set<Socket> } {
  // The promise a client may rely on: no write lands later than this after it arrived. A timer
  // that fires late (a starved machine) must not break it, so such a write is dropped instead.
  const maxApplyDelayMs = Math.min(opts.maxApplyDelayMs ?? MAX_APPLY_DELAY_MS, MAX_APPLY_DELAY_MS);
  const hung = new Set<Socket>();
  const delays = new Set<Delay>();

  /**
   * Waits at least ms (wall clock): true when it elapsed with the server still open, else false.
   * A Node timer may fire up to a millisecond early against the clock (the event loop's time is
   * taken once an iteration), so it is armed again for whatever is left: injected latency is
   * never shorter than asked (bench:lookup checks it).
   */
  function wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const start = performance.now();
      const arm = (left: number) =>
        setTimeout(() => {
          const rest = ms - (performance.now() - start);
          if (rest > 0) {
            delay.timer = arm(rest);
            return;
          }
          delays.delete(delay);
          // close() stops listening at once, before the 'close' event below.
          resolve(server.listening);
        }, Math.ceil(left));
      const delay: Delay = { timer: arm(ms), resolve };
      delays.add(delay);
    });
  }

  async function wechat(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    sim.countCall(path);
    const entry = sim.beginLogEntry(method, path);
    let body: string | undefined;
    try {
      body = await readBody(req);
    } catch {
      return; // the client aborted while sending: nobody to answer, nothing to apply
    }
    const arrived = Date.now();
    const tooLate = () => Date.now() - arrived > maxApplyDelayMs;
    const plan = sim.faults.plan(path);
    entry.faults = plan.fired.map((r) => r.kind);
    // Closed meanwhile: not applied, and the socket is already gone.
    if (plan.latencyMs > 0 && !(await wait(plan.latencyMs))) return;
    if (plan.latencyMs > 0 && tooLate()) {
      // Held past the bound: the platform gave up on it, nothing applied.
      send5xx(res, entry, { id: 0, path, kind: 'http_5xx', status: 504 });
      return;
    }

    const answer = (r: SandboxResponse, text = JSON.stringify(r.body)) => {
      entry.status = r.status;
      entry.errcode = r.errcode;
      sendJson(res, r.status, text);
    };
    const handle = (): SandboxResponse =>
      body === undefined
        ? sim.error(47001, 'body too large')
        : sim.handle({ method, path, query: url.searchParams, body });

    switch (plan.outcome?.kind) {
      case 'hang': {
        // Never answer; let the client give up. Closing the sandbox ends these sockets.
        const socket = req.socket;
        hung.add(socket);
        socket.once('close', () => hung.delete(socket));
        return;
      }
      case 'http_5xx':
        send5xx(res, entry, plan.outcome);
        return;
      case 'applied_5xx':
        // Applied (and persisted) first: the 5xx is the gateway failing after the platform acted.
        handle();
        send5xx(res, entry, plan.outcome);
        return;
      case 'late_apply': {
        // Held open like hang; the write lands later whether or not the client is still there.
        const socket = req.socket;
        hung.add(socket);
        socket.once('close', () => hung.delete(socket));
        if (!(await wait(plan.applyDelayMs))) return;
        try {
          if (!tooLate()) handle();
        } catch (err) {
          logFailure(err, 'no answer was due (late_apply)');
        }
        entry.status = 0;
        socket.destroy();
        return;
      }
      case 'errcode':
        answer(sim.error(plan.outcome.errcode ?? -1));
        return;
      case 'malformed_json': {
        const r = handle();
        const text = JSON.stringify(r.body);
        answer(r, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        return;
      }
      case 'lost_response':
        handle();
        entry.status = 0;
        req.socket.destroy();
        return;
      default:
        answer(handle());
    }
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = (await readBody(req).catch(() => undefined)) ?? '';
    let r;
    try {
      r = handleControl(
        sim,
        req.method ?? 'GET',
        url.pathname.slice(CONTROL_PREFIX.length),
        url.searchParams,
        body,
      );
    } catch (err) {
      if (err instanceof StateFileError) {
        // The change was undone: never answer "ok" for what a restart would lose.
        logFailure(err);
        r = { status: 500, body: { error: err.message } };
      } else {
        r = { status: 400, body: { error: (err as Error).message } };
      }
    }
    sendJson(res, r.status, JSON.stringify(r.body));
  }

  /** Answers a refused request without reading its body or letting it count or change anything. */
  function refuse(req: IncomingMessage, res: ServerResponse, r: ControlResponse): void {
    req.resume();
    sendJson(res, r.status, JSON.stringify(r.body));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const isControl =
      url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`);
    const hosts = ownHosts(server.address());
    if (isControl) {
      const refused = refuseControl(req.method ?? 'GET', req.headers, hosts);
      if (refused) return refuse(req, res, refused);
    } else {
      // The WeChat paths stay as SDKs call them (any Host, any Content-Type), but a web page of
      // another site has no business here: with the demo app's published secret it could
      // otherwise redeem the sandbox's codes from the browser.
      const crossSite = crossSiteReason(req.headers, hosts);
      if (crossSite)
        return refuse(req, res, { status: 403, body: { error: `${crossSite} refused` } });
    }
    (isControl ? control(req, res, url) : wechat(req, res, url)).catch((err: unknown) => {
      // A bug in the simulator, or a state file that could not be written (the change is then
      // undone): answer like the platform's "system error" instead of crashing.
      logFailure(err);
      if (res.headersSent) {
        res.destroy();
      } else {
        sendJson(res, 500, JSON.stringify({ errcode: -1, errmsg: 'system error' }));
      }
    });
  });
  server.on('close', () => {
    for (const delay of delays) {
      clearTimeout(delay.timer);
      delay.resolve(false);
    }
    delays.clear();
  });
  return { server, hung };
}

/** Starts the simulator on an HTTP port (default: a free loopback port). */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const sim = new Simulator(opts.seed ?? demoSeed(), {
    ...(opts.startTime !== undefined ? { startTime: opts.startTime } : {}),
    ...(opts.faultRandomSeed !== undefined ? { faultRandomSeed: opts.faultRandomSeed } : {}),
    ...(opts.frozenClock !== undefined ? { frozenClock: opts.frozenClock } : {}),
    ...(opts.stateFile !== undefined ? { stateFile: opts.stateFile } : {}),
  });
  const { server, hung } = createSandboxServer(sim, {
    ...(opts.maxApplyDelayMs !== undefined ? { maxApplyDelayMs: opts.maxApplyDelayMs } : {}),
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox: no TCP address');
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const app = sim.apps[0];
  if (!app) throw new Error('sandbox: the seed has no app');
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    app: { appid: app.appid, secret: app.secret },
    sim,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const socket of hung) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
