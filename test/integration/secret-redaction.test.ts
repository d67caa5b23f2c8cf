/**
 * One redaction rule set for the log file, audit records and error texts (issue 16). Each leak
 * the old rule sets let through is tried against all three, on real files: the log file on
 * disk and the audit log in a real SQLite file, read back as bytes.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../electron/audit';
import { LogFile } from '../../electron/log-file';
import { isSecretName, redact } from '../../electron/redact';
import { diff, maskSecrets } from '../../electron/services/account/settings-diff';
import { redact as redactWeChatError } from '../../electron/wechat/redact';

const BASIC = 'Basic Ym9zczpob3JzZSBiYXR0ZXJ5IHN0YXBsZQ=='; // boss:horse battery staple
const SPACED = 'horse battery staple';
const SERVICE_AUTH = 'Bearer svc-7f3a9c2e1b';

/** Each leak: a text as it reaches a log line or an error, and what must not survive. */
const LEAKS: { name: string; text: string; secrets: string[] }[] = [
  {
    name: 'an Authorization header line with Basic credentials',
    text: `POST /token HTTP/1.1\r\nAuthorization: ${BASIC}\r\nHost: tokens.example`,
    secrets: ['Ym9zczpob3JzZSBiYXR0ZXJ5IHN0YXBsZQ==', 'Basic Ym9z'],
  },
  {
    name: 'Basic credentials in an object as inspect prints it',
    text: `{ headers: { Authorization: '${BASIC}', Accept: 'application/json' } }`,
    secrets: ['Ym9zczpob3JzZSBiYXR0ZXJ5IHN0YXBsZQ=='],
  },
  {
    name: 'tokenServiceAuth in JSON',
    text: `{"tokenServiceUrl":"https://tokens.example/t","tokenServiceAuth":"${SERVICE_AUTH}"}`,
    secrets: ['svc-7f3a9c2e1b'],
  },
  {
    name: 'tokenServiceAuth as a header-like line',
    text: `tokenServiceAuth: ${SERVICE_AUTH}`,
    secrets: ['svc-7f3a9c2e1b'],
  },
  {
    name: 'a secret with spaces in JSON',
    text: `{"appSecret":"${SPACED}","appId":"wx1234567890abcdef"}`,
    secrets: ['battery', 'staple'],
  },
  {
    name: 'a secret with spaces as inspect prints it',
    text: `{ secret: '${SPACED}', pin: 86420975, password: "it's ${SPACED}" }`,
    secrets: ['battery', 'staple', '86420975'],
  },
  {
    name: 'a secret with spaces in JSON inside a JSON string',
    text: JSON.stringify({ body: JSON.stringify({ app_secret: SPACED }) }),
    secrets: ['battery', 'staple'],
  },
  {
    name: 'secrets in a query string, any case',
    text: 'GET /cgi-bin/token?grant_type=client_credential&appid=wx1&SECRET=S3cr3tValue&Access_Token=AT.123',
    secrets: ['S3cr3tValue', 'AT.123'],
  },
  {
    name: 'a password in a URL',
    text: 'connect https://boss:hunter2hunter2@tokens.example/t failed',
    secrets: ['hunter2hunter2'],
  },
  {
    name: 'a cookie header, to the end of its line',
    text: 'Cookie: sid=abc123; theme=dark\nnext line',
    secrets: ['abc123', 'theme=dark'],
  },
];

const logs: AuditLog[] = [];
afterEach(() => {
  for (const l of logs.splice(0)) l.close();
});

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'carddesk-redact-'));

describe('the one rule set', () => {
  it.each(LEAKS)('masks $name in texts, log lines and error texts', ({ text, secrets }) => {
    const dir = tmp();
    const log = new LogFile({ dir });
    log.error('call failed', text);
    const onDisk = readFileSync(path.join(dir, 'carddesk.log'), 'utf8');
    for (const out of [redact(text), redactWeChatError(text), onDisk]) {
      for (const s of secrets) expect(out).not.toContain(s);
      expect(out).toContain('***');
    }
  });

  it('masks them in audit records on disk: errmsg, detail texts and detail keys', () => {
    const dir = tmp();
    const file = path.join(dir, 'audit.db');
    const audit = openAuditLog(file, { terminalId: 'T-01' });
    logs.push(audit);
    for (const leak of LEAKS) {
      audit.append({
        action: 'lookup',
        outcome: 'failed',
        errmsg: leak.text,
        detail: { leak: leak.text },
      });
    }
    audit.append({
      action: 'settings_change',
      outcome: 'ok',
      detail: {
        live: {
          tokenServiceAuth: SERVICE_AUTH,
          appSecret: SPACED,
          tokenServiceUrl: 'https://t.example/x',
        },
        headers: { authorization: BASIC },
        supervisorPin: 864213,
      },
    });
    audit.close();
    logs.pop();
    // The bytes SQLite wrote (the WAL folded into the file at close).
    const bytes = readdirSync(dir)
      .map((f) => readFileSync(path.join(dir, f)).toString('latin1'))
      .join('\n');
    for (const leak of LEAKS) for (const s of leak.secrets) expect(bytes).not.toContain(s);
    for (const s of ['svc-7f3a9c2e1b', 'battery', 'Ym9zczpv', '864213']) {
      expect(bytes).not.toContain(s);
    }
    // What is not secret stays readable: where a secret is sent is part of the audit.
    const again = openAuditLog(file, { terminalId: 'T-01', readonly: true });
    logs.push(again);
    const settings = again.search({ actions: ['settings_change'] }, { limit: 1 }).rows[0]!;
    expect(settings.detail).toEqual({
      headers: { authorization: '***' },
      live: { appSecret: '***', tokenServiceAuth: '***', tokenServiceUrl: 'https://t.example/x' },
      supervisorPin: '***',
    });
  });

  it('masks settings before/after for the audit with the same names, and keeps "is it set"', () => {
    const before = { live: { appId: 'wx1', tokenServiceAuth: '' }, secrets: { appSecret: false } };
    const after = {
      live: { appId: 'wx1', tokenServiceAuth: SERVICE_AUTH },
      secrets: { appSecret: true },
      note: `header was Authorization: ${BASIC}`,
    };
    const changes = diff(maskSecrets(before), maskSecrets(after));
    expect(changes).toEqual({
      'live.tokenServiceAuth': { before: '', after: '***' },
      'secrets.appSecret': { before: false, after: true },
      note: { before: undefined, after: 'header was Authorization: ***' },
    });
  });

  it('names secrets by name, without case, underscores or dashes, and leaves other names alone', () => {
    for (const name of [
      'appSecret',
      'AppSecret',
      'app_secret',
      'secret',
      'access_token',
      'ACCESS-TOKEN',
      'token',
      'tokenServiceAuth',
      'token_service_auth',
      'authorization',
      'Proxy-Authorization',
      'pin',
      'PIN',
      'supervisorPin',
      'operator_pin',
      'password',
      'x-api-key',
      'cookie',
      'headers.Authorization',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of [
      'appId',
      'shipping',
      'mapping',
      'code',
      'card_id',
      'tokenServiceUrl',
      'author',
    ]) {
      expect(isSecretName(name), name).toBe(false);
    }
  });

  it('keeps ordinary text as it was', () => {
    for (const text of [
      '2026-11-25T02:00:00.000Z INFO CardDesk browser host starting on port 5417',
      'invalid credential, access_token is invalid or not latest rid: 6566a9c1-2e5b1d7c',
      '{"errcode":40056,"errmsg":"invalid serial code"}',
      'https://api.weixin.qq.com/card/code/get?x=1',
    ]) {
      expect(redact(text)).toBe(text);
    }
    expect(redact('echo 0123456789abcdef here', ['0123456789abcdef'])).toBe('echo *** here');
  });

  it('stays linear on hostile input', () => {
    const text = `${'a.'.repeat(50_000)}=1 ${'"secret": "'.repeat(2_000)}`;
    const started = performance.now();
    redact(text);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
