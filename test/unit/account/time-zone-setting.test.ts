/** The store time-zone setting: IANA names checked with Intl, Asia/Shanghai when absent. */
import { describe, expect, it } from 'vitest';
import { SetupInput } from '../../../shared/ops/account';
import { Settings, SettingsPatch } from '../../../shared/settings';
import {
  canonicalTimeZone,
  DEFAULT_TIME_ZONE,
  TimeZoneSchema,
  utcOffsetLabel,
} from '../../../shared/time-zone';

const BASE = {
  terminal: { name: 'Counter 1', id: 'T-01' },
  store: { name: 'Xuhui Store' },
};

describe('the store time zone setting', () => {
  it('is Asia/Shanghai for a new terminal and for a settings file written before it existed', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
    expect(Settings.parse(BASE).timeZone).toBe('Asia/Shanghai');
    expect(Settings.parse({ ...BASE, language: 'en', mode: 'sandbox' }).timeZone).toBe(
      'Asia/Shanghai',
    );
  });

  it('keeps a zone Intl knows, in its canonical spelling', () => {
    expect(Settings.parse({ ...BASE, timeZone: 'Asia/Hong_Kong' }).timeZone).toBe('Asia/Hong_Kong');
    expect(Settings.parse({ ...BASE, timeZone: 'UTC' }).timeZone).toBe('UTC');
    expect(TimeZoneSchema.parse(' asia/shanghai ')).toBe('Asia/Shanghai');
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
  });

  it('refuses what is not a zone name, with a message that says what is expected', () => {
    for (const bad of [
      'Mars/Olympus',
      '+08:00',
      'GMT+8:00',
      '',
      ' ',
      'Asia//Shanghai',
      'x'.repeat(80),
    ]) {
      const r = Settings.safeParse({ ...BASE, timeZone: bad });
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues[0]).toMatchObject({
        path: ['timeZone'],
        message: 'a time zone name such as Asia/Shanghai',
      });
    }
    expect(Settings.safeParse({ ...BASE, timeZone: 8 }).success).toBe(false);
  });

  it('can be changed alone by a manager, and given to the wizard', () => {
    expect(SettingsPatch.parse({ timeZone: 'Asia/Taipei' })).toEqual({ timeZone: 'Asia/Taipei' });
    expect(SettingsPatch.safeParse({ timeZone: 'Nowhere/Land' }).success).toBe(false);
    const setup = {
      terminalName: 'T',
      terminalId: 'T-1',
      storeName: 'S',
      language: 'zh-CN',
      mode: 'sandbox',
      manager: { id: 'boss', name: 'B', pin: '246810' },
    };
    expect(SetupInput.parse(setup).timeZone).toBeUndefined();
    expect(SetupInput.parse({ ...setup, timeZone: 'Asia/Urumqi' }).timeZone).toBe('Asia/Urumqi');
    expect(SetupInput.safeParse({ ...setup, timeZone: 'Beijing' }).success).toBe(false);
  });

  it('names offsets the way a cashier reads them', () => {
    const winter = Date.UTC(2026, 0, 15);
    const summer = Date.UTC(2026, 6, 15);
    expect(utcOffsetLabel('Asia/Shanghai', winter)).toBe('UTC+8');
    expect(utcOffsetLabel('Asia/Kathmandu', winter)).toBe('UTC+5:45');
    expect(utcOffsetLabel('America/New_York', winter)).toBe('UTC-5');
    expect(utcOffsetLabel('America/New_York', summer)).toBe('UTC-4');
    expect(utcOffsetLabel('UTC', winter)).toBe('UTC+0');
  });
});
