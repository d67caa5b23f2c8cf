/**
 * Which OS account a loopback TCP connection comes from. A TCP connection carries no user, but
 * on Linux the kernel's socket table (/proc/net/tcp) names the account that owns each socket,
 * the connecting one included (as `ss -e` shows it). The browser host refuses connections from
 * other accounts of the PC: another login could otherwise load the page, read its per-launch
 * secret and call the contract (set up a new terminal, lock operators out). macOS and Windows
 * have no such table: there the browser host is reachable by every account of the PC (README,
 * Security). Plain Node.
 */
import { readFileSync } from 'node:fs';

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

/**
 * The uid owning the connecting end of `socket`: a number; null when the table has no such
 * socket (it closed meanwhile, or is not IPv4); undefined when there is no table to ask.
 */
export function peerUid(socket: LoopbackEnds, table = '/proc/net/tcp'): number | null | undefined {
  let text: string;
  try {
    text = readFileSync(table, 'latin1');
  } catch {
    return undefined;
  }
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (!remoteAddress || !remotePort || !localAddress || !localPort) return null;
  // The connecting socket's own line: its local end is our remote one, and the other way round.
  const theirs = procEnd(remoteAddress, remotePort);
  const ours = procEnd(localAddress, localPort);
  if (!theirs || !ours) return null;
  for (const line of text.split('\n')) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const f = line.trim().split(/\s+/);
    if (f[1] === theirs && f[2] === ours && f[7] !== undefined) {
      const uid = Number(f[7]);
      return Number.isInteger(uid) ? uid : null;
    }
  }
  return null;
}

/**
 * Whether a connection may be served: from this process's own account or root (whoever
 * administers the PC is outside what the terminal defends against), or on a system with no
 * socket table to tell.
 */
export function fromThisAccount(socket: LoopbackEnds, table?: string): boolean {
  const me = process.getuid?.();
  if (me === undefined) return true; // Windows
  const uid = peerUid(socket, table);
  if (uid === undefined) return true;
  return uid === me || uid === 0;
}
