/**
 * The exchange under the WeChat client (electron/wechat/http.ts: axios with our adapter on
 * node:http), against a real local server: what came back, and when nothing did, whether the
 * request could have reached the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { createHttp, type Http } from '../../../electron/wechat/http';

let server: http.Server;
let base = '';
const seen: { method: string; url: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
let client: Http;
/** Only for the tests of the total deadline. */
let tight: Http;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      const path = (req.url ?? '').split('?')[0] ?? '';
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
      } else if (path.startsWith('/encoded/')) {
        // Encoded whatever the request asked for (no Accept-Encoding allows any, RFC 9110).
        const encoding = path.slice('/encoded/'.length);
        const text = Buffer.from(JSON.stringify({ errcode: 0, note: '优惠' }));
        const encoded =
          encoding === 'gzip'
            ? zlib.gzipSync(text)
            : encoding === 'deflate'
              ? zlib.deflateSync(text)
              : encoding === 'br'
                ? zlib.brotliCompressSync(text)
                : text;
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding });
        res.end(encoded);
      } else if (path === '/gzip-broken') {
        res.writeHead(200, { 'Content-Encoding': 'gzip' });
        res.end('{"errcode":0}');
      } else if (path === '/gzip-bomb') {
        res.writeHead(200, { 'Content-Encoding': 'gzip' });
        // 21 MB of spaces, about 20 kB on the wire.
        res.end(zlib.gzipSync(Buffer.alloc(21 * 1024 * 1024, 0x20)));
      } else if (path === '/redirect') {
        res.writeHead(302, { Location: '/echo' });
        res.end();
      } else if (path === '/slow-body') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"errcode":');
        setTimeout(() => res.end('0}'), 1_000);
      } else if (path === '/chunked') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"err');
        setTimeout(() => res.end('code":0}'), 20);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  // Roomy: a loaded machine may take a while over a plain answer. The deadline tests use `tight`.
  client = createHttp({ connectMs: 5_000, totalMs: 10_000 });
  tight = createHttp({ connectMs: 1_000, totalMs: 400 });
});

afterAll(async () => {
  client.close();
  tight.close();
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
    // Exactly these headers, as axios.create's instance sent them: nothing else leaks in.
    expect(last.headers).toEqual({
      accept: 'application/json, text/plain, */*',
      'accept-encoding': 'identity',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-trace': 'abc',
      host: new URL(base).host,
      connection: 'keep-alive',
    });
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
    const r = await tight.request({ method: 'POST', url: `${base}/hang`, body: '{}' });
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

  it('asks for no encoding, and reads an answer encoded anyway (gzip, deflate, br) as axios did', async () => {
    await client.request({ method: 'GET', url: `${base}/echo` });
    expect(seen.at(-1)!.headers['accept-encoding']).toBe('identity');
    for (const encoding of ['gzip', 'deflate', 'br', 'identity']) {
      const r = await client.request({
        method: 'POST',
        url: `${base}/encoded/${encoding}`,
        body: '{}',
      });
      expect(r).toEqual({ type: 'response', status: 200, text: '{"errcode":0,"note":"优惠"}' });
    }
  });

  it('an encoded answer that cannot be decoded is no answer, sent', async () => {
    for (const url of [`${base}/gzip-broken`, `${base}/encoded/compress`]) {
      const r = await client.request({ method: 'POST', url, body: '{}' });
      expect(r).toMatchObject({
        type: 'failed',
        sent: true,
        timedOut: false,
        code: 'ERR_BAD_ENCODING',
      });
    }
  });

  it('an encoded answer over 20 MB once decoded is refused', async () => {
    const big = createHttp({ connectMs: 1_000, totalMs: 20_000 });
    try {
      const r = await big.request({ method: 'GET', url: `${base}/gzip-bomb` });
      expect(r).toMatchObject({ type: 'failed', sent: true, code: 'ERR_BODY_TOO_LARGE' });
    } finally {
      big.close();
    }
  });

  it('a redirect is an answer, not followed', async () => {
    const before = seen.length;
    const r = await client.request({ method: 'POST', url: `${base}/redirect`, body: '{}' });
    expect(r).toEqual({ type: 'response', status: 302, text: '' });
    expect(seen.length).toBe(before + 1);
  });

  it('a chunked answer is read whole', async () => {
    const r = await client.request({ method: 'POST', url: `${base}/chunked`, body: '{}' });
    expect(r).toEqual({ type: 'response', status: 200, text: '{"errcode":0}' });
  });

  it('the total deadline running out mid-answer, after the headers, is a timeout, sent', async () => {
    const r = await tight.request({ method: 'POST', url: `${base}/slow-body`, body: '{}' });
    expect(r).toMatchObject({ type: 'failed', sent: true, timedOut: true, code: 'ETIMEDOUT' });
  });
});

/** A raw TCP server: `onData` sees each chunk a client sends on each connection. */
async function rawServer(onData: (socket: net.Socket, n: number) => void) {
  let n = 0;
  const s = net.createServer((socket) => socket.on('data', () => onData(socket, ++n)));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(s.address() as net.AddressInfo).port}/`, server: s };
}

describe('the connection', () => {
  it('a request on a kept-alive connection the server drops unanswered counts as sent', async () => {
    // The server answers the first request and resets the connection on the second: the
    // reused socket was up, so the second may have been read (a write: outcome unknown).
    const raw = await rawServer((socket, n) => {
      if (n === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      else socket.resetAndDestroy();
    });
    try {
      expect(await client.request({ method: 'POST', url: raw.url, body: '{}' })).toMatchObject({
        type: 'response',
        text: 'ok',
      });
      expect(await client.request({ method: 'POST', url: raw.url, body: '{}' })).toMatchObject({
        type: 'failed',
        sent: true,
        timedOut: false,
        code: 'ECONNRESET',
      });
    } finally {
      raw.server.close();
    }
  });

  it('an answer that ends with the connection (no length) is whatever came', async () => {
    const raw = await rawServer((socket) =>
      socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"errc'),
    );
    try {
      // Not JSON: the caller's parse says malformed_response (a write: outcome unknown).
      expect(await client.request({ method: 'POST', url: raw.url, body: '{}' })).toEqual({
        type: 'response',
        status: 200,
        text: '{"errc',
      });
    } finally {
      raw.server.close();
    }
  });

  it('a TLS handshake that never completes is a connect timeout, not sent', async () => {
    // TCP is accepted at once; the TLS handshake never answers.
    const stall = net.createServer(() => {});
    const quick = createHttp({ connectMs: 300, totalMs: 2_000 });
    await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
    try {
      const port = (stall.address() as net.AddressInfo).port;
      const r = await quick.request({
        method: 'POST',
        url: `https://127.0.0.1:${port}/`,
        body: '{}',
      });
      expect(r).toMatchObject({
        type: 'failed',
        sent: false,
        timedOut: false,
        code: 'ECONNECTTIMEOUT',
      });
    } finally {
      quick.close();
      stall.close();
    }
  });

  it('https: an untrusted certificate is not sent; a trusted one answers, connection kept', async () => {
    // A self-signed certificate for 127.0.0.1 kept with the tests (test/fixtures/tls).
    const dir = path.join(__dirname, '..', '..', 'fixtures', 'tls');
    const sockets = new Set<net.Socket>();
    const tlsServer = https.createServer(
      {
        key: readFileSync(path.join(dir, 'key.pem')),
        cert: readFileSync(path.join(dir, 'cert.pem')),
      },
      (req, res) => {
        req.resume();
        req.on('end', () => res.end('{"errcode":0}'));
      },
    );
    tlsServer.on('connection', (s: net.Socket) => sockets.add(s));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(tlsServer.address() as net.AddressInfo).port}/`;
    try {
      expect(await client.request({ method: 'POST', url, body: '{}' })).toMatchObject({
        type: 'failed',
        sent: false,
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
      // Only this test's own certificate, for the next two requests.
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      const tls = createHttp({ connectMs: 1_000, totalMs: 2_000 });
      try {
        for (let i = 0; i < 2; i++) {
          expect(await tls.request({ method: 'POST', url, body: '{}' })).toEqual({
            type: 'response',
            status: 200,
            text: '{"errcode":0}',
          });
        }
      } finally {
        tls.close();
        delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      }
      // The untrusted attempt and one kept-alive connection for both trusted requests.
      expect(sockets.size).toBe(2);
    } finally {
      tlsServer.closeAllConnections();
      tlsServer.close();
    }
  });
});
