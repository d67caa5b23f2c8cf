/**
 * Crash safety: a process appending in a burst is killed with SIGKILL. Every record it
 * acknowledged (printed after append returned) must be in the log, intact, and the chain must
 * verify; intents it left without a result are found as unsettled.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { open, ROOT, tempFile } from './helpers';

interface Ack {
  id: number;
  hash: string;
  outcome: string;
  nonce: string | undefined;
}

async function burstThenKill(file: string, atLeast: number): Promise<Ack[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'fixtures', 'append-burst.ts'), file],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const acks: Ack[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'ready') continue;
    const [id, hash, outcome, nonce] = line.split(' ');
    acks.push({
      id: Number(id),
      hash: hash!,
      outcome: outcome!,
      nonce: nonce === '-' ? undefined : nonce,
    });
    if (acks.length === atLeast) child.kill('SIGKILL');
  }
  expect(await exited, stderr).toBe('SIGKILL');
  return acks;
}

describe('crash safety', () => {
  it('keeps every acknowledged record after SIGKILL in the middle of a burst', async () => {
    const file = tempFile();
    // Twice: the second process starts on the log the first one left when it was killed.
    const first = await burstThenKill(file, 400);
    const second = await burstThenKill(file, 400);
    expect(second[0]!.id).toBeGreaterThan(first.at(-1)!.id);
    const acks = [...first, ...second];
    expect(new Set(acks.map((a) => a.id)).size).toBe(acks.length);

    const log = open(file);
    for (const ack of acks) {
      const r = log.get(ack.id);
      expect(r, `record ${ack.id}`).toBeDefined();
      expect(r!.hash).toBe(ack.hash);
      expect(r!.outcome).toBe(ack.outcome);
    }
    const verdict = await log.verify();
    expect(verdict).toMatchObject({ ok: true, warnings: [] });
    if (!verdict.ok) return;
    // Only records written as the signals came (at most one per kill) were not acknowledged.
    expect(verdict.count - acks.length).toBeGreaterThanOrEqual(0);
    expect(verdict.count - acks.length).toBeLessThanOrEqual(2);
    expect(second[0]!.id - first.at(-1)!.id).toBeLessThanOrEqual(2);

    // The search index was rebuilt at open: every record is searchable.
    expect(log.search({}, { limit: 1 }).rows[0]!.id).toBe(verdict.count);
    // An intent acknowledged without its result is found for settling, unless the result made
    // it to disk just before the kill.
    const results = new Set(acks.filter((a) => a.outcome !== 'pending').map((a) => a.nonce));
    const open_ = acks.filter((a) => a.outcome === 'pending' && !results.has(a.nonce));
    const unsettled = log.unsettledIntents().map((r) => r.nonce);
    for (const intent of open_) {
      const written = log.byNonce(intent.nonce!);
      if (written.length === 1) expect(unsettled).toContain(intent.nonce);
      else expect(written.map((r) => r.outcome)).toEqual(['pending', 'ok']);
    }
    // Every unsettled intent is one acknowledged without its result, or the one record written
    // as the signal came and never acknowledged.
    const acked = new Set(acks.map((a) => a.id));
    const unacked = new Set<string | null>();
    for (let id = 1; id <= verdict.count; id++) {
      const r = acked.has(id) ? undefined : log.get(id);
      if (r?.outcome === 'pending') unacked.add(r.nonce);
    }
    expect(unsettled.filter((n) => !open_.some((a) => a.nonce === n) && !unacked.has(n))).toEqual(
      [],
    );
    // And the log goes on.
    expect(log.append({ action: 'scan', outcome: 'ok' }).id).toBe(verdict.count + 1);
  });
});
