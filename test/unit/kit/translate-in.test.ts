/**
 * translateIn: t() in a language with its recent answers kept (the verdict panel's messages
 * with parameters). Always the text t() gives for the language, key, parameters and store
 * zone; a bounded number kept.
 */
import i18next from 'i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resources } from '../../../shared/i18n';
import { setStoreZone, storeZone, timeOfDay } from '../../../renderer/src/kit/date-time';
import { translateIn } from '../../../renderer/src/kit/text/language';

afterEach(() => vi.restoreAllMocks());

describe('translateIn', () => {
  it('keeps no answer given before i18next has its messages', async () => {
    expect(i18next.isInitialized).toBeFalsy();
    const before = translateIn('en')('verdict.value.discount', { percent: 10, zhe: 9 });
    expect(before).not.toBe('10% off');
    await i18next.init({ resources, lng: 'zh-CN', fallbackLng: 'en' });
    i18next.services.formatter?.add('time', (value: unknown, lng: string | undefined) =>
      typeof value === 'number' ? timeOfDay(value, lng ?? 'en', storeZone()) : String(value),
    );
    expect(translateIn('en')('verdict.value.discount', { percent: 10, zhe: 9 })).toBe('10% off');
  });

  it("is t()'s text in its own language, for each set of parameters", () => {
    const en = translateIn('en');
    const zh = translateIn('zh-CN');
    for (const params of [
      { percent: 10, zhe: 9 },
      { percent: 25, zhe: 7.5 },
    ]) {
      expect(en('verdict.value.discount', params)).toBe(
        i18next.t('verdict.value.discount', { ...params, lng: 'en' }),
      );
      expect(zh('verdict.value.discount', params)).toBe(
        i18next.t('verdict.value.discount', { ...params, lng: 'zh-CN' }),
      );
    }
    expect(en('verdict.value.discount', { percent: 25, zhe: 7.5 })).toBe('25% off');
    expect(zh('verdict.value.discount', { percent: 25, zhe: 7.5 })).toBe('7.5 折');
    // Without parameters, and a key whose parameters differ only in their values.
    expect(en('verdict.hint.redeemable')).toBe('Press Enter to redeem.');
    const a = en('verdict.value.cash_min', { amount: '¥10', min: '¥100' });
    const b = en('verdict.value.cash_min', { amount: '¥10', min: '¥200' });
    expect(a).not.toBe(b);
  });

  it('asks t() once for a repeated message, and again when the store zone changes', () => {
    const t = vi.spyOn(i18next, 't');
    const en = translateIn('en');
    const until = Date.UTC(2026, 11, 3, 6, 30); // 14:30 in Shanghai, 06:30 in UTC
    const params = { until, minutes: 3 };
    setStoreZone('Asia/Shanghai');
    const shanghai = en('errors.operator_locked', params);
    expect(shanghai).toContain('14:30');
    expect(en('errors.operator_locked', params)).toBe(shanghai);
    expect(t).toHaveBeenCalledTimes(1);
    setStoreZone('UTC');
    expect(en('errors.operator_locked', params)).toContain('06:30');
    expect(t).toHaveBeenCalledTimes(2);
    setStoreZone('Asia/Shanghai');
  });

  it('keeps the 500 most recently used answers', () => {
    const t = vi.spyOn(i18next, 't');
    const en = translateIn('en');
    const first = { percent: 1, zhe: 9.9 };
    en('verdict.value.discount', first);
    for (let i = 0; i < 499; i++) en('verdict.value.discount', { percent: 2, zhe: i });
    en('verdict.value.discount', first); // used again: now the most recent
    expect(t).toHaveBeenCalledTimes(500);
    en('verdict.value.discount', { percent: 3, zhe: 0 }); // 501 kept: the oldest goes
    en('verdict.value.discount', first);
    expect(t).toHaveBeenCalledTimes(501);
    en('verdict.value.discount', { percent: 2, zhe: 0 }); // that was the oldest
    expect(t).toHaveBeenCalledTimes(502);
  });
});

describe('translateIn keys', () => {
  it('keeps apart parameters JSON would write alike (NaN, Infinity, null, undefined)', () => {
    const en = translateIn('en');
    for (const percent of [NaN, Infinity, -Infinity, null, undefined, 'NaN']) {
      expect(en('verdict.value.discount', { percent: percent as number, zhe: 1 })).toBe(
        i18next.t('verdict.value.discount', { percent, zhe: 1, lng: 'en' }),
      );
    }
  });
});
