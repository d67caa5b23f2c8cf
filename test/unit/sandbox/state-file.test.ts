import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  demoSeed,
  Simulator,
  StateFileError,
  type RunningSandbox,
} from '../../../electron/sandbox';
import { CASH, CUSTOM, MOVIE, TERM, testSeed } from './fixtures';
import { control, postRaw, sandbox, TEST_NOW_MS, Wx, type Json } from './helpers';

const dirs: string[] = [];

afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-sandbox-state-'));
  dirs.push(dir);
  return dir;
}

function stateFile(): string {
  return path.join(tempDir(), 'state.json');
}

async function start(file: string): Promise<{ sb: RunningSandbox; wx: Wx }> {
  const sb = await sandbox({ seed: testSeed(), stateFile: file });
  return { sb, wx: new Wx(sb) };
}

function readState(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8')) as Json;
}

describe('durable state file', () => {
  it('a restarted sandbox on the same file continues where the last one stopped', async () => {
    const file = stateFile();
    const first = await start(file);
    await first.wx.fetchToken();
    // Starting and handing out tokens changes nothing durable: no file yet.
    expect(existsSync(file)).toBe(false);

    const wx = first.wx;
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
    expect(
      (await wx.post('/card/code/unavailable', { code: '100000000002', reason: 'refund' })).errcode,
    ).toBe(0);
    expect(
      (
        await wx.post('/card/code/update', {
          code: 'CUSTOM-0001',
          card_id: CUSTOM,
          new_code: 'CUSTOM-0099',
        })
      ).errcode,
    ).toBe(0);
    expect(
      (await wx.post('/card/modifystock', { card_id: CASH, reduce_stock_value: 3 })).errcode,
    ).toBe(0);
    expect(
      (
        await wx.post('/card/update', {
          card_id: TERM,
          discount: { base_info: { service_phone: '020-12345678' } },
        })
      ).errcode,
    ).toBe(0);
    expect(
      (await control(first.sb, 'POST', '/state/codes/200000000001', { status: 'GIFTING' })).status,
    ).toBe(200);
    expect(
      (
        await control(first.sb, 'POST', `/state/cards/${MOVIE}`, {
          status: 'CARD_STATUS_VERIFY_FAIL',
        })
      ).status,
    ).toBe(200);
    const journal = first.sb.sim.appliedWrites();
    expect(journal).toHaveLength(7);
    const oldToken = wx.token;
    await first.sb.close();

    const { sb, wx: wx2 } = await start(file);
    // Tokens are not persisted: the old one was never issued by this sandbox.
    expect((await wx2.post('/card/code/get', { code: '100000000001' }, oldToken)).errcode).toBe(
      40001,
    );
    const got = await wx2.post('/card/code/get', { code: '100000000001', check_consume: false });
    expect(got).toMatchObject({ errcode: 0, user_card_status: 'CONSUMED', can_consume: false });
    expect((await wx2.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(40099);
    expect(sb.sim.code('100000000001')!.status_at).toBe(TEST_NOW_MS / 1000);
    expect(sb.sim.code('100000000002')).toMatchObject({
      status: 'UNAVAILABLE',
      unavailable_reason: 'refund',
    });
    // The rename survived: the old code is gone, the new one is the same coupon.
    expect(
      (await wx2.post('/card/code/get', { code: 'CUSTOM-0001', card_id: CUSTOM })).errcode,
    ).toBe(40056);
    expect(
      await wx2.post('/card/code/get', { code: 'CUSTOM-0099', card_id: CUSTOM }),
    ).toMatchObject({ errcode: 0, openid: 'oTESTuser0000000000000000001' });
    const cash = (await wx2.post('/card/get', { card_id: CASH })).card as Json;
    expect((cash.cash as { base_info: Json }).base_info.sku).toEqual({
      quantity: 7,
      total_quantity: 17,
    });
    expect(sb.sim.card(TERM)!.card).toMatchObject({
      discount: { base_info: { service_phone: '020-12345678' } },
    });
    expect(sb.sim.code('200000000001')!.status).toBe('GIFTING');
    expect(sb.sim.card(MOVIE)!.status).toBe('CARD_STATUS_VERIFY_FAIL');
    // The datacube activity came along: the consume and the gift of that day are counted.
    sb.sim.clock.advance(24 * 3600 * 1000);
    await wx2.fetchToken();
    const day = await wx2.post('/datacube/getcardbizuininfo', {
      begin_date: '2026-01-15',
      end_date: '2026-01-15',
      cond_source: 0,
    });
    expect(day.list).toEqual([
      expect.objectContaining({ verify_cnt: 1, verify_user: 1, given_cnt: 1, given_user: 1 }),
    ]);
    // The journal came along too, and its seq goes on from where it stopped.
    expect(sb.sim.appliedWrites()).toEqual(journal);
    expect((await wx2.post('/card/code/consume', { code: '400000000001' })).errcode).toBe(0);
    expect(sb.sim.appliedWrites().at(-1)!.seq).toBe(8);
  });

  it('writes with mode 0600, atomically (no temp file left), and only when something changed', async () => {
    const file = stateFile();
    const { sb, wx } = await start(file);
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
    const before = statSync(file, { bigint: true });
    const text = readFileSync(file, 'utf8');

    // Reads, refusals, tokens, and control calls that change nothing durable.
    await wx.fetchToken();
    expect((await wx.post('/card/code/get', { code: '100000000002' })).errcode).toBe(0);
    expect((await wx.post('/card/get', { card_id: CASH })).errcode).toBe(0);
    expect((await wx.post('/card/batchget', { offset: 0, count: 10 })).errcode).toBe(0);
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(40099);
    expect((await wx.post('/card/code/consume', { code: 'nope' })).errcode).toBe(40056);
    expect(
      (await wx.post('/card/modifystock', { card_id: CASH, reduce_stock_value: 99 })).errcode,
    ).toBe(40122);
    expect((await wx.post('/card/update', { card_id: CASH, cash: { title: 'x' } })).errcode).toBe(
      40097,
    );
    expect((await control(sb, 'GET', '/state/codes')).status).toBe(200);
    expect((await control(sb, 'GET', '/state/writes')).status).toBe(200);
    expect((await control(sb, 'POST', '/clock', { advance: 60_000 })).status).toBe(200);
    expect((await control(sb, 'POST', '/faults', { path: '*', kind: 'hang' })).status).toBe(200);
    expect((await control(sb, 'DELETE', '/faults')).status).toBe(200);
    expect((await control(sb, 'POST', '/state/codes/nope', { status: 'GIFTING' })).status).toBe(
      404,
    );
    expect(
      (await control(sb, 'POST', '/state/codes/100000000002', { status: 'USED' })).status,
    ).toBe(400);

    const after = statSync(file, { bigint: true });
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeNs).toBe(before.mtimeNs);
    expect(readFileSync(file, 'utf8')).toBe(text);

    // A change replaces the file (a new inode: written beside it and renamed over).
    expect((await wx.post('/card/code/consume', { code: '100000000002' })).errcode).toBe(0);
    expect(statSync(file, { bigint: true }).ino).not.toBe(before.ino);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('the file is written before the answer is sent', async () => {
    const file = stateFile();
    const { wx } = await start(file);
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
    const codes = readState(file).codes as Json[];
    expect(codes.find((c) => c.code === '100000000001')).toMatchObject({ status: 'CONSUMED' });
    expect((await wx.post('/card/delete', { card_id: MOVIE })).errcode).toBe(0);
    const cards = readState(file).cards as Json[];
    expect(cards.find((c) => c.card_type === 'MOVIE_TICKET')).toMatchObject({
      movie_ticket: { base_info: { status: 'CARD_STATUS_DELETE' } },
    });
  });

  it('writes applied under faults are durable; a late write of a closed sandbox never lands', async () => {
    const file = stateFile();
    const { sb, wx } = await start(file);
    await wx.fetchToken();
    const consume = (code: string) =>
      fetch(`${sb.url}/card/code/consume?access_token=${wx.token}`, {
        method: 'POST',
        body: JSON.stringify({ code }),
      }).then(
        (r) => r.status,
        () => 'dropped',
      );
    const statusIn = (code: string) =>
      (readState(file).codes as Json[]).find((c) => c.code === code)?.status;

    sb.sim.faults.add({ path: '/card/code/consume', kind: 'applied_5xx' });
    expect(await consume('100000000001')).toBe(503);
    expect(statusIn('100000000001')).toBe('CONSUMED');

    sb.sim.faults.add({ path: '/card/code/consume', kind: 'lost_response' });
    expect(await consume('100000000002')).toBe('dropped');
    expect(statusIn('100000000002')).toBe('CONSUMED');

    sb.sim.faults.add({ path: '/card/code/consume', kind: 'late_apply', ms: 200 });
    expect(await consume('400000000001')).toBe('dropped');
    expect(statusIn('400000000001')).toBe('CONSUMED');

    sb.sim.faults.add({ path: '/card/code/consume', kind: 'late_apply', ms: 200 });
    const pending = consume('200000000001');
    await new Promise((r) => setTimeout(r, 50));
    await sb.close();
    expect(await pending).toBe('dropped');
    const text = readFileSync(file, 'utf8');
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(statusIn('200000000001')).toBe('NORMAL');
    expect((readState(file).writes as Json[]).map((w) => w.code)).toEqual([
      '100000000001',
      '100000000002',
      '400000000001',
    ]);
  });

  it('reset writes the seed state back to the file', async () => {
    const file = stateFile();
    const first = await start(file);
    expect((await first.wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
    expect((await control(first.sb, 'POST', '/reset')).body).toEqual({ ok: true });
    expect(readState(file).writes).toEqual([]);
    await first.sb.close();
    const { sb } = await start(file);
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    expect(sb.sim.appliedWrites()).toEqual([]);
  });

  it('sim.setCodeStatus / setCardStatus are durable too', async () => {
    const file = stateFile();
    const sim = new Simulator(testSeed(), {
      startTime: TEST_NOW_MS,
      frozenClock: true,
      stateFile: file,
    });
    sim.setCodeStatus('100000000001', 'DELETE');
    sim.setCardStatus(CASH, 'CARD_STATUS_DISPATCH');
    const again = new Simulator(testSeed(), {
      startTime: TEST_NOW_MS,
      frozenClock: true,
      stateFile: file,
    });
    expect(again.code('100000000001')!.status).toBe('DELETE');
    expect(again.card(CASH)!.status).toBe('CARD_STATUS_DISPATCH');
  });

  it('refuses a file it cannot use, naming it and saying how to start again', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state.json');
    const expectRefused = async (pattern: RegExp) => {
      const err = (await sandbox({ seed: testSeed(), stateFile: file }).catch(
        (e: unknown) => e,
      )) as Error;
      expect(err).toBeInstanceOf(StateFileError);
      expect(err.message).toContain(file);
      expect(err.message).toMatch(pattern);
      expect(err.message).toContain(`Delete ${file} to start again from the seed`);
    };

    writeFileSync(file, '{"format": "carddesk-sandbox-state", ');
    await expectRefused(/is not valid JSON/);

    writeFileSync(file, '{}');
    await expectRefused(/not a sandbox state file[\s\S]*format/);

    // A real state file with one bad value: the problem is named by its path.
    rmSync(file);
    const { sb, wx } = await start(file);
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
    await sb.close();
    const good = readFileSync(file, 'utf8');
    const state = JSON.parse(good) as { codes: Json[] };
    state.codes[0]!.status = 'USED';
    writeFileSync(file, JSON.stringify(state));
    await expectRefused(/codes\.0\.status/);

    // Written with another seed: its cards belong to apps this seed does not have.
    writeFileSync(file, good);
    const err = (await sandbox({ seed: demoSeed(), stateFile: file }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(
      /holds cards of app wxtest00000000001, which the seed does not have/,
    );

    // Not a readable file at all.
    rmSync(file);
    mkdirSync(file);
    await expectRefused(/cannot be read/);

    // Deleting it is the way out: the next start begins from the seed.
    rmSync(file, { recursive: true });
    const fresh = await start(file);
    expect(fresh.sb.sim.code('100000000001')!.status).toBe('NORMAL');
  });

  it('a write that cannot be made durable is undone and answered HTTP 500, never "ok"', async () => {
    const folder = path.join(tempDir(), 'gone');
    mkdirSync(folder);
    const file = path.join(folder, 'state.json');
    const { sb, wx } = await start(file);
    await wx.fetchToken();
    rmSync(folder, { recursive: true });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});

    const res = await postRaw(
      `${sb.url}/card/code/consume?access_token=${wx.token}`,
      JSON.stringify({ code: '100000000001' }),
    );
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ errcode: -1, errmsg: 'system error' });
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining(`cannot write sandbox state file ${file}`),
    );
    expect(sb.sim.code('100000000001')!.status).toBe('NORMAL');
    expect(sb.sim.appliedWrites()).toEqual([]);

    const ctl = await control(sb, 'POST', '/state/codes/100000000002', { status: 'GIFTING' });
    expect(ctl.status).toBe(500);
    expect(ctl.body.error).toContain(file);
    expect(sb.sim.code('100000000002')!.status).toBe('NORMAL');
    // A reset that cannot be written resets nothing (the token below still works).
    expect((await control(sb, 'POST', '/reset')).status).toBe(500);

    // Reads keep working; once the folder is back, the same write succeeds and is durable.
    expect((await wx.post('/card/code/get', { code: '100000000001' })).errcode).toBe(0);
    mkdirSync(folder);
    expect((await wx.post('/card/code/consume', { code: '100000000001' })).errcode).toBe(0);
    // The undone writes were never seen by anyone: the journal has no gap.
    expect(readState(file).writes).toEqual([
      expect.objectContaining({ seq: 1, path: '/card/code/consume', code: '100000000001' }),
    ]);
  });
});
