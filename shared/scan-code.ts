/**
 * What arrives from a scanner, the camera or the keyboard, made into a code the WeChat API can
 * be asked about, or refused with a reason before any call. WeChat codes are digits or letters
 * (usually 12 digits; custom codes up to 64 characters after code/update); an encrypted code
 * (from a merchant page, `encrypt_code`) is base64 and must be decrypted first.
 */
export type NormalisedCode =
  | { kind: 'code'; code: string }
  | { kind: 'encrypted'; encryptCode: string }
  | { kind: 'invalid'; reason: 'empty' | 'too_long' | 'bad_characters' };

export const MAX_CODE_LENGTH = 64;
const MAX_ENCRYPTED_LENGTH = 512;
/** Characters custom codes may use besides letters and digits (the platform allows a few). */
const CODE = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Strips what scanners and clipboards add: whitespace, control and zero-width characters. */
export function cleanScan(raw: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return raw.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/g, '').trim();
}

export function normaliseCode(raw: string): NormalisedCode {
  let text = cleanScan(raw);
  // A QR code from a merchant page may carry a URL with the encrypted code in its query.
  const fromUrl = /[?&]encrypt_code=([^&#\s]+)/.exec(text);
  if (fromUrl?.[1]) {
    try {
      return { kind: 'encrypted', encryptCode: decodeURIComponent(fromUrl[1]) };
    } catch {
      return { kind: 'invalid', reason: 'bad_characters' };
    }
  }
  text = text.replace(/\s+/g, '');
  if (!text) return { kind: 'invalid', reason: 'empty' };
  if (CODE.test(text)) {
    // Long mixed-case strings are encrypted codes in base64url, not codes a person was given.
    const looksEncrypted = text.length >= 32 && /[a-z]/.test(text) && /[A-Z]/.test(text);
    return looksEncrypted ? { kind: 'encrypted', encryptCode: text } : { kind: 'code', code: text };
  }
  if (text.length > MAX_ENCRYPTED_LENGTH || /^\d+$/.test(text)) {
    return { kind: 'invalid', reason: 'too_long' };
  }
  if (text.length >= 16 && (BASE64.test(text) || BASE64URL.test(text))) {
    return { kind: 'encrypted', encryptCode: text };
  }
  if (text.length > MAX_CODE_LENGTH && /^[A-Za-z0-9_-]+$/.test(text)) {
    return { kind: 'invalid', reason: 'too_long' };
  }
  return { kind: 'invalid', reason: 'bad_characters' };
}
