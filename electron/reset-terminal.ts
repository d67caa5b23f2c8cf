/**
 * `npm run reset-terminal -- --data-dir DIR [--yes]`: starts a terminal over (see
 * services/account/terminal-reset.ts). Stop CardDesk first. Asks before removing anything unless
 * --yes is given; without a terminal to ask on, --yes is required. Exit codes: 0 reset,
 * 1 not confirmed, 2 wrong arguments or the folder cannot be reset. Messages follow LANG.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AppError } from '../shared/errors';
import { pickLanguage } from '../shared/i18n';
import setup from '../shared/i18n/messages/setup';
import { filesToReset, NotADataFolder, resetTerminal } from './services/account/terminal-reset';

const lang = pickLanguage([process.env.LC_ALL, process.env.LC_MESSAGES, process.env.LANG]);
const table = setup[lang].resetTool as Record<string, string>;

function say(key: string, params: Record<string, string | number> = {}): string {
  const template = table[key] ?? key;
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params[name] ?? ''));
}

async function confirmed(yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    process.stderr.write(`${say('needsYes')}\n`);
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(`${say('ask')} `)).trim() === 'RESET';
  } finally {
    rl.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let values: { 'data-dir'?: string | undefined; yes?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'data-dir': { type: 'string' }, yes: { type: 'boolean' } },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${say('usage')}\n`);
    return 2;
  }
  if (!values['data-dir']) {
    process.stderr.write(`${say('usage')}\n`);
    return 2;
  }
  const dataDir = path.resolve(values['data-dir']);
  try {
    const files = filesToReset(dataDir);
    process.stdout.write(`${say('plan', { dir: dataDir, files: files.join(', ') || '—' })}\n`);
    if (!(await confirmed(values.yes === true))) {
      process.stdout.write(`${say('cancelled')}\n`);
      return 1;
    }
    const done = resetTerminal(dataDir);
    if (done.openWrites > 0) {
      process.stdout.write(`${say('openWrites', { count: done.openWrites })}\n`);
    }
    process.stdout.write(`${say('done', { count: done.removed.length, id: done.recordId })}\n`);
    return 0;
  } catch (err) {
    if (err instanceof NotADataFolder) {
      process.stderr.write(`${say('notADataFolder', { dir: dataDir })}\n`);
    } else if (err instanceof AppError) {
      process.stderr.write(`${say('auditFailed', { key: err.key })}\n`);
    } else {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    }
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 2;
  },
);
