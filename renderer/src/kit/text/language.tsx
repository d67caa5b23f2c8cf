/**
 * The operator's language for a component that only needs the language and its messages: the
 * counter's verdict panel, mounted afresh for every verdict. `useTranslation` does far more on
 * each mount (its options merged, a fixed t made, a copy of the i18next instance's property
 * descriptors, a subscription shim with effects): about a tenth of a millisecond of a verdict's
 * render in bench:lookup. The language comes from a context the app's root provides (one
 * `useTranslation` there, which re-renders on a change of language), so reading it costs a
 * context read and no effect.
 */
import i18next from 'i18next';
import { createContext, useContext, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { kept } from '../../../../shared/kept';
import { storeZone } from '../date-time';

const LanguageContext = createContext<string | undefined>(undefined);

/** Around the app: the language its components read with useLanguage(). */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return <LanguageContext.Provider value={i18n.language}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): string {
  return useContext(LanguageContext) ?? i18next.language;
}

/** A message in a language, with its parameters (i18next's t, narrowed to what callers use). */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** JSON.stringify writes NaN, ±Infinity and null alike, and drops undefined: not in a key. */
const keyOf = (_: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v)
    ? `\u0000${String(v)}`
    : v === undefined
      ? '\u0000undefined'
      : v;

/** How many messages with parameters are kept: a counter's day of verdicts repeats a few cards. */
const RECENT = 500;

/**
 * `t` in a language, keeping its recent answers: a message's text is a function of the
 * language, the key and the parameters (the messages are built into the bundle), and of the
 * store's zone (the `time` formatter), so those are the cache's key. The oldest answer goes
 * when RECENT are kept. Before i18next has its messages nothing is kept (t answers the key).
 */
export const translateIn = kept((lang: string): Translate => {
  const recent = new Map<string, string>();
  return (key, params) => {
    if (!i18next.isInitialized) return i18next.t(key, { ...params, lng: lang });
    const id = `${storeZone()}\u0000${key}\u0000${params ? JSON.stringify(params, keyOf) : ''}`;
    const kept = recent.get(id);
    if (kept !== undefined) {
      // Most recently used last: Map keeps insertion order.
      recent.delete(id);
      recent.set(id, kept);
      return kept;
    }
    const text = i18next.t(key, { ...params, lng: lang });
    recent.set(id, text);
    if (recent.size > RECENT) recent.delete(recent.keys().next().value as string);
    return text;
  };
});
