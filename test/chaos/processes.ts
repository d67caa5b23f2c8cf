/**
 * The two real processes of a chaos run, driven only through their public interfaces: the
 * standalone sandbox (`electron/sandbox/cli.ts`, its WeChat API and control API) and the
 * terminal's browser host (`dist/node/browser-host.cjs`, the contract over HTTP), which the
 * suite kills with SIGKILL and starts again on the same data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Starts a child and resolves with the first stdout line matching `ready`. */
function startChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null, signal: string | null) =>
      reject(
        new Error(
          `${path.basename(args[0] ?? cmd)} exited (${code ?? signal}) before it was ready:\n${stderr}`,
        ),
      );
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const m = ready.exec(line);
      if (!m) return;
      child.off('exit', onExit);
      lines.close();
      // Keep draining, so a chatty child never blocks on a full pipe.
      child.stdout!.resume();
      resolve({ child, match: m });
    });
  });
}

export interface Sandbox {
  url: string;
  appid: string;
  secret: string;
  control<T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startSandboxProcess(
  faultSeed: number,
  maxApplyDelayMs: number,
): Promise<Sandbox> {
  const { child, match } = await startChild(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join('electron', 'sandbox', 'cli.ts'),
      '--port',
      '0',
      '--fault-seed',
      String(faultSeed),
      // Below the terminal's settling window, even when this process's timers run late.
      '--max-apply-delay-ms',
      String(maxApplyDelayMs),
    ],
    process.env,
    /listening on (http:\/\/\S+)/,
  );
  const url = match[1]!;
  const control = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/__sandbox${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`sandbox ${method} ${p}: ${json.error ?? res.status}`);
    return json;
  };
  const info = await control<{ apps: string[] }>('GET', '/');
  return {
    url,
    appid: info.apps[0]!,
    secret: 'sandbox0secret0for0carddesk0demo',
    control,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface CallResult {
  ok: boolean;
  value?: unknown;
  error?: { kind: string; key: string; errcode?: number };
  /** No answer: the process died or the connection broke (the call may or may not have run). */
  lost?: boolean;
}

export class TerminalProcess {
  private child: ChildProcess | undefined;
  private base = '';
  private secret = '';
  /** The session token the host issued to each client id (as the page keeps it). */
  private readonly tokens = new Map<string, string>();
  private exited: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  get alive(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    const { child, match } = await startChild(
      process.execPath,
      [path.join('dist', 'node', 'browser-host.cjs'), '--port', '0', '--data-dir', this.dataDir],
      { ...process.env, ...this.env, ...extraEnv },
      /running at (http:\/\/\S+?)\/?$/,
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.base = match[1]!;
    const html = await (await fetch(`${this.base}/`)).text();
    const m = /name="carddesk-secret" content="([^"]+)"/.exec(html);
    if (!m) throw new Error('no secret in the page');
    this.secret = m[1]!;
    this.starts += 1;
    this.tokens.clear(); // a new process knows no session
  }

  /** SIGKILL: no clean close, exactly as a power cut or a crash leaves the data folder. */
  async kill(): Promise<void> {
    if (this.alive) this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Resolves when the process has died on its own (a crash point fired). */
  died(): Promise<void> {
    return this.exited;
  }

  async call(op: string, input: unknown, client = 'chaos-till-1'): Promise<CallResult> {
    if (!this.alive) return { ok: false, lost: true };
    try {
      const res = await fetch(`${this.base}/api/${op}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-carddesk-secret': this.secret,
          'x-carddesk-client': client,
          'x-carddesk-session': this.tokens.get(client) ?? '',
        },
        body: JSON.stringify(input),
      });
      const token = res.headers.get('x-carddesk-session');
      if (token) this.tokens.set(client, token);
      const json = (await res.json()) as CallResult;
      return json;
    } catch {
      // No answer: the process is dying (a crash point) or dead. Wait until it is gone, so
      // `alive` tells the truth to whoever asks next.
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3_000))]);
      return { ok: false, lost: true };
    }
  }

  /** A call that must succeed (set-up, checks). */
  async must<T = Record<string, unknown>>(op: string, input: unknown, client?: string): Promise<T> {
    const r = await this.call(op, input, client);
    if (!r.ok) throw new Error(`${op} failed: ${JSON.stringify(r.error ?? 'no answer')}`);
    return r.value as T;
  }

  /** Downloads a finished browser-host export. */
  async download(url: string): Promise<string> {
    const res = await fetch(new URL(url, this.base));
    if (!res.ok) throw new Error(`download failed: ${res.status}`);
    return res.text();
  }
}
