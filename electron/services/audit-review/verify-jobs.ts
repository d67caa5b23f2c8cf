/**
 * Checking the chain in the background, one check at a time, with progress and cancel; each
 * check is recorded in the log when it ends.
 */
import type { NewAuditRecord, VerifyResult } from '../../../shared/audit';
import { AppError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { auditReviewOps, VerifyStatus } from '../../../shared/ops/audit-review';
import type { AuditLog } from '../../audit';
import type { AreaHandlers, CallContext } from '../call-context';
import { forget, newId } from './jobs';

type VerifyOps = Pick<typeof auditReviewOps, 'startVerify' | 'verifyStatus' | 'cancelVerify'>;

export interface VerifyDeps {
  audit: Pick<AuditLog, 'verify'>;
  now(): number;
  /** The signed-in operator who asks (throws for a caller who is not signed in). */
  operatorId(call: CallContext): string;
  /** Records the check's end (never throws: the check itself is done). */
  record(rec: NewAuditRecord): void;
}

interface VerifyJob {
  id: string;
  operatorId: string;
  state: VerifyStatus['state'];
  checked: number;
  total: number;
  startedAt: number;
  result?: VerifyResult;
  error?: ErrorInfo;
  abort: AbortController;
  finishedAt?: number;
}

export function createVerifyHandlers(deps: VerifyDeps): AreaHandlers<VerifyOps> {
  const verifyJobs = new Map<string, VerifyJob>();

  function verifyStatusOf(job: VerifyJob): VerifyStatus {
    return {
      verifyId: job.id,
      state: job.state,
      checked: job.checked,
      total: job.total,
      startedAt: job.startedAt,
      ...(job.result ? { result: job.result } : {}),
      ...(job.error ? { error: job.error } : {}),
    };
  }

  function verifyJob(id: string): VerifyJob {
    const job = verifyJobs.get(id);
    if (!job) throw new AppError('invalid_input', 'review.errors.verify_unknown');
    return job;
  }

  async function runVerify(job: VerifyJob) {
    try {
      const result = await deps.audit.verify({
        signal: job.abort.signal,
        onProgress: (done, total) => {
          job.checked = done;
          job.total = total;
        },
      });
      job.result = result;
      job.state = 'done';
      if (result.ok) job.checked = job.total = result.count;
      else job.checked = result.checked;
    } catch (err) {
      const cancelled = err instanceof AppError && err.key === 'audit.cancelled';
      job.state = cancelled ? 'cancelled' : 'failed';
      if (!cancelled) job.error = toErrorInfo(err);
    } finally {
      job.finishedAt = deps.now();
    }
    const r = job.result;
    deps.record({
      action: 'verify',
      outcome: job.state === 'cancelled' ? 'cancelled' : r?.ok ? 'ok' : 'failed',
      operator_id: job.operatorId,
      detail: r
        ? r.ok
          ? {
              result: 'intact',
              count: r.count,
              ...(r.head ? { head_id: r.head.id, head_hash: r.head.hash } : {}),
              ...(r.warnings.length ? { warnings: r.warnings } : {}),
            }
          : {
              result: 'broken',
              problem: r.problem,
              first_bad_id: r.firstBadId,
              checked: r.checked,
              ...(r.lastBadId !== undefined ? { last_bad_id: r.lastBadId } : {}),
              message: r.detail,
            }
        : {
            result: job.state,
            checked: job.checked,
            ...(job.error ? { error: job.error.key } : {}),
          },
    });
  }

  return {
    async startVerify(_input, call) {
      const operatorId = deps.operatorId(call);
      forget(verifyJobs, deps.now());
      for (const job of verifyJobs.values()) {
        if (job.state === 'running') return verifyStatusOf(job); // one check at a time
      }
      const job: VerifyJob = {
        id: newId(),
        operatorId,
        state: 'running',
        checked: 0,
        total: 0,
        startedAt: deps.now(),
        abort: new AbortController(),
      };
      verifyJobs.set(job.id, job);
      void runVerify(job);
      return verifyStatusOf(job);
    },

    async verifyStatus(input) {
      return verifyStatusOf(verifyJob(input.verifyId));
    },

    async cancelVerify(input) {
      const job = verifyJob(input.verifyId);
      if (job.state === 'running') job.abort.abort();
      return verifyStatusOf(job);
    },
  };
}
