/**
 * The renderer's client, typed from the one contract. In Electron the preload provides
 * `window.carddesk`; in a plain browser the same functions are built over HTTP to the browser
 * host, using the per-launch secret the host wrote into the page.
 */
import { wireApi, type CardDeskApi } from '../../shared/carddesk-api';
import { opNames, type Contract, type OpName } from '../../shared/contract';
import {
  CALL_SOCKET_OPS,
  CALL_SOCKET_PATH,
  callSocketRetryMs,
  CLIENT_HEADER,
  readEnvelope,
  SECRET_HEADER,
  SESSION_HEADER,
  type CallSocketCall,
  type CallSocketHello,
  type CallSocketReply,
  type ClientApi,
  type Envelope,
} from '../../shared/contract-kit';
import { AppError } from '../../shared/errors';

function clientId(): string {
  const key = 'carddesk.clientId';
  let id = sessionStorage.getItem(key);
  if (!id) {
    id = crypto.randomUUID();
    sessionStorage.setItem(key, id);
  }
  return id;
}

/** The session token the host issued at this tab's last sign-in (SESSION_HEADER). */
const SESSION_KEY = 'carddesk.session';

const UNREACHABLE: Envelope<unknown> = {
  ok: false,
  error: { kind: 'unavailable', key: 'errors.host_unreachable', params: {} },
};

type SocketCall = (name: string, input: unknown) => Promise<Envelope<unknown>> | undefined;

/**
 * The browser host's call socket (CALL_SOCKET_PATH in contract-kit.ts): the counter's hot
 * calls without a fetch's own cost. Returns undefined while the socket is not ready, so the
 * caller goes by fetch instead; a call whose socket closes before its answer gets the same
 * answer as a fetch that lost its connection (host unreachable: the outcome is unknown, and a
 * write is settled as any other unknown outcome is). Reconnects after a close, a second at
 * first and backing off while the host stays away (callSocketRetryMs), unless the host refused
 * the page's secret.
 */
function callSocket(secret: string, id: string): SocketCall {
  let ws: WebSocket | undefined;
  let ready = false;
  /** Closes since the socket was last ready. */
  let closes = 0;
  let nextId = 1;
  const pending = new Map<number, (e: Envelope<unknown>) => void>();
  const open = () => {
    ready = false;
    try {
      ws = new WebSocket(
        `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${CALL_SOCKET_PATH}`,
      );
    } catch {
      setTimeout(open, callSocketRetryMs(++closes));
      return;
    }
    const socket = ws;
    socket.onopen = () =>
      socket.send(JSON.stringify({ secret, clientId: id } satisfies CallSocketHello));
    socket.onmessage = (event) => {
      let reply: CallSocketReply;
      try {
        reply = JSON.parse(String(event.data)) as CallSocketReply;
      } catch {
        return;
      }
      if ('ready' in reply) {
        ready = true;
        closes = 0;
        return;
      }
      const resolve = pending.get(reply.id);
      if (!resolve) return;
      pending.delete(reply.id);
      if (reply.session) sessionStorage.setItem(SESSION_KEY, reply.session);
      resolve(readEnvelope(reply.envelope));
    };
    socket.onclose = (event) => {
      ready = false;
      for (const resolve of pending.values()) resolve(UNREACHABLE);
      pending.clear();
      // 1008: the host refused this page's secret (a new launch): only a reload helps, and
      // fetch says so to the screens meanwhile.
      if (event.code !== 1008) setTimeout(open, callSocketRetryMs(++closes));
    };
  };
  open();
  return (name, input) => {
    if (!ready || !ws || ws.readyState !== WebSocket.OPEN || !CALL_SOCKET_OPS.has(name)) {
      return undefined;
    }
    const callId = nextId++;
    const call: CallSocketCall = {
      id: callId,
      name,
      input: input ?? {},
      session: sessionStorage.getItem(SESSION_KEY) ?? '',
    };
    const socket = ws;
    return new Promise((resolve) => {
      pending.set(callId, resolve);
      socket.send(JSON.stringify(call));
    });
  };
}

function httpWire(): CardDeskApi {
  const secret = document.querySelector<HTMLMetaElement>('meta[name="carddesk-secret"]')?.content;
  const id = clientId();
  const viaSocket: SocketCall =
    secret && typeof WebSocket === 'function' ? callSocket(secret, id) : () => undefined;
  const call = async (name: OpName, input: unknown): Promise<Envelope<unknown>> => {
    const bySocket = viaSocket(name, input);
    if (bySocket) return bySocket;
    let response: Response;
    try {
      response = await fetch(`/api/${name}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [SECRET_HEADER]: secret ?? '',
          [CLIENT_HEADER]: id,
          [SESSION_HEADER]: sessionStorage.getItem(SESSION_KEY) ?? '',
        },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return UNREACHABLE;
    }
    const token = response.headers.get(SESSION_HEADER);
    if (token) sessionStorage.setItem(SESSION_KEY, token);
    if (!response.ok) {
      return {
        ok: false,
        error: {
          kind: 'internal',
          key: 'errors.host_refused',
          params: { status: response.status },
        },
      };
    }
    return readEnvelope(await response.json().catch(() => undefined));
  };
  return wireApi(call);
}

/** Screens listen for this to return to the sign-in screen when the host says so. */
export const authEvents = new EventTarget();
const AUTH_LOST = new Set(['errors.not_signed_in', 'errors.session_locked']);

function unwrap(wire: CardDeskApi): ClientApi<Contract> {
  return Object.fromEntries(
    opNames.map((name) => [
      name,
      async (input: unknown) => {
        const envelope = (await (wire[name] as (i: unknown) => Promise<Envelope<unknown>>)(
          input,
        )) as Envelope<unknown>;
        if (!envelope.ok) {
          if (AUTH_LOST.has(envelope.error.key)) authEvents.dispatchEvent(new Event('lost'));
          throw AppError.fromInfo(envelope.error);
        }
        return envelope.value;
      },
    ]),
  ) as unknown as ClientApi<Contract>;
}

export const api: ClientApi<Contract> = unwrap(window.carddesk ?? httpWire());
