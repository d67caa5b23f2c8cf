/**
 * Adversarial review of issue 16 (masked output for a cashier): the journal, the record view and
 * the export show a cashier only shortened codes (`1788****0332`), so that a cashier cannot take
 * a customer's full code home. These tests look for any other way the full code comes back: a
 * filter that is matched against the full code, and answers differently for the right digits.
 */
import { describe, expect, it } from 'vitest';
import { maskCode } from '../../../shared/ops/audit-review';
import { CASHIER, CODES, signInAs, terminal, type Rig } from './rig';

type Row = { code: string | null; action: string };
type Res = { ok: true; value: unknown } | { ok: false; error: { key: string } };

/**
 * What a cashier's own journal says about a code prefix, as the page would ask it. A refused
 * filter tells nothing: -1 (the refusal names the limit, the same for every prefix).
 */
async function searchHits(r: Rig, client: string, codePrefix: string): Promise<number> {
  const res = (await r.raw('searchAudit', { filter: { codePrefix }, limit: 100 }, client)) as Res;
  if (!res.ok) return refused(res);
  return (res.value as { rows: Row[] }).rows.length;
}

async function countHits(r: Rig, client: string, codePrefix: string): Promise<number> {
  const res = (await r.raw('countAudit', { filter: { codePrefix } }, client)) as Res;
  if (!res.ok) return refused(res);
  return (res.value as { count: number }).count;
}

function refused(res: { ok: false; error: { key: string } }): number {
  expect(res.error.key).toBe('review.errors.code_prefix_masked');
  return -1;
}

/**
 * The attack: knowing the masked form `AAAA****BBBB`, fill the four hidden digits one at a time,
 * asking whether any record's code starts with the digits found so far plus the next guess.
 */
async function unmask(
  masked: string,
  ask: (prefix: string) => Promise<number>,
): Promise<{ code: string | undefined; queries: number }> {
  const head = masked.slice(0, 4);
  const tail = masked.slice(-4);
  let known = head;
  let queries = 0;
  for (let pos = 0; pos < 4; pos++) {
    let found: string | undefined;
    for (let d = 0; d <= 9; d++) {
      queries++;
      if ((await ask(`${known}${d}`)) > 0) {
        found = String(d);
        break;
      }
    }
    if (found === undefined) return { code: undefined, queries };
    known += found;
  }
  return { code: known + tail, queries };
}

describe('attack: a cashier unmasks a shortened code through the journal filter', () => {
  it('searchAudit with codePrefix: the hidden digits of a masked code are not recoverable', async () => {
    const r = await terminal();
    await signInAs(r, CASHIER, 'till-c');
    const code = CODES[3]!;
    const redeemed = await r.call('redeemCode', { code }, 'till-c');
    expect(redeemed).toMatchObject({ outcome: 'redeemed' });

    // What the cashier's journal shows: the code shortened.
    const journal = (await r.call(
      'searchAudit',
      { filter: { actions: ['redeem'] }, limit: 10 },
      'till-c',
    )) as unknown as { rows: Row[] };
    const masked = journal.rows.find((x) => x.action === 'redeem')!.code!;
    expect(masked).toBe(maskCode(code));

    const got = await unmask(masked, (p) => searchHits(r, 'till-c', p));
    // Invariant: a masked code stays masked, whatever filter the cashier sends.
    expect(
      got.code,
      `recovered the full code from "${masked}" in ${got.queries} searchAudit calls`,
    ).toBeUndefined();
  });

  it('countAudit with codePrefix: the same oracle through the count', async () => {
    const r = await terminal();
    await signInAs(r, CASHIER, 'till-c');
    const code = CODES[4]!;
    await r.call('redeemCode', { code }, 'till-c');
    const got = await unmask(maskCode(code), (p) => countHits(r, 'till-c', p));
    expect(
      got.code,
      `recovered the full code from "${maskCode(code)}" in ${got.queries} countAudit calls`,
    ).toBeUndefined();
  });

  it('two codes with the same masked form get the same answer from a cashier’s filter', async () => {
    const r = await terminal();
    await signInAs(r, CASHIER, 'till-c');
    const code = CODES[5]!;
    await r.call('redeemCode', { code }, 'till-c');
    // Same first four and last four digits, another middle.
    const other = `${code.slice(0, 4)}${code.slice(4, 8) === '0000' ? '1111' : '0000'}${code.slice(-4)}`;
    expect(maskCode(other)).toBe(maskCode(code));
    expect(await countHits(r, 'till-c', code)).toBe(await countHits(r, 'till-c', other));
  });
});
