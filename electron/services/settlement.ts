/**
 * Settles redemptions whose outcome is unknown (answer lost, app closed mid-call): asks WeChat
 * for the code's status (code/get) and records what happened, retrying with backoff while
 * WeChat cannot be reached, after restarts too (open intents are found in the audit log at
 * start-up). consume is never sent again for an intent.
 *
 * A code that is CONSUMED after our intent was sent is taken as consumed by us: code/get does
 * not say when or by whom. The settled record keeps the status seen, for a dispute.
 */
import type { NewAuditRecord } from '../../shared/audit';
import type { PendingItem } from '../../shared/contract';
import type { WeChatClient } from '../wechat';
import { WeChatApiError } from '../wechat';

export interface SettleItem {
  nonce: string;
  code: string;
  cardId?: string | undefined;
  operatorId?: string | undefined;
  at: number;
}

export interface SettlementDeps {
  client(): Promise<WeChatClient>;
  appendResult(nonce: string, rec: NewAuditRecord): unknown;
  now(): number;
  /** Backoff bounds (tests make them short). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How long a settled result stays in the counter's notices. */
  keepSettledMs?: number;
}

interface Entry extends SettleItem {
  attempts: number;
  timer?: NodeJS.Timeout | undefined;
  running: boolean;
}

export function createSettlement(deps: SettlementDeps) {
  const minDelay = deps.minDelayMs ?? 1_000;
  const maxDelay = deps.maxDelayMs ?? 60_000;
  const keep = deps.keepSettledMs ?? 10 * 60_000;
  const open = new Map<string, Entry>();
  const settled: PendingItem[] = [];
  let closed = false;

  function schedule(e: Entry, delay: number) {
    if (closed) return;
    clearTimeout(e.timer);
    e.timer = setTimeout(() => void attempt(e), delay);
    e.timer.unref?.();
  }

  async function attempt(e: Entry): Promise<void> {
    if (e.running || closed) return;
    e.running = true;
    e.attempts += 1;
    try {
      let status: string;
      try {
        const r = await (
          await deps.client()
        ).codeGet({
          code: e.code,
          ...(e.cardId ? { card_id: e.cardId } : {}),
          check_consume: false,
        });
        status = r.user_card_status;
      } catch (err) {
        // 40099 answers "consumed" on accounts that answer with errcodes; 40056 means gone.
        if (err instanceof WeChatApiError && err.errcode === 40099) status = 'CONSUMED';
        else if (err instanceof WeChatApiError && err.errcode === 40056) status = 'UNKNOWN_CODE';
        else throw err;
      }
      const redeemed = status === 'CONSUMED';
      deps.appendResult(e.nonce, {
        action: 'redeem',
        outcome: redeemed ? 'settled' : 'failed',
        operator_id: e.operatorId ?? null,
        code: e.code,
        card_id: e.cardId ?? null,
        errcode: 0,
        detail: {
          settled: true,
          result: redeemed ? 'redeemed' : 'not_redeemed',
          status,
          attempts: e.attempts,
        },
      });
      open.delete(e.nonce);
      settled.unshift({
        nonce: e.nonce,
        action: 'redeem',
        code: e.code,
        ...(e.cardId ? { cardId: e.cardId } : {}),
        ...(e.operatorId ? { operatorId: e.operatorId } : {}),
        at: e.at,
        state: redeemed ? 'redeemed' : 'not_redeemed',
        settledAt: deps.now(),
      });
      settled.splice(50);
    } catch {
      schedule(e, Math.min(maxDelay, minDelay * 2 ** Math.min(e.attempts - 1, 16)));
    } finally {
      e.running = false;
    }
  }

  return {
    add(item: SettleItem, delayMs = 0) {
      if (open.has(item.nonce)) return;
      const e: Entry = { ...item, attempts: 0, running: false };
      open.set(item.nonce, e);
      schedule(e, delayMs);
    },
    /** Tries every open item now (e.g. when the network is back). */
    retryNow() {
      for (const e of open.values()) schedule(e, 0);
    },
    unsettled(): PendingItem[] {
      return [...open.values()].map((e) => ({
        nonce: e.nonce,
        action: 'redeem',
        code: e.code,
        ...(e.cardId ? { cardId: e.cardId } : {}),
        ...(e.operatorId ? { operatorId: e.operatorId } : {}),
        at: e.at,
        state: 'unsettled' as const,
      }));
    },
    recentlySettled(): PendingItem[] {
      const since = deps.now() - keep;
      return settled.filter((s) => (s.settledAt ?? 0) >= since);
    },
    close() {
      closed = true;
      for (const e of open.values()) clearTimeout(e.timer);
    },
  };
}

export type Settlement = ReturnType<typeof createSettlement>;
