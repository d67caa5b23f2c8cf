/**
 * bench:central's collector, in a process of its own as at head office: the real collector
 * (central/server.ts) on the database in DATABASE_URL, listening on a free loopback port. It
 * prints one JSON line with its address when it listens, and stops when its stdin closes (the
 * bench ended or died) or on SIGTERM. Running it apart keeps its CPU out of the measured
 * terminal's event loop (the counter's lookups during a catch-up) and out of the pusher's.
 */
import { connectPostgres } from '../../../central/db';
import { startCollector } from '../../../central/server';

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const db = connectPostgres(url);
  const collector = await startCollector({
    db,
    port: 0,
    onError: (err) => console.error('collector:', err),
  });
  console.log(JSON.stringify({ url: collector.url }));
  const stop = async () => {
    await collector.close();
    await db.close();
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
