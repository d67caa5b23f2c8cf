/**
 * Secrets (AppSecret, token-service credentials, the cached access token) encrypted at rest.
 * The protector is injected: Electron's safeStorage (the OS key store) in the app, a key file
 * readable only by the user in the browser host. The renderer can set a secret and learn
 * whether one is set, never read it: nothing here is reachable through the contract.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { SecretName } from '../../../shared/settings';
import { chmodPrivate } from '../../private-files';
import { readJsonFile, writeFileAtomic } from '../json-file';

export interface SecretProtector {
  kind: 'os-keystore' | 'key-file';
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

/** AES-256-GCM with a random key kept in a file with mode 0600 (owner only). */
export function createKeyFileProtector(keyFile: string): SecretProtector {
  let key: Buffer;
  if (existsSync(keyFile)) {
    key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`the key file ${keyFile} is damaged`);
  } else {
    key = randomBytes(32);
    writeFileAtomic(keyFile, key.toString('base64'), 0o600);
  }
  // A key file an older version left readable by others (0644). Windows has no modes; the file
  // sits in the user's profile there.
  chmodPrivate(keyFile);
  return {
    kind: 'key-file',
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

export interface SecretStore {
  readonly kind: SecretProtector['kind'];
  /** Goes up with every set(): whoever derives something from the secrets knows when to redo it. */
  readonly version: number;
  get(name: SecretName): string | undefined;
  has(name: SecretName): boolean;
  set(name: SecretName, value: string | undefined): void;
}

export function createSecretStore(file: string, protector: SecretProtector): SecretStore {
  chmodPrivate(file); // written 0600 from here on; an older version's file may be 0644
  const read = (): Record<string, string> => {
    const r = readJsonFile(file);
    if (r.state !== 'ok' || typeof r.value !== 'object' || r.value === null) return {};
    return Object.fromEntries(
      Object.entries(r.value as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    );
  };
  let version = 0;
  return {
    kind: protector.kind,
    get version() {
      return version;
    },
    get(name) {
      const blob = read()[name];
      if (!blob) return undefined;
      try {
        return protector.decrypt(Buffer.from(blob, 'base64'));
      } catch {
        return undefined; // a key store reset makes old secrets unreadable: treat as not set
      }
    },
    has(name) {
      return this.get(name) !== undefined;
    },
    set(name, value) {
      const all = read();
      if (value === undefined || value === '') delete all[name];
      else all[name] = protector.encrypt(value).toString('base64');
      try {
        writeFileAtomic(file, JSON.stringify(all, null, 2), 0o600);
      } finally {
        version++; // even a failed write may have replaced the file
      }
    },
  };
}
