/**
 * The back office's four statistics reports (datacube): the date range checked as the platform
 * would (shared/office/date-rules.ts) before anything is sent, one audit record per report.
 */
import {
  checkDatacubeRange,
  MAX_RANGE_DAYS,
  PLATFORM_TIME_ZONE,
  platformToday,
} from '../../../shared/office/date-rules';
import type { backOfficeOps } from '../../../shared/ops/back-office';
import { AppError } from '../../../shared/errors';
import type { WeChatClient } from '../../wechat';
import type { AreaHandlers, CallContext } from '../call-context';
import type { createAudited } from './audited';

type StatisticsOps = Pick<
  typeof backOfficeOps,
  | 'officeStatsInfo'
  | 'officeCouponSummary'
  | 'officeCouponCards'
  | 'officeMemberSummary'
  | 'officeMemberCard'
>;

export interface StatisticsDeps {
  client(): Promise<WeChatClient>;
  audited: ReturnType<typeof createAudited>;
  now(): number;
}

type Datacube = WeChatClient['datacube'];

export function createStatisticsHandlers(deps: StatisticsDeps): AreaHandlers<StatisticsOps> {
  function checkRange(begin: string, end: string) {
    const today = platformToday(deps.now());
    const check = checkDatacubeRange({ begin, end }, today);
    if (!check.ok) {
      throw new AppError('invalid_input', `office.errors.dates_${check.problems[0]!}`, {
        today,
        maxDays: MAX_RANGE_DAYS,
      });
    }
  }

  /** One report: range checked, asked, recorded with its row count. */
  function report<Row>(
    call: CallContext,
    input: { begin: string; end: string; cardId?: string | undefined },
    name: string,
    cond: { cond_source?: number | undefined },
    ask: (datacube: Datacube) => Promise<Row[]>,
  ) {
    const note = {
      action: 'datacube',
      ...(input.cardId !== undefined ? { card_id: input.cardId } : {}),
      detail: { report: name, begin: input.begin, end: input.end, ...cond },
    };
    return deps.audited(call, note, async () => {
      checkRange(input.begin, input.end);
      const rows = await ask((await deps.client()).datacube);
      return { value: { rows }, detail: { rows: rows.length } };
    });
  }

  const range = (input: { begin: string; end: string }) => ({
    begin_date: input.begin,
    end_date: input.end,
  });

  return {
    async officeStatsInfo() {
      return {
        today: platformToday(deps.now()),
        maxDays: MAX_RANGE_DAYS,
        timeZone: PLATFORM_TIME_ZONE,
      };
    },

    async officeCouponSummary(input, call) {
      const cond = { cond_source: input.condSource };
      return report(call, input, 'getcardbizuininfo', cond, (d) =>
        d.getCardBizUinInfo({ ...range(input), ...cond }),
      );
    },

    async officeCouponCards(input, call) {
      const cond = { cond_source: input.condSource };
      return report(call, input, 'getcardcardinfo', cond, (d) =>
        d.getCardCardInfo({
          ...range(input),
          ...cond,
          ...(input.cardId ? { card_id: input.cardId } : {}),
        }),
      );
    },

    async officeMemberSummary(input, call) {
      const cond = { cond_source: input.condSource };
      return report(call, input, 'getcardmembercardinfo', cond, (d) =>
        d.getCardMemberCardInfo({ ...range(input), ...cond }),
      );
    },

    async officeMemberCard(input, call) {
      return report(call, input, 'getcardmembercarddetail', {}, (d) =>
        d.getCardMemberCardDetail({ ...range(input), card_id: input.cardId }),
      );
    },
  };
}
