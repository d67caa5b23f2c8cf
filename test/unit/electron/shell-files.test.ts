import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogFile, redact } from '../../../electron/log-file';
import { loadBounds, saveBounds } from '../../../electron/window-state';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'carddesk-shell-'));
const DISPLAY = { x: 0, y: 0, width: 1920, height: 1080 };

describe('window bounds', () => {
  it('are remembered', () => {
    const f = path.join(tmp(), 'window.json');
    saveBounds(f, { x: 100, y: 80, width: 1200, height: 800, maximized: false });
    expect(loadBounds(f, [DISPLAY])).toEqual({
      x: 100,
      y: 80,
      width: 1200,
      height: 800,
      maximized: false,
    });
  });
  it('never open off-screen after a monitor is unplugged', () => {
    const f = path.join(tmp(), 'window.json');
    saveBounds(f, { x: 2500, y: 100, width: 1200, height: 800, maximized: false });
    expect(loadBounds(f, [DISPLAY])).toMatchObject({ x: 0, y: 0, width: 1200 });
  });
  it('a broken file is ignored', () => {
    const f = path.join(tmp(), 'window.json');
    writeFileSync(f, '{"x": "left"}');
    expect(loadBounds(f, [DISPLAY])).toBeUndefined();
  });
});

describe('log file', () => {
  it('rotates by size and keeps a fixed number of files', () => {
    const dir = tmp();
    const log = new LogFile({ dir, maxBytes: 200, keep: 3 });
    for (let i = 0; i < 40; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['carddesk.log', 'carddesk.log.1', 'carddesk.log.2', 'carddesk.log.3']);
    expect(readFileSync(path.join(dir, 'carddesk.log'), 'utf8')).toContain('line 39');
  });
  it('never writes tokens, secrets or PINs', () => {
    const dir = tmp();
    const log = new LogFile({ dir });
    log.error('call failed', 'GET https://api.weixin.qq.com/card/get?access_token=TOKEN123&x=1', {
      secret: 'APPSECRET9',
      pin: '1234',
      headers: { Authorization: 'Bearer abc.def' },
    });
    const text = readFileSync(path.join(dir, 'carddesk.log'), 'utf8');
    for (const s of ['TOKEN123', 'APPSECRET9', "'1234'", 'abc.def']) expect(text).not.toContain(s);
    expect(text).toContain('access_token=***');
    expect(redact('{"pin":"8642"}')).toBe('{"pin":"***"}');
  });
});
