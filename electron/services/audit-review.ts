/** Audit review (issue 10): search, record, summary, export and verify of the audit log. */
import type { auditReviewOps } from '../../shared/ops/audit-review';
import type { AreaHandlers, ServiceContext } from './context';

export function createAuditReviewHandlers(
  _ctx: ServiceContext,
): AreaHandlers<typeof auditReviewOps> {
  return {};
}
