/** The store time-zone picker's list and search (the wizard's and Settings'). */
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../../../shared/i18n';
import { isTimeZone } from '../../../shared/time-zone';
import {
  filterTimeZones,
  timeZoneOptions,
  type TimeZoneOption,
} from '../../../renderer/src/kit/form/time-zone-options';

const AT = Date.UTC(2026, 0, 15, 4, 0);
const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({ resources, lng: 'zh-CN', fallbackLng: 'en' });
});

const zones = (list: TimeZoneOption[]) => list.map((o) => o.zone);

describe('the time-zone picker', () => {
  it('lists China’s zones first, named in Chinese, then every other zone Intl knows', () => {
    const zh = timeZoneOptions(i18n.getFixedT('zh-CN'), 'zh-CN', AT);
    expect(zones(zh.slice(0, 5))).toEqual([
      'Asia/Shanghai',
      'Asia/Hong_Kong',
      'Asia/Macau',
      'Asia/Taipei',
      'Asia/Urumqi',
    ]);
    expect(zh.slice(0, 5).every((o) => o.common)).toBe(true);
    expect(zh[0]?.label).toBe('北京 / 上海（中国标准时间） · UTC+8');
    const all = new Set(zones(zh));
    for (const z of Intl.supportedValuesOf('timeZone')) expect(all.has(z), z).toBe(true);
    expect(all.size).toBe(zh.length); // each zone once
    expect(zones(zh).every((z) => isTimeZone(z))).toBe(true);
    const rest = zones(zh.slice(5));
    expect(rest).toEqual([...rest].sort());
    // Others carry their name in the language and the offset.
    expect(zh.find((o) => o.zone === 'America/New_York')?.label).toBe(
      'America/New_York · 北美东部时间 · UTC-5',
    );
    const en = timeZoneOptions(i18n.getFixedT('en'), 'en', AT);
    expect(en[0]?.label).toBe('Beijing / Shanghai (China Standard Time) · UTC+8');
    expect(en.find((o) => o.zone === 'Europe/London')?.label).toBe(
      'Europe/London · United Kingdom Time · UTC+0',
    );
  });

  it('finds zones by city, Chinese name or offset, ignoring case, spaces and underscores', () => {
    const zh = timeZoneOptions(i18n.getFixedT('zh-CN'), 'zh-CN', AT);
    expect(zones(filterTimeZones(zh, 'new york'))).toEqual(['America/New_York']);
    expect(zones(filterTimeZones(zh, 'NEW_YORK'))).toEqual(['America/New_York']);
    expect(zones(filterTimeZones(zh, '香港'))).toEqual(['Asia/Hong_Kong']);
    expect(zones(filterTimeZones(zh, 'urumqi'))).toContain('Asia/Urumqi');
    expect(zones(filterTimeZones(zh, 'utc+8'))[0]).toBe('Asia/Shanghai');
    expect(zones(filterTimeZones(zh, 'utc+8'))).toContain('Asia/Singapore');
    expect(filterTimeZones(zh, 'Atlantis')).toEqual([]);
    expect(filterTimeZones(zh, '   ')).toHaveLength(zh.length);
  });
});
