/**
 * Fault injection per endpoint, for testing how a client survives a bad network or a bad
 * platform day. A rule fires for the next `count` matching calls, or on each call with a
 * `probability` drawn from a seeded PRNG (same seed, same calls -> same failures).
 *
 * What each kind does to the request:
 *   latency         waits `ms` (wall-clock) first, then handles normally; stacks with others
 *   hang            never answers and changes nothing; the socket stays open until the client
 *                   gives up (or the sandbox closes)
 *   http_5xx        answers HTTP `status` (default 503) with an HTML body; changes nothing
 *   errcode         answers HTTP 200 {errcode, errmsg} (default -1 "system error"; 45009 is the
 *                   daily quota); changes nothing
 *   malformed_json  handles the request (state changes) and sends a truncated JSON body
 *   lost_response   handles the request (state changes), then destroys the socket unanswered
 *   applied_5xx     handles the request (state changes), then answers like http_5xx
 *   late_apply      holds the socket like hang, handles the request `ms` later (wall clock),
 *                   then destroys the socket unanswered; not applied if the sandbox closes first
 *
 * No write is ever applied later than MAX_APPLY_DELAY_MS after the request arrived: that
 * bound is what lets a client pick a settling window after which "WeChat did not apply it"
 * is a safe conclusion (the terminal's default window, 120 s, is chosen longer than it).
 */
import { z } from 'zod';
import { SeededRandom } from './prng';

export const FAULT_KINDS = [
  'latency',
  'hang',
  'http_5xx',
  'errcode',
  'malformed_json',
  'lost_response',
  'applied_5xx',
  'late_apply',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The longest a call can wait before it is applied: `ms` of latency and late_apply, and
 * their sum when several fire on one call. A client waiting longer than this after its
 * request was sent can trust that a write it was not told about will not land any more.
 */
export const MAX_APPLY_DELAY_MS = 60_000;

export const FaultSpec = z
  .strictObject({
    /** An endpoint path such as "/card/code/consume", or "*" for every WeChat endpoint. */
    path: z.string().regex(/^(\*|\/[\x21-\x7e]*)$/, 'path: "/..." or "*"'),
    kind: z.enum(FAULT_KINDS),
    count: z.int().min(1).optional(),
    /** Lets this many matching calls through untouched before the rule starts to fire. */
    after: z.int().min(0).max(1_000_000).optional(),
    probability: z.number().min(0).max(1).optional(),
    /** latency: added delay in ms; late_apply: delay before the call is applied. */
    ms: z.int().min(0).max(MAX_APPLY_DELAY_MS).optional(),
    /** http_5xx, applied_5xx: the status code. */
    status: z.int().min(500).max(599).optional(),
    /** errcode: the errcode answered. */
    errcode: z
      .int()
      .refine((n) => n !== 0, 'errcode 0 is not a fault')
      .optional(),
  })
  .refine((s) => s.count === undefined || s.probability === undefined, {
    message: 'give count or probability, not both',
  })
  .refine((s) => s.kind !== 'latency' || s.ms !== undefined, {
    message: 'latency needs ms',
  })
  .refine((s) => s.kind !== 'late_apply' || s.ms !== undefined, {
    message: 'late_apply needs ms',
  });
export type FaultSpec = z.infer<typeof FaultSpec>;

export interface FaultRule {
  id: number;
  path: string;
  kind: FaultKind;
  /** Calls left for a count rule; undefined for a probability rule. */
  remaining?: number;
  /** Matching calls still to let through before the rule fires. */
  skip?: number;
  probability?: number;
  ms?: number;
  status?: number;
  errcode?: number;
}

export interface FaultPlan {
  /** Total added latency in ms (at most MAX_APPLY_DELAY_MS). */
  latencyMs: number;
  /** late_apply: ms to wait after the latency before applying; the sum stays within the bound. */
  applyDelayMs: number;
  /** The rule that decides how the call ends, if any. */
  outcome?: FaultRule;
  /** Every rule that fired, for the request log. */
  fired: FaultRule[];
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private random: SeededRandom;

  constructor(private readonly randomSeed: number) {
    this.random = new SeededRandom(randomSeed);
  }

  /** Adds a rule (a count rule defaults to the next 1 call). Throws on an invalid spec. */
  add(spec: FaultSpec): FaultRule {
    const s = FaultSpec.parse(spec);
    const rule: FaultRule = {
      id: this.nextId++,
      path: s.path,
      kind: s.kind,
      ...(s.probability !== undefined
        ? { probability: s.probability }
        : { remaining: s.count ?? 1 }),
      ...(s.ms !== undefined ? { ms: s.ms } : {}),
      ...(s.after ? { skip: s.after } : {}),
      ...(s.kind === 'http_5xx' || s.kind === 'applied_5xx' ? { status: s.status ?? 503 } : {}),
      ...(s.kind === 'errcode' ? { errcode: s.errcode ?? -1 } : {}),
    };
    this.rules.push(rule);
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Removes one rule (the terminal's training panel takes back what did not fire). */
  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  /** Removes every rule; `resetRandom` also restarts the PRNG from its seed. */
  clear(resetRandom = false): void {
    this.rules = [];
    if (resetRandom) this.random = new SeededRandom(this.randomSeed);
  }

  /** Decides what happens to one call of `path`, consuming count rules that fire. */
  plan(path: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, applyDelayMs: 0, fired: [] };
    for (const rule of this.rules) {
      if (rule.path !== '*' && rule.path !== path) continue;
      const terminal = rule.kind !== 'latency';
      // Once the outcome is decided, later outcome rules neither fire nor use up a call.
      if (terminal && plan.outcome) continue;
      if (rule.skip) {
        rule.skip -= 1;
        continue;
      }
      const fires =
        rule.remaining !== undefined
          ? rule.remaining > 0
          : this.random.next() < (rule.probability ?? 0);
      if (!fires) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      plan.fired.push({ ...rule });
      if (terminal) plan.outcome = rule;
      else plan.latencyMs += rule.ms ?? 0;
    }
    this.rules = this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
    plan.latencyMs = Math.min(plan.latencyMs, MAX_APPLY_DELAY_MS);
    if (plan.outcome?.kind === 'late_apply') {
      plan.applyDelayMs = Math.min(plan.outcome.ms ?? 0, MAX_APPLY_DELAY_MS - plan.latencyMs);
    }
    return plan;
  }
}
