/**
 * Writes to WeChat that must happen at most once and whose answer can be lost: redeeming a
 * code (code/consume) and invalidating it for a refund (code/unavailable). The terminal keeps
 * each in one durable table with one state machine (electron/services/writes/); these are the
 * shapes the screens see.
 *
 *            (new)
 *              │
 *   queued ──▶ checking ──▶ rejected       the code's status, read after the intent, shows it
 *     ▲  │        │   │                    can never apply (used or invalidated already)
 *     │  │        │   └──▶ not_applied /   the status could not be read: nothing was sent
 *     │  │        │        queued          (a crash here, too: nothing was sent)
 *     │  │        ▼
 *     │  │     sending ──▶ applied         WeChat confirmed
 *     │  │        │   ├──▶ rejected        WeChat refused for a reason about the code (final)
 *     │  │        │   ├──▶ not_applied     (redeem) certainly not done: the cashier may try again
 *     │  │        │   └──▶ queued          (refund) certainly not done: sent again later
 *     │  │        ▼
 *     │  │     settling ──▶ settled        the code's status shows it happened ("settled, not
 *     │  │        │                        confirmed here": our answer was lost)
 *     │  │        ├──────▶ not_applied     (redeem) the status shows it did not happen
 *     └──┼────────┘                        (refund) it did not happen: back to the queue
 *        └──▶ cancelled                    only from queued: never while it may be out
 */
import { z } from 'zod';
import { ErrorInfo } from './errors';

export const WRITE_KINDS = ['consume', 'invalidate'] as const;
export const WriteKind = z.enum(WRITE_KINDS);
export type WriteKind = z.infer<typeof WriteKind>;

export const WRITE_STATES = [
  'queued',
  'checking',
  'sending',
  'settling',
  'applied',
  'settled',
  'rejected',
  'not_applied',
  'cancelled',
] as const;
export const WriteState = z.enum(WRITE_STATES);
export type WriteState = z.infer<typeof WriteState>;

/** A write in one of these states may still change the code: no other write of it meanwhile. */
export const OPEN_WRITE_STATES = ['queued', 'checking', 'sending', 'settling'] as const;
export type OpenWriteState = (typeof OPEN_WRITE_STATES)[number];
export const DONE_WRITE_STATES = ['applied', 'settled'] as const;

export function isOpenState(state: WriteState): state is OpenWriteState {
  return (OPEN_WRITE_STATES as readonly string[]).includes(state);
}

export const WriteItem = z.object({
  id: z.number(),
  nonce: z.string(),
  kind: WriteKind,
  code: z.string(),
  cardId: z.string().optional(),
  /** Refunds: the chosen reason and the supervisor's note. */
  reasonKey: z.string().optional(),
  note: z.string().optional(),
  operatorId: z.string().optional(),
  supervisorId: z.string().optional(),
  state: WriteState,
  /** Requests sent to WeChat for it. */
  attempts: z.number(),
  /** code/get reads while settling. */
  reads: z.number(),
  lastError: ErrorInfo.optional(),
  /** The code's status at the last settling read. */
  lastStatus: z.string().optional(),
  /** When the terminal takes it up next (queued: the next send; settling: the next read). */
  nextAt: z.number().optional(),
  /** When its answer was lost (it has been settling since). */
  unknownAt: z.number().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  closedAt: z.number().optional(),
  /** Only a queued refund can be cancelled: never one that may be out. */
  cancellable: z.boolean(),
});
export type WriteItem = z.infer<typeof WriteItem>;

/**
 * Which WeChat a write belongs to: the built-in sandbox, or one AppID (or token service) at one
 * API base URL. A write is sent and settled only against its own; the terminal refuses to
 * switch while writes are open.
 */
export function writeEnvironment(s: {
  mode: 'sandbox' | 'live';
  live: { provider: string; appId: string; tokenServiceUrl: string };
  api: { baseUrl: string };
}): string {
  if (s.mode === 'sandbox') return 'sandbox';
  const who =
    s.live.provider === 'token_service' ? `token:${s.live.tokenServiceUrl}` : s.live.appId;
  return `live:${who}@${s.api.baseUrl.replace(/\/+$/, '')}`;
}
