/** The command line, run as `npm run audit -- ...` runs it, on a copy of a terminal's log. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clock, fill, open, ROOT, tamper, tempDir, tempFile } from './helpers';

const T0 = Date.UTC(2024, 4, 1, 1, 0, 0);

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/audit/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', ...env },
    timeout: 20_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function terminalLog(): string {
  const file = tempFile();
  const log = open(file, { now: clock(T0) });
  fill(log, 12, (i) => ({
    outcome: i % 4 === 0 ? 'rejected' : 'ok',
    errmsg: i % 4 === 0 ? '卡券已过期, "expired"' : null,
  }));
  log.close();
  // Work on a copy, as a supervisor would with a terminal's log.
  const copy = path.join(tempDir(), 'copy-of-terminal.db');
  copyFileSync(file, copy);
  return copy;
}

describe('npm run audit', () => {
  it('verify: prints intact and the count, exit code 0', () => {
    const file = terminalLog();
    const r = cli(['verify', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^The audit log is intact: 12 records checked\. \(last record 12, hash [0-9a-f]{64}\)\n$/,
    );
    const zh = cli(['verify', file], { LANG: 'zh_CN.UTF-8' });
    expect(zh.out).toMatch(/^审计日志完整：已检查 12 条记录。/);
  });

  it('verify: prints the first broken record, exit code 1', () => {
    const file = terminalLog();
    tamper(file, `UPDATE audit SET outcome = 'ok' WHERE id = 5`);
    const r = cli(['verify', file]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      'Record 5 was changed after it was written (or written by something other than CardDesk).\n' +
        '  record 5 does not match its hash (changed or forged)\n',
    );
  });

  it('export: CSV to stdout, filtered', () => {
    const file = terminalLog();
    const r = cli(['export', file, '--format', 'csv', '--outcome', 'rejected', '--tz', '+08:00']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\r\n');
    expect(lines[0]!.startsWith('\uFEFFid,ts,time_utc,time_local,')).toBe(true);
    expect(lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual(['1', '5', '9']);
    expect(lines[1]).toContain(',2024-05-01 01:00:00.000,2024-05-01 09:00:00.000,');
    expect(lines[1]).toContain(',"卡券已过期, ""expired""",');
  });

  it('export: local times in the store’s zone as the log records it, never the machine’s', () => {
    // No settings change names a zone (a log from before the setting): Asia/Shanghai.
    const file = terminalLog();
    const before = cli(['export', file, '--format', 'csv', '--outcome', 'rejected'], {
      TZ: 'America/New_York',
    });
    expect(before.code).toBe(0);
    expect(before.out.split('\r\n')[1]).toContain(
      ',2024-05-01 01:00:00.000,2024-05-01 09:00:00.000,',
    );
    // The manager moved the store to London (summer time in May: UTC+1).
    const moved = tempFile();
    const log = open(moved, { now: clock(T0) });
    fill(log, 2);
    log.append({
      action: 'settings_change',
      outcome: 'ok',
      operator_id: 'boss',
      detail: { changes: { timeZone: { before: 'Asia/Shanghai', after: 'Europe/London' } } },
    });
    log.close();
    const r = cli(['export', moved, '--format', 'csv', '--action', 'lookup'], {
      TZ: 'America/New_York',
    });
    expect(r.code).toBe(0);
    expect(r.out.split('\r\n')[1]).toContain(',2024-05-01 01:00:00.000,2024-05-01 02:00:00.000,');
  });

  it('export: JSON Lines to a file, by time range and operator', () => {
    const file = terminalLog();
    const out = path.join(tempDir(), 'export.jsonl');
    const r = cli([
      'export',
      file,
      '--format',
      'jsonl',
      '--from',
      '2024-05-01T01:03:00Z',
      '--to',
      '2024-05-01T09:08:00+08:00',
      '--operator',
      'op1',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(`2 -> ${out}\n`);
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; operator_id: string });
    expect(rows.map((x) => [x.id, x.operator_id])).toEqual([
      [5, 'op1'],
      [8, 'op1'],
    ]);
  });

  it('export: training records (Sandbox-mode exercises) only with --include-training', () => {
    const file = tempFile();
    const log = open(file, { now: clock(T0) });
    fill(log, 6, (i) => (i % 3 === 1 ? { detail: { training: true } } : {}));
    log.close();
    const ids = (args: string[]) =>
      cli(['export', file, '--format', 'jsonl', ...args])
        .out.trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids([])).toEqual([1, 3, 4, 6]);
    expect(ids(['--include-training'])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('says what is wrong with a file or the arguments, exit code 2', () => {
    const notes = tempFile('notes.txt');
    writeFileSync(notes, 'not a database');
    const bad = cli(['verify', notes]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      `The file ${notes} is not a CardDesk audit log. CardDesk did not change it; choose another file or move it away.\n`,
    );
    const missing = cli(['verify', path.join(tempDir(), 'missing.db')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/does not exist/);
    const file = terminalLog();
    expect(cli(['export', file]).err).toMatch(/--format csv\|jsonl is required\nusage:/);
    expect(cli(['export', file, '--format', 'csv', '--from', 'last tuesday']).err).toMatch(
      /not an ISO 8601/,
    );
    expect(cli(['export', file, '--format', 'csv', '--outcome', 'maybe']).err).toMatch(
      /^The audit search was not valid: outcomes/,
    );
    expect(cli(['frobnicate']).code).toBe(2);
  });
});
