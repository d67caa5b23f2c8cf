/**
 * The terminal's services: everything behind the contract. Plain Node, never imports
 * 'electron'; what the Electron shell provides (data folder, locale, key store) is passed in.
 */
import type { CallContext, Services } from '../host/dispatch';
import { createLookupService } from './lookup';

export interface ServiceDeps {
  host: 'electron' | 'browser';
  version: string;
  dataDir: string;
  osLocale: string;
}

export interface TerminalServices {
  services: Services;
  close(): Promise<void>;
}

export async function createTerminalServices(deps: ServiceDeps): Promise<TerminalServices> {
  const lookup = createLookupService();
  const services: Services = {
    getAppInfo: async (_input, _ctx: CallContext) => ({
      name: 'CardDesk',
      version: deps.version,
      mode: 'sandbox',
      host: deps.host,
      terminalId: 'T-0001',
      osLocale: deps.osLocale,
      dataDir: deps.dataDir,
    }),
    lookupCode: async (input) => lookup.lookup(input.code),
  };
  return { services, close: async () => {} };
}
