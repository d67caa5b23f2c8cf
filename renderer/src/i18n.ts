import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLanguage, pickLanguage, resources, type Language } from '../../shared/i18n';
import type { ErrorInfo } from '../../shared/errors';
import { storeZone, timeOfDay } from './kit/date-time';

const STORAGE_KEY = 'carddesk.language';

/**
 * The operator's choice on this screen if made, else the terminal's saved language (the
 * wizard's and Settings' choice: the browser host's address, and so its storage, can change
 * from one start to the next), else the OS locale: Electron reports it from the main process;
 * in the browser host the browser's own languages are the user's OS setting.
 */
export function initialLanguage(
  info: {
    host: 'electron' | 'browser';
    osLocale: string;
  },
  terminal?: Language,
): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  if (terminal) return terminal;
  return pickLanguage(
    info.host === 'electron'
      ? [info.osLocale, ...navigator.languages]
      : [...navigator.languages, info.osLocale],
  );
}

export async function initI18n(lang: Language) {
  await i18next.use(initReactI18next).init({
    resources,
    lng: lang,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  // `{{until, time}}` in a message: a time of day of a millisecond timestamp (a lock's end),
  // in the store's time zone.
  i18next.services.formatter?.add('time', (value: unknown, lng: string | undefined) =>
    typeof value === 'number' ? timeOfDay(value, lng ?? lang, storeZone()) : String(value),
  );
  document.documentElement.lang = lang;
  return i18next;
}

export async function setLanguage(lang: Language) {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  await i18next.changeLanguage(lang);
}

export function errorText(err: Pick<ErrorInfo, 'key' | 'params'>): string {
  return i18next.t(err.key, { ...err.params, defaultValue: i18next.t('errors.internal') });
}
