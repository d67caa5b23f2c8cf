// Runs Electronegativity (Doyensec's Electron security scanner) over the shell's sources and
// fails on any finding that is not fixed or justified below. Each justification is also in the
// README's security section.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;

/** Findings that are false positives, keyed by check and file, with why. */
export const JUSTIFIED = {
  'CONTEXT_ISOLATION_JS_CHECK main.ts':
    'webPreferences come from windowOptions() in security.ts (contextIsolation: true), which the scanner cannot follow; test/unit/electron/security.test.ts asserts it.',
  'SANDBOX_JS_CHECK main.ts':
    'webPreferences come from windowOptions() (sandbox: true); asserted by security.test.ts.',
  'AUXCLICK_JS_CHECK main.ts':
    "windowOptions() sets disableBlinkFeatures: 'Auxclick'; asserted by security.test.ts.",
  'CSP_GLOBAL_CHECK security.ts':
    'The CSP is one constant joined from its directives (browser-host.ts), which the scanner cannot parse; security.test.ts checks every directive.',
  'CSP_GLOBAL_CHECK browser-host.ts': 'Same constant as above.',
};

const out = mkdtempSync(path.join(os.tmpdir(), 'carddesk-eneg-'));
const report = path.join(out, 'report.csv');
const res = spawnSync(
  path.join(root, 'node_modules', '.bin', 'electronegativity'),
  ['-i', path.join(root, 'electron'), '-e', electronVersion, '-o', report, '-r', '-v', 'false'],
  { cwd: root, encoding: 'utf8', timeout: 300_000 },
);
let text = '';
try {
  text = readFileSync(report, 'utf8');
} catch {
  console.error(`Electronegativity produced no report:\n${res.stdout}\n${res.stderr}`);
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });

const findings = [...text.matchAll(/([A-Z_]+_CHECK),"(\w+)","(\w+)","([^"]+)","([^"]*)"/g)].map(
  (m) => ({
    check: m[1],
    severity: m[2],
    file: m[4],
    location: m[5],
  }),
);
let unexplained = 0;
for (const f of findings) {
  const why = JUSTIFIED[`${f.check} ${path.basename(f.file)}`];
  if (why) console.log(`  justified  ${f.check} ${f.file}:${f.location} — ${why}`);
  else {
    unexplained += 1;
    console.log(`  NEW        ${f.check} (${f.severity}) ${f.file}:${f.location}`);
  }
}
console.log(
  `Electronegativity: ${findings.length} findings, ${unexplained} not fixed or justified.`,
);
process.exit(unexplained ? 1 : 0);
