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

contextBridge.exposeInMainWorld('carddesk', api);
