/**
 * The store time-zone picker's list: the zones of China first (with names in the operator's
 * language), then every other zone this browser knows, each with its name in the language and
 * its UTC offset today, and a search over all of it (the IANA name, the name, "UTC+8").
 */
import type { TFunction } from 'i18next';
import {
  type COMMON_TIME_ZONES,
  timeZoneChoices,
  utcOffsetLabel,
} from '../../../../shared/time-zone';

export interface TimeZoneOption {
  zone: string;
  /** What the list shows: 'Beijing / Shanghai (China Standard Time) · UTC+8'. */
  label: string;
  common: boolean;
}

const COMMON_KEYS: Record<(typeof COMMON_TIME_ZONES)[number], string> = {
  'Asia/Shanghai': 'timeZone.zones.shanghai',
  'Asia/Hong_Kong': 'timeZone.zones.hongKong',
  'Asia/Macau': 'timeZone.zones.macau',
  'Asia/Taipei': 'timeZone.zones.taipei',
  'Asia/Urumqi': 'timeZone.zones.urumqi',
};

function zoneName(zone: string, lang: string, at: number): string | undefined {
  try {
    const name = new Intl.DateTimeFormat(lang, { timeZone: zone, timeZoneName: 'longGeneric' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    // Zones without a name of their own come back as 'GMT+06:00': the offset says it already.
    return name && !/^(GMT|UTC)([+-]|$)/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

export function timeZoneOptions(t: TFunction, lang: string, at: number): TimeZoneOption[] {
  return timeZoneChoices().map((zone) => {
    const offset = utcOffsetLabel(zone, at);
    const key = (COMMON_KEYS as Record<string, string | undefined>)[zone];
    if (key) return { zone, label: `${t(key)} · ${offset}`, common: true };
    const name = zoneName(zone, lang, at);
    return { zone, label: [zone, name, offset].filter(Boolean).join(' · '), common: false };
  });
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_/]+/g, ' ')
    .trim();

/**
 * The options whose zone or label contain every word of the query (case, accents, spaces and
 * underscores ignored: 'new york' finds America/New_York, 'utc+8' finds Beijing). An empty
 * query keeps them all.
 */
export function filterTimeZones(options: TimeZoneOption[], query: string): TimeZoneOption[] {
  const words = fold(query).split(' ').filter(Boolean);
  if (words.length === 0) return options;
  return options.filter((o) => {
    const text = fold(`${o.zone} ${o.label}`);
    return words.every((w) => text.includes(w));
  });
}
