// Runs Electronegativity (Doyensec's Electron security scanner) over the shell's sources and
// fails the run on any finding that is not fixed or justified, and on any scanner error.
//
// The rules (judge() below; test/unit/electron/electronegativity.test.ts tries each):
// - HIGH: never justified. Fix it.
// - MEDIUM: never justified, unless the scanner itself marks it "manual review" (it cannot tell
//   a good use from a bad one, e.g. PRELOAD_JS_CHECK fires on every preload script).
// - A justification names the check, the file AND the exact source line the finding points at
//   (scripts/electronegativity-justified.json, trimmed text of the line, so it survives lines
//   moving but not the line changing), and covers one finding. A second window, or the same
//   check on another line, is never covered by it. A global finding (no line) cannot be.
// - A justification that matches no finding fails the run too, so the list cannot rot.
// - Electronegativity's own `eng-disable` comments hide findings before we see them: any in
//   the sources fails the run.
// - A scanner error (a file it could not parse, no checks loaded, a crash) fails the run.
//
// Usage: node scripts/electronegativity.mjs [--input DIR] [--justifications FILE]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const DEFAULT_INPUT = path.join(root, 'electron');
export const DEFAULT_JUSTIFICATIONS = path.join(
  root,
  'scripts',
  'electronegativity-justified.json',
);

export const Justification = z.strictObject({
  check: z.string().regex(/^[A-Z_]+_CHECK$/, 'a check id such as CSP_GLOBAL_CHECK'),
  /** Relative to the scanned folder, with forward slashes, as the scanner reports it. */
  file: z.string().min(1),
  /** The trimmed source line the finding points at. */
  line: z.string().trim().min(8, 'quote the whole line, not a fragment'),
  /** Why it is not a defect, and which test shows it. */
  why: z.string().min(20),
});
export const JustificationFile = z.array(Justification);

/** What the scanner reports per finding (the fields the rules read). */
export const Finding = z.object({
  id: z.string(),
  file: z.string(),
  location: z.object({ line: z.number().int(), column: z.number().int() }),
  severity: z.object({ name: z.enum(['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']) }),
  manualReview: z.boolean().default(false),
});

export const ScanResult = z.object({
  atomicChecks: z.number().int(),
  globalChecks: z.number().int(),
  errors: z.array(z.object({ file: z.string(), message: z.string(), tolerable: z.boolean() })),
  issues: z.array(Finding),
});

const key = (f) => `${f.id} ${f.file}:${f.location.line}`;

/**
 * Applies the rules. `sourceLine(file, line)` gives the text of a line of a scanned file
 * (undefined if there is none). Returns what to print and whether the run passes.
 */
export function judge({ scan, justifications, sourceLine, inlineDisables = [] }) {
  const used = new Set();
  const findings = scan.issues.map((f) => {
    const severity = f.severity.name;
    if (severity === 'HIGH') return { finding: f, ok: false, why: 'HIGH: fix it' };
    if (severity === 'MEDIUM' && !f.manualReview) {
      return { finding: f, ok: false, why: 'MEDIUM: fix it' };
    }
    const text = sourceLine(f.file, f.location.line)?.trim();
    const j =
      text === undefined
        ? -1
        : justifications.findIndex(
            (c, i) => !used.has(i) && c.check === f.id && c.file === f.file && c.line === text,
          );
    if (j < 0) {
      return {
        finding: f,
        ok: false,
        why:
          text === undefined
            ? 'no source line to justify (a global finding): fix it'
            : `no justification for ${f.id} in ${f.file} at the line "${text}"`,
      };
    }
    used.add(j);
    return { finding: f, ok: true, why: justifications[j].why };
  });
  const problems = [
    ...scan.errors.map((e) => `scanner error in ${e.file}: ${e.message}`),
    ...(scan.atomicChecks === 0 ? ['the scanner loaded no checks'] : []),
    ...justifications
      .map((c, i) => ({ c, i }))
      .filter(({ i }) => !used.has(i))
      .map(({ c }) => `stale justification (no such finding): ${c.check} ${c.file} "${c.line}"`),
    ...inlineDisables.map((at) => `eng-disable comment at ${at}: justify in the file instead`),
  ];
  return { findings, problems, ok: problems.length === 0 && findings.every((v) => v.ok) };
}

/** Every file the scanner reads, relative to `dir` with forward slashes. */
function sourceFiles(dir, rel = '') {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) return sourceFiles(dir, r);
    return /\.(m|c)?[jt]sx?$|\.html?$|\.json$/.test(name) ? [r] : [];
  });
}

/** `file:line` of each Electronegativity inline suppression in the scanned sources. */
export function findInlineDisables(dir) {
  return sourceFiles(dir).flatMap((file) =>
    readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .flatMap((text, i) => (/eng-disable/.test(text) ? [`${file}:${i + 1}`] : [])),
  );
}

export async function scan(input) {
  const run = require('@doyensec/electronegativity');
  const electronVersion = require('electron/package.json').version;
  const raw = await run(
    {
      input,
      isRelative: true,
      electronVersionOverride: electronVersion,
      customScan: [],
      excludeFromScan: [],
    },
    false,
  );
  return ScanResult.parse(raw);
}

async function main() {
  const { values } = parseArgs({
    options: {
      input: { type: 'string', default: DEFAULT_INPUT },
      justifications: { type: 'string', default: DEFAULT_JUSTIFICATIONS },
    },
  });
  const input = path.resolve(values.input);
  const parsed = JustificationFile.safeParse(
    JSON.parse(readFileSync(values.justifications, 'utf8')),
  );
  if (!parsed.success) {
    console.error(`${values.justifications} is not valid:\n${z.prettifyError(parsed.error)}`);
    return 1;
  }
  let result;
  try {
    result = await scan(input);
  } catch (err) {
    console.error(`Electronegativity failed: ${err instanceof Error ? err.stack : String(err)}`);
    return 1;
  }
  const lines = new Map();
  const sourceLine = (file, line) => {
    if (!lines.has(file)) {
      let text;
      try {
        text = readFileSync(path.join(input, file), 'utf8').split('\n');
      } catch {
        text = [];
      }
      lines.set(file, text);
    }
    return line > 0 ? lines.get(file)[line - 1] : undefined;
  };
  const verdict = judge({
    scan: result,
    justifications: parsed.data,
    sourceLine,
    inlineDisables: findInlineDisables(input),
  });
  for (const v of verdict.findings) {
    const f = v.finding;
    const label = `${key(f)} (${f.severity.name}${f.manualReview ? ', manual review' : ''})`;
    console.log(`  ${v.ok ? 'justified' : 'REFUSED  '}  ${label} — ${v.why}`);
  }
  for (const p of verdict.problems) console.log(`  PROBLEM    ${p}`);
  const refused = verdict.findings.filter((v) => !v.ok).length;
  console.log(
    `Electronegativity: ${verdict.findings.length} findings, ${refused} not fixed or justified, ${verdict.problems.length} problems.`,
  );
  return verdict.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main());
}
