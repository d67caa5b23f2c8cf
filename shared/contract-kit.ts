/**
 * The machinery behind the one contract (shared/contract.ts): how an operation is declared,
 * the wire envelope, and the types that the Electron binding, the browser host and the
 * renderer's client all derive from the same declaration.
 */
import { z } from 'zod';
import { ErrorInfo } from './errors';
import type { Role } from './role';

/**
 * 'public': no signed-in operator needed (app info, sign-in itself).
 * 'setup': anyone while the terminal is not set up yet (first-run wizard), a manager after.
 * A role: a signed-in, unlocked operator with at least that role.
 */
export type Access = 'public' | 'setup' | Role;

export interface OperationDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  access: Access;
  input: I;
  output: O;
  /** Background calls (polls) that must not count as operator activity for the idle lock. */
  passive?: boolean;
}

/** The input of an operation that takes none. */
export const NoInput = z.object({}).strict();

export function op<I extends z.ZodType, O extends z.ZodType>(def: OperationDef<I, O>) {
  return def;
}

export type ContractShape = Record<string, OperationDef>;

export type OpInput<C extends ContractShape, K extends keyof C> = z.input<C[K]['input']>;
export type OpParsedInput<C extends ContractShape, K extends keyof C> = z.output<C[K]['input']>;
export type OpOutput<C extends ContractShape, K extends keyof C> = z.output<C[K]['output']>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfo }),
]);

/**
 * A host's answer as an envelope, or an internal error when it is not one (the renderer's
 * transports). A success is checked without zod: it is the counter's common answer, and its
 * value is the operation's own, so EnvelopeSchema has nothing more to check in it. Anything
 * else goes through EnvelopeSchema.
 */
export function readEnvelope(raw: unknown): Envelope<unknown> {
  if (
    typeof raw === 'object' &&
    raw !== null &&
    (raw as { ok?: unknown }).ok === true &&
    'value' in raw
  ) {
    return { ok: true, value: (raw as { value?: unknown }).value };
  }
  const parsed = EnvelopeSchema.safeParse(raw);
  return parsed.success
    ? (parsed.data as Envelope<unknown>)
    : { ok: false, error: { kind: 'internal', key: 'errors.internal', params: {} } };
}

/** What the preload exposes and the HTTP transport imitates: one function per operation. */
export type WireApi<C extends ContractShape> = {
  [K in keyof C]: (input: OpInput<C, K>) => Promise<Envelope<OpOutput<C, K>>>;
};

/** What the renderer calls: the same functions, resolving to the value or throwing AppError. */
export type ClientApi<C extends ContractShape> = {
  [K in keyof C]: (input: OpInput<C, K>) => Promise<OpOutput<C, K>>;
};

/** What the services implement: parsed input in, plain value out, with the caller's context. */
export type Handlers<C extends ContractShape, Ctx> = {
  [K in keyof C]: (input: OpParsedInput<C, K>, ctx: Ctx) => Promise<OpOutput<C, K>>;
};

export const IPC_PREFIX = 'carddesk:';
export const SECRET_HEADER = 'x-carddesk-secret';
export const CLIENT_HEADER = 'x-carddesk-client';
/**
 * The browser host's session token: issued in a response header by a successful sign-in (or
 * set-up), sent back with every call. The client id names a tab and is chosen by the caller;
 * only this token, which never leaves that tab and is never logged, makes its session usable.
 */
export const SESSION_HEADER = 'x-carddesk-session';

/**
 * The browser host's call socket: one WebSocket per tab for the counter's hot calls, which a
 * fetch would cost a few milliseconds each in Chromium. The page sends CallSocketHello first
 * (the per-launch secret and its client id), waits for `{ ready: true }`, then sends calls and
 * matches the replies by id. Anything else still goes by POST /api/<name>, and so do these
 * calls while the socket is not ready. Electron's IPC needs none of this.
 */
export const CALL_SOCKET_PATH = '/api/socket';
export const CALL_SOCKET_OPS: ReadonlySet<string> = new Set(['lookupCode', 'redeemCode']);
/**
 * How long a page waits before opening its call socket again, after `closes` closes in a row
 * with no ready socket between them: 1 s, then twice as long each time, at most 30 s. A host
 * that is gone (the terminal shut down) is not knocked on every second by every tab; calls go
 * by POST meanwhile, which says the host is unreachable as it always did.
 */
export function callSocketRetryMs(closes: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.min(5, Math.max(0, closes - 1)));
}
export interface CallSocketHello {
  secret: string;
  clientId: string;
}
export interface CallSocketCall {
  id: number;
  name: string;
  input: unknown;
  /** The tab's session token, as SESSION_HEADER carries it by POST. */
  session: string;
}
export type CallSocketReply =
  { ready: true } | { id: number; envelope: Envelope<unknown>; session?: string };
