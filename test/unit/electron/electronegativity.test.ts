/**
 * The rules of the Electron security scan (scripts/electronegativity.mjs): fed made-up finding
 * lists, then the real scanner over a copy of the shell with a second, insecure window and a
 * file it cannot parse, which must fail the run while the terminal's own window still passes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_JUSTIFICATIONS,
  JustificationFile,
  judge,
  type Finding,
  type ScanResult,
} from '../../../scripts/electronegativity.mjs';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const finding = (over: Partial<Finding> & Pick<Finding, 'id'>): Finding => ({
  file: 'security.ts',
  location: { line: 10, column: 4 },
  severity: { name: 'LOW' },
  manualReview: true,
  ...over,
});
const scan = (issues: Finding[], over: Partial<ScanResult> = {}): ScanResult => ({
  atomicChecks: 30,
  globalChecks: 7,
  errors: [],
  issues,
  ...over,
});
/** A source tree as the rules see it: file -> lines (1-based). */
const source =
  (files: Record<string, string[]>) =>
  (file: string, line: number): string | undefined =>
    files[file]?.[line - 1];
const justification = (over: Partial<{ check: string; file: string; line: string }> = {}) => ({
  check: 'CSP_GLOBAL_CHECK',
  file: 'security.ts',
  line: "responseHeaders: { 'Content-Security-Policy': [CSP] },",
  why: 'the constant is checked directive by directive in a test',
  ...over,
});
const lines = (n: number, text: string) => [...Array<string>(n - 1).fill('//'), `    ${text}`];
const SRC = {
  'security.ts': lines(10, "responseHeaders: { 'Content-Security-Policy': [CSP] },"),
  'other.ts': lines(10, "responseHeaders: { 'Content-Security-Policy': [CSP] },"),
};

describe('scan rules', () => {
  it('pass a LOW finding justified by check, file and the exact line', () => {
    const v = judge({
      scan: scan([finding({ id: 'CSP_GLOBAL_CHECK' })]),
      justifications: [justification()],
      sourceLine: source(SRC),
    });
    expect(v.ok).toBe(true);
  });

  it('refuse the same check in another file, at another line or on a changed line', () => {
    for (const [f, src] of [
      [finding({ id: 'CSP_GLOBAL_CHECK', file: 'other.ts' }), SRC],
      [finding({ id: 'CSP_GLOBAL_CHECK', location: { line: 9, column: 0 } }), SRC],
      [finding({ id: 'CSP_GLOBAL_CHECK' }), { 'security.ts': lines(10, 'responseHeaders: {') }],
    ] as const) {
      const v = judge({
        scan: scan([f]),
        justifications: [justification()],
        sourceLine: source(src),
      });
      expect(v.ok).toBe(false);
    }
  });

  it('never justify a HIGH, nor a MEDIUM the scanner is sure of, even on a listed line', () => {
    for (const f of [
      finding({
        id: 'CONTEXT_ISOLATION_JS_CHECK',
        severity: { name: 'HIGH' },
        manualReview: false,
      }),
      finding({ id: 'CONTEXT_ISOLATION_JS_CHECK', severity: { name: 'HIGH' }, manualReview: true }),
      finding({ id: 'SANDBOX_JS_CHECK', severity: { name: 'MEDIUM' }, manualReview: false }),
    ]) {
      const v = judge({
        scan: scan([f]),
        justifications: [justification({ check: f.id })],
        sourceLine: source(SRC),
      });
      expect(v.ok, f.id).toBe(false);
      expect(v.findings[0]?.why).toMatch(/fix it/);
    }
  });

  it('justify a manual-review MEDIUM only by check, file and line', () => {
    const preload = finding({ id: 'PRELOAD_JS_CHECK', severity: { name: 'MEDIUM' } });
    const src = { 'security.ts': lines(10, 'preload: opts.preload,') };
    const j = justification({ check: 'PRELOAD_JS_CHECK', line: 'preload: opts.preload,' });
    expect(judge({ scan: scan([preload]), justifications: [j], sourceLine: source(src) }).ok).toBe(
      true,
    );
    expect(judge({ scan: scan([preload]), justifications: [], sourceLine: source(src) }).ok).toBe(
      false,
    );
  });

  it('cover one finding per justification: a second one on an identical line needs its own', () => {
    const v = judge({
      scan: scan([
        finding({ id: 'CSP_GLOBAL_CHECK' }),
        finding({ id: 'CSP_GLOBAL_CHECK', file: 'other.ts' }),
      ]),
      justifications: [justification(), justification({ file: 'other.ts' })],
      sourceLine: source({ ...SRC, 'other.ts': SRC['security.ts'] }),
    });
    expect(v.ok).toBe(true);
    const once = judge({
      scan: scan([finding({ id: 'CSP_GLOBAL_CHECK' }), finding({ id: 'CSP_GLOBAL_CHECK' })]),
      justifications: [justification()],
      sourceLine: source(SRC),
    });
    expect(once.findings.map((f) => f.ok)).toEqual([true, false]);
  });

  it('refuse a global finding, which has no line to justify', () => {
    const v = judge({
      scan: scan([
        finding({ id: 'CSP_GLOBAL_CHECK', file: 'N/A', location: { line: 0, column: 0 } }),
      ]),
      justifications: [justification({ file: 'N/A' })],
      sourceLine: source(SRC),
    });
    expect(v.ok).toBe(false);
  });

  it('fail on a scanner error, on no checks loaded, on a stale justification, on eng-disable', () => {
    const clean = { justifications: [], sourceLine: source(SRC) };
    expect(judge({ ...clean, scan: scan([]) }).ok).toBe(true);
    const broken = { file: 'x.ts', message: 'Unexpected token (1:10)', tolerable: false };
    expect(judge({ ...clean, scan: scan([], { errors: [broken] }) }).problems).toEqual([
      'scanner error in x.ts: Unexpected token (1:10)',
    ]);
    expect(
      judge({ ...clean, scan: scan([], { errors: [{ ...broken, tolerable: true }] }) }).ok,
    ).toBe(false);
    expect(judge({ ...clean, scan: scan([], { atomicChecks: 0 }) }).ok).toBe(false);
    expect(judge({ ...clean, scan: scan([]), justifications: [justification()] }).problems).toEqual(
      [expect.stringMatching(/^stale justification/)],
    );
    expect(judge({ ...clean, scan: scan([]), inlineDisables: ['main.ts:3'] }).ok).toBe(false);
  });

  it('the justification file is valid and quotes whole lines of the shell', () => {
    const list = JustificationFile.parse(JSON.parse(readFileSync(DEFAULT_JUSTIFICATIONS, 'utf8')));
    for (const j of list) {
      const text = readFileSync(path.join(ROOT, 'electron', j.file), 'utf8');
      expect(
        text.split('\n').map((l) => l.trim()),
        j.check,
      ).toContain(j.line);
    }
  });
});

describe('the scan over the shell', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-eneg-fixture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails a copy of the shell with a second window without isolation in main.ts, and a file it cannot parse', () => {
    cpSync(path.join(ROOT, 'electron'), dir, { recursive: true });
    // In main.ts, where the old list ("CONTEXT_ISOLATION_JS_CHECK main.ts") waved it through.
    const main = path.join(dir, 'main.ts');
    const mainText = readFileSync(main, 'utf8');
    const line = mainText.split('\n').length + 2;
    writeFileSync(
      main,
      `${mainText}\nexport function receipt() {\n  return new BrowserWindow({ webPreferences: { contextIsolation: false } });\n}\n`,
    );
    writeFileSync(path.join(dir, 'broken.ts'), 'export const x = ;\n');
    const res = spawnSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'electronegativity.mjs'), '--input', dir],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(res.status, res.stderr).toBe(1);
    const out = res.stdout;
    expect(out).toContain(`CONTEXT_ISOLATION_JS_CHECK main.ts:${line} (HIGH)`);
    expect(out).toMatch(new RegExp(`REFUSED\\s+CONTEXT_ISOLATION_JS_CHECK main\\.ts:${line}`));
    expect(out).toMatch(new RegExp(`REFUSED\\s+SANDBOX_JS_CHECK main\\.ts:${line}`));
    expect(out).toMatch(/PROBLEM\s+scanner error in .*broken\.ts/);
    // The terminal's own window is still seen, and still passes: no MEDIUM or HIGH on it (its
    // preload is registered on the session, so the window's options carry no script path).
    expect(out).toMatch(/justified\s+CSP_GLOBAL_CHECK security\.ts:\d+/);
    expect(out).not.toMatch(/PRELOAD_JS_CHECK security\.ts/);
    expect(out).not.toMatch(/REFUSED.* security\.ts/);
  }, 120_000);
});
