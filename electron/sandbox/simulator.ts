/**
 * The simulator: state, clock, tokens, counters and faults behind one object. The HTTP server
 * is a thin shell around handle(); tests (and other engineers' tests of the WeChat client)
 * use the same object directly to move the clock, inject faults and assert on state and
 * call counts.
 */
import { SandboxClock } from './clock';
import { CardStore, type CardSnapshot, type CodeSnapshot } from './card-store';
import type { CardStatus, CodeStatus } from './card-types';
import { decryptCode, encryptCode } from './code-crypto';
import { DatacubeReports } from './datacube';
import { ERRMSG, WxError, formatErrmsg } from './errcodes';
import { FaultInjector } from './faults';
import { ROUTES, type RouteContext } from './routes';
import { describeSeedError, SandboxSeed } from './seed-schema';
import { TokenStore, type AppCredentials } from './token-store';

export interface SimulatorOptions {
  /** Unix ms the sandbox clock starts at (default Date.now()). */
  startTime?: number;
  /** Time moves only by clock.set()/advance() (default false: it also ticks with real time). */
  frozenClock?: boolean;
  /** Seed of the PRNG behind probability faults (default 1). */
  faultRandomSeed?: number;
}

export interface SandboxRequest {
  method: string;
  /** The URL path, e.g. "/card/code/get". */
  path: string;
  query: URLSearchParams;
  /** The raw request body ('' when none). */
  body: string;
}

export interface SandboxResponse {
  status: number;
  body: Record<string, unknown>;
  /** The errcode answered (0 on success), for the request log. */
  errcode: number;
}

export interface RequestLogEntry {
  seq: number;
  /** Sandbox time, unix ms. */
  at: number;
  method: string;
  path: string;
  /** HTTP status answered; 0 = connection dropped (lost_response); absent = no answer yet (hang). */
  status?: number;
  errcode?: number;
  /** Fault kinds that fired on this call. */
  faults: string[];
}

const LOG_LIMIT = 500;

export class Simulator {
  readonly clock: SandboxClock;
  readonly faults: FaultInjector;
  readonly seed: SandboxSeed;
  private readonly startTime: number;
  private store!: CardStore;
  private tokens!: TokenStore;
  private reports!: DatacubeReports;
  private readonly calls = new Map<string, number>();
  private log: RequestLogEntry[] = [];
  /** Numbers the rids handed out, so they are unique and reproducible. */
  private requestSeq = 0;
  private logSeq = 0;

  constructor(seed: SandboxSeed, opts: SimulatorOptions = {}) {
    // Parsed here too, so a simulator is never built from an unchecked object.
    const parsed = SandboxSeed.safeParse(seed);
    if (!parsed.success) {
      throw new Error(`invalid sandbox seed:\n${describeSeedError(parsed.error)}`);
    }
    this.seed = parsed.data;
    this.startTime = opts.startTime ?? Date.now();
    this.clock = new SandboxClock({ startTime: this.startTime, frozen: opts.frozenClock ?? false });
    this.faults = new FaultInjector(opts.faultRandomSeed ?? 1);
    this.rebuild();
  }

  get apps(): readonly AppCredentials[] {
    return this.seed.apps;
  }

  /**
   * Back to the state right after start: seed state, no tokens, zero counters, no faults
   * (PRNG restarted), empty request log, clock at its start time.
   */
  reset(): void {
    this.clock.set(this.startTime);
    this.faults.clear(true);
    this.calls.clear();
    this.log = [];
    this.requestSeq = 0;
    this.logSeq = 0;
    this.rebuild();
  }

  private rebuild(): void {
    this.store = new CardStore(this.seed, this.clock);
    this.tokens = new TokenStore(this.seed.apps, this.clock);
    this.reports = new DatacubeReports(this.store);
  }

  // ---- counters --------------------------------------------------------------------------

  /** Counts one call that reached the sandbox (faulted or not). */
  countCall(path: string): void {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
  }

  /** Calls per endpoint path since start or the last reset. */
  counters(): Record<string, number> {
    return Object.fromEntries([...this.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  callCount(path: string): number {
    return this.calls.get(path) ?? 0;
  }

  resetCounters(): void {
    this.calls.clear();
  }

  // ---- state -----------------------------------------------------------------------------

  code(code: string): CodeSnapshot | undefined {
    return this.store.codeSnapshot(code);
  }

  codes(filter: { card_id?: string; openid?: string; status?: CodeStatus } = {}): CodeSnapshot[] {
    return this.store
      .allCodes()
      .map((c) => this.store.codeSnapshot(c.code))
      .filter((c): c is CodeSnapshot => c !== undefined)
      .filter(
        (c) =>
          (!filter.card_id || c.card_id === filter.card_id) &&
          (!filter.openid || c.openid === filter.openid) &&
          (!filter.status || c.user_card_status === filter.status),
      );
  }

  card(cardId: string): CardSnapshot | undefined {
    return this.store.cardSnapshot(cardId);
  }

  cards(): CardSnapshot[] {
    return this.store
      .allCards()
      .map((c) => this.store.cardSnapshot(c.cardId))
      .filter((c): c is CardSnapshot => c !== undefined);
  }

  /** Changes a code's status as a user (or the platform) would: gifting, deleting... */
  setCodeStatus(code: string, status: CodeStatus): void {
    this.store.setCodeStatus(code, status);
  }

  /** Changes a card's review status, e.g. approving it after card/update sent it to review. */
  setCardStatus(cardId: string, status: CardStatus): void {
    this.store.setCardStatus(cardId, status);
  }

  /** The encrypt_code card/code/decrypt accepts for `code` (default: the first app's). */
  encryptCode(code: string, appid?: string): string {
    const app = this.app(appid);
    return encryptCode(code, app.appid, app.secret);
  }

  decryptCode(encrypted: string, appid?: string): string | undefined {
    const app = this.app(appid);
    return decryptCode(encrypted, app.appid, app.secret);
  }

  private app(appid: string | undefined): AppCredentials {
    const app =
      appid === undefined ? this.seed.apps[0] : this.seed.apps.find((a) => a.appid === appid);
    if (!app) throw new RangeError(`no app ${appid ?? ''}`);
    return app;
  }

  // ---- request log -----------------------------------------------------------------------

  requestLog(): RequestLogEntry[] {
    return this.log.map((e) => ({ ...e, faults: [...e.faults] }));
  }

  /** Records one call; the server fills in status and errcode as it answers. */
  beginLogEntry(method: string, path: string): RequestLogEntry {
    this.logSeq += 1;
    const entry: RequestLogEntry = {
      seq: this.logSeq,
      at: this.clock.now(),
      method,
      path,
      faults: [],
    };
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.shift();
    return entry;
  }

  // ---- the WeChat API ----------------------------------------------------------------------

  /** Answers one WeChat API request. Synchronous: state changes happen inside. */
  handle(req: SandboxRequest): SandboxResponse {
    const route = ROUTES[req.path];
    if (!route) return this.error(48001, `no api ${req.path}`, 404);
    try {
      if (req.method !== route.method) throw new WxError(route.method === 'GET' ? 43001 : 43002);
      const appid = route.auth ? this.tokens.check(req.query.get('access_token') ?? undefined) : '';
      let body: unknown;
      if (route.method === 'POST') {
        try {
          body = req.body.trim() === '' ? undefined : JSON.parse(req.body);
        } catch {
          throw new WxError(47001, 'body is not valid JSON');
        }
      }
      const ctx: RouteContext = {
        store: this.store,
        tokens: this.tokens,
        reports: this.reports,
        clock: this.clock,
        apps: this.seed.apps,
        appid,
        query: req.query,
        body,
      };
      const result = route.handle(ctx);
      const out = route.raw ? result : { errcode: 0, errmsg: ERRMSG[0], ...result };
      return { status: 200, body: out, errcode: 0 };
    } catch (err) {
      if (err instanceof WxError) return this.error(err.errcode, err.detail);
      throw err;
    }
  }

  /** An errcode answer (HTTP 200, as the platform does) with a deterministic rid. */
  error(errcode: number, detail?: string, status = 200): SandboxResponse {
    return {
      status,
      body: { errcode, errmsg: formatErrmsg(errcode, detail, this.rid()) },
      errcode,
    };
  }

  private rid(): string {
    this.requestSeq += 1;
    const time = this.clock.nowSeconds().toString(16).padStart(8, '0');
    const mix = (Math.imul(this.requestSeq, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
    return `${time}-${mix}-${this.requestSeq.toString(16).padStart(8, '0')}`;
  }
}
