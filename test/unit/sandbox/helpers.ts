/** Shared helpers for the sandbox tests: a started sandbox and a tiny WeChat client. */
import { afterEach } from 'vitest';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../electron/sandbox';
import { shanghaiTime } from '../../../electron/sandbox/shanghai-time';

/** 2026-01-15 12:00:00 Asia/Shanghai, a Thursday: the default test clock. */
export const TEST_NOW_MS = shanghaiTime(2026, 1, 15, 12, 0, 0) * 1000;

const running: RunningSandbox[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** A sandbox on a free port with a frozen clock, closed after the test. */
export async function sandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const s = await startSandbox({ frozenClock: true, startTime: TEST_NOW_MS, ...opts });
  running.push(s);
  return s;
}

export type Json = Record<string, unknown>;

export async function getJson(url: string): Promise<Json> {
  const res = await fetch(url);
  return (await res.json()) as Json;
}

export async function postRaw(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
}

export async function postJson(url: string, body: unknown): Promise<Json> {
  const res = await postRaw(url, JSON.stringify(body));
  return (await res.json()) as Json;
}

/** A minimal client: fetches a token once, then calls endpoints with it. */
export class Wx {
  token = '';

  constructor(
    readonly sb: RunningSandbox,
    readonly app: { appid: string; secret: string } = sb.app,
  ) {}

  async fetchToken(): Promise<string> {
    const q = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.app.appid,
      secret: this.app.secret,
    });
    const body = await getJson(`${this.sb.url}/cgi-bin/token?${q.toString()}`);
    if (typeof body.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(body)}`);
    this.token = body.access_token;
    return this.token;
  }

  async post(path: string, body: unknown, token?: string): Promise<Json> {
    if (!this.token && token === undefined) await this.fetchToken();
    const t = token ?? this.token;
    return postJson(`${this.sb.url}${path}?access_token=${encodeURIComponent(t)}`, body);
  }

  async postText(path: string, text: string): Promise<Json> {
    if (!this.token) await this.fetchToken();
    const res = await postRaw(`${this.sb.url}${path}?access_token=${this.token}`, text);
    return (await res.json()) as Json;
  }
}

export async function control(sb: RunningSandbox, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sb.url}/__sandbox${path}`, {
    method,
    // The control API refuses other types (a page could post them cross-site).
    headers: { 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json };
}
