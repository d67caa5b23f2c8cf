/**
 * The HTTP shell (node:http, no framework): routes /__sandbox/ to the control API and
 * everything else to the simulator, applying injected faults on the way. Answers the way the
 * platform does: HTTP 200 with a JSON body (Content-Type "application/json; encoding=utf-8",
 * the platform's own odd header) for errcodes too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CONTROL_PREFIX, handleControl } from './control-api';
import { demoSeed } from './demo-seed';
import type { SandboxSeed } from './seed-schema';
import { Simulator, type SandboxResponse } from './simulator';

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
  /** Time moves only by clock.set()/advance(); default false (the clock ticks). */
  frozenClock?: boolean;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  /** The first app of the seed. */
  app: { appid: string; secret: string };
  /** Direct access to state, clock, counters and faults. */
  sim: Simulator;
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSandboxServer(sim: Simulator): { server: Server; hung: Set<Socket> } {
  const hung = new Set<Socket>();

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
    const plan = sim.faults.plan(path);
    entry.faults = plan.fired.map((r) => r.kind);
    if (plan.latencyMs > 0) await sleep(plan.latencyMs);

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
      case 'http_5xx': {
        const status = plan.outcome.status ?? 503;
        entry.status = status;
        const html = `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`;
        res.writeHead(status, {
          'Content-Type': 'text/html',
          'Content-Length': Buffer.byteLength(html),
        });
        res.end(html);
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
      r = { status: 400, body: { error: (err as Error).message } };
    }
    sendJson(res, r.status, JSON.stringify(r.body));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const isControl =
      url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`);
    (isControl ? control(req, res, url) : wechat(req, res, url)).catch((err: unknown) => {
      // A bug in the simulator: answer like the platform's "system error" instead of crashing.
      console.error('[sandbox] internal error', err);
      if (res.headersSent) {
        res.destroy();
      } else {
        sendJson(res, 500, JSON.stringify({ errcode: -1, errmsg: 'system error' }));
      }
    });
  });
  return { server, hung };
}

/** Starts the simulator on an HTTP port (default: a free loopback port). */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const sim = new Simulator(opts.seed ?? demoSeed(), {
    ...(opts.startTime !== undefined ? { startTime: opts.startTime } : {}),
    ...(opts.faultRandomSeed !== undefined ? { faultRandomSeed: opts.faultRandomSeed } : {}),
    ...(opts.frozenClock !== undefined ? { frozenClock: opts.frozenClock } : {}),
  });
  const { server, hung } = createSandboxServer(sim);
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
