/**
 * Dates, durations and names on the review screens: always in the terminal's time zone (from
 * reviewInfo), in the operator's language.
 */
import type { TFunction } from 'i18next';
import i18next from 'i18next';

const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: string, timeZone: string, opts: Intl.DateTimeFormatOptions) {
  const key = `${lang}|${timeZone}|${JSON.stringify(opts)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { timeZone, hourCycle: 'h23', ...opts });
    formats.set(key, f);
  }
  return f;
}

/** 2024-05-01 14:03:27 (with the locale's separators). */
export function dateTimeIn(ms: number, lang: string, timeZone: string, seconds = true): string {
  return format(lang, timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
  }).format(ms);
}

export function dateIn(ms: number, lang: string, timeZone: string): string {
  return format(lang, timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
  }).format(ms);
}

/** 14:00 */
export function hourIn(ms: number, lang: string, timeZone: string): string {
  return format(lang, timeZone, { hour: '2-digit', minute: '2-digit' }).format(ms);
}

/** 05/01 14:00, for hours of a range longer than a day. */
export function dayHourIn(ms: number, lang: string, timeZone: string): string {
  return format(lang, timeZone, {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms);
}

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
  failed: '!',
  unknown: '?',
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
