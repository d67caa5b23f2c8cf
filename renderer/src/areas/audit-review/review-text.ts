/**
 * Counts, durations and names on the review screens, in the operator's language (their dates
 * and times: kit/date-time.ts, in the terminal's time zone from reviewInfo).
 */
import type { TFunction } from 'i18next';
import i18next from 'i18next';

export function count(n: number, lang: string): string {
  return new Intl.NumberFormat(lang).format(n);
}

export function duration(ms: number | null, t: TFunction): string {
  if (ms === null) return '';
  if (ms < 1000) return t('review.duration.ms', { ms });
  return t('review.duration.s', { s: (ms / 1000).toFixed(ms < 10_000 ? 2 : 1) });
}

/** A known action's name; an extension's own snake_case name otherwise. */
export function actionName(action: string, t: TFunction): string {
  const key = `review.actions.${action}`;
  return i18next.exists(key) ? t(key) : action;
}

export function outcomeName(outcome: string, t: TFunction): string {
  const key = `review.outcomes.${outcome}`;
  return i18next.exists(key) ? t(key) : outcome;
}

/** The icon that goes with an outcome's colour, so colour is never the only signal. */
export const OUTCOME_ICON: Record<string, string> = {
  ok: '✓',
  settled: '✓',
  rejected: '✕',
  failed: '?',
  unknown: '?',
  warning: '!',
  neutral: '?',
  pending: '…',
  queued: '⏲',
  cancelled: '–',
};

/** The translated meaning of a WeChat errcode, if CardDesk knows it. */
export function errcodeMeaning(errcode: number | null, t: TFunction): string | undefined {
  if (errcode === null || errcode === 0) return undefined;
  const key = `wechat.errcode_${errcode}`;
  return i18next.exists(key) ? t(key, { errcode, call: '' }) : undefined;
}

/**
 * Our words for a reason of the summary: the errcode's meaning, else the terminal's own
 * reason key (an error key, a verdict kind, an invalid-scan key), else nothing (the caller
 * shows WeChat's sample message).
 */
export function reasonMeaning(
  r: { errcode: number | null; reason: string | null },
  t: TFunction,
): string | undefined {
  const byCode = errcodeMeaning(r.errcode, t);
  if (byCode) return byCode;
  const key = r.reason;
  if (!key) return undefined;
  for (const k of [key, `verdict.title.${key}`, `review.summary.reasonKeys.${key}`]) {
    if (i18next.exists(k)) return t(k, { errcode: r.errcode ?? '', call: '' });
  }
  return undefined;
}
