/**
 * The app's own log: a text file in the data folder, rotated by size (carddesk.log, .1 ... .N),
 * for the IT person. Plain Node. Lines pass through `redact` (electron/redact.ts, the rule set
 * audit records and error texts use too) so a token, secret or PIN that slipped into an error
 * message never reaches the disk. The folder is 0700 and the files 0600: errors can name codes.
 */
import { appendFileSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { chmodPrivate, mkdirPrivate, PRIVATE_FILE_MODE } from './private-files';
import { redact } from './redact';

export { redact };

export interface LogFileOptions {
  dir: string;
  name?: string;
  maxBytes?: number;
  keep?: number;
  now?: () => Date;
}

export class LogFile {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;

  constructor(opts: LogFileOptions) {
    mkdirPrivate(opts.dir);
    this.file = path.join(opts.dir, opts.name ?? 'carddesk.log');
    // Files an older version wrote with 0644, the rotated ones included.
    const base = path.basename(this.file);
    try {
      for (const name of readdirSync(opts.dir)) {
        if (name === base || name.startsWith(`${base}.`)) chmodPrivate(path.join(opts.dir, name));
      }
    } catch {
      // An unreadable folder: writing will fail quietly too.
    }
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
      // The mode applies when the file is created (after a rotation, say).
      appendFileSync(this.file, line.replace(/\n/g, '\n    ') + '\n', { mode: PRIVATE_FILE_MODE });
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
