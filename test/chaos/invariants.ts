/**
 * What must hold after every chaos run, checked against the sandbox's ground truth (its
 * journal of the writes it applied, and of the redemptions "another terminal" made through the
 * control API) and read from the terminal only through the contract: the journal, the shift
 * summary, a JSON Lines export and the chain check.
 */
import type { TerminalProcess } from './processes';

export interface Ack {
  nonce: string;
  code: string;
  kind: 'consume' | 'invalidate';
  /** The terminal said it was done (redeemed / invalidated), not only recorded. */
  done: boolean;
}

export interface Cancel {
  nonce: string;
  code: string;
}

/** A redemption by another terminal (the control API), and whether ours was open throughout. */
export interface Other {
  code: string;
  openHere: boolean;
}

export interface HarnessLog {
  acks: Ack[];
  cancels: Cancel[];
  others: Other[];
}

export interface AppliedWrite {
  seq: number;
  path: string;
  code?: string;
  status?: string;
  via: 'api' | 'control';
}

export interface Truth {
  writes: AppliedWrite[];
}

interface Row {
  id: number;
  ts: number;
  action: string;
  code: string | null;
  outcome: string;
  nonce: string | null;
}

const SUCCESS = new Set(['ok', 'settled']);
const CLOSING = new Set(['ok', 'settled', 'rejected', 'failed', 'cancelled']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function journal(term: TerminalProcess): Promise<Row[]> {
  const rows: Row[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await term.must<{ rows: Row[]; nextBefore?: number }>('searchAudit', {
      filter: {},
      limit: 500,
      ...(before ? { before } : {}),
    });
    rows.push(...page.rows);
    if (!page.nextBefore) break;
    before = page.nextBefore;
  }
  return rows.sort((a, b) => a.id - b.id);
}

async function poll<T extends { state: string }>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const s = await fn();
    if (s.state !== 'running') return s;
    await sleep(25);
  }
  throw new Error('timed out');
}

export async function checkInvariants(
  term: TerminalProcess,
  truth: Truth,
  { acks, cancels, others }: HarnessLog,
): Promise<string[]> {
  const v: string[] = [];
  const rows = await journal(term);
  const byNonce = new Map<string, Row[]>();
  for (const r of rows) if (r.nonce) byNonce.set(r.nonce, [...(byNonce.get(r.nonce) ?? []), r]);
  const intentOf = (nonce: string) => byNonce.get(nonce)?.find((r) => r.outcome === 'pending');
  const closeOf = (nonce: string) => {
    const own = byNonce.get(nonce) ?? [];
    const action = own[0]?.action;
    return own.filter((r) => r.action === action && CLOSING.has(r.outcome)).at(-1);
  };

  const successes = (action: string) =>
    rows.filter((r) => r.action === action && SUCCESS.has(r.outcome));
  const applied = (p: string) => truth.writes.filter((w) => w.via === 'api' && w.path === p);

  for (const [action, p] of [
    ['redeem', '/card/code/consume'],
    ['invalidate', '/card/code/unavailable'],
  ] as const) {
    const done = successes(action);
    const api = applied(p);
    const codes = new Set([...done.map((r) => r.code!), ...api.map((w) => w.code!)]);
    for (const code of codes) {
      const ours = done.filter((r) => r.code === code);
      const wrote = api.filter((w) => w.code === code);
      // Per code, at most one write of each kind applied (the platform's own rule).
      if (wrote.length > 1) v.push(`${p} applied ${wrote.length} times to ${code}`);
      if (ours.length > 1) {
        v.push(
          `${action} of ${code} recorded as done ${ours.length} times: ${ours.map((r) => `${r.outcome}#${r.id}`).join(', ')}`,
        );
      }
      // Every write this terminal applied has its successful record.
      if (wrote.length === 1 && ours.length === 0)
        v.push(`${p} of ${code} applied but never recorded as done`);
      // Every successful record is an applied write, or (settled only) a redemption another
      // terminal made while ours was open here.
      if (ours.length === 1 && wrote.length === 0) {
        const rec = ours[0]!;
        const other = others.find((o) => o.code === code);
        const allowed =
          action === 'redeem' && rec.outcome === 'settled' && other?.openHere === true;
        if (!allowed) {
          v.push(
            `${action} of ${code} recorded as done (${rec.outcome}) but this terminal's write was never applied` +
              (other
                ? ` (another terminal redeemed it; ours open throughout: ${other.openHere})`
                : ''),
          );
        }
      }
    }
  }

  // Nothing left unsettled once the faults stopped.
  for (const [nonce, own] of byNonce) {
    if (
      !own.some(
        (r) => r.outcome === 'pending' && (r.action === 'redeem' || r.action === 'invalidate'),
      )
    )
      continue;
    if (!closeOf(nonce))
      v.push(
        `intent ${nonce} (${own[0]!.action} ${own[0]!.code}) never settled: ${own.map((r) => `${r.action}:${r.outcome}`).join(' ')}`,
      );
  }

  // No invalidation applied after its cancel was accepted: a cancelled intent stays
  // cancelled, and an invalidation of that code applied later belongs to a later intent.
  for (const c of cancels) {
    const closing = closeOf(c.nonce);
    if (closing?.outcome !== 'cancelled') {
      v.push(`cancel of ${c.nonce} accepted but its result is ${closing?.outcome ?? 'missing'}`);
      continue;
    }
    if (!applied('/card/code/unavailable').some((w) => w.code === c.code)) continue;
    const later = successes('invalidate').find(
      (r) =>
        r.code === c.code && r.nonce !== c.nonce && (intentOf(r.nonce ?? '')?.id ?? 0) > closing.id,
    );
    if (!later)
      v.push(`invalidation of ${c.code} applied, but its intent ${c.nonce} was cancelled`);
  }

  // Every acknowledged record survived the crashes.
  for (const a of acks) {
    if (!intentOf(a.nonce))
      v.push(`acknowledged ${a.kind} ${a.nonce} has no intent in the journal`);
    if (a.done && !(byNonce.get(a.nonce) ?? []).some((r) => SUCCESS.has(r.outcome))) {
      v.push(`acknowledged done ${a.kind} ${a.nonce} has no successful record`);
    }
  }

  // The chain verifies.
  const started = await term.must<{ verifyId: string }>('startVerify', {});
  const verified = await poll(() =>
    term.must<{ state: string; result?: { ok: boolean } }>('verifyStatus', {
      verifyId: started.verifyId,
    }),
  );
  if (!verified.result?.ok) v.push(`the hash chain does not verify: ${JSON.stringify(verified)}`);

  // The shift totals and the export agree with the journal.
  const journalCount = successes('redeem').length;
  const summary = await term.must<{
    byActionOutcome: { action: string; outcome: string; count: number }[];
  }>('auditSummary', { from: 0, to: Date.now() + 10 * 86_400_000 });
  const summed = summary.byActionOutcome
    .filter((x) => x.action === 'redeem' && SUCCESS.has(x.outcome))
    .reduce((a, x) => a + x.count, 0);
  if (summed !== journalCount)
    v.push(`summary counts ${summed} redemptions, the journal ${journalCount}`);
  const exp = await term.must<{ exportId: string }>('startExport', { filter: {}, format: 'jsonl' });
  const done = await poll(() =>
    term.must<{ state: string; downloadUrl?: string }>('exportStatus', { exportId: exp.exportId }),
  );
  if (!done.downloadUrl) v.push(`the export did not finish: ${JSON.stringify(done)}`);
  else {
    // The check and the export add records of their own after the journal was read.
    const last = rows.at(-1)?.id ?? 0;
    const lines = (await term.download(done.downloadUrl))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Row)
      .filter((r) => r.id <= last);
    const exported = lines.filter((r) => r.action === 'redeem' && SUCCESS.has(r.outcome)).length;
    if (exported !== journalCount)
      v.push(`the export holds ${exported} redemptions, the journal ${journalCount}`);
    if (lines.length !== rows.length)
      v.push(`the export holds ${lines.length} records, the journal ${rows.length}`);
  }
  return v;
}
