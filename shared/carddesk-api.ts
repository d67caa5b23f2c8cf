/**
 * `window.carddesk`: one function per operation of the contract, resolving to its envelope.
 * The preload exposes it in Electron; in a plain browser the renderer builds the same object
 * over HTTP to the browser host. Declared once here, so the compiler checks both against it.
 */
import { opNames, type Contract, type OpName } from './contract';
import type { Envelope, WireApi } from './contract-kit';

export type CardDeskApi = WireApi<Contract>;

declare global {
  // The page's global (Window extends globalThis); absent where no preload ran.
  var carddesk: CardDeskApi | undefined;
}

/** Sends one operation by its name; what the wire underneath is (IPC, HTTP) is the caller's. */
export type SendOp = (name: OpName, input: unknown) => Promise<Envelope<unknown>>;

/** The API over one transport: every operation of the contract, each sending its own name. */
export function wireApi(send: SendOp): CardDeskApi {
  const api: Record<string, (input: unknown) => Promise<Envelope<unknown>>> = {};
  for (const name of opNames) api[name] = (input) => send(name, input);
  // The one place the map is assembled from the contract's names, and so the one narrowing.
  return api as CardDeskApi;
}
