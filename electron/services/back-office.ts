/** The manager's back office (issue 11): every card and statistics call of the reference. */
import type { backOfficeOps } from '../../shared/ops/back-office';
import type { AreaHandlers, ServiceContext } from './context';

export function createBackOfficeHandlers(_ctx: ServiceContext): AreaHandlers<typeof backOfficeOps> {
  return {};
}
