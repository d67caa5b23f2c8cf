/**
 * Packaging, tested as far as this machine allows: installers need Electron's release
 * downloads, which are out of reach here. electron-builder itself validates the configuration
 * and packs the real app into an asar with a stand-in Electron binary (it carries the fuse
 * sentinel, so the real fuse flipping runs too); the test then reads what the package holds.
 */
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';

const ROOT = path.resolve(__dirname, '..', '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

function fakeElectronDist(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-fake-electron-'));
  // Electron 45's fuse wire as shipped: version 1, 8 fuses.
  const wire = Buffer.concat([
    Buffer.from('#!/bin/sh\n# stand-in Electron for packaging tests\n# '),
    Buffer.from(SENTINEL),
    Buffer.from([1, 8]),
    Buffer.from('10110001'),
    Buffer.from('\nexit 1\n'),
  ]);
  writeFileSync(path.join(dir, 'electron'), wire, { mode: 0o755 });
  writeFileSync(path.join(dir, 'version'), 'v45.5.0');
  writeFileSync(path.join(dir, 'LICENSE'), '');
  writeFileSync(path.join(dir, 'LICENSES.chromium.html'), '');
  mkdirSync(path.join(dir, 'resources'));
  return dir;
}

let out: string;
let files: string[];

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) {
    const b = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (b.status !== 0) throw new Error('build failed');
  }
  out = mkdtempSync(path.join(os.tmpdir(), 'carddesk-pack-'));
  const res = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'electron-builder'),
    [
      '--linux',
      'dir',
      '--publish',
      'never',
      `-c.electronDist=${fakeElectronDist()}`,
      // Rebuilding better-sqlite3 for Electron needs Electron's headers from the internet.
      '-c.npmRebuild=false',
      `-c.directories.output=${out}`,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
  if (res.status !== 0) throw new Error(`electron-builder failed:\n${res.stdout}\n${res.stderr}`);
  files = listPackage(path.join(out, 'linux-unpacked', 'resources', 'app.asar'), { isPack: false });
}, 180_000);

describe('electron-builder configuration', () => {
  it.each(['electron-builder.yml', 'electron-builder.test.yml'])('%s is valid', async (file) => {
    const config = await getConfig(ROOT, path.join(ROOT, file), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('keeps the audit log on uninstall and installs per machine; Linux packages depend right', async () => {
    const c = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
    expect(c.nsis).toMatchObject({
      perMachine: true,
      deleteAppDataOnUninstall: false,
      oneClick: false,
    });
    expect(c.linux?.target).toEqual(['AppImage', 'deb']);
    expect(c.deb?.depends).toEqual(
      expect.arrayContaining(['libnss3', 'libsecret-1-0', 'libgtk-3-0']),
    );
    expect(c.mac?.extendInfo).toMatchObject({ NSCameraUsageDescription: expect.any(String) });
    expect(c.appId).toBe('com.carddesk.terminal');
  });

  it('the test build differs only in the inspect fuse Playwright needs', async () => {
    const ship = await getConfig(ROOT, path.join(ROOT, 'electron-builder.yml'), null);
    const test = await getConfig(ROOT, path.join(ROOT, 'electron-builder.test.yml'), null);
    expect(ship.electronFuses?.enableNodeCliInspectArguments).toBe(false);
    expect(test.electronFuses?.enableNodeCliInspectArguments).toBe(true);
    expect({ ...test.electronFuses, enableNodeCliInspectArguments: false }).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});

describe('the packed app', () => {
  const has = (p: string) => files.includes(p);

  it('contains the built main process, preload and renderer', () => {
    for (const f of [
      '/package.json',
      '/dist/electron/main.cjs',
      '/dist/electron/preload.cjs',
      '/dist/renderer/index.html',
    ]) {
      expect(has(f), f).toBe(true);
    }
    expect(files.some((f) => /^\/dist\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
  });

  it('contains the native module, unpacked from the asar; everything else is bundled', () => {
    expect(has('/node_modules/better-sqlite3/package.json')).toBe(true);
    // esbuild and Vite bundle the rest: no other package is needed at run time.
    expect(has('/node_modules/zod/package.json')).toBe(false);
    expect(has('/node_modules/react/package.json')).toBe(false);
    const main = extractFile(
      path.join(out, 'linux-unpacked', 'resources', 'app.asar'),
      'dist/electron/main.cjs',
    ).toString();
    const required = [...main.matchAll(/require\("([^"./][^"]*)"\)/g)].map(
      (m) => m[1]!.split('/')[0],
    );
    const builtins = new Set(['electron', 'better-sqlite3', ...builtinModules]);
    expect(required.filter((r) => !builtins.has(r!) && !r!.startsWith('node:'))).toEqual([]);
    const unpacked = path.join(out, 'linux-unpacked', 'resources', 'app.asar.unpacked');
    expect(
      existsSync(
        path.join(
          unpacked,
          'node_modules',
          'better-sqlite3',
          'build',
          'Release',
          'better_sqlite3.node',
        ),
      ),
    ).toBe(true);
  });

  it('leaves out sources, tests, source maps, the browser host and dev tools', () => {
    const bad = files.filter(
      (f) =>
        /^\/(electron|renderer|shared|test|scripts|docs)\//.test(f) ||
        f.endsWith('.map') ||
        f.endsWith('.ts') ||
        f.startsWith('/dist/node/') ||
        /^\/node_modules\/(electron|electron-builder|vitest|playwright|@playwright|typescript|eslint|vite|zxing-wasm)\//.test(
          f,
        ),
    );
    expect(bad).toEqual([]);
  });

  it('has the fuses flipped as configured', async () => {
    const wire = await getCurrentFuseWire(path.join(out, 'linux-unpacked', 'carddesk'));
    const on = (o: FuseV1Options) => String.fromCharCode(wire[o] as number);
    expect(on(FuseV1Options.RunAsNode)).toBe('0');
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe('1');
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
  });

  it('the output holds only the unpacked app (no installer could be built here)', () => {
    expect(readdirSync(out)).toContain('linux-unpacked');
  });
});
