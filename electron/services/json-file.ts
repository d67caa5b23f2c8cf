import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Writes a file so that a crash or power cut leaves either the old or the new content, never
 * half of each: write a temporary file, flush it to disk, rename it over the old one, flush
 * the folder. The file gets `mode` (0600: settings, operators' PIN hashes, secrets) whatever the
 * umask, and also when a temporary file left by a crash already existed with another mode.
 */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    // openSync's mode applies only to a new file, through the umask; Windows has no modes.
    if (process.platform !== 'win32') fchmodSync(fd, mode);
    writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const dir = openSync(path.dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Folders cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}

export type ReadJson =
  { state: 'missing' } | { state: 'ok'; value: unknown } | { state: 'broken'; reason: string };

export function readJsonFile(file: string): ReadJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'broken', reason: `cannot read: ${(err as Error).message}` };
  }
  try {
    return { state: 'ok', value: JSON.parse(text) as unknown };
  } catch (err) {
    return { state: 'broken', reason: `not valid JSON: ${(err as Error).message}` };
  }
}
