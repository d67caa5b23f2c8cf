/**
 * What the journal, record, summary and export views read, and nothing more: the terminal's
 * contract client is one such source (AuditScreen passes `api`); a head-office page can pass
 * another with the same calls.
 */
import type { Contract } from '../../../../shared/contract';
import type { ClientApi } from '../../../../shared/contract-kit';

export type ReviewSource = Pick<
  ClientApi<Contract>,
  | 'searchAudit'
  | 'countAudit'
  | 'getAuditRecord'
  | 'auditSummary'
  | 'startExport'
  | 'exportStatus'
  | 'cancelExport'
>;
