/**
 * code/update of a custom code: the new code is what the platform takes (new_code string(64):
 * 1-64 printable ASCII characters, no spaces) and differs from the old one. The old code is
 * checked with code/get (with the card id) before anything is sent.
 */
export type NewCodeProblem = 'required' | 'too_long' | 'not_printable' | 'same_as_old';

export const MAX_CODE_LENGTH = 64;

export function checkNewCode(oldCode: string, newCode: string): NewCodeProblem | undefined {
  if (newCode === '') return 'required';
  if (newCode.length > MAX_CODE_LENGTH) return 'too_long';
  if (!/^[\x21-\x7e]+$/.test(newCode)) return 'not_printable';
  if (newCode === oldCode.trim()) return 'same_as_old';
  return undefined;
}

/** The old code as typed: trimmed, 1-64 printable ASCII characters. */
export function isPlausibleCode(code: string): boolean {
  return /^[\x21-\x7e]{1,64}$/.test(code);
}
