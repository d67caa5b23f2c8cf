/**
 * `npm run reset-terminal` as IT runs it (electron/reset-terminal.ts, through tsx): it asks
 * before removing anything, refuses a folder that is not a terminal's, and keeps audit.db.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAuditLog } from '../../../electron/audit';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function run(args: string[]) {
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      'electron/reset-terminal.ts',
      ...args,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LANG: 'en_US.UTF-8' }, input: '' },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A data folder as a set-up terminal leaves it (the files' contents do not matter here). */
function dataFolder() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-reset-'));
  for (const f of [
    'operators.json',
    'settings.json',
    'secrets.json',
    'secret.key',
    'token-stable_token-wx1.bin',
    'window.json',
  ]) {
    writeFileSync(path.join(dir, f), '{}');
  }
  const log = openAuditLog(path.join(dir, 'audit.db'), { terminalId: 'T-1' });
  log.append({ action: 'sign_in', outcome: 'ok', operator_id: 'boss' });
  log.close();
  return dir;
}

describe('npm run reset-terminal', () => {
  it('without --yes and nobody to ask, removes nothing', () => {
    const dir = dataFolder();
    const r = run(['--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('add --yes');
    expect(existsSync(path.join(dir, 'operators.json'))).toBe(true);
  });

  it('with --yes, removes operators, settings, secrets and caches, keeps the log and the window', async () => {
    const dir = dataFolder();
    const r = run(['--data-dir', dir, '--yes']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('recorded as audit record 2');
    expect(
      readdirSync(dir)
        .filter((f) => !f.startsWith('audit.db'))
        .sort(),
    ).toEqual(['window.json']);
    const log = openAuditLog(path.join(dir, 'audit.db'), { terminalId: 'T-1', readonly: true });
    expect(log.get(2)).toMatchObject({
      action: 'terminal_reset',
      detail: expect.objectContaining({
        removed: [
          'operators.json',
          'secret.key',
          'secrets.json',
          'settings.json',
          'token-stable_token-wx1.bin',
        ],
      }),
    });
    expect(await log.verify()).toMatchObject({ ok: true, count: 2 });
    log.close();
  });

  it('refuses a folder that is not a terminal’s, and wrong arguments', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'carddesk-reset-'));
    writeFileSync(path.join(empty, 'notes.txt'), 'mine');
    const r = run(['--data-dir', empty, '--yes']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('not a CardDesk data folder');
    expect(readdirSync(empty)).toEqual(['notes.txt']);
    expect(run([]).code).toBe(2);
    expect(run(['--data-dir', empty, '--force']).code).toBe(2);
  });
});
