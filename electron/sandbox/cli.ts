/**
 * Standalone sandbox: `npm run sandbox -- [--port 8899] [--host 127.0.0.1] [--seed file.json]
 * [--start-time 2026-01-15T12:00:00+08:00|unix-ms] [--frozen-clock] [--fault-seed n]
 * [--state file.json]`.
 * Prints the URL, AppID and secret to point an SDK or the terminal at. Exits 1 with a clear
 * message on a bad seed file, a bad state file or bad arguments.
 *
 * The "listening on" line is the readiness signal other programs wait for, so everything the
 * process needs to stop cleanly (the SIGINT/SIGTERM handlers) exists before it is printed.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeSeedError, SandboxSeed } from './seed-schema';
import { startSandbox } from './server';
import { StateFileError } from './state-file';

export const DEFAULT_PORT = 8899;

const USAGE = `Usage: npm run sandbox -- [options]
  --port <n>          TCP port (default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>       address to listen on (default 127.0.0.1)
  --seed <file>       seed JSON (default: the built-in demo seed); format in docs/sandbox.md
  --start-time <t>    sandbox clock start: unix ms or an ISO date (default: now)
  --frozen-clock      time moves only through POST /__sandbox/clock
  --fault-seed <n>    seed of the PRNG behind probability faults (default 1)
  --state <file>      keep cards, codes and the applied-writes journal in this file across
                      restarts (created on the first change; delete it to start from the seed)
  --max-apply-delay-ms <n>  the latest a delayed write (latency, late_apply) lands after it
                      arrived; held longer, it is dropped (default and maximum 60000)
  --help`;

class UsageError extends Error {}

function intArg(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer ${min}-${max}`);
  return n;
}

function timeArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`--start-time: not a unix ms value or ISO date: ${value}`);
  return ms;
}

function loadSeed(file: string): SandboxSeed {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read seed file ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`seed file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = SandboxSeed.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(
      `seed file ${file} is not a valid sandbox seed:\n${describeSeedError(parsed.error)}`,
    );
  }
  return parsed.data;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'start-time': { type: 'string' },
      'frozen-clock': { type: 'boolean' },
      'fault-seed': { type: 'string' },
      'max-apply-delay-ms': { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seed = values.seed !== undefined ? loadSeed(values.seed) : undefined;
  const startTime = timeArg(values['start-time']);
  const faultRandomSeed = intArg('fault-seed', values['fault-seed'], 0, 2 ** 32 - 1);
  const maxApplyDelayMs = intArg('max-apply-delay-ms', values['max-apply-delay-ms'], 0, 60_000);
  const sandbox = await startSandbox({
    port: intArg('port', values.port, 0, 65535) ?? DEFAULT_PORT,
    host: values.host ?? '127.0.0.1',
    ...(seed ? { seed } : {}),
    ...(startTime !== undefined ? { startTime } : {}),
    ...(faultRandomSeed !== undefined ? { faultRandomSeed } : {}),
    ...(maxApplyDelayMs !== undefined ? { maxApplyDelayMs } : {}),
    frozenClock: values['frozen-clock'] === true,
    ...(values.state !== undefined ? { stateFile: values.state } : {}),
  });
  // Before the banner: a signal sent as soon as "listening on" is read must find its handler.
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const s = sandbox.sim.seed;
  console.log(`CardDesk WeChat sandbox listening on ${sandbox.url}`);
  console.log(`AppID:       ${sandbox.app.appid}`);
  console.log(`AppSecret:   ${sandbox.app.secret}`);
  console.log(
    `Seed:        ${values.seed ?? 'built-in demo'} (${s.cards.length} cards, ${s.codes.length} codes)`,
  );
  console.log(
    `Clock:       ${new Date(sandbox.sim.clock.now()).toISOString()}${sandbox.sim.clock.frozen ? ' (frozen)' : ''}`,
  );
  if (values.state !== undefined) console.log(`State file:  ${values.state}`);
  console.log(`Control API: ${sandbox.url}/__sandbox/`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof UsageError || err instanceof StateFileError)
    console.error(`sandbox: ${err.message}`);
  else if (e.code === 'EADDRINUSE')
    console.error(`sandbox: the port is already in use (${e.message})`);
  else if (
    e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
    e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
  ) {
    console.error(`sandbox: ${e.message}\n${USAGE}`);
  } else console.error('sandbox: failed to start:', err);
  process.exit(1);
});
