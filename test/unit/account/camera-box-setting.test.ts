import { describe, expect, it } from 'vitest';
import { Settings } from '../../../shared/settings';

const BASE = {
  terminal: { name: 'Counter 1', id: 'T-01' },
  store: { name: 'Xuhui Store' },
};

describe('the camera box setting', () => {
  it('loads a settings file written before it existed as "auto"', () => {
    const old = Settings.parse({
      ...BASE,
      scan: { camera: { enabled: true, deviceId: '', mirror: 'auto', formats: ['QR_CODE'] } },
    });
    expect(old.scan.camera.box).toBe('auto');
    expect(Settings.parse(BASE).scan.camera.box).toBe('auto');
  });

  it('keeps a saved choice and refuses others', () => {
    const hidden = Settings.parse({ ...BASE, scan: { camera: { box: 'hide' } } });
    expect(hidden.scan.camera.box).toBe('hide');
    expect(Settings.safeParse({ ...BASE, scan: { camera: { box: 'tiny' } } }).success).toBe(false);
  });
});
