/** Every audit error and verify verdict has a message, in English and Chinese, with the same variables. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerifyProblem, VerifyWarning } from '../../../shared/audit';
import messages from '../../../shared/i18n/messages/audit';
import { ROOT } from './helpers';

const en = messages.en as Record<string, string>;
const zh = messages['zh-CN'] as Record<string, string>;
const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function usedKeys(): Set<string> {
  const dir = path.join(ROOT, 'electron', 'audit');
  const keys = new Set<string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    for (const m of text.matchAll(/'audit\.([a-z_]+)'/g)) keys.add(m[1]!);
    for (const m of text.matchAll(/\baudit\(\s*'([a-z_]+)'/g)) keys.add(m[1]!);
  }
  return keys;
}

describe('audit messages', () => {
  it('cover every key the audit log throws', () => {
    const used = usedKeys();
    expect(used).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    expect([...used]).toEqual(
      expect.arrayContaining(['disk_full', 'newer_version', 'not_a_log', 'corrupt', 'read_only']),
    );
    for (const key of used) expect(en[key], key).toBeDefined();
  });

  it('cover every verify problem and warning', () => {
    for (const p of [...VerifyProblem.options, ...VerifyWarning.options]) {
      expect(en[`verify_${p}`], p).toBeDefined();
    }
  });

  it('exist in both languages with the same variables, Chinese in Chinese', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      expect(vars(zh[key]!), key).toEqual(vars(en[key]!));
      expect(zh[key], key).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(en.newer_version).toContain('{{found}}');
    expect(en.newer_version).toContain('{{supported}}');
  });
});
