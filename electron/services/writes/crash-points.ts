/**
 * Named steps of a write where the chaos suite kills the terminal (SIGKILL, no clean close),
 * so a failing seed replays exactly. Off unless CARDDESK_CRASH_AT names a step:
 * `CARDDESK_CRASH_AT=after_intent:3` kills the process the third time a write reaches
 * "after_intent". Test-only; documented in the README.
 */
export const CRASH_POINTS = [
  /** Before the intent is written: nothing happened. */
  'before_intent',
  /** The intent is on disk; the code's status has not been read, nothing sent. */
  'after_intent',
  /** The status was read and "sending" is on disk; the request has not left. */
  'after_check',
  /** The request is out (the process dies a moment after sending, before any answer). */
  'request_out',
  /** The answer arrived; nothing recorded yet. */
  'after_answer',
  /** About to write the result record. */
  'before_result',
  /** A settling read arrived; nothing recorded yet. */
  'after_settle_read',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export type CrashHook = (point: CrashPoint) => void;

export const noCrash: CrashHook = () => undefined;

/** A hook from the environment; `kill` is injectable for tests of the hook itself. */
export function crashHookFromEnv(
  value: string | undefined,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): CrashHook {
  if (!value) return noCrash;
  const m = /^([a-z_]+)(?::(\d+))?$/.exec(value.trim());
  const point = m?.[1] as CrashPoint | undefined;
  if (!m || !point || !(CRASH_POINTS as readonly string[]).includes(point)) {
    throw new Error(
      `CARDDESK_CRASH_AT must be <step>[:<n>] with a step of ${CRASH_POINTS.join(', ')}`,
    );
  }
  const nth = Number(m[2] ?? '1');
  let seen = 0;
  return (p) => {
    if (p !== point) return;
    seen += 1;
    if (seen !== nth) return;
    if (p === 'request_out') {
      // The request is on its way: die before any answer can come back.
      setTimeout(kill, 15).unref?.();
      return;
    }
    kill();
  };
}
