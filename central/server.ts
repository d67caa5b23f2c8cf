/**
 * The collector's HTTP(S) front: stateless (PostgreSQL holds everything), so a chain may run
 * several behind a load balancer on one database server. TLS: give `tls` (certificate and
 * key) to terminate it here, or listen on loopback behind a proxy that terminates it.
 */
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  DURABLE_SEQ_HEADER,
  InstallId,
  parseDurableSeq,
  plainPushBody,
  PushBody,
  type CentralErrorBody,
} from '../shared/central';
import { authenticate, CredentialError } from './credentials';
import type { Database } from './db';
import { describe, HttpError, readJson, send } from './http';
import { createIngest, readHead } from './ingest';
import { migrate } from './migrate';
import { createOffice, type OfficeOptions } from './office/api';
import { createPartitioner } from './partitions';

export interface CollectorOptions {
  db: Database;
  port: number;
  host?: string;
  tls?: { cert: Buffer; key: Buffer };
  /** Errors that are not the client's fault (a database down); default: stderr. */
  onError?: (err: unknown) => void;
  /** Head office's page and API under /office (WeChat for reconciliation, the page's folder). */
  office?: Omit<OfficeOptions, 'db'>;
}

export interface RunningCollector {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A terminal was heard from: when, and the last record it says it holds durably (if it says;
 * never lowered, so a late request cannot undo a newer one). Only for an install it may write.
 */
async function heardFrom(db: Database, installId: string, durableSeq: number | undefined) {
  await db.query(
    `UPDATE installs SET last_seen_at = now(),
       reported_seq = CASE WHEN $2::bigint IS NULL THEN reported_seq
                           ELSE greatest(coalesce(reported_seq, 0), $2::bigint) END
     WHERE install_id = $1`,
    [installId, durableSeq ?? null],
  );
}

export async function startCollector(opts: CollectorOptions): Promise<RunningCollector> {
  const { db } = opts;
  await migrate(db);
  const ingest = createIngest({ db, partitions: createPartitioner(db) });
  const office = createOffice({ db, secureCookie: opts.tls !== undefined, ...opts.office });
  const onError = opts.onError ?? ((err: unknown) => console.error('collector:', err));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://collector');
    if (req.method === 'GET' && url.pathname === '/healthz') {
      await db.query('SELECT 1');
      return send(res, 200, { ok: true });
    }
    if (url.pathname === '/v1/head') {
      if (req.method !== 'GET') throw new HttpError(405, 'method', 'GET only');
      const cred = await authenticate(db, req.headers.authorization);
      const install = InstallId.safeParse(url.searchParams.get('install_id'));
      if (!install.success) throw new HttpError(400, 'bad_request', 'install_id: a UUID');
      if (cred.install_id !== null && cred.install_id !== install.data) {
        throw new CredentialError(403, 'other_install', 'this credential reads its own install');
      }
      if (cred.install_id === null) {
        const held = await db.query(
          'SELECT 1 FROM credentials WHERE install_id = $1 AND id <> $2 LIMIT 1',
          [install.data, cred.id],
        );
        if (held.rows.length > 0) {
          throw new CredentialError(
            403,
            'other_install',
            'this install belongs to another credential',
          );
        }
      }
      await heardFrom(db, install.data, parseDurableSeq(req.headers[DURABLE_SEQ_HEADER]));
      return send(res, 200, await readHead(db, install.data));
    }
    if (url.pathname === '/v1/records') {
      if (req.method !== 'POST') throw new HttpError(405, 'method', 'POST only');
      // Authenticate before reading a body of up to 16 MB from anyone.
      const cred = await authenticate(db, req.headers.authorization);
      const raw = await readJson(req);
      // The schema's answer for a well-formed body, without its cost; zod says what is wrong.
      let body = plainPushBody(raw);
      if (!body) {
        const parsed = PushBody.safeParse(raw);
        if (!parsed.success) throw new HttpError(400, 'bad_request', describe(parsed.error));
        body = parsed.data;
      }
      // When it was heard from and what it holds are kept by the push's own statement.
      const durable = parseDurableSeq(req.headers[DURABLE_SEQ_HEADER]);
      return send(res, 200, await ingest.push(cred, body, durable));
    }
    if (await office.handle(req, res, url)) return;
    throw new HttpError(404, 'not_found', `no route ${req.method} ${url.pathname}`);
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((err: unknown) => {
      let status = 500;
      let body: CentralErrorBody = { error: 'internal', message: 'the collector failed' };
      if (err instanceof HttpError || err instanceof CredentialError) {
        status = err.status;
        body = { error: err.code, message: err.message };
      } else {
        onError(err);
        status = 503;
        body = { error: 'unavailable', message: 'the journal database is not available' };
      }
      if (res.headersSent) res.destroy();
      else {
        // The rest of an unread body is dropped with the connection.
        res.setHeader('connection', 'close');
        send(res, status, body);
      }
    });
  };
  const server = opts.tls
    ? createHttps({ cert: opts.tls.cert, key: opts.tls.key }, handler)
    : createHttp(handler);
  server.requestTimeout = 60_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
