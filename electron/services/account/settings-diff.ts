/** What a settings change records: before and after of what changed, secrets masked. */
import { redactValue } from '../../redact';

/**
 * Settings before/after for the audit record, with the values of secret names masked and
 * secrets in texts removed: the terminal's one rule set (electron/redact.ts).
 */
export function maskSecrets(value: unknown): unknown {
  return redactValue(value);
}

/** Only the fields that changed, each as {before, after}. */
export function diff(before: unknown, after: unknown, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const isObj = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      Object.assign(out, diff(before[key], after[key], prefix ? `${prefix}.${key}` : key));
    }
    return out;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out[prefix] = { before, after };
  return out;
}
