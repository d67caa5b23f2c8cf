/** Messages without parameters, kept per language: the same text t() gives, in each language. */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../../../shared/i18n';
import { fixedText } from '../../../renderer/src/kit/text/fixed-text';
import { kept } from '../../../shared/kept';

describe('kept', () => {
  it('makes each answer once per set of arguments, and keeps sets apart', () => {
    const made: string[] = [];
    const f = kept((lang: string, n: number) => {
      made.push(`${lang}/${n}`);
      return { lang, n };
    });
    const a = f('en', 0);
    expect(f('en', 0)).toBe(a);
    expect(f('en', 2)).toEqual({ lang: 'en', n: 2 });
    expect(f('zh-CN', 0)).toEqual({ lang: 'zh-CN', n: 0 });
    expect(made).toEqual(['en/0', 'en/2', 'zh-CN/0']);
  });
});

describe('fixedText', () => {
  it('keeps no answer given before i18next has its messages', async () => {
    expect(i18next.isInitialized).toBeFalsy();
    expect(fixedText('en', 'ui.counter.ready')).not.toBe('Ready for the next scan');
    await i18next.init({ resources, lng: 'zh-CN', fallbackLng: 'en' });
    expect(fixedText('en', 'ui.counter.ready')).toBe('Ready for the next scan');
  });

  it("is t()'s text in the language asked for, whichever language i18next is in", async () => {
    await i18next.changeLanguage('zh-CN');
    for (const key of ['ui.counter.ready', 'verdict.label.code', 'verdict.title.redeemable']) {
      expect(fixedText('zh-CN', key)).toBe(i18next.t(key, { lng: 'zh-CN' }));
      expect(fixedText('en', key)).toBe(i18next.t(key, { lng: 'en' }));
      expect(fixedText('zh-CN', key)).not.toBe(fixedText('en', key));
    }
    await i18next.changeLanguage('en');
    expect(fixedText('zh-CN', 'verdict.label.code')).toBe(
      i18next.t('verdict.label.code', { lng: 'zh-CN' }),
    );
  });
});
