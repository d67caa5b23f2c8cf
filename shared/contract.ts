/**
 * The one contract: every operation the renderer may ask the host for, with its input schema,
 * result schema and the role it needs. The preload, the Electron binding, the browser host
 * and the renderer's client are all derived from this map; adding an operation is a schema
 * here, a handler in electron/services, and a screen.
 */
import { z } from 'zod';
import { op } from './contract-kit';

export const Mode = z.enum(['sandbox', 'live']);
export type Mode = z.infer<typeof Mode>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: Mode,
  host: z.enum(['electron', 'browser']),
  terminalId: z.string(),
  /** The host machine's locale, used to pick the language on first start. */
  osLocale: z.string(),
  dataDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** A code as it arrives from a scanner, the camera or the keyboard, before normalisation. */
export const ScannedCode = z.string().max(512, { message: 'too long to be a code' });

export const LookupInput = z.object({
  code: ScannedCode,
  source: z.enum(['scanner', 'camera', 'manual']).default('manual'),
});

export const LookupResult = z.object({
  code: z.string(),
  /** True while no WeChat client is wired in: the screen says so. */
  placeholder: z.boolean(),
  status: z.string(),
});
export type LookupResult = z.infer<typeof LookupResult>;

export const contract = {
  getAppInfo: op({ access: 'public', input: z.object({}).strict(), output: AppInfo }),
  lookupCode: op({ access: 'public', input: LookupInput.strict(), output: LookupResult }),
};

export type Contract = typeof contract;
export type OpName = keyof Contract;
export const opNames = Object.keys(contract) as OpName[];
