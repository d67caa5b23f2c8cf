/**
 * Exposes exactly the contract's operations to the renderer, one function each, under
 * `window.carddesk` (typed once, in shared/carddesk-api.ts). Nothing else: no ipcRenderer, no
 * generic invoke.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { wireApi } from '../shared/carddesk-api';
import { IPC_PREFIX } from '../shared/contract-kit';

// Checked against the page's global type, the one the renderer calls.
const api = wireApi((name, input) =>
  ipcRenderer.invoke(IPC_PREFIX + name, input),
) satisfies NonNullable<typeof globalThis.carddesk>;

// Registered for the session's frames: only the app's own top-level page gets the contract.
// (The preload is type-checked with the main process, without the DOM's types.)
const page = globalThis as unknown as { top: unknown; location: { origin: string } };
if (page.top === page && page.location.origin === 'app://carddesk') {
  contextBridge.exposeInMainWorld('carddesk', api);
}
