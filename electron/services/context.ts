/**
 * What every area of the services can use: the stores, the audit log, the WeChat client and
 * who is calling. Each area (counter, refunds, audit review, back office) builds its handlers
 * from this, and index.ts puts them together into the one Services map.
 */
import type { ContractShape, Handlers } from '../../shared/contract-kit';
import type { Settings } from '../../shared/settings';
import type { AuditLog } from '../audit';
import type { CallContext } from './call-context';
import type { WeChatClient } from '../wechat';
import type { CardCache } from './card-cache';
import type { Counter } from './counter';
import type { Lookup } from './lookup';
import type { OperatorStore } from './operators';
import type { SignInFailureLog } from './sign-in-failures';
import type { SessionManager } from './sessions';
import type { WriteEngine } from './writes/engine';
import type { WeChatConnection } from './wechat-connection';

export interface ServiceContext {
  settings(): Settings;
  operators: OperatorStore;
  sessions: SessionManager;
  /** Failed PIN checks, one audit record per operator id and minute. */
  signInFailures: SignInFailureLog;
  /** Registers for "this operator's PIN, role or status changed" (account.ts). */
  onOperatorChanged(listener: (operatorId: string) => void): void;
  audit: AuditLog;
  client(): Promise<WeChatClient>;
  cards(): CardCache;
  connection: WeChatConnection;
  counter: Counter;
  /** The one path from a scanned string to a verdict. */
  lookup: Lookup;
  /** The durable engine of writes to WeChat (redemptions and invalidations). */
  writes: WriteEngine;
  now(): number;
  timeZone: string;
  dataDir: string;
  /**
   * Asks the operator where to save an export (Electron's save dialog); resolves undefined when
   * the dialog is closed. Absent in the browser host, where exports become one-time downloads.
   */
  chooseExportFile?: (suggestedName: string) => Promise<string | undefined>;
  /** The signed-in operator of the caller (for audit records). */
  operatorOf(ctx: CallContext): string | undefined;
}

/** The handlers of one area's operations. */
export type AreaHandlers<Ops extends ContractShape> = Handlers<Ops, CallContext>;
