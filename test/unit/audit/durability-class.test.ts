/**
 * Durability by action (electron/audit/durability.ts): every action the terminal writes has a
 * class; a `normal` record is committed with synchronous=NORMAL and the connection is FULL
 * again right after; a `full` one never relaxes; a `normal` record inside a caller's
 * transaction shares its commit; and a `normal` record survives a SIGKILL of its process the
 * moment append returns, with the chain intact.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DURABILITY, durabilityOf } from '../../../electron/audit/durability';
import { ACTION } from '../../../electron/services/writes/outcomes';
import { AUDIT_ACTIONS } from '../../../shared/audit';
import { open, record, ROOT, tempFile } from './helpers';

const FULL = 2;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourcesUnder(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

/** Action names written as literals anywhere in the main process (`action: 'x'`, `'x' as const`). */
function actionsInSources(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourcesUnder(path.join(ROOT, 'electron'))) {
    const rel = path.relative(ROOT, file);
    // Electron's window-open handler answers `{ action: 'deny' }`: not an audit record.
    if (rel === path.join('electron', 'security.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\baction:\s*\(?'([a-z][a-z0-9_]*)'/g)) found.set(m[1]!, rel);
    // `action: cond ? ('redeem' as const) : ('invalidate' as const)` on one line.
    for (const line of text.split('\n').filter((l) => /\baction:/.test(l))) {
      for (const m of line.matchAll(/'([a-z][a-z0-9_]*)' as const/g)) found.set(m[1]!, rel);
    }
  }
  return found;
}

describe('every action has a durability class', () => {
  it('the known actions, the write engine’s and every literal the main process writes', () => {
    const written = actionsInSources();
    // The scan must see the usual suspects, or it is scanning nothing.
    for (const a of ['lookup', 'sign_in', 'settings_change', 'operator_change', 'card_update']) {
      expect(written.has(a), a).toBe(true);
    }
    const all = new Set([...AUDIT_ACTIONS, ...Object.values(ACTION), ...written.keys()]);
    const missing = [...all].filter((a) => !Object.prototype.hasOwnProperty.call(DURABILITY, a));
    expect(missing, `classify these in electron/audit/durability.ts`).toEqual([]);
  });

  it('relaxes only reads; the rule’s actions are full; an unknown one is full', () => {
    const normal = Object.entries(DURABILITY)
      .filter(([, c]) => c === 'normal')
      .map(([a]) => a)
      .sort();
    expect(normal).toEqual(
      ['card_get', 'card_list', 'code_check', 'datacube', 'lookup', 'scan', 'user_cards'].sort(),
    );
    for (const a of [
      'redeem',
      'invalidate',
      'send',
      'settle',
      'outbox_enqueue',
      'outbox_result',
      'settings_change',
      'operator_change',
      'operator_unlock',
      'sign_in',
      'terminal_reset',
    ]) {
      expect(durabilityOf(a), a).toBe('full');
    }
    expect(durabilityOf('some_future_action')).toBe('full');
    expect(durabilityOf('constructor')).toBe('full');
  });
});

describe('the commit of each record', () => {
  /** The SQL of every prepared statement run while fn runs (better-sqlite3's Statement#run). */
  function statementsRun(log: ReturnType<typeof open>, fn: () => void): string[] {
    const proto = Object.getPrototypeOf(log.db.prepare('SELECT 1')) as {
      run: (this: { source: string }, ...a: unknown[]) => unknown;
    };
    const original = proto.run;
    const seen: string[] = [];
    proto.run = function (this: { source: string }, ...args: unknown[]) {
      seen.push(this.source.replace(/\s+/g, ' ').trim());
      return original.apply(this, args);
    };
    try {
      fn();
    } finally {
      proto.run = original;
    }
    return seen;
  }

  it('a lookup commits with NORMAL, then the connection is FULL again', () => {
    const log = open(tempFile());
    const sql = statementsRun(log, () => log.append(record(1)));
    const at = (s: string) => sql.findIndex((q) => q.startsWith(s));
    expect(at('PRAGMA synchronous = NORMAL')).toBe(0);
    expect(at('INSERT INTO audit')).toBeGreaterThan(0);
    expect(sql.at(-1)).toBe('PRAGMA synchronous = FULL');
    expect(log.db.pragma('synchronous', { simple: true })).toBe(FULL);
    expect(log.search({}).rows).toHaveLength(1);
  });

  it('a sign-in, a settings change and a redemption never relax', () => {
    const log = open(tempFile());
    const sql = statementsRun(log, () => {
      log.append({ action: 'sign_in', outcome: 'ok', operator_id: 'ann' });
      log.append({ action: 'settings_change', outcome: 'ok', detail: { field: 'x' } });
      const intent = log.appendIntent({ action: 'redeem', code: '178847660332' });
      log.appendResult(intent.nonce!, { action: 'redeem', outcome: 'ok', errcode: 0 });
    });
    expect(sql.filter((q) => q.startsWith('INSERT INTO audit'))).toHaveLength(4);
    expect(sql.filter((q) => q.startsWith('PRAGMA synchronous'))).toEqual([]);
    expect(log.db.pragma('synchronous', { simple: true })).toBe(FULL);
  });

  it('a lookup inside a caller’s transaction shares its FULL commit', () => {
    const log = open(tempFile());
    const sql = statementsRun(log, () => {
      log.db.transaction(() => {
        log.append(record(1));
        expect(log.db.pragma('synchronous', { simple: true })).toBe(FULL);
      })();
    });
    expect(sql.filter((q) => q.startsWith('PRAGMA synchronous'))).toEqual([]);
    expect(log.search({}).rows).toHaveLength(1);
  });
});

describe('a lookup survives a crash of the process', () => {
  it('SIGKILL right after the append returns: the record is there and the chain verifies', async () => {
    const file = tempFile();
    const acks: { id: number; hash: string }[] = [];
    for (let round = 0; round < 3; round++) {
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(__dirname, 'fixtures', 'append-lookup-then-kill.ts'),
          file,
          String(round),
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(child.signal, child.stderr).toBe('SIGKILL');
      const [id, hash] = child.stdout.trim().split(' ');
      acks.push({ id: Number(id), hash: hash! });
    }
    const log = open(file);
    for (const ack of acks) {
      const r = log.get(ack.id);
      expect(r?.action).toBe('lookup');
      expect(r?.hash).toBe(ack.hash);
    }
    // Each run: a sign-in, then the lookup; the lookup is the last record each time.
    expect(acks.map((a) => a.id)).toEqual([2, 4, 6]);
    const verdict = await log.verify();
    expect(verdict).toMatchObject({ ok: true, count: 6, warnings: [] });
  });
});
