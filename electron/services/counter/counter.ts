/**
 * The counter on the host side: look a code up (the one lookup, services/lookup.ts) and
 * redeem it at most once (the durable write engine, services/writes/). A lost answer is
 * settled by the engine from the code's status, never by sending consume again.
 */
import type { RedeemOutcome } from '../../../shared/ops/counter';
import type { Lookup, ScanSource } from '../lookup';
import type { WriteEngine } from '../writes/engine';

export interface CounterDeps {
  lookup: Lookup;
  writes: Pick<WriteEngine, 'redeem'>;
  now(): number;
}

export function createCounter(deps: CounterDeps) {
  async function lookup(raw: string, source: ScanSource, operatorId: string | undefined) {
    return deps.lookup.lookup({ raw, source, purpose: 'counter', operatorId });
  }

  async function redeem(
    raw: string,
    cardId: string | undefined,
    operatorId: string | undefined,
  ): Promise<RedeemOutcome> {
    const at = deps.now();
    const code = await deps.lookup.codeForWrite(raw);
    const r = await deps.writes.redeem({ code, cardId, operatorId });
    const nonce = r.item.nonce;
    // Show the cashier why, with the code's verdict now (e.g. already redeemed, or pending).
    const why = async () => deps.lookup.verdictFor(code, cardId ?? r.item.cardId);
    switch (r.outcome) {
      case 'applied':
        return { outcome: 'redeemed', code, nonce, at: r.item.createdAt };
      case 'unknown':
        return { outcome: 'unknown', code, nonce, at, ...(r.error ? { error: r.error } : {}) };
      case 'busy':
        return { outcome: 'busy', code, at, verdict: await why() };
      case 'done_here':
        return { outcome: 'rejected', code, at, verdict: await why() };
      case 'rejected':
        return {
          outcome: 'rejected',
          code,
          nonce,
          at,
          verdict: await why(),
          ...(r.error ? { error: r.error } : {}),
        };
      default:
        return { outcome: 'failed', code, nonce, at, ...(r.error ? { error: r.error } : {}) };
    }
  }

  return { lookup, redeem };
}

export type Counter = ReturnType<typeof createCounter>;
