/**
 * Binds the contract to Electron's IPC: one `ipcMain.handle` channel per operation (no generic
 * invoke), each checking that the message comes from the app's own page in the main frame
 * before the dispatcher checks the operator's role, validates the input and runs the service.
 */
import { opNames } from '../../shared/contract';
import { IPC_PREFIX } from '../../shared/contract-kit';
import type { Dispatch } from './dispatch';

/** The part of Electron's IpcMainInvokeEvent the binding reads (so it is testable in Node). */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export const APP_ORIGIN = 'app://carddesk';

/** Only the app's own top-level page may call; never an iframe or a navigated-away page. */
export function isTrustedSender(event: InvokeEventLike): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function bindIpc(ipcMain: IpcMainLike, dispatch: Dispatch): () => void {
  for (const name of opNames) {
    ipcMain.handle(IPC_PREFIX + name, async (event, input) => {
      if (!isTrustedSender(event)) {
        return {
          ok: false,
          error: { kind: 'forbidden', key: 'errors.forbidden_origin', params: {} },
        };
      }
      return dispatch(name, input, { clientId: `electron:${event.sender.id}` });
    });
  }
  return () => {
    for (const name of opNames) ipcMain.removeHandler(IPC_PREFIX + name);
  };
}
