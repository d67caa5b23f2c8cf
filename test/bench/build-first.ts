/**
 * The browser benches (bench:lookup, bench:camera) measure the production build in dist/. They
 * build it first and stop, non-zero, when the build fails: a bench must never measure a stale
 * dist/ left by an earlier build.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export function buildOrExit(): void {
  const started = Date.now();
  const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--quiet'], {
    stdio: 'inherit',
  });
  if (res.error || res.status !== 0) {
    const why = res.error
      ? res.error.message
      : res.signal
        ? `killed by ${res.signal}`
        : `exit ${res.status}`;
    console.error(`bench: the build failed (${why}); not measuring a stale dist/`);
    process.exit(1);
  }
  console.log(`built in ${Date.now() - started} ms`);
}
