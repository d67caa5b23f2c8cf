/** The sandbox's demo codes, as they are now, to scan from the screen or print. */
import type { DemoCodes } from '../../../shared/ops/counter';
import type { Mode } from '../../../shared/ops/account';
import { listDemoCodes, type RunningSandbox } from '../../sandbox';

export interface DemoCodeDeps {
  mode(): Mode;
  /** The built-in sandbox (started if it is not running). */
  sandbox(): Promise<RunningSandbox>;
}

export async function demoCodes(deps: DemoCodeDeps): Promise<DemoCodes> {
  if (deps.mode() !== 'sandbox') return { available: false, codes: [] };
  const sb = await deps.sandbox();
  const codes = listDemoCodes(sb.sim.seed, sb.sim.clock.now()).map((c) => {
    // What the code is now, not what the seed said: redeemed demo codes show as such.
    const status = sb.sim.code(c.code)?.user_card_status ?? c.status;
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
    };
  });
  return { available: true, codes };
}
