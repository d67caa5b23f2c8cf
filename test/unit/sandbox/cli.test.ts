import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testSeed, APP } from './fixtures';
import type { Json } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'electron/sandbox/cli.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; if `until` appears on stdout, calls `whileUp` and then stops it. */
function runCli(
  args: string[],
  until?: RegExp,
  whileUp?: (stdout: string) => Promise<void>,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (until && !started && until.test(stdout) && stdout.includes('Control API')) {
        started = true;
        (whileUp ?? (async () => {}))(stdout)
          .catch(reject)
          .finally(() => child.kill('SIGTERM'));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Sends SIGTERM the moment "listening on" is read, the way a supervisor that starts the
 * sandbox and stops it again at once would.
 */
function stopAtBanner(args: string[]): Promise<Run & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      const first = !stdout.includes('listening on');
      stdout += d.toString();
      if (first && stdout.includes('listening on')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-sandbox-cli-'));
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('sandbox CLI', () => {
  it('starts with the demo seed and prints URL, AppID and secret', async () => {
    let tokenBody: unknown;
    const run = await runCli(
      ['--port', '0', '--frozen-clock'],
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      async (out) => {
        const url = /listening on (\S+)/.exec(out)![1]!;
        const appid = /AppID:\s+(\S+)/.exec(out)![1]!;
        const secret = /AppSecret:\s+(\S+)/.exec(out)![1]!;
        tokenBody = await (
          await fetch(
            `${url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`,
          )
        ).json();
      },
    );
    expect(run.stdout).toMatch(/AppID:\s+wxsandbox000000001/);
    expect(run.stdout).toMatch(/Seed:\s+built-in demo \(17 cards, \d+ codes\)/);
    expect(tokenBody).toMatchObject({ expires_in: 7200 });
    expect(run.code).toBe(0);
  });

  it('loads a seed file', async () => {
    const file = tempFile('seed.json', JSON.stringify(testSeed()));
    const run = await runCli(
      [
        '--port',
        '0',
        '--seed',
        file,
        '--frozen-clock',
        '--start-time',
        '2026-01-15T12:00:00+08:00',
      ],
      /listening on/,
    );
    expect(run.stdout).toContain(`AppID:       ${APP.appid}`);
    expect(run.stdout).toContain(`AppSecret:   ${APP.secret}`);
    expect(run.stdout).toContain('Clock:       2026-01-15T04:00:00.000Z');
  });

  it('refuses an invalid seed with the problems listed, exit 1', async () => {
    const seed = testSeed();
    (seed.codes[0] as Record<string, unknown>).status = 'USED';
    const run = await runCli(['--seed', tempFile('bad.json', JSON.stringify(seed))]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not a valid sandbox seed/);
    expect(run.stderr).toMatch(/codes\.0\.status/);
  });

  it('refuses unreadable or non-JSON seed files and bad options, exit 1', async () => {
    const notJson = await runCli(['--seed', tempFile('x.json', '{nope')]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/is not valid JSON/);
    const missing = await runCli(['--seed', '/nonexistent/seed.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read seed file/);
    const badPort = await runCli(['--port', 'eighty']);
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toMatch(/--port must be an integer/);
    const unknown = await runCli(['--colour', 'red']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Usage: npm run sandbox/);
  });

  it('handles SIGTERM sent as soon as the "listening on" line appears: clean exit 0', async () => {
    const run = await stopAtBanner(['--port', '0', '--frozen-clock']);
    expect(run.stdout).toMatch(/^CardDesk WeChat sandbox listening on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
  });

  it('--state keeps the state across restarts', async () => {
    const seedFile = tempFile('seed.json', JSON.stringify(testSeed()));
    const stateFile = path.join(path.dirname(seedFile), 'state.json');
    const args = ['--port', '0', '--seed', seedFile, '--frozen-clock', '--state', stateFile];
    const first = await runCli(args, /listening on/, async (out) => {
      const url = /listening on (\S+)/.exec(out)![1]!;
      const q = `grant_type=client_credential&appid=${APP.appid}&secret=${APP.secret}`;
      const token = ((await (await fetch(`${url}/cgi-bin/token?${q}`)).json()) as Json)
        .access_token as string;
      const consumed = (await (
        await fetch(`${url}/card/code/consume?access_token=${token}`, {
          method: 'POST',
          body: JSON.stringify({ code: '100000000001' }),
        })
      ).json()) as Json;
      expect(consumed.errcode).toBe(0);
    });
    expect(first.stdout).toContain(`State file:  ${stateFile}`);
    expect(first.code).toBe(0);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);

    let code: Json = {};
    const second = await runCli(args, /listening on/, async (out) => {
      const url = /listening on (\S+)/.exec(out)![1]!;
      code = (await (await fetch(`${url}/__sandbox/state/codes/100000000001`)).json()) as Json;
    });
    expect(second.code).toBe(0);
    expect(code.status).toBe('CONSUMED');
  });

  it('refuses a state file it cannot use, saying how to start again, exit 1', async () => {
    const file = tempFile('state.json', '{"broken":');
    const run = await runCli(['--port', '0', '--state', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`sandbox: sandbox state file ${file} cannot be used`);
    expect(run.stderr).toContain(`Delete ${file} to start again from the seed`);
  });
});
