/**
 * Starting a terminal over without losing its history: removes what makes it "set up" (its
 * operators, settings, secrets and the caches derived from them) and keeps the audit log, with
 * its hash chain, in which the reset is recorded before anything is removed. The only way back
 * to the set-up wizard once operators exist (issue 16: a wizard reopened by a missing file
 * would hand out a manager session). Run by IT with CardDesk stopped (reset-terminal.ts).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Settings } from '../../../shared/settings';
import { openAuditLog } from '../../audit';
import { readJsonFile } from '../json-file';
import { UNKNOWN_IDS_FILE } from './operators';
import { SANDBOX_STATE_FILE } from '../wechat-connection';

export const AUDIT_FILE = 'audit.db';

/** What a reset removes: the operators, settings, secrets (and their key) and caches. */
function isResetFile(name: string): boolean {
  return (
    [
      'operators.json',
      UNKNOWN_IDS_FILE,
      'settings.json',
      'secrets.json',
      'secret.key',
      SANDBOX_STATE_FILE,
    ].includes(name) ||
    /^settings\.json\.broken-\d+$/.test(name) ||
    /^token-.+\.bin$/.test(name)
  );
}

export interface ResetOutcome {
  /** The files removed, by name. */
  removed: string[];
  /** Redemptions and refunds that were still open (they stay in the log's writes table). */
  openWrites: number;
  /** The id of the audit record that says the terminal was reset. */
  recordId: number;
}

export class NotADataFolder extends Error {}

/** The files a reset of `dataDir` would remove (for the confirmation question). */
export function filesToReset(dataDir: string): string[] {
  if (!existsSync(dataDir)) throw new NotADataFolder(dataDir);
  const names = readdirSync(dataDir).filter(isResetFile).sort();
  if (names.length === 0 && !existsSync(path.join(dataDir, AUDIT_FILE))) {
    throw new NotADataFolder(dataDir);
  }
  return names;
}

export function resetTerminal(
  dataDir: string,
  opts: { now?: () => number; by?: string } = {},
): ResetOutcome {
  const removed = filesToReset(dataDir);
  const settings = readJsonFile(path.join(dataDir, 'settings.json'));
  const parsed = settings.state === 'ok' ? Settings.safeParse(settings.value) : undefined;
  const terminalId = parsed?.success ? parsed.data.terminal.id : 'UNCONFIGURED';
  const log = openAuditLog(path.join(dataDir, AUDIT_FILE), {
    terminalId,
    ...(opts.now ? { now: opts.now } : {}),
  });
  let outcome: ResetOutcome;
  try {
    const openWrites = log.db
      .prepare(
        `SELECT count(*) FROM writes WHERE state IN ('queued', 'checking', 'sending', 'settling')`,
      )
      .pluck()
      .get() as number;
    // Recorded first: if the log cannot be written, nothing is removed.
    const record = log.append({
      action: 'terminal_reset',
      outcome: 'ok',
      detail: {
        removed,
        kept: [AUDIT_FILE],
        open_writes: openWrites,
        by: opts.by ?? `${os.userInfo().username}@${os.hostname()}`,
      },
    });
    outcome = { removed, openWrites, recordId: record.id };
  } finally {
    log.close();
  }
  for (const name of removed) rmSync(path.join(dataDir, name), { force: true });
  return outcome;
}
