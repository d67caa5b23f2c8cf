/**
 * `npm run chaos`: the model-based chaos suite of the money paths (README, "Chaos suite").
 *
 *   npm run chaos -- [--runs 50] [--seed S] [--path P] [--mode named|random|both]
 *                    [--max-commands 14] [--workers 2] [--no-build]
 *
 * Each run is a random sequence of scans, lookups, redemptions, refunds, cancels, retries,
 * sign-in changes, redemptions by another terminal, sandbox faults and crashes (SIGKILL at a
 * named step of a write, or at a random moment in `random` mode), against a real terminal
 * process and a standalone sandbox; then the invariants (invariants.ts) are checked. A failing
 * run is shrunk and printed with its seed and path: `--seed S --path P --mode M` replays it.
 * Ends with one JSON line: runs, operations, faults, crashes, violations, seconds, failures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { runArb, type RunPlan } from './model';
import { ROOT, startSandboxProcess, type Sandbox } from './processes';
import { makeTemplate, MAX_APPLY_DELAY_MS, runOnce, type RunReport } from './run-once';

interface Totals {
  runs: number;
  operations: number;
  faults: number;
  crashes: number;
  violations: number;
  failures: { mode: string; seed: number; path?: string; plan?: RunPlan; violations: string[] }[];
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    seed: { type: 'string' },
    path: { type: 'string' },
    mode: { type: 'string', default: 'both' },
    'max-commands': { type: 'string', default: '14' },
    workers: { type: 'string', default: '2' },
    'no-build': { type: 'boolean', default: false },
    worker: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const runs = Number(values.runs);
const maxCommands = Number(values['max-commands']);
const modes =
  values.mode === 'both' ? (['named', 'random'] as const) : [values.mode as 'named' | 'random'];
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
if (!modes.every((m) => m === 'named' || m === 'random'))
  throw new Error('--mode: named, random or both');

async function codePool(sandbox: Sandbox): Promise<string[]> {
  const { codes } = await sandbox.control<{
    codes: { code: string; card_id: string; can_consume: boolean }[];
  }>('GET', '/state/codes?status=NORMAL');
  const { cards } = await sandbox.control<{
    cards: { card_id: string; use_custom_code: boolean }[];
  }>('GET', '/state/cards');
  const custom = new Set(cards.filter((c) => c.use_custom_code).map((c) => c.card_id));
  return codes.filter((c) => c.can_consume && !custom.has(c.card_id)).map((c) => c.code);
}

/** One worker: its own sandbox, runs of one fast-check property, shrinking a failure. */
async function work(seed: number, count: number, mode: 'named' | 'random'): Promise<Totals> {
  const totals: Totals = {
    runs: 0,
    operations: 0,
    faults: 0,
    crashes: 0,
    violations: 0,
    failures: [],
  };
  const sandbox = await startSandboxProcess(seed, MAX_APPLY_DELAY_MS);
  let template: string | undefined;
  try {
    const pool = await codePool(sandbox);
    template = await makeTemplate(sandbox);
    const folder = template;
    let failing: { plan: RunPlan; report: RunReport } | undefined;
    let shrinkBudget = 25;
    const result = await fc.check(
      fc.asyncProperty(runArb(mode, maxCommands), async (plan) => {
        // Shrinking reruns whole runs: stop after a budget and keep the smallest failure found.
        if (failing && shrinkBudget-- <= 0) return true;
        const report = await runOnce(sandbox, pool, plan, folder);
        if (!failing) {
          totals.runs += 1;
          totals.operations += report.operations;
          totals.faults += report.faults;
          totals.crashes += report.crashes;
          totals.violations += report.violations.length;
        }
        if (!values.quiet) {
          process.stderr.write(report.violations.length ? 'x' : '.');
        }
        if (report.violations.length === 0) return true;
        failing = { plan, report };
        return false;
      }),
      {
        seed,
        numRuns: count,
        ...(values.path ? { path: values.path } : {}),
      },
    );
    if (result.failed) {
      const last = failing!;
      totals.failures.push({
        mode,
        seed: result.seed,
        path: result.counterexamplePath ?? undefined,
        plan: result.counterexample?.[0] ?? last.plan,
        violations: last.report.violations,
      });
    }
  } finally {
    await sandbox.stop();
    if (template) rmSync(template, { recursive: true, force: true });
  }
  return totals;
}

function add(a: Totals, b: Totals): Totals {
  return {
    runs: a.runs + b.runs,
    operations: a.operations + b.operations,
    faults: a.faults + b.faults,
    crashes: a.crashes + b.crashes,
    violations: a.violations + b.violations,
    failures: [...a.failures, ...b.failures],
  };
}

async function main() {
  const started = Date.now();
  if (values.worker) {
    const t = await work(Number(values.seed), runs, modes[0]!);
    process.stdout.write(`${JSON.stringify(t)}\n`);
    return;
  }
  if (!values['no-build']) {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--quiet'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (b.status !== 0) {
      console.error('chaos: the build failed');
      process.exit(1);
    }
  }
  const baseSeed =
    values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
  const workers = values.path ? 1 : Math.max(1, Number(values.workers));
  // Split the runs over modes and workers; each worker has its own sandbox and seed.
  const jobs: { seed: number; count: number; mode: 'named' | 'random' }[] = [];
  const slots = modes.length * workers;
  for (let i = 0; i < slots; i++) {
    const count = Math.floor(runs / slots) + (i < runs % slots ? 1 : 0);
    if (count > 0) jobs.push({ seed: baseSeed + i, count, mode: modes[i % modes.length]! });
  }
  let totals: Totals = {
    runs: 0,
    operations: 0,
    faults: 0,
    crashes: 0,
    violations: 0,
    failures: [],
  };
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.min(workers, jobs.length) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            __filename,
            '--worker',
            '--no-build',
            '--seed',
            String(job.seed),
            '--runs',
            String(job.count),
            '--mode',
            job.mode,
            '--max-commands',
            String(maxCommands),
            ...(values.path ? ['--path', values.path] : []),
            ...(values.quiet ? ['--quiet'] : []),
          ],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let line = '';
        for await (const l of createInterface({ input: child.stdout }))
          if (l.startsWith('{')) line = l;
        const code = await new Promise<number | null>((r) => child.on('close', r));
        if (!line)
          throw new Error(`chaos worker (seed ${job.seed}) ended with ${code} and no report`);
        totals = add(totals, JSON.parse(line) as Totals);
      }
    }),
  );
  if (!values.quiet) process.stderr.write('\n');
  for (const f of totals.failures) {
    console.error(
      `\nFAILED (${f.mode}): replay with  npm run chaos -- --mode ${f.mode} --seed ${f.seed}${f.path ? ` --path ${f.path}` : ''} --runs 1\n` +
        `plan: ${JSON.stringify(f.plan)}\n` +
        f.violations.map((x) => `  - ${x}`).join('\n'),
    );
  }
  const out = {
    runs: totals.runs,
    operations: totals.operations,
    faults: totals.faults,
    crashes: totals.crashes,
    violations: totals.violations,
    seed: baseSeed,
    modes,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    failures: totals.failures.map((f) => ({ mode: f.mode, seed: f.seed, path: f.path })),
  };
  console.log(JSON.stringify(out));
  process.exit(totals.violations > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error('chaos:', err);
  process.exit(2);
});
