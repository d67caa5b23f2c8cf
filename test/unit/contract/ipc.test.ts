import { describe, expect, it } from 'vitest';
import { opNames } from '../../../shared/contract';
import { IPC_PREFIX } from '../../../shared/contract-kit';
import { createDispatcher } from '../../../electron/host/dispatch';
import {
  bindIpc,
  isTrustedSender,
  type IpcMainLike,
  type InvokeEventLike,
} from '../../../electron/host/ipc';
import { createTerminalServices } from '../../../electron/services';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

/** The part of Electron's ipcMain the binding uses, as a plain map (Electron cannot run here). */
class IpcMainTable implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEventLike, input: unknown) {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, input);
  }
}

const appFrame = (url = 'app://carddesk/index.html', parent: unknown = null): InvokeEventLike => ({
  sender: { id: 7 },
  senderFrame: { url, parent },
});

async function bound() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'carddesk-ipc-'));
  const t = await createTerminalServices({
    host: 'electron',
    version: 't',
    dataDir: dir,
    osLocale: 'en',
  });
  const ipc = new IpcMainTable();
  const unbind = bindIpc(ipc, createDispatcher({ services: t.services, guard: t.guard }));
  return { ipc, unbind };
}

describe('Electron binding', () => {
  it('registers exactly one channel per contract operation and nothing else', async () => {
    const { ipc, unbind } = await bound();
    expect([...ipc.handlers.keys()].sort()).toEqual(opNames.map((n) => IPC_PREFIX + n).sort());
    unbind();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers the app page, checks the role, then validates input', async () => {
    const { ipc } = await bound();
    await expect(ipc.invoke(`${IPC_PREFIX}getAppInfo`, appFrame(), {})).resolves.toMatchObject({
      ok: true,
      value: { name: 'CardDesk', host: 'electron' },
    });
    // Nobody is signed in: the role check refuses the cashier operation.
    await expect(
      ipc.invoke(`${IPC_PREFIX}lookupCode`, appFrame(), { code: '555' }),
    ).resolves.toMatchObject({
      ok: false,
      error: { kind: 'forbidden', key: 'errors.not_signed_in' },
    });
    // A refused caller learns nothing about the schema from a wrong input either.
    await expect(ipc.invoke(`${IPC_PREFIX}lookupCode`, appFrame(), { code: 5 })).resolves.toEqual({
      ok: false,
      error: { kind: 'forbidden', key: 'errors.not_signed_in', params: {} },
    });
    // Signed in (the set-up wizard signs the first manager in), the same input is invalid.
    await expect(
      ipc.invoke(`${IPC_PREFIX}completeSetup`, appFrame(), {
        terminalName: 'T',
        terminalId: 'T-1',
        storeName: 'S',
        language: 'en',
        mode: 'sandbox',
        manager: { id: 'boss', name: 'Boss', pin: '246810' },
      }),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      ipc.invoke(`${IPC_PREFIX}lookupCode`, appFrame(), { code: 5 }),
    ).resolves.toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', key: 'errors.invalid_input' },
    });
  });

  it('refuses senders that are not the app page in the main frame', async () => {
    const { ipc } = await bound();
    for (const event of [
      appFrame('https://evil.example/'),
      appFrame('file:///etc/passwd'),
      appFrame('app://carddesk.evil/index.html'),
      appFrame('app://carddesk/index.html', { url: 'app://carddesk/' }),
      { sender: { id: 1 }, senderFrame: null },
    ]) {
      expect(isTrustedSender(event)).toBe(false);
      await expect(
        ipc.invoke(`${IPC_PREFIX}lookupCode`, event, { code: '1' }),
      ).resolves.toMatchObject({
        ok: false,
        error: { kind: 'forbidden', key: 'errors.forbidden_origin' },
      });
    }
  });
});
