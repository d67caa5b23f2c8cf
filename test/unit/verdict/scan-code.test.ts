import { describe, expect, it } from 'vitest';
import { cleanScan, normaliseCode } from '../../../shared/scan-code';

describe('normaliseCode', () => {
  it('accepts plain codes, trimming what scanners add', () => {
    expect(normaliseCode(' 123456789012\r\n')).toEqual({ kind: 'code', code: '123456789012' });
    expect(normaliseCode('\u0002123456789012\u0003')).toEqual({
      kind: 'code',
      code: '123456789012',
    });
    expect(normaliseCode('\ufeff1234 5678 9012')).toEqual({ kind: 'code', code: '123456789012' });
    expect(normaliseCode('VIP-2026_abc')).toEqual({ kind: 'code', code: 'VIP-2026_abc' });
    expect(normaliseCode('x'.repeat(64))).toEqual({ kind: 'code', code: 'x'.repeat(64) });
  });

  it('refuses what cannot be a code, with a reason', () => {
    expect(normaliseCode('   ')).toEqual({ kind: 'invalid', reason: 'empty' });
    expect(normaliseCode('\u0000\u0007')).toEqual({ kind: 'invalid', reason: 'empty' });
    expect(normaliseCode('1'.repeat(65))).toEqual({ kind: 'invalid', reason: 'too_long' });
    expect(normaliseCode('DROP TABLE;')).toEqual({ kind: 'invalid', reason: 'bad_characters' });
    expect(normaliseCode('优惠券')).toEqual({ kind: 'invalid', reason: 'bad_characters' });
    expect(normaliseCode('https://example.com/x')).toEqual({
      kind: 'invalid',
      reason: 'bad_characters',
    });
    expect(normaliseCode('a'.repeat(600))).toEqual({ kind: 'invalid', reason: 'too_long' });
  });

  it('recognises encrypted codes', () => {
    const enc = 'XXIzTtMqCxwOaawoE91+VJdsFmv7b8g0VZIZkqf4GWA60Fzpc8ksZ/5ZZ0DVkXdE';
    expect(normaliseCode(enc)).toEqual({ kind: 'encrypted', encryptCode: enc });
    expect(
      normaliseCode(`https://shop.example/use?card_id=p1&encrypt_code=${encodeURIComponent(enc)}`),
    ).toEqual({
      kind: 'encrypted',
      encryptCode: enc,
    });
    expect(normaliseCode('XXIzTtMqCxwOaawoE91_VJdsFmv7b8g0VZIZkqf4GWA6')).toMatchObject({
      kind: 'encrypted',
    });
  });

  it('cleanScan strips control and zero-width characters', () => {
    expect(cleanScan('\u200b12\u200d34\t')).toBe('1234');
  });
});
