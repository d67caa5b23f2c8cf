// `npm test`: every check, in order, from one command: type-check of every part, lint and
// format, the Electron security scan, a production build, unit and integration tests (Vitest,
// including packaging), and end-to-end tests
// (Playwright in Chromium against the browser host, plus the Electron smoke test where an
// Electron binary exists). Ends with the failed tests by name (so a log's tail says which), the
// failed steps, and one closing line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { findChromium } from './find-chromium.mjs';
import nativeSqlite from './native-sqlite.cjs';

const { ensureNodeSqlite } = nativeSqlite;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'test-results', 'reports');
const only = process.argv.slice(2); // e.g. `npm test -- unit e2e`
const STEPS = ['typecheck', 'lint', 'security', 'unit', 'chaos', 'e2e'];
const unknown = only.filter((s) => !STEPS.includes(s));
if (unknown.length) {
  console.error(`Unknown step(s): ${unknown.join(', ')}. The steps are: ${STEPS.join(', ')}.`);
  process.exit(2);
}
const want = (step) => only.length === 0 || only.includes(step);
/** The chaos suite's budget in CI: a fixed seed, so a red run replays (README, "Chaos suite"). */
const CHAOS_RUNS = process.env.CARDDESK_CHAOS_RUNS ?? '100';
const CHAOS_SEED = process.env.CARDDESK_CHAOS_SEED ?? '20261130';

function run(label, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n▶ ${label}`);
  const res = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${res.status === 0 ? '✔' : '✘'} ${label} (${secs} s)`);
  return res.status === 0;
}

const npx = (bin) => path.join(root, 'node_modules', '.bin', bin);
const failedSteps = [];
/** Each failed test by name, with its error's first line: printed last, so a log's tail says which. */
const failedTests = [];
const firstLine = (msg) => {
  const lines = stripVTControlCharacters(String(msg ?? ''))
    .split('\n')
    .filter((l) => l.trim());
  // A fast-check failure's first line does not say how to replay it; its seed line does.
  const seed = lines.find((l) => /\{ seed: -?\d+/.test(l));
  return [lines[0] ?? '', seed?.trim()].filter(Boolean).join(' ');
};
const totals = { passed: 0, failed: 0, skipped: 0 };

rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
ensureNodeSqlite();

if (want('typecheck')) {
  for (const p of ['node', 'web', 'test', 'central']) {
    if (!run(`type-check (${p})`, npx('tsc'), ['-p', `tsconfig.${p}.json`, '--noEmit'])) {
      failedSteps.push(`type-check ${p}`);
    }
  }
}
if (want('lint')) {
  if (!run('lint (ESLint)', npx('eslint'), ['.', '--max-warnings=0'])) failedSteps.push('eslint');
  if (!run('format (Prettier)', npx('prettier'), ['--check', '.', '--log-level=warn'])) {
    failedSteps.push('prettier');
  }
}
if (want('security')) {
  if (
    !run('Electron security scan (Electronegativity)', process.execPath, [
      'scripts/electronegativity.mjs',
    ])
  ) {
    failedSteps.push('electronegativity');
  }
}
// The packaging test, the chaos suite and the end-to-end tests use the production build.
if (want('unit') || want('chaos') || want('e2e')) {
  if (!run('build', process.execPath, ['scripts/build.mjs', '--quiet'])) failedSteps.push('build');
}
if (want('unit')) {
  const out = path.join(reports, 'vitest.json');
  const ok = run('unit and integration tests (Vitest)', npx('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  if (!ok) failedSteps.push('vitest');
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    for (const file of r.testResults ?? []) {
      const where = path.relative(root, file.name);
      for (const t of file.assertionResults ?? []) {
        if (t.status === 'failed')
          failedTests.push(`${where} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
      }
      if (
        file.status === 'failed' &&
        !(file.assertionResults ?? []).some((t) => t.status === 'failed')
      )
        failedTests.push(`${where}: ${firstLine(file.message)}`);
    }
  }
}
if (want('chaos')) {
  // Its own step, not a Vitest file: it runs real processes on both cores, and its timings
  // must not compete with the unit tests'.
  const ok = run('chaos suite of the money paths', npx('tsx'), [
    'test/chaos/run.ts',
    '--no-build',
    '--quiet',
    '--runs',
    CHAOS_RUNS,
    '--seed',
    CHAOS_SEED,
  ]);
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    failedSteps.push('chaos');
  }
}
if (want('e2e')) {
  if (!findChromium()) {
    console.log('No Chromium found; trying to install Playwright’s own browser...');
    run('install Chromium', npx('playwright'), ['install', 'chromium']);
  }
  if (!findChromium()) {
    console.error(
      '\nNo Chromium for the end-to-end tests. Install one: on Debian/Ubuntu ' +
        '"sudo apt-get install chromium", or "npx playwright install chromium" where the ' +
        'machine can download, or set CHROME_PATH to a Chromium or Chrome binary.',
    );
    failedSteps.push('no browser');
  } else {
    const out = path.join(reports, 'playwright.json');
    const ok = run(
      'end-to-end tests (Playwright)',
      npx('playwright'),
      ['test', '--reporter=list,json'],
      { PLAYWRIGHT_JSON_OUTPUT_NAME: out },
    );
    if (!ok) failedSteps.push('playwright');
    if (existsSync(out)) {
      const r = JSON.parse(readFileSync(out, 'utf8'));
      totals.passed += r.stats.expected + r.stats.flaky;
      totals.failed += r.stats.unexpected;
      totals.skipped += r.stats.skipped;
      const walk = (suite, titles) => {
        for (const spec of suite.specs ?? []) {
          for (const t of spec.tests ?? []) {
            if (t.status !== 'unexpected') continue;
            const last = t.results?.[t.results.length - 1];
            failedTests.push(
              `${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')}: ${firstLine(last?.error?.message)}`,
            );
          }
        }
        for (const s of suite.suites ?? []) walk(s, [...titles, s.title]);
      };
      for (const s of r.suites ?? []) walk(s, []);
    }
  }
}

console.log('');
if (failedTests.length) {
  console.log('Failed tests:');
  for (const t of failedTests) console.log(`  ✘ ${t.length > 400 ? `${t.slice(0, 400)}…` : t}`);
}
if (failedSteps.length) console.log(`Failed steps: ${failedSteps.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length || totals.failed ? 1 : 0);
