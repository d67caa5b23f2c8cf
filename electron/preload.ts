/**
 * Exposes exactly the contract's operations to the renderer, one function each, under
 * `window.carddesk`. Nothing else: no ipcRenderer, no generic invoke.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { opNames, type Contract } from '../shared/contract';
import { IPC_PREFIX, type WireApi } from '../shared/contract-kit';

const api = Object.fromEntries(
  opNames.map((name) => [name, (input: unknown) => ipcRenderer.invoke(IPC_PREFIX + name, input)]),
) as unknown as WireApi<Contract>;

// Registered for the session's frames: only the app's own top-level page gets the contract.
// (The preload is type-checked with the main process, without the DOM's types.)
const page = globalThis as unknown as { top: unknown; location: { origin: string } };
if (page.top === page && page.location.origin === 'app://carddesk') {
  contextBridge.exposeInMainWorld('carddesk', api);
}
