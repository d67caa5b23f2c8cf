/**
 * How a write whose answer was lost is settled: from the code's status (code/get), the only
 * truth WeChat offers. Pure, so every case is unit-tested.
 *
 * - The status the write produces (CONSUMED for a consume, UNAVAILABLE for an invalidation)
 *   settles it as done at once: a status never leaves CONSUMED or UNAVAILABLE, and this
 *   terminal had no other write of the code open (one per code), so it is counted as ours.
 *   code/get cannot say who did it: the record says "settled, not confirmed here".
 * - Any other status proves nothing yet: a write that arrived can still be applied a while
 *   after the client gave up. Only a read taken after the settling window, which is longer than
 *   the latest a write can be applied after it was sent, settles it as not done.
 */
import type { WriteKind } from '../../../shared/writes';

/** What a settling read found: the code's status. */
export interface Observed {
  status: string;
}

export type SettleDecision = 'done' | 'not_done' | 'wait';

const DONE_STATUS: Record<WriteKind, string> = { consume: 'CONSUMED', invalidate: 'UNAVAILABLE' };

export function settleDecision(
  kind: WriteKind,
  observed: Observed,
  /** This read was taken after the settling window ended. */
  windowPassed: boolean,
): SettleDecision {
  if (observed.status === DONE_STATUS[kind]) return 'done';
  return windowPassed ? 'not_done' : 'wait';
}
