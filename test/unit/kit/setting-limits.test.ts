/** Number inputs take their bounds from the shared settings schema, in the unit they show. */
import { describe, expect, it } from 'vitest';
import { settingLimits } from '../../../renderer/src/kit/form/setting-limits';

describe('settingLimits', () => {
  it('reads min and max through defaults and nested objects', () => {
    expect(settingLimits('idleLockMinutes')).toEqual({ min: 0, max: 240 });
    expect(settingLimits('api.connectTimeoutMs')).toEqual({ min: 500, max: 30_000 });
    expect(settingLimits('api.settleWindowSeconds')).toEqual({ min: 120, max: 3_600 });
    expect(settingLimits('scan.scanner.minLength')).toEqual({ min: 1, max: 64 });
  });

  it('converts to the unit shown', () => {
    expect(settingLimits('scan.cooldownMs', 1000)).toEqual({ min: 0, max: 30 });
    expect(settingLimits('sound.volume', 0.01)).toEqual({ min: 0, max: 100 });
  });

  it('refuses a path that is not a bounded number', () => {
    expect(() => settingLimits('terminal.name')).toThrow();
    expect(() => settingLimits('no.such')).toThrow();
  });
});
