/**
 * Owner-only files and folders. The data folder holds full coupon codes (audit.db, its WAL,
 * exports), PIN hashes and encrypted secrets; another account on the till PC must not read
 * them. Folders get 0700 and files 0600, set explicitly: the mode given when creating a file
 * passes through the umask, and an `open` of an existing file keeps the mode it had, so neither
 * is enough alone. Existing files and folders lose their group and other bits.
 *
 * Windows has no POSIX modes (chmod only toggles the read-only flag): there the data folder sits
 * in the user's profile, whose ACL already keeps other users out, and these are no-ops.
 * Plain Node.
 */
import {
  chmodSync,
  closeSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
} from 'node:fs';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

const POSIX = process.platform !== 'win32';

/**
 * Takes group and other bits off `target` if it exists and is not a symbolic link; false if it
 * could not. Owner bits stay as they are: a log someone made read-only must stay read-only
 * (the audit log refuses to start on it, on purpose), so this never adds a permission.
 */
function ownerOnly(target: string): boolean {
  if (!POSIX) return true;
  try {
    const stat = lstatSync(target);
    // chmod follows links: a link planted in the folder must not make us chmod its target.
    if (stat.isSymbolicLink()) return false;
    const mode = stat.mode & 0o777;
    if (mode & 0o077) chmodSync(target, mode & 0o700);
    return true;
  } catch {
    return false;
  }
}

/** Creates `dir` (and its parents) if missing and makes it owner-only. */
export function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  ownerOnly(dir);
}

/** Makes an existing file or folder owner-only; missing ones are fine. */
export function chmodPrivate(file: string): void {
  ownerOnly(file);
}

/**
 * Creates `file` empty and owner-only if it does not exist, so that a library which creates
 * files with its own mode (SQLite: 0644) finds one already there. An existing file is left as
 * it is; other errors are left to whoever opens the file next, which reports them in its words.
 */
export function touchPrivate(file: string): void {
  try {
    const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
    try {
      if (POSIX) fchmodSync(fd, PRIVATE_FILE_MODE);
    } finally {
      closeSync(fd);
    }
  } catch {
    // It exists already, or the folder is missing or read-only: the open that follows says so.
  }
}

/**
 * Makes a folder and everything in it owner-only (0755 folders become 0700, 0644 files 0600),
 * for data folders written by older versions. Links are left alone, and not followed.
 */
export function tightenTree(dir: string, depth = 4): void {
  if (!POSIX) return;
  if (!ownerOnly(dir) || depth === 0) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const entry = path.join(dir, name);
    let isDir: boolean;
    try {
      const stat = lstatSync(entry);
      if (stat.isSymbolicLink()) continue;
      isDir = stat.isDirectory();
    } catch {
      continue; // removed meanwhile
    }
    if (isDir) tightenTree(entry, depth - 1);
    else ownerOnly(entry);
  }
}
