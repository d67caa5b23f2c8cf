/**
 * The sandbox's stand-in for WeChat's encrypt_code (what a coupon's "use" link carries).
 * The platform's scheme is private, so the sandbox defines its own: deterministic
 * AES-256-CBC with a synthetic IV (HMAC of the code), keyed per app, as standard base64 of
 * IV || ciphertext. Deterministic so demos and tests can print a fixed encrypted code; the IV
 * check makes any tampered or foreign input fail like an invalid code does on the platform.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  timingSafeEqual,
} from 'node:crypto';

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function keyFor(appid: string, secret: string): Buffer {
  return createHash('sha256').update(`carddesk-sandbox-encrypt:${appid}:${secret}`).digest();
}

function ivFor(key: Buffer, code: string): Buffer {
  return createHmac('sha256', key).update(code).digest().subarray(0, 16);
}

export function encryptCode(code: string, appid: string, secret: string): string {
  const key = keyFor(appid, secret);
  const iv = ivFor(key, code);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ct = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ct]).toString('base64');
}

/** The code, or undefined for anything this app did not encrypt (including URL-encoded input). */
export function decryptCode(encrypted: string, appid: string, secret: string): string | undefined {
  if (!STANDARD_BASE64.test(encrypted)) return undefined;
  const raw = Buffer.from(encrypted, 'base64');
  if (raw.length < 32 || raw.length % 16 !== 0) return undefined;
  const key = keyFor(appid, secret);
  const iv = raw.subarray(0, 16);
  let code: string;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    code = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
  return timingSafeEqual(ivFor(key, code), iv) ? code : undefined;
}
