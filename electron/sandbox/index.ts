/**
 * The sandbox: a simulator of the WeChat card API, for tests, demos and the terminal's
 * Sandbox mode. Plain Node; never imports 'electron'. See docs/sandbox.md.
 */
export {
  startSandbox,
  createSandboxServer,
  type SandboxOptions,
  type RunningSandbox,
} from './server';
export {
  Simulator,
  type SimulatorOptions,
  type RequestLogEntry,
  type SandboxRequest,
  type SandboxResponse,
} from './simulator';
export { SandboxClock } from './clock';
export { SandboxSeed, describeSeedError } from './seed-schema';
export { demoSeed, listDemoCodes, DEMO_APPID, DEMO_SECRET, type DemoCode } from './demo-seed';
export {
  FAULT_KINDS,
  FaultSpec,
  MAX_APPLY_DELAY_MS,
  type FaultKind,
  type FaultRule,
} from './faults';
export { type AppliedWrite, CONTROL_CODE_PATH, CONTROL_CARD_PATH } from './applied-writes';
export { StateFileError } from './state-file';
export type { CodeSnapshot, CardSnapshot } from './card-store';
export {
  CARD_TYPES,
  CODE_STATUSES,
  CARD_STATUSES,
  CODE_TYPES,
  type CardType,
  type CodeStatus,
  type CardStatus,
} from './card-types';
export { ERRMSG } from './errcodes';
export { WECHAT_PATHS } from './routes';
export { shanghaiTime, shanghaiDay, formatDay } from './shanghai-time';
