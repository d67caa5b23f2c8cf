/**
 * card/get answers, kept for a while: a card's title, value and limits rarely change, so a
 * repeat scan of the same card costs one round trip (code/get) instead of two. Concurrent
 * requests for one card share one call.
 */
import type { Card } from '../../shared/wechat/card';

export class CardCache {
  private readonly entries = new Map<string, { card: Card; at: number }>();
  private readonly inflight = new Map<string, Promise<Card>>();

  constructor(
    private readonly fetch: (cardId: string) => Promise<Card>,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  peek(cardId: string): Card | undefined {
    const e = this.entries.get(cardId);
    return e && this.now() - e.at < this.ttlMs ? e.card : undefined;
  }

  async get(cardId: string): Promise<Card> {
    const cached = this.peek(cardId);
    if (cached) return cached;
    let p = this.inflight.get(cardId);
    if (!p) {
      p = this.fetch(cardId)
        .then((card) => {
          this.entries.set(cardId, { card, at: this.now() });
          return card;
        })
        .finally(() => this.inflight.delete(cardId));
      this.inflight.set(cardId, p);
    }
    return p;
  }

  clear() {
    this.entries.clear();
  }
}
