/**
 * The app's own log: a text file in the data folder, rotated by size (carddesk.log, .1 ... .N),
 * for the IT person. Plain Node. Lines pass through `redact` so a token, secret or PIN that
 * slipped into an error message never reaches the disk.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';

export interface LogFileOptions {
  dir: string;
  name?: string;
  maxBytes?: number;
  keep?: number;
  now?: () => Date;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/(Bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, '$1***'],
  [/(access_token=)[^&\s"']+/gi, '$1***'],
  [
    /(["']?(?:secret|appsecret|app_secret|access_token|token|pin|password|authorization)["']?\s*[:=]\s*["']?)(?!Bearer\b)[^"',\s}]+/gi,
    '$1***',
  ],
];

export function redact(text: string): string {
  return SECRET_PATTERNS.reduce((t, [re, rep]) => t.replace(re, rep), text);
}

export class LogFile {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;

  constructor(opts: LogFileOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.file = path.join(opts.dir, opts.name ?? 'carddesk.log');
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
    this.keep = opts.keep ?? 5;
    this.now = opts.now ?? (() => new Date());
  }

  private rotate() {
    const size = existsSync(this.file) ? statSync(this.file).size : 0;
    if (size < this.maxBytes) return;
    rmSync(`${this.file}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    }
    renameSync(this.file, `${this.file}.1`);
  }

  write(level: 'info' | 'warn' | 'error', message: string, ...extra: unknown[]) {
    const rest = extra.map((x) =>
      typeof x === 'string' ? x : inspect(x, { depth: 4, breakLength: Infinity }),
    );
    const line = redact(
      `${this.now().toISOString()} ${level.toUpperCase()} ${[message, ...rest].join(' ')}`,
    );
    try {
      this.rotate();
      appendFileSync(this.file, line.replace(/\n/g, '\n    ') + '\n');
    } catch {
      // A log that cannot be written must not take the terminal down with it.
    }
  }

  info(message: string, ...extra: unknown[]) {
    this.write('info', message, ...extra);
  }
  warn(message: string, ...extra: unknown[]) {
    this.write('warn', message, ...extra);
  }
  error(message: string, ...extra: unknown[]) {
    this.write('error', message, ...extra);
  }
}
