/**
 * What a chaos run does: a random sequence of what a bad day at a shop brings, drawn by
 * fast-check (so a failing sequence is shrunk and replays from its seed and path).
 */
import fc from 'fast-check';
import { CRASH_POINTS, type CrashPoint } from '../../electron/services/writes/crash-points';

/** Codes per run: few, so operations collide on the same code. */
export const CODES_PER_RUN = 4;

export type Who = 'boss' | 'ann' | 'sue';
/** The refund note: none, short, 15 Chinese characters (fits), 17 (refused at once). */
export type Note = 'none' | 'short' | 'long' | 'too_long';

export type FaultPath = '/card/code/consume' | '/card/code/unavailable' | '/card/code/get' | '*';

export type ChaosFault =
  | { kind: 'latency_past_timeout' }
  | { kind: 'hang' }
  | { kind: 'http_5xx' }
  | { kind: 'applied_5xx' }
  | { kind: 'errcode'; errcode: -1 | 45009 | 40164 | 45011 }
  | { kind: 'malformed_json' }
  | { kind: 'lost_response' }
  | { kind: 'late_apply' };

export type Cmd =
  | { k: 'lookup'; c: number }
  | { k: 'redeem'; c: number; par: number }
  | { k: 'invalidate'; c: number; par: number; note: Note }
  | { k: 'cancel'; i: number }
  | { k: 'retry'; i: number }
  | { k: 'switch'; who: Who }
  | { k: 'other'; c: number }
  | { k: 'fault'; path: FaultPath; fault: ChaosFault; count: number }
  | { k: 'crash'; point: CrashPoint }
  | { k: 'kill'; afterMs: number; op: 'redeem' | 'invalidate'; c: number }
  | { k: 'wait'; ms: number }
  /** The terminal's wall clock is set forward or back (the test-only clock). */
  | { k: 'jump'; ms: number };

const code = fc.integer({ min: 0, max: CODES_PER_RUN - 1 });

const fault: fc.Arbitrary<ChaosFault> = fc.oneof(
  fc.constant({ kind: 'latency_past_timeout' as const }),
  fc.constant({ kind: 'hang' as const }),
  fc.constant({ kind: 'http_5xx' as const }),
  fc.constant({ kind: 'applied_5xx' as const }),
  fc
    .constantFrom(-1, 45009, 40164, 45011)
    .map((errcode) => ({ kind: 'errcode' as const, errcode })),
  fc.constant({ kind: 'malformed_json' as const }),
  fc.constant({ kind: 'lost_response' as const }),
  fc.constant({ kind: 'late_apply' as const }),
);

export function commandArb(mode: 'named' | 'random'): fc.Arbitrary<Cmd> {
  const common: fc.WeightedArbitrary<Cmd>[] = [
    { weight: 2, arbitrary: code.map((c) => ({ k: 'lookup' as const, c })) },
    {
      weight: 6,
      arbitrary: fc.record({
        k: fc.constant('redeem' as const),
        c: code,
        par: fc.constantFrom(1, 1, 2, 5),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        k: fc.constant('invalidate' as const),
        c: code,
        par: fc.constantFrom(1, 1, 3),
        note: fc.constantFrom<Note>('none', 'short', 'long', 'too_long'),
      }),
    },
    { weight: 2, arbitrary: fc.nat(5).map((i) => ({ k: 'cancel' as const, i })) },
    { weight: 1, arbitrary: fc.nat(5).map((i) => ({ k: 'retry' as const, i })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<Who>('boss', 'ann', 'sue')
        .map((who) => ({ k: 'switch' as const, who })),
    },
    { weight: 2, arbitrary: code.map((c) => ({ k: 'other' as const, c })) },
    {
      weight: 6,
      arbitrary: fc.record({
        k: fc.constant('fault' as const),
        path: fc.constantFrom<FaultPath>(
          '/card/code/consume',
          '/card/code/consume',
          '/card/code/unavailable',
          '/card/code/unavailable',
          '/card/code/get',
          '*',
        ),
        fault,
        count: fc.integer({ min: 1, max: 2 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 0, max: 700 }).map((ms) => ({ k: 'wait' as const, ms })),
    },
  ];
  const crashes: fc.WeightedArbitrary<Cmd>[] =
    mode === 'named'
      ? [
          {
            weight: 2,
            arbitrary: fc
              .constantFrom(...CRASH_POINTS)
              .map((point) => ({ k: 'crash' as const, point })),
          },
        ]
      : [
          {
            weight: 2,
            arbitrary: fc.record({
              k: fc.constant('kill' as const),
              afterMs: fc.integer({ min: 0, max: 400 }),
              op: fc.constantFrom('redeem' as const, 'invalidate' as const),
              c: code,
            }),
          },
        ];
  return fc.oneof(...common, ...crashes);
}

export interface RunPlan {
  /** Which codes of the pool this run uses (an offset into it). */
  offset: number;
  cmds: Cmd[];
}

export function runArb(mode: 'named' | 'random', maxCommands: number): fc.Arbitrary<RunPlan> {
  return fc.record({
    offset: fc.nat(1000),
    cmds: fc.array(commandArb(mode), { minLength: 2, maxLength: maxCommands, size: 'max' }),
  });
}
