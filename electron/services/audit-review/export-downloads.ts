/**
 * The browser host's audit exports between "done" and "downloaded": temporary files in
 * `<data folder>/exports/` (folder 0700, files 0600: they hold codes), each offered once to a
 * one-time token (32 random bytes, 10 minutes) that only the operator who made the export sees.
 *
 * Handing the file over stays inside the host: the browser host's download route calls `take`
 * directly, never through the contract, so a page (or a process that read the page's secret)
 * can neither learn a file path nor keep a file alive. Every file is deleted exactly when it
 * stops being useful:
 * - taken: when the stream `take` returns closes, whether the transfer finished or the client
 *   went away (the stream's file handle closes with it);
 * - never taken: when its token expires (a timer, and a sweep on every use, so a clock that
 *   jumps ahead expires it too);
 * - left by a crash or a stop: at the next start, which empties the folder.
 * Plain Node.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { mkdirPrivate } from '../../private-files';

/** How long a finished download waits for its one use. */
export const DOWNLOAD_TTL_MS = 10 * 60_000;

export interface ExportDownload {
  /** The name the browser saves the file under. */
  fileName: string;
  contentType: string;
  bytes: number;
  /**
   * The file's content. Pipe it (stream/promises pipeline) or destroy it: when it closes, sent
   * or not, its handle is closed and the file deleted.
   */
  stream: Readable;
}

/** What the browser host's download route may do: trade a token for the file, once. */
export interface ExportDownloads {
  /** Undefined for an unknown export, a wrong, used or expired token, or a file gone meanwhile. */
  take(exportId: string, token: string): Promise<ExportDownload | undefined>;
}

interface Offer {
  file: string;
  fileName: string;
  contentType: string;
  token: string;
  expires: number;
  timer: ReturnType<typeof setTimeout>;
}

export interface ExportDownloadStore extends ExportDownloads {
  /** The path a download's file is written to (its folder created, owner only). */
  pathFor(exportId: string, format: 'csv' | 'jsonl'): Promise<string>;
  /** Offers a finished file once; returns its token and when it expires. */
  offer(
    exportId: string,
    file: string,
    meta: { fileName: string; contentType: string },
  ): { token: string; expires: number };
  /** The token of a download still waiting to be taken. */
  pending(exportId: string): { token: string; expires: number } | undefined;
  /** Takes an offer back and deletes its file (its token is worthless from then on). */
  revoke(exportId: string): void;
  /** Deletes every file not yet taken (and forgets its token). */
  close(): void;
}

const sameToken = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function createExportDownloads(opts: {
  dir: string;
  now: () => number;
  ttlMs?: number;
}): ExportDownloadStore {
  const { dir, now } = opts;
  const ttl = opts.ttlMs ?? DOWNLOAD_TTL_MS;
  // Downloads never taken before the last stop: nobody can ask for them any more.
  rmSync(dir, { recursive: true, force: true });
  const offers = new Map<string, Offer>();

  const remove = (file: string) => fs.rm(file, { force: true }).catch(() => {});

  function withdraw(exportId: string): Offer | undefined {
    const offer = offers.get(exportId);
    if (!offer) return undefined;
    offers.delete(exportId);
    clearTimeout(offer.timer);
    return offer;
  }

  /** Expired offers go with their files, whoever asks next (the timer may not have run yet). */
  function sweep() {
    const t = now();
    for (const [id, offer] of offers) {
      if (offer.expires <= t) {
        withdraw(id);
        void remove(offer.file);
      }
    }
  }

  return {
    async pathFor(exportId, format) {
      mkdirPrivate(dir);
      return path.join(dir, `${exportId}.${format}`);
    },

    offer(exportId, file, meta) {
      sweep();
      withdraw(exportId);
      const token = randomBytes(32).toString('base64url');
      const expires = now() + ttl;
      const timer = setTimeout(() => {
        if (offers.get(exportId)?.token !== token) return;
        withdraw(exportId);
        void remove(file);
      }, ttl);
      timer.unref?.();
      offers.set(exportId, { file, ...meta, token, expires, timer });
      return { token, expires };
    },

    pending(exportId) {
      sweep();
      const offer = offers.get(exportId);
      return offer ? { token: offer.token, expires: offer.expires } : undefined;
    },

    async take(exportId, token) {
      sweep();
      const offer = offers.get(exportId);
      if (!offer || !sameToken(offer.token, token)) return undefined;
      // Single use, decided before anything is awaited: a second request with the same token,
      // however close behind, finds nothing.
      withdraw(exportId);
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(offer.file, 'r');
      } catch {
        return undefined;
      }
      let bytes: number;
      try {
        bytes = (await handle.stat()).size;
      } catch {
        await handle.close().catch(() => {});
        void remove(offer.file);
        return undefined;
      }
      // autoClose: the handle closes when the stream ends or is destroyed (a client that went
      // away); only then is the file deleted (Windows cannot delete an open file).
      const stream = handle.createReadStream({ autoClose: true });
      stream.once('close', () => void remove(offer.file));
      return { fileName: offer.fileName, contentType: offer.contentType, bytes, stream };
    },

    revoke(exportId) {
      const offer = withdraw(exportId);
      if (offer) void remove(offer.file);
    },

    close() {
      for (const id of [...offers.keys()]) {
        const offer = withdraw(id);
        if (offer) rmSync(offer.file, { force: true });
      }
    },
  };
}
