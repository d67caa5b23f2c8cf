/**
 * The renderer's client, typed from the one contract. In Electron the preload provides
 * `window.carddesk`; in a plain browser the same functions are built over HTTP to the browser
 * host, using the per-launch secret the host wrote into the page.
 */
import { wireApi, type CardDeskApi } from '../../shared/carddesk-api';
import { opNames, type Contract, type OpName } from '../../shared/contract';
import {
  CLIENT_HEADER,
  EnvelopeSchema,
  SECRET_HEADER,
  SESSION_HEADER,
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

function httpWire(): CardDeskApi {
  const secret = document.querySelector<HTMLMetaElement>('meta[name="carddesk-secret"]')?.content;
  const id = clientId();
  const call = async (name: OpName, input: unknown): Promise<Envelope<unknown>> => {
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
      return {
        ok: false,
        error: { kind: 'unavailable', key: 'errors.host_unreachable', params: {} },
      };
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
    const parsed = EnvelopeSchema.safeParse(await response.json().catch(() => undefined));
    return parsed.success
      ? (parsed.data as Envelope<unknown>)
      : { ok: false, error: { kind: 'internal', key: 'errors.internal', params: {} } };
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
