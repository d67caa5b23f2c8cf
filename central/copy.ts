/**
 * `COPY ... FROM STDIN` through `pg` without another dependency: a pg Query that sends the
 * rows (COPY's text format) when the server asks for them. The collector stores a batch's
 * records this way on a real server (central/ingest.ts), and bench:central's bare COPY uses
 * the same code for its side.
 */
import { once } from 'node:events';
import pg from 'pg';

interface CopyConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(msg: string): void;
  stream: NodeJS.WritableStream & { writableNeedDrain?: boolean };
}

/** A `COPY ... FROM STDIN` whose rows come from `source` (text format chunks). */
class CopyFromQuery extends pg.Query {
  constructor(
    text: string,
    private readonly source: AsyncIterable<string> | Iterable<string>,
  ) {
    super(text);
  }
  handleCopyInResponse(connection: CopyConnection): void {
    void (async () => {
      try {
        for await (const chunk of this.source) {
          connection.sendCopyFromChunk(Buffer.from(chunk, 'utf8'));
          if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
        }
        connection.endCopyFrom();
      } catch (err) {
        connection.sendCopyFail(String(err));
      }
    })();
  }
}

/**
 * Runs `COPY <target> FROM STDIN` on `client` with the rows of `source`; the row count.
 * `target` is SQL (a table and its columns): never from a request.
 */
export function copyFrom(
  client: pg.Client | pg.PoolClient,
  target: string,
  source: AsyncIterable<string> | Iterable<string>,
): Promise<number> {
  const q = new CopyFromQuery(`COPY ${target} FROM STDIN`, source);
  return new Promise((resolve, reject) => {
    q.on('error', reject);
    q.on('end', (r: { rowCount?: number | null }) => resolve(r?.rowCount ?? 0));
    void client.query(q as unknown as pg.QueryConfig);
  });
}

const COPY_SPECIAL = /[\\\n\r\t]/;

/** One field in COPY's text format (`\N` for null; backslash, newline, CR and tab escaped). */
export function copyField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v !== 'string') return String(v);
  if (!COPY_SPECIAL.test(v)) return v;
  return v.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}
