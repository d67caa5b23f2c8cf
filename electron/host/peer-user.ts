/**
 * Which OS account a loopback TCP connection comes from. A TCP connection carries no user, but
 * on Linux the kernel's socket table (/proc/net/tcp) names the account that owns each socket,
 * the connecting one included (as `ss -e` shows it). The browser host serves only its own
 * account (and root): another login could otherwise load the page, read its per-launch secret
 * and call the contract (set up a new terminal, lock operators out). macOS and Windows have no
 * such table: there the browser host is reachable by every account of the PC (README,
 * Security). Plain Node.
 *
 * The table lists every socket of the machine, and any account can make it long (tens of
 * thousands of sockets, megabytes of text): it is read off the event loop, once for all the
 * connections waiting at that moment, so a flood of connections costs a read per batch, not
 * per connection, and never blocks the answers to calls meanwhile.
 */
import { readFile } from 'node:fs/promises';

export interface LoopbackEnds {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  localAddress?: string | undefined;
  localPort?: number | undefined;
}

/** 127.0.0.1:5417 as /proc/net/tcp writes it: the address's bytes reversed, both in hex. */
function procEnd(address: string, port: number): string | undefined {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (!v4) return undefined;
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
  const bytes = v4.slice(1, 5).map(Number).reverse();
  return `${bytes.map((b) => hex(b, 2)).join('')}:${hex(port, 4)}`;
}

/** The connecting socket's own line starts so: its local end is our remote one, and back. */
function lineKey(socket: LoopbackEnds): string | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (!remoteAddress || !remotePort || !localAddress || !localPort) return undefined;
  const theirs = procEnd(remoteAddress, remotePort);
  const ours = procEnd(localAddress, localPort);
  return theirs && ours ? ` ${theirs} ${ours} ` : undefined;
}

/**
 * The uid owning the connecting end, from the table's text: a number; null when the table has
 * no such socket (it closed meanwhile, or is not IPv4).
 */
export function uidIn(table: string, socket: LoopbackEnds): number | null {
  const key = lineKey(socket);
  if (!key) return null;
  const at = table.indexOf(key);
  if (at < 0) return null;
  const end = table.indexOf('\n', at);
  // local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
  const fields = table
    .slice(at, end < 0 ? undefined : end)
    .trim()
    .split(/\s+/);
  const uid = Number(fields[6]);
  return Number.isInteger(uid) ? uid : null;
}

/** Whether an account may be served: this process's own, or root's (who runs the PC anyway). */
function mayServe(uid: number | null, me: number): boolean {
  return uid === me || uid === 0;
}

/**
 * A gate for connections: resolves true for one this host may serve. Reads `table` once per
 * batch of waiting connections; a connection waits for a read that starts after it arrived.
 * Where there is no table (not Linux) or no uid (Windows), every connection may be served;
 * a table that cannot be read this time refuses the batch.
 */
export function accountGate(table = '/proc/net/tcp') {
  const me = process.getuid?.();
  let waiting: { socket: LoopbackEnds; resolve: (ok: boolean) => void }[] = [];
  let reading = false;
  let noTable = me === undefined;

  async function pump() {
    if (reading) return;
    reading = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting;
        waiting = [];
        let text: string | undefined;
        try {
          text = await readFile(table, 'latin1');
        } catch (err) {
          // No table at all: not Linux, nothing to ask. Any other failure (out of file
          // handles, say) refuses this batch rather than opening the gate for good.
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') noTable = true;
        }
        for (const w of batch) {
          w.resolve(noTable || (text !== undefined && mayServe(uidIn(text, w.socket), me!)));
        }
      }
    } finally {
      reading = false;
    }
  }

  return (socket: LoopbackEnds): Promise<boolean> => {
    if (noTable) return Promise.resolve(true);
    return new Promise((resolve) => {
      waiting.push({ socket, resolve });
      void pump();
    });
  };
}
