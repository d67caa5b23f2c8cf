/**
 * Adversarial review of issue 16: "Resetting a PIN or changing a role must end that operator's
 * open sessions" and a cashier never gets unmasked codes. An unmasked audit export is a
 * supervisor's right; its one-time download token is handed to whoever signs in with that
 * operator id afterwards. These tests demote (or disable) the supervisor once the export is
 * waiting for its download, and try to get the full codes anyway.
 */
import type { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { ExportStatus } from '../../../shared/ops/audit-review';
import { CASHIER, CODES, MANAGER, SUPERVISOR, signInAs, terminal, type Rig } from './rig';

async function finishedExport(r: Rig, client: string): Promise<ExportStatus> {
  const started = (await r.call(
    'startExport',
    { filter: {}, format: 'csv' },
    client,
  )) as unknown as ExportStatus;
  let status = started;
  await vi.waitFor(
    async () => {
      status = (await r.call(
        'exportStatus',
        { exportId: started.exportId },
        client,
      )) as unknown as ExportStatus;
      expect(status.state).toBe('done');
    },
    { timeout: 10_000, interval: 20 },
  );
  return status;
}

async function download(r: Rig, url: string): Promise<string | undefined> {
  const u = new URL(url, 'http://x/');
  const id = u.pathname.split('/').pop()!;
  const got = await r.t.exportDownloads.take(id, u.searchParams.get('token') ?? '');
  if (!got) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of got.stream as Readable) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A day's work: the cashier redeems a code, so the log holds a full code. */
async function day(r: Rig) {
  await signInAs(r, CASHIER, 'till-c');
  const code = CODES[6]!;
  expect(await r.call('redeemCode', { code }, 'till-c')).toMatchObject({ outcome: 'redeemed' });
  return code;
}

describe('attack: a demoted supervisor keeps an unmasked export', () => {
  it('demoted to cashier after the export finished: signing in again as a cashier must not hand out its download', async () => {
    const r = await terminal();
    const code = await day(r);
    await signInAs(r, SUPERVISOR, 'desk');
    const done = await finishedExport(r, 'desk');
    expect(done.downloadUrl).toBeDefined();

    // The manager (on 'till') takes the supervisor role away: Sue's session ends.
    await r.call('updateOperator', { id: SUPERVISOR.id, role: 'cashier' });
    expect(await r.fail('exportStatus', { exportId: done.exportId }, 'desk')).toMatchObject({
      key: 'errors.not_signed_in',
    });

    // Sue signs in again, now a cashier, and asks for her export.
    await signInAs(r, SUPERVISOR, 'desk');
    const again = await r.raw('exportStatus', { exportId: done.exportId }, 'desk');
    const url = (again as { ok: boolean; value?: ExportStatus }).ok
      ? (again as { value: ExportStatus }).value.downloadUrl
      : undefined;
    const body = url ? await download(r, url) : undefined;
    // Invariant: a cashier never gets a full code out of the audit log.
    expect(
      body?.includes(code) ?? false,
      `as a cashier, got ${url} and a CSV with the full code ${code}`,
    ).toBe(false);
  });

  it('demoted while the export was still running: the finished file is not the cashier’s to download', async () => {
    const r = await terminal();
    const code = await day(r);
    // Enough records that the export is still running when the role changes.
    r.t.audit.db.transaction(() => {
      for (let i = 0; i < 20_000; i++) {
        r.t.audit.append({
          action: 'scan',
          outcome: 'ok',
          code: `9${String(i).padStart(11, '0')}`,
        });
      }
    })();
    await signInAs(r, SUPERVISOR, 'desk');
    const started = (await r.call(
      'startExport',
      { filter: {}, format: 'csv' },
      'desk',
    )) as unknown as ExportStatus;
    await r.call('updateOperator', { id: SUPERVISOR.id, role: 'cashier' });
    await signInAs(r, SUPERVISOR, 'desk');
    let status: ExportStatus | undefined;
    await vi.waitFor(
      async () => {
        const res = (await r.raw('exportStatus', { exportId: started.exportId }, 'desk')) as {
          ok: boolean;
          value?: ExportStatus;
        };
        status = res.value;
        expect(!res.ok || status?.state !== 'running').toBe(true);
      },
      { timeout: 20_000, interval: 25 },
    );
    const body = status?.downloadUrl ? await download(r, status.downloadUrl) : undefined;
    expect(
      body?.includes(code) ?? false,
      'an export started as a supervisor was downloaded, unmasked, as a cashier',
    ).toBe(false);
  });

  it('disabling the supervisor withdraws the download link they were shown', async () => {
    const r = await terminal();
    const code = await day(r);
    await signInAs(r, SUPERVISOR, 'desk');
    const done = await finishedExport(r, 'desk');
    await r.call('updateOperator', { id: SUPERVISOR.id, disabled: true });
    // The page of the disabled supervisor still holds the link it was given.
    const body = await download(r, done.downloadUrl!);
    expect(
      body?.includes(code) ?? false,
      'the link of a disabled operator still served the unmasked log',
    ).toBe(false);
  });

  it('(control) the manager can still download their own export', async () => {
    const r = await terminal();
    const code = await day(r);
    await signInAs(r, MANAGER, 'office');
    const done = await finishedExport(r, 'office');
    expect(await download(r, done.downloadUrl!)).toContain(code);
  });
});
