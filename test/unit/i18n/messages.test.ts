import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { pickLanguage, resources } from '../../../shared/i18n';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const en = flatten(resources.en.translation as Tree);
const zh = flatten(resources['zh-CN'].translation as Tree);

const ROOT = path.resolve(__dirname, '..', '..', '..');
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((n) => {
    const rel = path.join(dir, n);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.(ts|tsx)$/.test(n) ? [rel] : [];
  });
}

describe('messages', () => {
  it('has every string in both languages, none empty', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of [...en, ...zh]) expect(text.trim(), key).not.toBe('');
  });

  it('uses the same interpolation variables in both languages', () => {
    // Where the languages say a thing differently: "10% off" is "9 折" (the share paid).
    const localeSpecific = new Set(['verdict.value.discount']);
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of en) {
      if (localeSpecific.has(key)) continue;
      expect(vars(zh.get(key) ?? ''), key).toEqual(vars(text));
    }
  });

  it('has the Chinese table actually in Chinese', () => {
    const chinese = [...zh.values()].filter((s) => /[\u4e00-\u9fff]/.test(s));
    expect(chinese.length / zh.size).toBeGreaterThan(0.8);
  });

  it('defines every errors.* key that the code refers to', () => {
    const used = new Set<string>();
    for (const file of [...sources('electron'), ...sources('renderer'), ...sources('shared')]) {
      for (const m of readFileSync(path.join(ROOT, file), 'utf8').matchAll(
        /'(errors\.[a-z_]+)'/g,
      )) {
        used.add(m[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(2);
    for (const key of used) expect(en.has(key), key).toBe(true);
  });

  it('translates through i18next in both languages', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources, lng: 'zh-CN', interpolation: { escapeValue: false } });
    expect(i18n.t('errors.invalid_input', { detail: 'x' })).toBe('请求无效：x');
    await i18n.changeLanguage('en');
    expect(i18n.t('errors.invalid_input', { detail: 'x' })).toBe('The request was not valid: x');
  });

  it('picks the language from the OS locale', () => {
    expect(pickLanguage(['zh-CN'])).toBe('zh-CN');
    expect(pickLanguage(['zh-Hans-CN'])).toBe('zh-CN');
    expect(pickLanguage(['zh_TW'])).toBe('zh-CN');
    expect(pickLanguage(['en-GB'])).toBe('en');
    expect(pickLanguage(['fr-FR', 'zh-CN'])).toBe('zh-CN');
    expect(pickLanguage(['fr-FR'])).toBe('en');
    expect(pickLanguage([undefined])).toBe('en');
  });
});
