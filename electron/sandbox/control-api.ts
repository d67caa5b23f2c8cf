/**
 * The control API under /__sandbox/ (exists only in the simulator, never on the platform):
 * counters, clock, reset, faults, state and a helper to make encrypt_codes. Plain JSON; errors
 * are {"error": "..."} with a 4xx status. See docs/sandbox.md.
 *
 * It listens on loopback, where any web page the user opens can send it requests. So, like the
 * browser host (electron/host/browser-host.ts), it refuses a Host that is not its own (DNS
 * rebinding), a foreign Origin or a cross-site fetch, and a state-changing request that is not
 * `Content-Type: application/json` (the only kind a page cannot send without a CORS preflight,
 * which the sandbox never grants). See refuseControl.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { CARD_STATUSES, CODE_STATUSES } from './card-types';
import { FaultSpec } from './faults';
import { WECHAT_PATHS } from './routes';
import type { Simulator } from './simulator';

export const CONTROL_PREFIX = '/__sandbox';

export interface ControlResponse {
  status: number;
  body: unknown;
}

const ClockRequest = z.union([
  z.strictObject({ set: z.number().int() }),
  z.strictObject({ advance: z.number().int() }),
]);
const CodeStatusRequest = z.strictObject({ status: z.enum(CODE_STATUSES) });
const CardStatusRequest = z.strictObject({ status: z.enum(CARD_STATUSES) });
/** ?since=<seq>: only writes after that one (a client polls with the last seq it saw). */
const SinceQuery = z
  .string()
  .regex(/^\d{1,15}$/, 'since must be a non-negative integer (a write seq)')
  .transform(Number);
const EncryptRequest = z.strictObject({
  code: z.string().min(1).max(64),
  appid: z.string().optional(),
});

const ok = (body: unknown): ControlResponse => ({ status: 200, body });
const fail = (status: number, error: string): ControlResponse => ({ status, body: { error } });

/**
 * The Host values that name this sandbox: the address it listens on, and the loopback names,
 * each with its port. Anything else is a name an attacker's DNS points here (rebinding).
 */
export function ownHosts(address: AddressInfo | string | null): ReadonlySet<string> {
  if (address === null || typeof address === 'string') return new Set();
  const own = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const port = address.port;
  return new Set([`${own}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`]);
}

/**
 * Why a request is a browser's cross-site one, or undefined. Browsers send Origin on every
 * cross-origin POST and Sec-Fetch-Site on every request to loopback; SDKs and the terminal send
 * neither, so this refuses pages without touching programs.
 */
export function crossSiteReason(
  headers: IncomingHttpHeaders,
  hosts: ReadonlySet<string>,
): string | undefined {
  const origin = headers.origin;
  if (origin !== undefined && ![...hosts].some((h) => origin === `http://${h}`)) {
    return `foreign Origin ${origin}`;
  }
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `${site} request`;
  return undefined;
}

/**
 * GET and HEAD read; DELETE changes state but is never a "simple" request, so a page of another
 * site cannot send it without a CORS preflight, which gets no Access-Control-Allow-* answer here.
 * Everything else must say it is JSON: text/plain and form bodies are what a page can post
 * cross-site without asking first.
 */
function needsJson(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'DELETE';
}

function isJson(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * The checks every control request passes before handleControl sees it (the refusal, or
 * undefined to go on): the same as the browser host's for its API.
 */
export function refuseControl(
  method: string,
  headers: IncomingHttpHeaders,
  hosts: ReadonlySet<string>,
): ControlResponse | undefined {
  if (!hosts.has(headers.host ?? '')) {
    return fail(421, `foreign Host header ${headers.host ?? '(none)'}: use ${[...hosts][0] ?? ''}`);
  }
  const crossSite = crossSiteReason(headers, hosts);
  if (crossSite !== undefined) return fail(403, `${crossSite} refused`);
  if (needsJson(method) && !isJson(headers['content-type'])) {
    return fail(415, `${method} needs Content-Type: application/json`);
  }
  return undefined;
}

function parse<T extends z.ZodType>(
  schema: T,
  text: string,
): { data: z.infer<T> } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: 'body is not valid JSON' };
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    return {
      error: r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    };
  }
  return { data: r.data };
}

function clockBody(sim: Simulator) {
  const now = sim.clock.now();
  return { now, iso: new Date(now).toISOString(), frozen: sim.clock.frozen };
}

/** `path` is what follows /__sandbox (e.g. "/counters"). */
export function handleControl(
  sim: Simulator,
  method: string,
  path: string,
  query: URLSearchParams,
  bodyText: string,
): ControlResponse {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const route = `${method} /${parts.slice(0, 2).join('/')}`;
  const param = parts[2];
  if (parts.length > 3) return fail(404, `no control endpoint ${path}`);

  switch (route) {
    case 'GET /':
      return ok({
        apps: sim.apps.map((a) => a.appid),
        clock: clockBody(sim),
        endpoints: WECHAT_PATHS,
      });
    case 'GET /counters': {
      const counters = sim.counters();
      return ok({ counters, total: Object.values(counters).reduce((a, b) => a + b, 0) });
    }
    case 'DELETE /counters':
      sim.resetCounters();
      return ok({ ok: true });
    case 'GET /clock':
      return ok(clockBody(sim));
    case 'POST /clock': {
      const r = parse(ClockRequest, bodyText);
      if ('error' in r) return fail(400, r.error);
      if ('set' in r.data) sim.clock.set(r.data.set);
      else sim.clock.advance(r.data.advance);
      return ok(clockBody(sim));
    }
    case 'POST /reset':
      sim.reset();
      return ok({ ok: true });
    case 'GET /faults':
      return ok({ faults: sim.faults.list() });
    case 'POST /faults': {
      const r = parse(FaultSpec, bodyText);
      if ('error' in r) return fail(400, r.error);
      return ok({ fault: sim.faults.add(r.data) });
    }
    case 'DELETE /faults':
      sim.faults.clear();
      return ok({ ok: true });
    case 'GET /log':
      return ok({ log: sim.requestLog() });
    case 'POST /encrypt': {
      const r = parse(EncryptRequest, bodyText);
      if ('error' in r) return fail(400, r.error);
      try {
        return ok({ encrypt_code: sim.encryptCode(r.data.code, r.data.appid) });
      } catch (err) {
        return fail(400, (err as Error).message);
      }
    }
    case 'GET /state/codes': {
      if (param !== undefined) {
        const code = sim.code(param);
        return code ? ok(code) : fail(404, `no code ${param}`);
      }
      const status = query.get('status');
      const statusOk = status === null || (CODE_STATUSES as readonly string[]).includes(status);
      if (!statusOk) return fail(400, `unknown status ${status ?? ''}`);
      return ok({
        codes: sim.codes({
          ...(query.get('card_id') ? { card_id: query.get('card_id') ?? '' } : {}),
          ...(query.get('openid') ? { openid: query.get('openid') ?? '' } : {}),
          ...(status ? { status: CodeStatusRequest.shape.status.parse(status) } : {}),
        }),
      });
    }
    case 'POST /state/codes': {
      if (param === undefined) return fail(405, 'POST needs /state/codes/:code');
      if (!sim.code(param)) return fail(404, `no code ${param}`);
      const r = parse(CodeStatusRequest, bodyText);
      if ('error' in r) return fail(400, r.error);
      sim.setCodeStatus(param, r.data.status);
      return ok(sim.code(param));
    }
    case 'GET /state/cards': {
      if (param === undefined) return ok({ cards: sim.cards() });
      const card = sim.card(param);
      return card ? ok(card) : fail(404, `no card ${param}`);
    }
    case 'GET /state/writes': {
      if (param !== undefined) return fail(404, `no control endpoint ${path}`);
      const since = query.get('since');
      if (since === null) return ok({ writes: sim.appliedWrites() });
      const r = SinceQuery.safeParse(since);
      if (!r.success) return fail(400, r.error.issues[0]?.message ?? 'bad since');
      return ok({ writes: sim.appliedWrites(r.data) });
    }
    case 'POST /state/cards': {
      if (param === undefined) return fail(405, 'POST needs /state/cards/:card_id');
      if (!sim.card(param)) return fail(404, `no card ${param}`);
      const r = parse(CardStatusRequest, bodyText);
      if ('error' in r) return fail(400, r.error);
      sim.setCardStatus(param, r.data.status);
      return ok(sim.card(param));
    }
    default:
      return fail(404, `no control endpoint ${method} ${CONTROL_PREFIX}${path}`);
  }
}
