/**
 * The simulator: state, clock, tokens, counters and faults behind one object. The HTTP server
 * is a thin shell around handle(); tests (and other engineers' tests of the WeChat client)
 * use the same object directly to move the clock, inject faults and assert on state and
 * call counts.
 *
 * Every change of state goes through recordWrite(): it is journaled (appliedWrites()) and,
 * with a state file, written to disk before the call that made it returns. A call that
 * changed nothing (the store's mutation counter did not move) writes nothing.
 */
import {
  CONTROL_CARD_PATH,
  CONTROL_CODE_PATH,
  WriteJournal,
  type AppliedWrite,
  type WriteTarget,
} from './applied-writes';
import { SandboxClock } from './clock';
import { CardStore, type CardSnapshot, type CodeSnapshot } from './card-store';
import type { CardStatus, CodeStatus } from './card-types';
import { decryptCode, encryptCode } from './code-crypto';
import { DatacubeReports } from './datacube';
import { ERRMSG, WxError, formatErrmsg } from './errcodes';
import { FaultInjector } from './faults';
import { ROUTES, type RouteContext } from './routes';
import { describeSeedError, SandboxSeed } from './seed-schema';
import {
  readStateFile,
  STATE_FILE_FORMAT,
  STATE_FILE_VERSION,
  writeStateFile,
  type SandboxState,
} from './state-file';
import { TokenStore, type AppCredentials, type TokenIssue } from './token-store';

export interface SimulatorOptions {
  /** Unix ms the sandbox clock starts at (default Date.now()). */
  startTime?: number;
  /** Time moves only by clock.set()/advance() (default false: it also ticks with real time). */
  frozenClock?: boolean;
  /** Seed of the PRNG behind probability faults (default 1). */
  faultRandomSeed?: number;
  /**
   * Durable state: loaded from this file when it exists (instead of the seed's cards, codes
   * and activity; the seed still gives the apps), and rewritten atomically after every change.
   * See state-file.ts and docs/sandbox.md.
   */
  stateFile?: string;
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
  /** Absolute or relative path of the state file, when state is durable. */
  readonly stateFile: string | undefined;
  private store!: CardStore;
  private tokens!: TokenStore;
  private reports!: DatacubeReports;
  private journal!: WriteJournal;
  /** The state last written to (or read from) the state file: what a failed write rolls back to. */
  private durable: SandboxState | undefined;
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
    this.stateFile = opts.stateFile;
    // Throws StateFileError (naming the file and the way out) for a file it cannot use.
    const saved =
      this.stateFile !== undefined
        ? readStateFile(
            this.stateFile,
            this.seed.apps.map((a) => a.appid),
          )
        : undefined;
    this.tokens = new TokenStore(this.seed.apps, this.clock);
    this.loadState(saved);
    if (this.stateFile !== undefined) this.durable = saved ?? this.exportState();
  }

  get apps(): readonly AppCredentials[] {
    return this.seed.apps;
  }

  /**
   * Back to the state right after start: seed state, no tokens, zero counters, no faults
   * (PRNG restarted), empty request log and journal, clock at its start time. With a state
   * file, the seed state is written first; if that fails nothing is reset (StateFileError).
   */
  reset(): void {
    if (this.stateFile !== undefined) {
      const fresh = this.exportState(new CardStore(this.seed, this.clock), new WriteJournal());
      writeStateFile(this.stateFile, fresh);
      this.durable = fresh;
    }
    this.clock.set(this.startTime);
    this.faults.clear(true);
    this.calls.clear();
    this.log = [];
    this.requestSeq = 0;
    this.logSeq = 0;
    this.tokens = new TokenStore(this.seed.apps, this.clock);
    this.loadState(undefined);
  }

  /** Cards, codes, activity and journal from a saved state, or fresh from the seed. */
  private loadState(state: SandboxState | undefined): void {
    this.store = new CardStore(this.seed, this.clock, state);
    this.reports = new DatacubeReports(this.store, this.seed.history, () =>
      this.clock.nowSeconds(),
    );
    this.journal = new WriteJournal(state?.writes, state?.next_write_seq);
  }

  /** The whole durable state, as the state file holds it. */
  private exportState(store = this.store, journal = this.journal): SandboxState {
    return {
      format: STATE_FILE_FORMAT,
      version: STATE_FILE_VERSION,
      saved_at: Date.now(),
      ...store.exportState(),
      writes: journal.list(),
      next_write_seq: journal.next,
    };
  }

  /** Journals a change that was just applied and makes it durable. */
  private recordWrite(entry: Omit<AppliedWrite, 'seq' | 'at' | 'wall'>): void {
    this.journal.append({ at: this.clock.now(), wall: Date.now(), ...entry });
    this.persist();
  }

  /**
   * Writes the state file (when there is one). If that fails, the change is undone in memory
   * too and the StateFileError is thrown: the caller is answered HTTP 500 and is never told
   * "ok" for a change a restart would lose.
   */
  private persist(): void {
    if (this.stateFile === undefined) return;
    const state = this.exportState();
    try {
      writeStateFile(this.stateFile, state);
      this.durable = state;
    } catch (err) {
      if (this.durable) {
        this.store = new CardStore(this.seed, this.clock, this.durable);
        this.reports = new DatacubeReports(this.store, this.seed.history, () =>
          this.clock.nowSeconds(),
        );
        // Undone synchronously, before anyone could read the journal: its seqs are free again.
        this.journal = new WriteJournal(this.durable.writes, this.durable.next_write_seq);
      }
      throw err;
    }
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

  /** The tokens issued since start or the last reset (no token values), oldest first. */
  issuedTokens(): TokenIssue[] {
    return this.tokens.issued();
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

  /**
   * Changes a code's status as a user (or the platform) would: gifting, deleting... Journaled
   * with via 'control'; with a state file, durable before it returns (else it throws).
   */
  setCodeStatus(code: string, status: CodeStatus): void {
    this.store.setCodeStatus(code, status);
    const cardId = this.store.cardIdOf(code);
    this.recordWrite({
      path: CONTROL_CODE_PATH,
      code,
      ...(cardId !== undefined ? { card_id: cardId } : {}),
      status,
      via: 'control',
    });
  }

  /** Changes a card's review status, e.g. approving it after card/update sent it to review. */
  setCardStatus(cardId: string, status: CardStatus): void {
    this.store.setCardStatus(cardId, status);
    this.recordWrite({ path: CONTROL_CARD_PATH, card_id: cardId, status, via: 'control' });
  }

  /**
   * The writes applied since start or the last reset (only those after seq `since`), oldest
   * first: WeChat writes that took effect (whatever the client was answered, if anything) and
   * control status changes. Refused calls are not in it.
   */
  appliedWrites(since = 0): AppliedWrite[] {
    return this.journal.list(since);
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

  /**
   * Answers one WeChat API request. Synchronous: state changes happen inside, and so does the
   * state file write (a failed one throws StateFileError, with the change undone).
   */
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
      const before = this.store.mutations;
      let target: WriteTarget = {};
      const ctx: RouteContext = {
        store: this.store,
        tokens: this.tokens,
        reports: this.reports,
        clock: this.clock,
        apps: this.seed.apps,
        appid,
        query: req.query,
        body,
        applied: (t) => (target = t),
      };
      const result = route.handle(ctx);
      // The counter, not a diff: any route that changed the store is journaled and persisted,
      // even one that forgot to say what it changed.
      if (this.store.mutations !== before) {
        this.recordWrite({ path: req.path, ...target, via: 'api' });
      }
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
