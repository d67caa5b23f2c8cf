/**
 * Audit review (issue 10): search, record, summary, export and verify of the audit log.
 *
 * The role rule lives here, not in the screens: supervisors and managers see every record; a
 * cashier sees only their own records since the start of today in the terminal's time zone
 * (their shift), whatever filter they send, with codes masked (journal, record and export).
 * Masked output carries no chain hashes and no nonces: each hash is over the record with the
 * full code, so a masked 12-digit code would fall to 10,000 tries. The chain is verified on the
 * unmasked log by a supervisor.
 *
 * Export streams `audit.export` into a file: the one the operator picks in Electron's save
 * dialog (`ctx.chooseExportFile`), or, in the browser host (no dialog), a temporary file that
 * the host serves once at `/download/<id>?token=<token>` (export-downloads.ts, which the
 * browser host asks directly: it is no contract operation). Export and verify run in the
 * background with progress and cancel, and each is recorded in the log when it ends.
 */
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { AuditFilter, AuditRecord, AuditSummary } from '../../../shared/audit';
import { AppError, type ErrorInfo } from '../../../shared/errors';
import { localDate, startOfLocalDay } from '../../../shared/local-days';
import {
  maskCode,
  type auditReviewOps,
  type ExportStatus,
  type JournalRow,
  type MaskedAuditRecord,
  type ReviewScope,
} from '../../../shared/ops/audit-review';
import { roleAllows, type OperatorView } from '../../../shared/settings';
import { parseFilter } from '../../audit';
import type { CallContext } from '../call-context';
import { PRIVATE_FILE_MODE } from '../../private-files';
import type { AuditLog, ExportRecord } from '../../audit';
import type { OperatorStore } from '../account/operators';
import type { AreaHandlers, OperatorOf } from '../call-context';
import type { ExportDownloadStore } from './export-downloads';
import { forget, newId } from './jobs';
import { createVerifyHandlers } from './verify-jobs';

export interface AuditReviewDeps {
  audit: Pick<
    AuditLog,
    'append' | 'search' | 'count' | 'get' | 'byNonce' | 'summary' | 'export' | 'verify'
  >;
  operators: Pick<OperatorStore, 'find' | 'list'>;
  operatorOf: OperatorOf;
  /** Registers for "this operator's PIN, role or status changed". */
  onOperatorChanged(listener: (operatorId: string) => void): void;
  /** Keeps the browser host's finished exports until they are downloaded. */
  downloads: ExportDownloadStore;
  /**
   * Asks the operator where to save an export (Electron's save dialog); resolves undefined when
   * the dialog is closed. Absent in the browser host, where exports become one-time downloads.
   */
  chooseExportFile?: (suggestedName: string) => Promise<string | undefined>;
  terminalId(): string;
  /** The store's time zone, read at each call: a change in Settings applies at once. */
  timeZone(): string;
  now(): number;
}

/** Card titles looked up in the log are remembered this long (a missing one is asked again). */
const TITLE_TTL_MS = 10 * 60_000;

// ---------------------------------------------------------------------------------------------

interface ExportJob {
  id: string;
  operatorId: string;
  /** Made for a cashier (codes shortened): only such a job may reach a cashier. */
  masked: boolean;
  state: ExportStatus['state'];
  format: 'csv' | 'jsonl';
  target: 'file' | 'download';
  fileName: string;
  /** Final path (the picked file, or the temporary file of a download). */
  file: string;
  rows: number;
  total: number;
  error?: ErrorInfo;
  abort: AbortController;
  finishedAt?: number;
}

interface Caller {
  operator: OperatorView;
  scope: ReviewScope;
}

/** A record as a cashier may see it: code masked, no hash, prev_hash or nonce. */

/** A cashier's export record: the code masked (index 5 in AUDIT_FIELDS order), all else kept. */
function maskRecord(r: ExportRecord): ExportRecord {
  if (r[5] === null) return r;
  const out = [...r] as [...ExportRecord];
  out[5] = maskCode(r[5]);
  return out;
}

function maskedRecord(rec: AuditRecord): MaskedAuditRecord {
  const { hash: _hash, prev_hash: _prev, nonce: _nonce, ...rest } = rec;
  return { ...rest, code: rec.code === null ? null : maskCode(rec.code) };
}

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
} as const;

/** The review handlers (the host's download route takes finished exports from `downloads`). */
export function createAuditReviewHandlers(
  ctx: AuditReviewDeps,
): AreaHandlers<typeof auditReviewOps> {
  const { downloads } = ctx;
  const exportJobs = new Map<string, ExportJob>();
  // A demoted, disabled or re-PINned operator keeps no export made under the old role: a
  // running one stops, a finished one's link is taken back and its file deleted.
  ctx.onOperatorChanged((operatorId) => {
    for (const job of exportJobs.values()) {
      if (job.operatorId !== operatorId) continue;
      if (job.state === 'running') job.abort.abort();
      if (job.target === 'download') downloads.revoke(job.id);
    }
  });
  const titles = new Map<string, { title: string | null; at: number }>();

  function caller(call: CallContext): Caller {
    const id = ctx.operatorOf(call);
    const operator = id ? ctx.operators.find(id) : undefined;
    if (!operator) throw new AppError('forbidden', 'errors.not_signed_in');
    if (roleAllows(operator.role, 'supervisor')) return { operator, scope: { own: false } };
    return {
      operator,
      scope: {
        own: true,
        operatorId: operator.id,
        since: startOfLocalDay(ctx.now(), ctx.timeZone()),
      },
    };
  }

  /** The longest code prefix a cashier may filter by: the part a shortened code shows. */
  const MASKED_PREFIX = 4;

  /** The filter narrowed to what the caller may see (a cashier: own records, this shift). */
  function restrict(filter: AuditFilter, scope: ReviewScope): AuditFilter {
    if (!scope.own) return filter;
    // A cashier sees codes shortened to their first and last four: searching (or counting, or
    // exporting) by a longer prefix would reveal the hidden digits one at a time.
    if (filter.codePrefix !== undefined && Array.from(filter.codePrefix).length > MASKED_PREFIX) {
      throw new AppError('invalid_input', 'review.errors.code_prefix_masked', {
        max: MASKED_PREFIX,
      });
    }
    return {
      ...filter,
      operatorId: scope.operatorId,
      from: Math.max(filter.from ?? Number.MIN_SAFE_INTEGER, scope.since ?? 0),
    };
  }

  function visible(rec: AuditRecord, scope: ReviewScope): boolean {
    return !scope.own || (rec.operator_id === scope.operatorId && rec.ts >= (scope.since ?? 0));
  }

  const detailText = (rec: AuditRecord, key: string): string | null => {
    const v = rec.detail[key];
    return typeof v === 'string' && v ? v : null;
  };

  /** A card's title from the log: the newest record of the card that carries one. */
  function titleOf(cardId: string): string | null {
    const known = titles.get(cardId);
    if (known && (known.title !== null || ctx.now() - known.at < TITLE_TTL_MS)) return known.title;
    let title: string | null = null;
    for (const r of ctx.audit.search({ cardPrefix: cardId }, { limit: 50 }).rows) {
      if (r.card_id !== cardId) continue;
      title = detailText(r, 'title');
      if (title) break;
    }
    titles.set(cardId, { title, at: ctx.now() });
    return title;
  }

  /** Outcomes that leave an intent open: its request half then links to what closed it. */
  const OPEN_OUTCOMES = new Set(['pending', 'unknown']);

  /** The record that closed the intent of `rec` (its latest record of the same nonce), if any. */
  function resultOf(rec: AuditRecord, scope: ReviewScope): JournalRow['result'] {
    if (!rec.nonce || !OPEN_OUTCOMES.has(rec.outcome)) return undefined;
    const all = ctx.audit.byNonce(rec.nonce);
    const last = all[all.length - 1];
    if (!last || last.id === rec.id || OPEN_OUTCOMES.has(last.outcome) || !visible(last, scope))
      return undefined;
    return { id: last.id, outcome: last.outcome };
  }

  function toRow(rec: AuditRecord, masked: boolean, scope?: ReviewScope): JournalRow {
    const result = scope ? resultOf(rec, scope) : undefined;
    const tone = rec.action === 'lookup' ? detailText(rec, 'tone') : null;
    return {
      id: rec.id,
      ts: rec.ts,
      operator_id: rec.operator_id,
      action: rec.action,
      code: rec.code !== null && masked ? maskCode(rec.code) : rec.code,
      card_id: rec.card_id,
      title: detailText(rec, 'title') ?? (rec.card_id ? titleOf(rec.card_id) : null),
      outcome: rec.outcome,
      errcode: rec.errcode,
      duration_ms: rec.duration_ms,
      // Masked rows carry no nonce either: masked output holds nothing of the chain.
      nonce: masked ? null : rec.nonce,
      verdict: detailText(rec, 'verdict'),
      ...(tone ? { tone } : {}),
      ...(result ? { result } : {}),
      ...(rec.detail.training === true ? { training: true as const } : {}),
    };
  }

  function audited(rec: Parameters<AuditReviewDeps['audit']['append']>[0]) {
    try {
      ctx.audit.append(rec);
    } catch (err) {
      // The export or verify itself is done; a log that cannot be written says so elsewhere.
      console.error('[carddesk] could not record', rec.action, err);
    }
  }

  // --- export -------------------------------------------------------------------------------

  function suggestedName(filter: AuditFilter, format: 'csv' | 'jsonl'): string {
    const tz = ctx.timeZone();
    const last = localDate(filter.to !== undefined ? filter.to - 1 : ctx.now(), tz);
    const first = filter.from !== undefined ? localDate(filter.from, tz) : undefined;
    const range =
      first === undefined ? `until_${last}` : first === last ? first : `${first}_${last}`;
    const who = filter.operatorId ? `_${filter.operatorId}` : '';
    const terminal = ctx.terminalId();
    return `carddesk-audit_${terminal}${who}_${range}.${format}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  }

  function exportStatusOf(job: ExportJob, viewer: Caller): ExportStatus {
    // The token goes to the operator who made the export, and to nobody else; a complete
    // export only while they still hold a role that may see complete records.
    const offer =
      viewer.operator.id === job.operatorId &&
      job.target === 'download' &&
      (job.masked || !viewer.scope.own)
        ? downloads.pending(job.id)
        : undefined;
    return {
      exportId: job.id,
      state: job.state,
      format: job.format,
      target: job.target,
      fileName: job.fileName,
      ...(job.state === 'done' && job.target === 'file' ? { savedTo: job.file } : {}),
      ...(job.state === 'done' && offer
        ? { downloadUrl: `/download/${job.id}?token=${offer.token}` }
        : {}),
      rows: job.rows,
      total: job.total,
      ...(job.error ? { error: job.error } : {}),
    };
  }

  function exportJob(id: string, who: Caller): ExportJob {
    const job = exportJobs.get(id);
    if (!job || (job.operatorId !== who.operator.id && who.scope.own)) {
      throw new AppError('invalid_input', 'review.errors.export_unknown');
    }
    return job;
  }

  async function runExport(
    job: ExportJob,
    filter: AuditFilter,
    masked: boolean,
    out: WriteStream,
    part: string,
  ) {
    // One zone for the whole file, and the record says which.
    const timeZone = ctx.timeZone();
    let failure: unknown;
    out.on('error', (err) => (failure ??= err));
    const sink = async (chunk: Buffer) => {
      if (failure) throw failure;
      if (!out.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            out.off('drain', done);
            out.off('close', done);
            resolve();
          };
          out.on('drain', done);
          out.on('close', done);
        });
      }
      if (failure) throw failure;
    };
    try {
      const { rows } = await ctx.audit.export(sink, filter, job.format, {
        signal: job.abort.signal,
        timeZone,
        // Masked before serialising: the code, and no chain fields (see the header).
        ...(masked ? { mapRecord: maskRecord, chain: false } : {}),
        onProgress: (done, total) => {
          job.rows = done;
          job.total = total;
        },
      });
      // A cancel that came while the last chunk was being written still means "no file".
      if (job.abort.signal.aborted) throw new AppError('storage', 'audit.cancelled');
      await new Promise<void>((resolve, reject) => {
        const settle = () => (failure ? reject(failure as Error) : resolve());
        if (out.closed || out.destroyed) return settle();
        out.once('close', settle);
        out.end();
      });
      await fs.rename(part, job.file);
      job.rows = rows;
      job.total = rows;
      job.state = 'done';
      if (job.target === 'download') {
        downloads.offer(job.id, job.file, {
          fileName: job.fileName,
          contentType: CONTENT_TYPES[job.format],
        });
      }
    } catch (err) {
      // Closed before removed: a file still being opened would otherwise appear after the rm.
      await new Promise<void>((resolve) => {
        if (out.closed) return resolve();
        out.once('close', () => resolve());
        out.destroy();
      });
      await fs.rm(part, { force: true }).catch(() => {});
      const cancelled = err instanceof AppError && err.key === 'audit.cancelled';
      job.state = cancelled ? 'cancelled' : 'failed';
      if (!cancelled) {
        job.error =
          err instanceof AppError
            ? err.toInfo()
            : {
                kind: 'storage',
                key: 'review.errors.export_write',
                params: { detail: err instanceof Error ? err.message : String(err) },
              };
      }
    } finally {
      job.finishedAt = ctx.now();
    }
    audited({
      action: 'export',
      outcome: job.state === 'done' ? 'ok' : job.state === 'cancelled' ? 'cancelled' : 'failed',
      operator_id: job.operatorId,
      detail: {
        format: job.format,
        rows: job.rows,
        target: job.target,
        file: job.fileName,
        filter: { ...filter },
        time_zone: timeZone,
        ...(masked ? { codes: 'masked' } : {}),
        ...(job.error ? { error: job.error.key } : {}),
      },
    });
  }

  return {
    async reviewInfo(_input, call) {
      const who = caller(call);
      const operators = who.scope.own ? [who.operator] : ctx.operators.list();
      return {
        timeZone: ctx.timeZone(),
        now: ctx.now(),
        terminalId: ctx.terminalId(),
        role: who.operator.role,
        scope: who.scope,
        operators: operators.map((o) => ({ id: o.id, name: o.name, role: o.role })),
        exportTarget: ctx.chooseExportFile ? 'file' : 'download',
      };
    },

    async searchAudit(input, call) {
      const { scope } = caller(call);
      const page = ctx.audit.search(restrict(input.filter, scope), {
        limit: input.limit,
        ...(input.before !== undefined ? { before: input.before } : {}),
      });
      return {
        rows: page.rows.map((r) => toRow(r, scope.own, scope)),
        ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
        scope,
      };
    },

    async countAudit(input, call) {
      const { scope } = caller(call);
      const count = ctx.audit.count(restrict(input.filter, scope));
      return { count };
    },

    async getAuditRecord(input, call) {
      const { scope } = caller(call);
      const record = ctx.audit.get(input.id);
      if (!record || !visible(record, scope)) {
        throw new AppError('invalid_input', 'review.errors.record_not_found', { id: input.id });
      }
      const linked = record.nonce
        ? ctx.audit.byNonce(record.nonce).filter((r) => visible(r, scope))
        : [record];
      const title =
        detailText(record, 'title') ?? (record.card_id ? titleOf(record.card_id) : null);
      const rows = linked.map((r) => toRow(r, scope.own));
      return scope.own
        ? { masked: true as const, record: maskedRecord(record), title, linked: rows }
        : { masked: false as const, record, title, linked: rows };
    },

    async auditSummary(input, call) {
      const { scope } = caller(call);
      const timeZone = ctx.timeZone();
      const from = scope.own ? Math.max(input.from, scope.since ?? 0) : input.from;
      const summary: AuditSummary =
        input.to > from
          ? ctx.audit.summary({
              from,
              to: input.to,
              timeZone,
              ...(scope.own && scope.operatorId ? { operatorId: scope.operatorId } : {}),
              includeTraining: input.includeTraining,
            })
          : {
              from,
              to: input.to,
              timeZone,
              total: 0,
              byActionOutcome: [],
              byOperator: [],
              byCard: [],
              byHour: [],
              reasons: [],
            };
      const cardTitles: Record<string, string> = {};
      for (const c of summary.byCard) {
        if (c.card_id === null || c.card_id in cardTitles) continue;
        const title = titleOf(c.card_id);
        if (title) cardTitles[c.card_id] = title;
      }
      return { ...summary, cardTitles, scope };
    },

    async startExport(input, call) {
      const who = caller(call);
      forget(exportJobs, ctx.now());
      for (const job of exportJobs.values()) {
        if (job.operatorId === who.operator.id && job.state === 'running') {
          throw new AppError('invalid_input', 'review.errors.export_running');
        }
      }
      // Training records (Sandbox mode) stay out of an export unless asked for.
      const filter = restrict(
        {
          ...input.filter,
          training: input.filter.training ?? (input.includeTraining ? 'include' : 'exclude'),
        },
        who.scope,
      );
      parseFilter(filter); // a malformed filter fails here, before a dialog or a file
      const id = newId();
      const fileName = suggestedName(filter, input.format);
      let target: ExportJob['target'];
      let file: string;
      if (ctx.chooseExportFile) {
        const chosen = await ctx.chooseExportFile(fileName);
        if (!chosen) return null;
        target = 'file';
        file = chosen;
      } else {
        target = 'download';
        file = await downloads.pathFor(id, input.format);
      }
      // Written next to the target and renamed at the end: a cancelled or failed export leaves
      // no half file behind (and does not destroy a file it was to replace). Owner only, as
      // the log it comes from: an existing .part would keep its mode, so it goes first.
      const part = `${file}.part`;
      await fs.rm(part, { force: true });
      const out = createWriteStream(part, { mode: PRIVATE_FILE_MODE });
      const job: ExportJob = {
        id,
        operatorId: who.operator.id,
        masked: who.scope.own,
        state: 'running',
        format: input.format,
        target,
        fileName: target === 'file' ? path.basename(file) : fileName,
        file,
        rows: 0,
        total: 0,
        abort: new AbortController(),
      };
      exportJobs.set(id, job);
      void runExport(job, filter, who.scope.own, out, part);
      return exportStatusOf(job, who);
    },

    async exportStatus(input, call) {
      const who = caller(call);
      return exportStatusOf(exportJob(input.exportId, who), who);
    },

    async cancelExport(input, call) {
      const who = caller(call);
      const job = exportJob(input.exportId, who);
      if (job.state === 'running') job.abort.abort();
      return exportStatusOf(job, who);
    },

    ...createVerifyHandlers({
      audit: ctx.audit,
      now: ctx.now,
      operatorId: (call) => caller(call).operator.id,
      record: audited,
    }),
  };
}
