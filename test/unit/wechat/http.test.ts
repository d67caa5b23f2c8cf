/**
 * The exchange under the WeChat client (electron/wechat/http.ts: axios with our adapter on
 * node:http), against a real local server: what came back, and when nothing did, whether the
 * request could have reached the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { createHttp, type Http } from '../../../electron/wechat/http';

let server: http.Server;
let base = '';
const seen: { method: string; url: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
let client: Http;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      const path = (req.url ?? '').split('?')[0];
      if (path === '/echo') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ got: body }));
      } else if (path === '/fail') {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html>bad gateway</html>');
      } else if (path === '/huge') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const mb = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const more = () => {
          while (sent < 21) {
            sent += 1;
            if (!res.write(mb)) return res.once('drain', more);
          }
          res.end();
        };
        more();
      } else if (path === '/cut') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
        res.write('{"errcode":0,');
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (path === '/hang') {
        // Never answers.
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  client = createHttp({ connectMs: 1_000, totalMs: 400 });
});

afterAll(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('one exchange', () => {
  it('sends the JSON text exactly, non-ASCII included, with its byte length, and returns the answer as text', async () => {
    const body = JSON.stringify({ code: '优惠券-😀-123', note: 'ä'.repeat(100) });
    const r = await client.request({
      method: 'POST',
      url: `${base}/echo?access_token=t`,
      body,
      headers: { 'X-Trace': 'abc' },
    });
    expect(r).toEqual({ type: 'response', status: 200, text: JSON.stringify({ got: body }) });
    const last = seen.at(-1)!;
    expect(last.body).toBe(body);
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.headers['x-trace']).toBe('abc');
    expect(last.url).toBe('/echo?access_token=t');
  });

  it('a GET goes without a body or a content type', async () => {
    const r = await client.request({ method: 'GET', url: `${base}/echo` });
    expect(r).toMatchObject({ type: 'response', status: 200 });
    expect(seen.at(-1)!.method).toBe('GET');
    expect(seen.at(-1)!.headers['content-type']).toBeUndefined();
  });

  it('a 5xx with a non-JSON body is an answer, for the caller to judge', async () => {
    const r = await client.request({ method: 'POST', url: `${base}/fail`, body: '{}' });
    expect(r).toEqual({ type: 'response', status: 502, text: '<html>bad gateway</html>' });
  });

  it('a refused connection was certainly not sent', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await client.request({
      method: 'POST',
      url: `http://127.0.0.1:${port}/x`,
      body: '{}',
    });
    expect(r).toMatchObject({ type: 'failed', sent: false, timedOut: false, code: 'ECONNREFUSED' });
  });

  it('an answer cut off mid-body is no answer, and the request may have been applied', async () => {
    const r = await client.request({ method: 'POST', url: `${base}/cut`, body: '{}' });
    expect(r).toMatchObject({ type: 'failed', sent: true, timedOut: false });
  });

  it('a server that never answers ends at the total deadline, sent', async () => {
    const t = performance.now();
    const r = await client.request({ method: 'POST', url: `${base}/hang`, body: '{}' });
    expect(r).toMatchObject({ type: 'failed', sent: true, timedOut: true, code: 'ETIMEDOUT' });
    expect(performance.now() - t).toBeGreaterThanOrEqual(390);
  });

  it('an answer over 20 MB is refused, not kept in memory', async () => {
    const big = createHttp({ connectMs: 1_000, totalMs: 20_000 });
    try {
      const r = await big.request({ method: 'GET', url: `${base}/huge` });
      expect(r).toMatchObject({ type: 'failed', sent: true, code: 'ERR_BODY_TOO_LARGE' });
    } finally {
      big.close();
    }
  });

  it('fifty exchanges at once each get their own answer', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i }));
    const rs = await Promise.all(
      bodies.map((body) => client.request({ method: 'POST', url: `${base}/echo`, body })),
    );
    expect(rs.map((r) => (r.type === 'response' ? r.text : r.code))).toEqual(
      bodies.map((b) => JSON.stringify({ got: b })),
    );
  });
});
