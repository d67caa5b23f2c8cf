/**
 * bench:lookup's terminal, in a process of its own (forked by lookup.ts): the browser host, the
 * terminal's services and the sandbox, as `npm run start:browser` runs them, with nothing of
 * the bench's browser driver in it. Playwright in the terminal's process turned on
 * AsyncLocalStorage (a hook on every promise the terminal makes) and ran its own protocol work
 * on the terminal's event loop; a real host has neither.
 *
 * The host-side stamps (see lookup.ts's header) wrap the terminal's own objects here, and go
 * to the bench over the fork's IPC channel, outside the timed path:
 *   bench → host: {type: 'reset'} (before a scan's Enter), {type: 'stamps'}, {type: 'clearCaches'},
 *                 {type: 'latency', ms}, {type: 'stop'}
 *   host → bench: {type: 'ready', url, codes, echoUrl}, {type: 'ok'}, {type: 'stamps', stamps}
 *
 * It also runs the bench's floors: a bare WebSocket echo (echoUrl) that holds a message `ms`
 * milliseconds (as WeChat holds a lookup) and answers with the time it was held; and, on
 * {type: 'httpFloor'}, bare keep-alive HTTP exchanges from this process to a bare server in it,
 * held the same way, the floor under the `client` phase.
 */
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { Dispatch } from '../../electron/host/dispatch';
import type { WeChatClient } from '../../electron/wechat';
import { setUpTerminal, startTerminal, stopTerminal } from '../e2e/terminal-rig';

/** What the host side stamped during one scan. */
export interface HostStamps {
  dispatchMs: number | undefined;
  /** The host's call socket: lookupCode's message arrived to its answer handed to the socket. */
  socketMs: number | undefined;
  handlerMs: number | undefined;
  clientMs: number;
  clientCalls: number;
  /** The sandbox's own time on WeChat paths during the scan (arrival to answer sent). */
  serverMs: number;
  serverCalls: number;
  auditMs: number;
  audits: number;
}

export type ToHost =
  | { type: 'reset' | 'stamps' | 'clearCaches' | 'stop' }
  | { type: 'latency'; ms: number }
  | { type: 'httpFloor'; ms: number; samples: number };
export type FromHost =
  | { type: 'ready'; url: string; codes: string[]; echoUrl: string }
  | { type: 'ok' }
  | { type: 'stamps'; stamps: HostStamps }
  | { type: 'httpFloor'; beyondHeld: number[] };

const freshStamps = (): HostStamps => ({
  dispatchMs: undefined,
  handlerMs: undefined,
  socketMs: undefined,
  clientMs: 0,
  clientCalls: 0,
  serverMs: 0,
  serverCalls: 0,
  auditMs: 0,
  audits: 0,
});

function send(msg: FromHost) {
  process.send!(msg);
}

async function main() {
  if (!process.send) throw new Error('lookup-host.ts is forked by lookup.ts, not run by hand');
  let stamps = freshStamps();
  const timeDispatch =
    (dispatch: Dispatch): Dispatch =>
    async (name, input, ctx) => {
      if (name !== 'lookupCode') return dispatch(name, input, ctx);
      const t = performance.now();
      try {
        return await dispatch(name, input, ctx);
      } finally {
        stamps.dispatchMs = performance.now() - t;
      }
    };
  // The host's side of the call socket (ws): a lookupCode message's arrival to its answer's
  // send, so the page-to-host wire can be told from the host's own work.
  let socketIn = 0;
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (this: WebSocket, event: string, ...args: unknown[]) {
    if (event === 'message' && String(args[0]).includes('"name":"lookupCode"')) {
      socketIn = performance.now();
    }
    return emit.call(this, event, ...args);
  } as typeof emit;
  const socketSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    if (socketIn > 0 && typeof data === 'string' && data.startsWith('{"id":')) {
      stamps.socketMs = performance.now() - socketIn;
      socketIn = 0;
    }
    return (socketSend as (...a: unknown[]) => void).call(this, data, ...rest);
  } as typeof socketSend;

  const terminal = await startTerminal({ wrapDispatch: timeDispatch });
  await setUpTerminal(terminal);

  const handlers = terminal.services.services as unknown as Record<
    string,
    (...args: unknown[]) => Promise<unknown>
  >;
  const lookupCode = handlers.lookupCode!;
  handlers.lookupCode = async (...args) => {
    const t = performance.now();
    try {
      return await lookupCode(...args);
    } finally {
      stamps.handlerMs = performance.now() - t;
    }
  };
  const log = terminal.services.audit;
  const append = log.append.bind(log);
  log.append = (rec) => {
    const t = performance.now();
    try {
      return append(rec);
    } finally {
      if (rec.action === 'lookup') {
        stamps.auditMs += performance.now() - t;
        stamps.audits += 1;
      }
    }
  };
  const timed =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const t = performance.now();
      try {
        return await fn(...a);
      } finally {
        stamps.clientMs += performance.now() - t;
        stamps.clientCalls += 1;
      }
    };
  const wrapped = new WeakMap<WeChatClient, WeChatClient>();
  const connection = terminal.services.connection;
  const clientFor = connection.client.bind(connection);
  connection.client = async (settings) => {
    const c = await clientFor(settings);
    let w = wrapped.get(c);
    if (!w) {
      w = { ...c, codeGet: timed(c.codeGet), cardGet: timed(c.cardGet) };
      wrapped.set(c, w);
    }
    return w;
  };
  // The sandbox's own time per WeChat call: from the request's arrival to its answer sent.
  terminal.sandbox.server.prependListener('request', (req, res) => {
    if ((req.url ?? '').startsWith('/cgi-bin/token')) return;
    const t = performance.now();
    res.once('finish', () => {
      stamps.serverMs += performance.now() - t;
      stamps.serverCalls += 1;
    });
  });

  process.on('message', (msg: ToHost) => {
    switch (msg.type) {
      case 'reset':
        stamps = freshStamps();
        send({ type: 'ok' });
        break;
      case 'stamps':
        send({ type: 'stamps', stamps });
        break;
      case 'clearCaches':
        terminal.services.clearCaches();
        send({ type: 'ok' });
        break;
      case 'latency':
        terminal.sandbox.sim.faults.add({
          path: '*',
          kind: 'latency',
          ms: msg.ms,
          probability: 1,
        });
        send({ type: 'ok' });
        break;
      case 'httpFloor':
        void httpFloor(msg.ms, msg.samples).then((beyondHeld) =>
          send({ type: 'httpFloor', beyondHeld }),
        );
        break;
      case 'stop':
        echo.close();
        void stopTerminal(terminal).then(() => {
          send({ type: 'ok' });
          process.disconnect();
        });
        break;
    }
  });
  // The bench gone (killed, crashed): so is its terminal.
  process.on('disconnect', () => process.exit(0));

  // The floor: the same kind of socket, in this process, with no terminal behind it.
  const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => echo.once('listening', resolve));
  echo.on('connection', (socket) => {
    socket.on('message', (data) => {
      const t = performance.now();
      const { id, ms } = JSON.parse(String(data)) as { id: number; ms: number };
      setTimeout(() => socket.send(JSON.stringify({ id, held: performance.now() - t })), ms);
    });
  });
  const { port } = echo.address() as { port: number };

  const codes = terminal.sandbox.sim
    .codes({ status: 'NORMAL' })
    .filter((c) => c.user_card_status === 'NORMAL')
    .map((c) => c.code);
  send({ type: 'ready', url: terminal.url, codes, echoUrl: `ws://127.0.0.1:${port}` });
}

/** `samples` bare exchanges, each held `ms` at the server: each one's time beyond the hold. */
async function httpFloor(ms: number, samples: number): Promise<number[]> {
  const server = http.createServer((req, res) => {
    const t = performance.now();
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        const body = JSON.stringify({ errcode: 0, held: performance.now() - t });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      }, ms),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const agent = new http.Agent({ keepAlive: true });
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const t = performance.now();
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: '/', agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const { held } = JSON.parse(Buffer.concat(chunks).toString()) as { held: number };
            resolve(performance.now() - t - held);
          });
        },
      );
      req.on('error', reject);
      req.end('{"code":"0"}');
    });
  const out: number[] = [];
  for (let i = 0; i < samples + 3; i++) {
    const beyond = await one();
    if (i >= 3) out.push(beyond); // the first ones open the connection
  }
  agent.destroy();
  server.close();
  return out;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
