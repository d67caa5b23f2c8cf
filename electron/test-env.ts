/**
 * Test-only knobs of the browser host, read from the environment (documented in the README,
 * "Testing the money paths"): the chaos suite and slow-fault tests use them so a run takes
 * seconds. Nothing here is read by the Electron app.
 *
 *   CARDDESK_TIMINGS='{"settleWindowMs":400,"retryMinMs":20,"retryMaxMs":200,
 *                      "apiConnectMs":200,"apiTotalMs":300}'
 *   CARDDESK_CRASH_AT=after_intent:2     SIGKILL at a named step of a write
 *   CARDDESK_CLOCK_OFFSET_FILE=/tmp/x    the terminal's wall clock is Date.now() plus the
 *                                        milliseconds written in that file (clock jumps)
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { crashHookFromEnv, type CrashHook } from './services/writes/crash-points';
import { WriteTimings, type WriteTimingsInput } from './services/writes/timings';

const Timings = WriteTimings.partial()
  .extend({
    apiConnectMs: z.number().int().min(10).max(60_000).optional(),
    apiTotalMs: z.number().int().min(10).max(120_000).optional(),
  })
  .strict();

export interface TestEnv {
  writeTimings?: WriteTimingsInput;
  apiTimeouts?: { connectMs: number; totalMs: number };
  crash?: CrashHook;
  now?: () => number;
}

/** A wall clock that a test moves by writing an offset (ms) into a file; read at every call. */
export function offsetClock(file: string): () => number {
  return () => {
    let offset = 0;
    try {
      offset = Number(readFileSync(file, 'utf8').trim()) || 0;
    } catch {
      // no file yet: no offset
    }
    return Date.now() + offset;
  };
}

export function readTestEnv(env: NodeJS.ProcessEnv): TestEnv {
  const out: TestEnv = {};
  if (env.CARDDESK_TIMINGS) {
    let json: unknown;
    try {
      json = JSON.parse(env.CARDDESK_TIMINGS);
    } catch {
      throw new Error('CARDDESK_TIMINGS is not valid JSON');
    }
    const parsed = Timings.safeParse(json);
    if (!parsed.success) {
      throw new Error(
        `CARDDESK_TIMINGS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const { apiConnectMs, apiTotalMs, ...writes } = parsed.data;
    out.writeTimings = writes;
    if (apiConnectMs !== undefined || apiTotalMs !== undefined) {
      const totalMs = apiTotalMs ?? 8_000;
      out.apiTimeouts = { connectMs: Math.min(apiConnectMs ?? 3_000, totalMs), totalMs };
    }
  }
  if (env.CARDDESK_CRASH_AT) out.crash = crashHookFromEnv(env.CARDDESK_CRASH_AT);
  if (env.CARDDESK_CLOCK_OFFSET_FILE) out.now = offsetClock(env.CARDDESK_CLOCK_OFFSET_FILE);
  return out;
}
