/**
 * Who is calling, as the services see it: the hosts (IPC and HTTP) build a CallContext for
 * each call, and the services read only this, never the transport.
 */
import type { ContractShape, Handlers } from '../../shared/contract-kit';
import type { Contract, OpName } from '../../shared/contract';

export interface CallContext {
  /** Identifies the window (Electron webContents) or browser tab that called. */
  clientId: string;
}

/** Everything behind the contract: one handler per operation. */
export type Services = Handlers<Contract, CallContext>;

export interface AccessGuard {
  /** Throws AppError('forbidden') if the caller may not use an operation with this access. */
  check(
    access: Contract[OpName]['access'],
    ctx: CallContext,
    name: OpName,
    passive?: boolean,
  ): void;
}

/** The handlers of one area's operations (shared/ops/<area>.ts). */
export type AreaHandlers<Ops extends ContractShape> = Handlers<Ops, CallContext>;

/** The signed-in operator of a call, if any (for audit records and role rules). */
export type OperatorOf = (call: CallContext) => string | undefined;
