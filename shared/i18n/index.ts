/**
 * All user-visible strings, English and Chinese, gathered from the per-area modules under
 * messages/. Both hosts and the renderer use these resources with i18next.
 */
import audit from './messages/audit';
import camera from './messages/camera';
import errors from './messages/errors';
import headOffice from './messages/head-office';
import settings from './messages/settings';
import office from './messages/office';
import refunds from './messages/refunds';
import review from './messages/review';
import setup from './messages/setup';
import timeZone from './messages/time-zone';
import ui from './messages/ui';
import verdict from './messages/verdict';
import wechat from './messages/wechat';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const areas = {
  audit,
  errors,
  ui,
  verdict,
  setup,
  settings,
  wechat,
  refunds,
  review,
  office,
  camera,
  timeZone,
  headOffice,
} as const;

type Area = keyof typeof areas;

function gather(lang: Language) {
  return Object.fromEntries(
    (Object.keys(areas) as Area[]).map((area) => [area, areas[area][lang]]),
  );
}

export const resources = {
  en: { translation: gather('en') },
  'zh-CN': { translation: gather('zh-CN') },
};

/** Chinese for any Chinese locale (zh, zh-CN, zh-Hans, zh-TW...), English otherwise. */
export function pickLanguage(locales: readonly (string | undefined)[]): Language {
  for (const locale of locales) {
    if (!locale) continue;
    if (/^zh([-_]|$)/i.test(locale)) return 'zh-CN';
    if (/^en([-_]|$)/i.test(locale)) return 'en';
  }
  return 'en';
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
