/**
 * The `wechat.*` messages: one for every errcode of the facts table (and the others the
 * client names), in both languages with the same variables, and every key the client uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import wechat from '../../../shared/i18n/messages/wechat';
import { WECHAT_ERRCODES, wechatErrcodeKey } from '../../../shared/wechat';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const en: Record<string, string> = wechat.en;
const zh: Record<string, string> = wechat['zh-CN'];

/** Every errcode in the facts table (shared/reference/wechat-api-facts.md). */
const FACTS_TABLE = [
  -1, 40001, 40014, 42001, 40125, 40164, 45009, 45011, 40056, 40099, 40127, 40116, 40078, 40079,
  40100, 40122, 41012, 43009, 45030, 45031, 61500, 61501,
];

describe('wechat messages', () => {
  it('cover every errcode of the facts table and the token-fetch errcodes', () => {
    for (const errcode of [...FACTS_TABLE, 40013]) {
      expect(WECHAT_ERRCODES, String(errcode)).toContain(errcode);
    }
    for (const errcode of WECHAT_ERRCODES) {
      const key = wechatErrcodeKey(errcode).replace(/^wechat\./, '');
      expect(en[key], key).toBeTruthy();
      expect(zh[key], key).toBeTruthy();
    }
    expect(wechatErrcodeKey(99999)).toBe('wechat.errcode_unknown');
    expect(wechatErrcodeKey(-1)).toBe('wechat.errcode_-1');
  });

  it('have the same keys and variables in both languages, the Chinese in Chinese', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(en)) {
      expect(vars(zh[key] ?? ''), key).toEqual(vars(text));
      expect(zh[key], key).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('define every wechat.* key the client code uses', () => {
    const dir = path.join(ROOT, 'electron', 'wechat');
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/'wechat\.([A-Za-z0-9_-]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(5);
    for (const key of used) expect(en[key], key).toBeTruthy();
  });

  it('translate through i18next when mounted under wechat.', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: {
        en: { translation: { wechat: wechat.en } },
        'zh-CN': { translation: { wechat: wechat['zh-CN'] } },
      },
      lng: 'en',
      interpolation: { escapeValue: false },
    });
    expect(i18n.t('wechat.errcode_40099')).toContain('already been redeemed');
    expect(i18n.t('wechat.errcode_-1')).toContain('busy');
    expect(i18n.t('wechat.errcode_unknown', { errcode: 48004, call: 'card/get' })).toContain(
      '48004',
    );
    expect(i18n.t('wechat.errcode_40164', { ip: '203.0.113.7' })).toContain('203.0.113.7');
    await i18n.changeLanguage('zh-CN');
    expect(i18n.t('wechat.errcode_40099')).toBe('该券码已经核销过。请不要再次交付商品。');
    expect(i18n.t('wechat.errcode_unknown', { errcode: 48004 })).toContain('48004');
    expect(i18n.t('wechat.outcome_unknown', { call: 'card/code/consume' })).toContain(
      'card/code/consume',
    );
  });
});
