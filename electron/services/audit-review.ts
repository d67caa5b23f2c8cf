/**
 * Audit review (issue 10): search, record, summary, export and verify of the audit log.
 *
 * The role rule lives here, not in the screens: supervisors and managers see every record; a
 * cashier sees only their own records since the start of today in the terminal's time zone
 * (their shift), whatever filter they send, with codes masked (journal, record and export).
 *
 * Export streams `audit.export` into a file: the one the operator picks in Electron's save
 * dialog (`ctx.chooseExportFile`), or, in the browser host (no dialog), a temporary file in
 * `<data folder>/exports/` that the host serves once at `/download/<id>?token=<token>` (see
 * takeExportDownload and electron/browser-host.ts). Temporary files are removed after the
 * download, when the token expires, and at the next start. Export and verify run in the
 * background with progress and cancel, and each is recorded in the log when it ends.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, promises as fs, rmSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { AuditFilter, AuditRecord, AuditSummary, VerifyResult } from '../../shared/audit';
import { AppError, toErrorInfo, type ErrorInfo } from '../../shared/errors';
import {
  localDate,
  maskCode,
  startOfLocalDay,
  type auditReviewOps,
  type ExportStatus,
  type JournalRow,
  type ReviewScope,
  type VerifyStatus,
} from '../../shared/ops/audit-review';
import { roleAllows, type OperatorView } from '../../shared/settings';
import { countSql, parseFilter } from '../audit/filter-sql';
import type { CallContext } from '../host/dispatch';
import type { AreaHandlers, ServiceContext } from './context';

/** How long a finished download waits for its one use. */
const TOKEN_TTL_MS = 10 * 60_000;
/** How long finished exports and verifies stay visible to status calls. */
const KEEP_MS = 30 * 60_000;
/** Card titles looked up in the log are remembered this long (a missing one is asked again). */
const TITLE_TTL_MS = 10 * 60_000;

const CSV_CODE_COLUMN = 7; // electron/audit/export.ts CSV_COLUMNS: id,ts,time_utc,time_local,terminal_id,operator_id,action,code

// ---------------------------------------------------------------------------------------------
// Masking an export's codes on the way to the file (a cashier's export)

function csvQuote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Masks one column of CSV text made of whole records (export writes whole rows per chunk).
 * Quoted cells may hold commas, quotes and line breaks (RFC 4180).
 */
export function maskCsvColumn(text: string, column: number, mask: (s: string) => string): string {
  let out = '';
  let i = 0;
  let field = 0;
  const n = text.length;
  while (i < n) {
    const start = i;
    let value: string;
    if (text[i] === '"') {
      i++;
      value = '';
      while (i < n) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += text[i];
          i++;
        }
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') i++;
      value = text.slice(start, i);
    }
    out += field === column && value !== '' ? csvQuote(mask(value)) : text.slice(start, i);
    if (text[i] === ',') {
      out += ',';
      i++;
      field++;
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      out += '\r\n';
      i += 2;
      field = 0;
    } else if (text[i] === '\n') {
      out += '\n';
      i++;
      field = 0;
    }
  }
  return out;
}

/** Masks `code` in JSON Lines text made of whole lines. */
export function maskJsonLines(text: string, mask: (s: string) => string): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line) return line;
      const obj = JSON.parse(line) as { code?: unknown };
      if (typeof obj.code === 'string') obj.code = mask(obj.code);
      return JSON.stringify(obj);
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------

interface ExportJob {
  id: string;
  operatorId: string;
  state: ExportStatus['state'];
  format: 'csv' | 'jsonl';
  target: 'file' | 'download';
  fileName: string;
  /** Final path (the picked file, or the temporary file of a download). */
  file: string;
  rows: number;
  total: number;
  token?: string;
  tokenExpires?: number;
  error?: ErrorInfo;
  abort: AbortController;
  finishedAt?: number;
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

interface Caller {
  operator: OperatorView;
  scope: ReviewScope;
}

const newId = () => randomBytes(12).toString('base64url');

export function createAuditReviewHandlers(
  ctx: ServiceContext,
): AreaHandlers<typeof auditReviewOps> {
  const exportsDir = path.join(ctx.dataDir, 'exports');
  // Downloads never taken before the last stop: nobody can ask for them any more.
  rmSync(exportsDir, { recursive: true, force: true });

  const exportJobs = new Map<string, ExportJob>();
  const verifyJobs = new Map<string, VerifyJob>();
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
        since: startOfLocalDay(ctx.now(), ctx.timeZone),
      },
    };
  }

  /** The filter narrowed to what the caller may see (a cashier: own records, this shift). */
  function restrict(filter: AuditFilter, scope: ReviewScope): AuditFilter {
    if (!scope.own) return filter;
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

  function toRow(rec: AuditRecord, masked: boolean): JournalRow {
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
      nonce: rec.nonce,
      verdict: detailText(rec, 'verdict'),
    };
  }

  function audited(rec: Parameters<ServiceContext['audit']['append']>[0]) {
    try {
      ctx.audit.append(rec);
    } catch (err) {
      // The export or verify itself is done; a log that cannot be written says so elsewhere.
      console.error('[carddesk] could not record', rec.action, err);
    }
  }

  function forget<T extends { finishedAt?: number }>(jobs: Map<string, T>) {
    const now = ctx.now();
    for (const [id, job] of jobs) {
      if (job.finishedAt !== undefined && now - job.finishedAt > KEEP_MS) jobs.delete(id);
    }
  }

  // --- export -------------------------------------------------------------------------------

  function suggestedName(filter: AuditFilter, format: 'csv' | 'jsonl'): string {
    const tz = ctx.timeZone;
    const last = localDate(filter.to !== undefined ? filter.to - 1 : ctx.now(), tz);
    const first = filter.from !== undefined ? localDate(filter.from, tz) : undefined;
    const range =
      first === undefined ? `until_${last}` : first === last ? first : `${first}_${last}`;
    const who = filter.operatorId ? `_${filter.operatorId}` : '';
    const terminal = ctx.settings().terminal.id;
    return `carddesk-audit_${terminal}${who}_${range}.${format}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  }

  function exportStatusOf(job: ExportJob, viewer: string): ExportStatus {
    const mine = viewer === job.operatorId;
    const downloadable =
      mine && job.token && job.tokenExpires !== undefined && job.tokenExpires > ctx.now();
    return {
      exportId: job.id,
      state: job.state,
      format: job.format,
      target: job.target,
      fileName: job.fileName,
      ...(job.state === 'done' && job.target === 'file' ? { savedTo: job.file } : {}),
      ...(job.state === 'done' && downloadable
        ? { downloadUrl: `/download/${job.id}?token=${job.token}` }
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
    let failure: unknown;
    out.on('error', (err) => (failure ??= err));
    const mask = (chunk: string) =>
      job.format === 'csv'
        ? chunk.startsWith('\uFEFF')
          ? chunk // the header
          : maskCsvColumn(chunk, CSV_CODE_COLUMN, maskCode)
        : maskJsonLines(chunk, maskCode);
    const sink = async (chunk: string) => {
      if (failure) throw failure;
      if (!out.write(masked ? mask(chunk) : chunk)) {
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
        timeZone: ctx.timeZone,
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
        job.token = randomBytes(32).toString('base64url');
        job.tokenExpires = ctx.now() + TOKEN_TTL_MS;
        const expire = setTimeout(() => {
          if (job.token) {
            job.token = undefined;
            void fs.rm(job.file, { force: true });
          }
        }, TOKEN_TTL_MS);
        expire.unref?.();
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
        time_zone: ctx.timeZone,
        ...(masked ? { codes: 'masked' } : {}),
        ...(job.error ? { error: job.error.key } : {}),
      },
    });
  }

  // --- verify -------------------------------------------------------------------------------

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
      const result = await ctx.audit.verify({
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
      job.finishedAt = ctx.now();
    }
    const r = job.result;
    audited({
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
    async reviewInfo(_input, call) {
      const who = caller(call);
      const operators = who.scope.own ? [who.operator] : ctx.operators.list();
      return {
        timeZone: ctx.timeZone,
        now: ctx.now(),
        terminalId: ctx.settings().terminal.id,
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
        rows: page.rows.map((r) => toRow(r, scope.own)),
        ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
        scope,
      };
    },

    async countAudit(input, call) {
      const { scope } = caller(call);
      const filter = parseFilter(restrict(input.filter, scope));
      // A one-row search brings the search index up to date first (it lags appends by <200 ms).
      ctx.audit.search(filter, { limit: 1 });
      const q = countSql(filter, 'indexed', Number.MAX_SAFE_INTEGER);
      const count = ctx.audit.db
        .prepare(q.sql)
        .pluck()
        .get(...q.params) as number;
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
      return {
        record: scope.own && record.code ? { ...record, code: maskCode(record.code) } : record,
        title: detailText(record, 'title') ?? (record.card_id ? titleOf(record.card_id) : null),
        linked: linked.map((r) => toRow(r, scope.own)),
        masked: scope.own,
      };
    },

    async auditSummary(input, call) {
      const { scope } = caller(call);
      const from = scope.own ? Math.max(input.from, scope.since ?? 0) : input.from;
      const summary: AuditSummary =
        input.to > from
          ? ctx.audit.summary({
              from,
              to: input.to,
              timeZone: ctx.timeZone,
              ...(scope.own && scope.operatorId ? { operatorId: scope.operatorId } : {}),
            })
          : {
              from,
              to: input.to,
              timeZone: ctx.timeZone,
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
      forget(exportJobs);
      for (const job of exportJobs.values()) {
        if (job.operatorId === who.operator.id && job.state === 'running') {
          throw new AppError('invalid_input', 'review.errors.export_running');
        }
      }
      const filter = restrict(input.filter, who.scope);
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
        await fs.mkdir(exportsDir, { recursive: true });
        file = path.join(exportsDir, `${id}.${input.format}`);
      }
      // Written next to the target and renamed at the end: a cancelled or failed export leaves
      // no half file behind (and does not destroy a file it was to replace).
      const part = `${file}.part`;
      const out = createWriteStream(part);
      const job: ExportJob = {
        id,
        operatorId: who.operator.id,
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
      return exportStatusOf(job, who.operator.id);
    },

    async exportStatus(input, call) {
      const who = caller(call);
      return exportStatusOf(exportJob(input.exportId, who), who.operator.id);
    },

    async cancelExport(input, call) {
      const who = caller(call);
      const job = exportJob(input.exportId, who);
      if (job.state === 'running') job.abort.abort();
      return exportStatusOf(job, who.operator.id);
    },

    async takeExportDownload(input) {
      const job = exportJobs.get(input.exportId);
      const valid =
        job?.state === 'done' &&
        job.target === 'download' &&
        job.token !== undefined &&
        job.tokenExpires !== undefined &&
        job.tokenExpires > ctx.now() &&
        job.token.length === input.token.length &&
        timingSafeEqual(Buffer.from(job.token), Buffer.from(input.token));
      if (!job || !valid) throw new AppError('forbidden', 'review.errors.download_gone');
      job.token = undefined; // single use: the host deletes the file once it is sent
      const stat = await fs.stat(job.file).catch(() => undefined);
      if (!stat) throw new AppError('forbidden', 'review.errors.download_gone');
      return {
        file: job.file,
        fileName: job.fileName,
        contentType:
          job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8',
        bytes: stat.size,
      };
    },

    async startVerify(_input, call) {
      const who = caller(call);
      forget(verifyJobs);
      for (const job of verifyJobs.values()) {
        if (job.state === 'running') return verifyStatusOf(job); // one check at a time
      }
      const job: VerifyJob = {
        id: newId(),
        operatorId: who.operator.id,
        state: 'running',
        checked: 0,
        total: 0,
        startedAt: ctx.now(),
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
