/**
 * The audit log from the command line, without the app, on a copy of a terminal's log:
 *
 *   npm run --silent audit -- verify <file>
 *   npm run --silent audit -- export <file> --format csv|jsonl [--from ISO] [--to ISO]
 *       [--operator ID] [--action A]... [--outcome O]... [--code PREFIX] [--card PREFIX]
 *       [--text TEXT] [--tz ZONE|+08:00] [--out PATH] [--include-training]
 *
 * `--tz` defaults to the store's time zone as the log records it (its latest settings change
 * that names one), else Asia/Shanghai: never the zone of the machine the copy is read on.
 *
 * The file is opened read-only. Exit codes: 0 intact / exported, 1 the chain is broken,
 * 2 the file cannot be used or the arguments are wrong. Messages follow LANG (zh -> Chinese).
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { AuditFilter, VerifyResult } from '../../shared/audit';
import { AppError } from '../../shared/errors';
import { pickLanguage } from '../../shared/i18n';
import messages from '../../shared/i18n/messages/audit';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../../shared/time-zone';
import { openAuditLog, type AuditLog } from './log';

const USAGE = `usage:
  audit verify <file>
  audit export <file> --format csv|jsonl [--from ISO] [--to ISO] [--operator ID]
               [--action A]... [--outcome O]... [--code PREFIX] [--card PREFIX] [--text TEXT]
               [--tz ZONE|+08:00] [--out PATH] [--include-training]
  (records of Sandbox-mode training exercises are left out unless --include-training)`;

const lang = pickLanguage([process.env.LC_ALL, process.env.LC_MESSAGES, process.env.LANG]);
const table = messages[lang] as Record<string, string>;

function say(key: string, params: Record<string, string | number> = {}): string {
  const template = table[key] ?? key;
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
}

class UsageError extends Error {}

function time(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--${name}: not an ISO 8601 date or time: ${value}`);
  return ms;
}

/** '+08:00' / '-05:30' -> minutes; anything else is taken as an IANA zone name. */
function zone(value: string | undefined): { tzOffsetMinutes?: number; timeZone?: string } {
  if (value === undefined) return {};
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (!m) return { timeZone: value };
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return { tzOffsetMinutes: m[1] === '-' ? -minutes : minutes };
}

/**
 * The store's time zone as the terminal last recorded it: a settings change of the zone, or
 * the settings saved at set-up. A log from before the setting existed: the default, as the
 * terminal itself would use.
 */
export function recordedStoreZone(log: Pick<AuditLog, 'search'>): string {
  const { rows } = log.search({ actions: ['settings_change'] }, { limit: 500 });
  for (const r of rows) {
    const d = (r.detail ?? {}) as {
      changes?: { timeZone?: { after?: unknown } };
      after?: { timeZone?: unknown };
    };
    const zone = d.changes?.timeZone?.after ?? d.after?.timeZone;
    if (isTimeZone(zone)) return zone;
  }
  return DEFAULT_TIME_ZONE;
}

function list(values: string[] | undefined): string[] | undefined {
  const flat = values?.flatMap((v) => v.split(',')).filter(Boolean);
  return flat && flat.length ? flat : undefined;
}

function describe(result: VerifyResult): string {
  if (result.ok) {
    const head = result.head ? ` (last record ${result.head.id}, hash ${result.head.hash})` : '';
    const warnings = result.warnings.map((w) => `\n${say(`verify_${w}`)}`).join('');
    return `${say('verify_ok', { count: result.count })}${head}${warnings}`;
  }
  return `${say(`verify_${result.problem}`, { id: result.firstBadId })}\n  ${result.detail}`;
}

async function verify(file: string): Promise<number> {
  const log = openAuditLog(file, { terminalId: 'cli', readonly: true });
  try {
    const result = await log.verify({
      onProgress: (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total}`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r');
    process.stdout.write(`${describe(result)}\n`);
    return result.ok ? 0 : 1;
  } finally {
    log.close();
  }
}

async function exportLog(file: string, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      format: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      operator: { type: 'string' },
      action: { type: 'string', multiple: true },
      outcome: { type: 'string', multiple: true },
      code: { type: 'string' },
      card: { type: 'string' },
      text: { type: 'string' },
      tz: { type: 'string' },
      out: { type: 'string' },
      'include-training': { type: 'boolean' },
    },
  });
  const format = values.format;
  if (format !== 'csv' && format !== 'jsonl')
    throw new UsageError('--format csv|jsonl is required');
  const filter: Record<string, unknown> = {
    from: time(values.from, 'from'),
    to: time(values.to, 'to'),
    operatorId: values.operator,
    actions: list(values.action),
    outcomes: list(values.outcome),
    codePrefix: values.code,
    cardPrefix: values.card,
    text: values.text,
    // Training exercises (Sandbox mode) are no business: out, as in the terminal's exports.
    training: values['include-training'] ? undefined : 'exclude',
  };
  for (const key of Object.keys(filter)) if (filter[key] === undefined) delete filter[key];

  const log = openAuditLog(file, { terminalId: 'cli', readonly: true });
  try {
    const out = values.out ? createWriteStream(values.out) : process.stdout;
    const { rows } = await log.export(out, filter as AuditFilter, format, {
      ...(values.tz === undefined ? { timeZone: recordedStoreZone(log) } : zone(values.tz)),
      onProgress: (done, total) => {
        if (values.out && process.stderr.isTTY) process.stderr.write(`\r${done}/${total}`);
      },
    });
    if (values.out) {
      out.end();
      await finished(out);
      process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${rows} -> ${values.out}\n`);
    }
    return 0;
  } finally {
    log.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv;
  try {
    if (command === 'verify' && file && rest.length === 0) return await verify(file);
    if (command === 'export' && file) return await exportLog(file, rest);
    throw new UsageError(
      command ? `unknown or incomplete command: ${argv.join(' ')}` : 'no command',
    );
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err)) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
    } else if (err instanceof AppError) {
      const key = err.key.startsWith('audit.') ? err.key.slice('audit.'.length) : err.key;
      process.stderr.write(`${say(key, err.params)}\n`);
    } else {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 2;
  },
);
