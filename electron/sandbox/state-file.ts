/**
 * The durable state file (`stateFile` / `--state`): the simulator's state on disk, so a
 * sandbox restarted on the same file continues where the last one stopped. That is what a
 * restart test of the terminal needs: "the terminal crashed after WeChat applied the consume"
 * must still be true for WeChat after the restart.
 *
 * Persisted: cards (bodies, status, stock), received codes (status, status_at, unavailable
 * reason, renames), the activity datacube counts, and the applied-writes journal. Not
 * persisted: tokens (a restarted sandbox answers 40001 to old ones, as a client must handle
 * anyway; a file of live tokens would be one more secret on disk), the clock (it starts from
 * startTime again), counters, faults and the request log.
 *
 * Writes are atomic (temp file in the same folder, fsync, rename over, fsync the folder) so a
 * crash or a kill leaves either the old state or the new one, never half a file; mode 0600
 * because it is private test data nobody else on the machine needs to read.
 */
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppliedWriteSchema } from './applied-writes';
import { typeKey } from './card-types';
import { CardBody, describeSeedError, SeedCard, SeedCode, SeedStatsEvent } from './seed-schema';

export const STATE_FILE_FORMAT = 'carddesk-sandbox-state';
export const STATE_FILE_VERSION = 1;

/** A code as stored: the seed's code format, with the moment of its status always known. */
export const StateCode = SeedCode.required({ status_at: true });
export type StateCode = z.infer<typeof StateCode>;

export const SandboxState = z
  .strictObject({
    format: z.literal(STATE_FILE_FORMAT),
    version: z.literal(STATE_FILE_VERSION),
    /** Wall clock of the write (unix ms), for a person looking at the file. */
    saved_at: z.int(),
    /** As in a seed: exactly what card/get returns under "card", plus the owning `appid`. */
    cards: z.array(SeedCard),
    codes: z.array(StateCode),
    /** What datacube counts: receipts, redemptions, gifts, views, activations... */
    activity: z.array(SeedStatsEvent),
    writes: z.array(AppliedWriteSchema),
    next_write_seq: z.int().min(1),
  })
  .superRefine((state, ctx) => {
    const cardIds = new Set<string>();
    state.cards.forEach((card, i) => {
      const parsed = CardBody.safeParse(card[typeKey(card.card_type)]);
      if (!parsed.success) return; // already reported by SeedCard
      const id = parsed.data.base_info.id;
      if (cardIds.has(id))
        ctx.addIssue({ code: 'custom', path: ['cards', i], message: `duplicate card ${id}` });
      cardIds.add(id);
      if (card.appid === undefined)
        ctx.addIssue({ code: 'custom', path: ['cards', i, 'appid'], message: 'appid missing' });
    });
    const codes = new Set<string>();
    state.codes.forEach((code, i) => {
      if (codes.has(code.code))
        ctx.addIssue({ code: 'custom', path: ['codes', i, 'code'], message: 'duplicate code' });
      codes.add(code.code);
      if (!cardIds.has(code.card_id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['codes', i, 'card_id'],
          message: `card ${code.card_id} is not in cards`,
        });
      }
    });
    state.activity.forEach((event, i) => {
      if (!cardIds.has(event.card_id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['activity', i, 'card_id'],
          message: `card ${event.card_id} is not in cards`,
        });
      }
    });
    let last = 0;
    state.writes.forEach((w, i) => {
      if (w.seq <= last || w.seq >= state.next_write_seq) {
        ctx.addIssue({
          code: 'custom',
          path: ['writes', i, 'seq'],
          message: 'seq must increase and stay below next_write_seq',
        });
      }
      last = w.seq;
    });
  });
export type SandboxState = z.infer<typeof SandboxState>;

/** A state file that cannot be loaded or written; the message names the file. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'StateFileError';
  }
}

function unusable(file: string, reason: string): StateFileError {
  return new StateFileError(
    file,
    `sandbox state file ${file} cannot be used: ${reason}\n` +
      `Delete ${file} to start again from the seed (or pass another file).`,
  );
}

/**
 * The state saved in `file`, or undefined when there is no such file (start from the seed).
 * Throws StateFileError for a file that cannot be read, is not JSON, does not match the
 * format, or belongs to cards of an app the seed does not have.
 */
export function readStateFile(file: string, appids: readonly string[]): SandboxState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unusable(file, `it cannot be read (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw unusable(file, `it is not valid JSON (${(err as Error).message})`);
  }
  const parsed = SandboxState.safeParse(json);
  if (!parsed.success) {
    throw unusable(
      file,
      `it is not a sandbox state file of version ${STATE_FILE_VERSION}:\n${describeSeedError(parsed.error)}`,
    );
  }
  const known = new Set(appids);
  const foreign = parsed.data.cards.find((c) => c.appid !== undefined && !known.has(c.appid));
  if (foreign) {
    throw unusable(
      file,
      `it holds cards of app ${foreign.appid ?? ''}, which the seed does not have (written with another seed?)`,
    );
  }
  return parsed.data;
}

let tempCounter = 0;

/** Folder fsync errors that only mean "this OS or file system does not do that". */
const DIR_SYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM', 'EACCES']);

function syncFolder(dir: string): void {
  // Windows cannot open a folder for fsync; NTFS makes the rename durable by itself.
  if (process.platform === 'win32') return;
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (err) {
    if (DIR_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) return;
    throw err;
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    if (!DIR_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `file` with `state`, atomically and durably, mode 0600. Synchronous on purpose:
 * the write happens inside the handling of the request that changed the state, before its
 * answer, and nothing else may change the state in between. Throws StateFileError.
 */
export function writeStateFile(file: string, state: SandboxState): void {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++tempCounter}.tmp`);
  const text = `${JSON.stringify(state, null, 2)}\n`;
  try {
    const fd = openSync(temp, 'w', 0o600);
    try {
      // The mode of openSync applies only to a new file and passes through the umask.
      fchmodSync(fd, 0o600);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    syncFolder(dir);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // Never created, or already renamed: nothing to clean up.
    }
    throw new StateFileError(
      file,
      `cannot write sandbox state file ${file}: ${(err as Error).message}`,
    );
  }
}
