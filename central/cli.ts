/**
 * `npm run central -- [serve] --port P [--host H] [--data-dir D] [--cert F --key F]`: the
 * chain's collector. With DATABASE_URL it uses that PostgreSQL server; without, the embedded
 * PostgreSQL (PGlite) in the data folder (default ./central-data).
 *
 * Head office's admin commands work on the same database (stop an embedded collector first):
 *   issue-credential --store S --terminal T [--install UUID]   prints the token once
 *   revoke-credential --id ID
 *   list-credentials
 *   assign --install UUID --store S --terminal T                (the old mapping is kept)
 *   migrate                                                     apply the schema and exit
 *   add-user --role viewer|auditor|admin --name N               head office's users; the
 *   list-users, disable-user --name N                           password is read from stdin
 *
 * Reconciliation with WeChat's statistics needs the collector to reach WeChat:
 * CARDDESK_WECHAT_APPID, CARDDESK_WECHAT_SECRET and optionally CARDDESK_WECHAT_API (the API's
 * base URL, default https://api.weixin.qq.com; the sandbox's URL to try it out).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InstallId } from '../shared/central';
import { assignInstall, issueCredential, listCredentials, revokeCredential } from './credentials';
import { openDatabase, type Database } from './db';
import { migrate } from './migrate';
import { type WechatConfig } from './office/datacube';
import {
  addUser,
  checkNewPassword,
  checkUserName,
  disableUser,
  listUsers,
  UserError,
} from './office/users';
import { startCollector } from './server';
import { OFFICE_ROLES } from '../shared/head-office';
import { createInterface } from 'node:readline';

/** The password from the terminal (not echoed) or the first line of stdin. */
async function readPassword(): Promise<string> {
  const tty = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
  if (tty) {
    process.stdout.write('Password (at least 10 characters, not shown): ');
    // Echo nothing of what is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  try {
    const line = await new Promise<string>((resolve, reject) => {
      rl.once('line', resolve);
      rl.once('close', () => reject(new UsageError('no password given on stdin')));
    });
    if (tty) process.stdout.write('\n');
    return line;
  } finally {
    rl.removeAllListeners('close');
    rl.close();
  }
}

function wechatFromEnv(): WechatConfig | undefined {
  const appid = process.env.CARDDESK_WECHAT_APPID?.trim();
  const secret = process.env.CARDDESK_WECHAT_SECRET?.trim();
  if (!appid || !secret) return undefined;
  return {
    appid,
    secret,
    baseUrl: process.env.CARDDESK_WECHAT_API?.trim() || 'https://api.weixin.qq.com',
  };
}

const USAGE = `Usage: npm run central -- [command] [options]
Commands:
  serve (default)        run the collector
    --port <n>           TCP port (default 8790; 0 = any free port)
    --host <addr>        address to listen on (default 127.0.0.1; behind a proxy keep loopback)
    --cert <file> --key <file>   terminate TLS here (PEM); without them plain HTTP
  issue-credential --store <name> --terminal <name> [--install <uuid>]
  revoke-credential --id <id>
  list-credentials
  assign --install <uuid> --store <name> --terminal <name>
  add-user --role <viewer|auditor|admin> --name <name>   asks for the password (or reads a
                         line from stdin): at least 10 characters
  list-users
  disable-user --name <name>
  migrate
Every command:
  --data-dir <dir>       the embedded database's folder (default ./central-data), used when
                         DATABASE_URL is not set; DATABASE_URL=postgres://... uses that server
  --help`;

class UsageError extends Error {}

const COMMANDS = [
  'serve',
  'issue-credential',
  'revoke-credential',
  'list-credentials',
  'assign',
  'migrate',
  'add-user',
  'list-users',
  'disable-user',
] as const;
type Command = (typeof COMMANDS)[number];

function need(value: string | undefined, name: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

function installArg(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const r = InstallId.safeParse(value.trim().toLowerCase());
  if (!r.success) throw new UsageError(`--install: not an install id (a UUID): ${value}`);
  return r.data;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      store: { type: 'string' },
      terminal: { type: 'string' },
      install: { type: 'string' },
      id: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const command = (positionals[0] ?? 'serve') as Command;
  if (!COMMANDS.includes(command) || positionals.length > 1) {
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  }
  // Checked before the database opens: a typo changes nothing.
  let port = 8790;
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (command === 'serve') {
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError('--port must be an integer 0-65535');
      }
    }
    if ((values.cert === undefined) !== (values.key === undefined)) {
      throw new UsageError('--cert and --key go together');
    }
    if (values.cert !== undefined && values.key !== undefined) {
      try {
        tls = { cert: readFileSync(values.cert), key: readFileSync(values.key) };
      } catch (err) {
        throw new UsageError(`cannot read the certificate or key: ${(err as Error).message}`);
      }
    }
  }
  const issue =
    command === 'issue-credential'
      ? {
          store: need(values.store, 'store'),
          terminal: need(values.terminal, 'terminal'),
          installId: installArg(values.install),
        }
      : undefined;
  const revokeId = command === 'revoke-credential' ? need(values.id, 'id') : undefined;
  const assign =
    command === 'assign'
      ? {
          installId: installArg(need(values.install, 'install'))!,
          store: need(values.store, 'store'),
          terminal: need(values.terminal, 'terminal'),
        }
      : undefined;

  let newUser: { name: string; role: string; password: string } | undefined;
  if (command === 'add-user') {
    const role = need(values.role, 'role');
    if (!(OFFICE_ROLES as readonly string[]).includes(role)) {
      throw new UsageError(`--role: one of ${OFFICE_ROLES.join(', ')}`);
    }
    const name = need(values.name, 'name');
    try {
      checkUserName(name);
      newUser = { name, role, password: checkNewPassword(await readPassword()) };
    } catch (err) {
      if (err instanceof UserError) throw new UsageError(err.message);
      throw err;
    }
  }
  const disableName = command === 'disable-user' ? need(values.name, 'name') : undefined;
  const wechat = wechatFromEnv();

  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const dataDir = path.resolve(values['data-dir'] ?? 'central-data');
  const db: Database = await openDatabase({ databaseUrl, dataDir });
  const where = databaseUrl ? 'the PostgreSQL server in DATABASE_URL' : `embedded, ${dataDir}`;

  if (command === 'serve') {
    const collector = await startCollector({
      db,
      port,
      ...(values.host ? { host: values.host } : {}),
      ...(tls ? { tls } : {}),
      office: { wechat },
    });
    const stop = () => {
      void collector
        .close()
        .then(() => db.close())
        .finally(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    console.log(`CardDesk collector listening on ${collector.url} (journal: ${where})`);
    console.log(`head office: ${collector.url}/office/`);
    return -1; // keeps running
  }
  try {
    await migrate(db);
    if (issue) {
      const { id, token } = await issueCredential(db, issue);
      console.log(`credential ${id} for ${issue.store} / ${issue.terminal}`);
      console.log('token (shown once; enter it in the terminal’s Settings > Head office):');
      console.log(token);
    } else if (revokeId) {
      if (!(await revokeCredential(db, revokeId))) {
        console.error(`no credential ${revokeId}`);
        return 1;
      }
      console.log(`credential ${revokeId} revoked`);
    } else if (command === 'list-credentials') {
      for (const c of await listCredentials(db)) {
        console.log(
          [
            c.id,
            c.store,
            c.terminal,
            c.install_id ?? '(no install yet)',
            c.revoked_at ? `revoked ${c.revoked_at.toISOString()}` : 'active',
            c.last_used_at ? `last used ${c.last_used_at.toISOString()}` : 'never used',
          ].join('\t'),
        );
      }
    } else if (newUser) {
      const u = await addUser(db, newUser);
      console.log(`user ${u.name} added as ${u.role}`);
    } else if (command === 'list-users') {
      for (const u of await listUsers(db)) {
        console.log(
          [
            u.name,
            u.role,
            u.disabled_at ? `disabled ${u.disabled_at.toISOString()}` : 'active',
          ].join('\t'),
        );
      }
    } else if (disableName) {
      if (!(await disableUser(db, disableName))) {
        console.error(`no user ${disableName}`);
        return 1;
      }
      console.log(`user ${disableName} disabled (signed out everywhere)`);
    } else if (assign) {
      await assignInstall(db, assign);
      console.log(`install ${assign.installId} now ${assign.store} / ${assign.terminal}`);
    } else {
      console.log(`schema up to date (${where})`);
    }
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`${err.message}\n\n${USAGE}`);
    else console.error(`central: ${(err as Error).message}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
