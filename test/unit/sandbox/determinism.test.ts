import { describe, expect, it } from 'vitest';
import { demoSeed, listDemoCodes, type RunningSandbox } from '../../../electron/sandbox';
import { getJson, postJson, sandbox, TEST_NOW_MS } from './helpers';

/** A fixed script of calls, successes and errors; returns every answer. */
async function script(sb: RunningSandbox): Promise<unknown[]> {
  const out: unknown[] = [];
  const { appid, secret } = sb.app;
  const t1 = await getJson(
    `${sb.url}/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`,
  );
  out.push(t1);
  const token = t1.access_token as string;
  const call = async (path: string, body: unknown) => {
    out.push(await postJson(`${sb.url}${path}?access_token=${token}`, body));
  };
  out.push(
    await postJson(`${sb.url}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid,
      secret,
    }),
  );
  const codes = listDemoCodes(sb.sim.seed, TEST_NOW_MS);
  const redeemable = codes.filter((c) => c.note === 'redeemable');
  await call('/card/code/get', { code: redeemable[0]!.code });
  await call('/card/code/consume', { code: redeemable[0]!.code });
  await call('/card/code/consume', { code: redeemable[0]!.code });
  await call('/card/code/get', {
    code: codes.find((c) => c.status === 'GIFTING')!.code,
    check_consume: false,
  });
  await call('/card/code/get', { code: 'nope' });
  await call('/card/code/decrypt', { encrypt_code: sb.sim.encryptCode(redeemable[1]!.code) });
  await call('/card/batchget', { offset: 0, count: 50 });
  await call('/card/get', { card_id: redeemable[1]!.card_id });
  await call('/datacube/getcardbizuininfo', {
    begin_date: '2025-03-01',
    end_date: '2025-04-30',
    cond_source: 0,
  });
  await call('/datacube/getcardcardinfo', {
    begin_date: '2025-03-01',
    end_date: '2025-04-30',
    cond_source: 0,
  });
  sb.sim.clock.advance(3 * 3600 * 1000);
  await call('/card/code/get', { code: redeemable[2]!.code });
  return out;
}

describe('determinism', () => {
  it('same seed and same clock: identical answers, tokens and rids included', async () => {
    const a = await script(await sandbox({ seed: demoSeed(), faultRandomSeed: 3 }));
    const b = await script(await sandbox({ seed: demoSeed(), faultRandomSeed: 3 }));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // The script did exercise success and failure.
    const errcodes = a.map((r) => (r as { errcode?: number }).errcode);
    expect(errcodes).toContain(40099);
    expect(errcodes).toContain(40056);
    expect(errcodes.at(-1)).toBe(42001);
  });

  it('reset replays the same answers', async () => {
    const sb = await sandbox({ seed: demoSeed() });
    const first = await script(sb);
    sb.sim.reset();
    expect(JSON.stringify(await script(sb))).toBe(JSON.stringify(first));
  });
});
