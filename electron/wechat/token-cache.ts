/**
 * Where a token provider keeps its token between calls and across restarts, so a restart
 * does not fetch a new token (with the classic endpoint that would knock out the previous
 * one after its grace period, and every fetch counts against the daily quota).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface CachedToken {
  token: string;
  /** Unix ms, on the provider's clock. */
  expiresAt: number;
  /** Which AppID and endpoint the token is for; a provider ignores another scope's token. */
  scope?: string;
}

export interface TokenCache {
  load(): CachedToken | undefined;
  save(t: CachedToken | undefined): void;
}

/** Encrypts the cached token at rest (Electron safeStorage, or a key-file protector). */
export interface TokenProtector {
  encrypt(plain: string): Buffer;
  decrypt(b: Buffer): string;
}

const CachedTokenSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.number(),
  scope: z.string().optional(),
});

const FileSchema = z.union([
  z.object({ v: z.literal(1), encrypted: z.string() }),
  z.object({ v: z.literal(1), plain: CachedTokenSchema }),
]);

export function createMemoryTokenCache(): TokenCache {
  let value: CachedToken | undefined;
  return {
    load: () => (value ? { ...value } : undefined),
    save: (t) => {
      value = t ? { ...t } : undefined;
    },
  };
}

/**
 * A JSON file, readable by its owner only, written atomically (a crash leaves the old token
 * or the new one). With a protector the token is stored encrypted. A missing, damaged or
 * undecryptable file reads as empty: the provider then fetches a new token.
 */
export function createFileTokenCache(file: string, protect?: TokenProtector): TokenCache {
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const stored = FileSchema.parse(JSON.parse(text));
        if ('plain' in stored) return protect ? undefined : stored.plain;
        if (!protect) return undefined;
        const plain = protect.decrypt(Buffer.from(stored.encrypted, 'base64'));
        return CachedTokenSchema.parse(JSON.parse(plain));
      } catch {
        return undefined;
      }
    },
    save(t) {
      if (!t) {
        rmSync(file, { force: true });
        return;
      }
      const record = CachedTokenSchema.parse(t);
      const stored = protect
        ? { v: 1, encrypted: protect.encrypt(JSON.stringify(record)).toString('base64') }
        : { v: 1, plain: record };
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(stored), { mode: 0o600 });
      renameSync(tmp, file);
    },
  };
}
