/**
 * The sandbox's demo codes, as they are now, to scan from the screen or print. Each comes with
 * what the counter would say about it, decided by the counter's own rule (decideVerdict, the
 * custom-code card ids of this terminal, its store and time zone) from the sandbox's state,
 * read in-process: listing the codes sends nothing to the sandbox's API (no request log, no
 * fault of a training exercise used up).
 */
import type { DemoCodes } from '../../../shared/ops/counter';
import type { Mode } from '../../../shared/ops/account';
import { decideVerdict, notAcceptedHere, type Verdict } from '../../../shared/verdict';
import { Card } from '../../../shared/wechat/card';
import { listDemoCodes, type RunningSandbox } from '../../sandbox';

export interface DemoCodeDeps {
  mode(): Mode;
  /** The built-in sandbox (started if it is not running). */
  sandbox(): Promise<RunningSandbox>;
  /** As the counter's lookup sees them. */
  now(): number;
  timeZone(): string;
  storePoiId(): number | undefined;
  customCodeCardIds(): string[];
}

type Expect = DemoCodes['codes'][number]['expect'];

/** What the counter's lookup would decide for a code of the sandbox now. */
function expectFor(
  sb: RunningSandbox,
  code: string,
  deps: DemoCodeDeps,
  cards: Map<string, { card: Card | undefined; custom: boolean }>,
): Expect | undefined {
  const snap = sb.sim.code(code);
  if (!snap) return undefined;
  // Each card is read and checked once per list, not once per code.
  let entry = cards.get(snap.card_id);
  if (!entry) {
    const cardSnap = sb.sim.card(snap.card_id);
    const parsed = Card.safeParse(cardSnap?.card);
    entry = { card: parsed.success ? parsed.data : undefined, custom: !!cardSnap?.use_custom_code };
    cards.set(snap.card_id, entry);
  }
  let verdict: Verdict = decideVerdict({
    code,
    lookup: {
      kind: 'found',
      result: {
        card: { card_id: snap.card_id, begin_time: snap.begin_time, end_time: snap.end_time },
        openid: snap.openid,
        can_consume: snap.can_consume,
        user_card_status: snap.user_card_status,
      },
    },
    card: entry.card,
    now: deps.now(),
    timeZone: deps.timeZone(),
    storePoiId: deps.storePoiId(),
  });
  // The counter asks without a card id: a custom code of a card not accepted here is unknown.
  if (entry.custom && !deps.customCodeCardIds().includes(snap.card_id)) {
    verdict = notAcceptedHere(verdict);
  }
  return {
    kind: verdict.kind,
    tone: verdict.tone,
    warnings: verdict.warnings,
    ...(verdict.notAcceptedHere ? { notAcceptedHere: true as const } : {}),
  };
}

export async function demoCodes(deps: DemoCodeDeps): Promise<DemoCodes> {
  if (deps.mode() !== 'sandbox') return { available: false, codes: [] };
  const sb = await deps.sandbox();
  const cards = new Map<string, { card: Card | undefined; custom: boolean }>();
  const codes = listDemoCodes(sb.sim.seed, sb.sim.clock.now()).map((c) => {
    // What the code is now, not what the seed said: redeemed demo codes show as such.
    const status = sb.sim.code(c.code)?.user_card_status ?? c.status;
    const expect = expectFor(sb, c.code, deps, cards);
    return {
      code: c.code,
      cardId: c.card_id,
      title: c.title,
      cardType: c.card_type,
      status,
      codeType: c.code_type,
      note: c.note,
      redeemable: c.redeemable && status === 'NORMAL',
      customCode: c.use_custom_code,
      position: c.position,
      validFrom: c.valid_from * 1000,
      validUntil: c.valid_until * 1000,
      weekdays: c.weekdays,
      cardDeleted: c.card_deleted,
      ...(expect ? { expect } : {}),
    };
  });
  return { available: true, codes };
}
