/**
 * Who is signed in at each window or tab, and the access check the hosts run before any
 * service: whatever the renderer sends, an operation runs only for an operator whose role
 * allows it, in a session that has not idled into the lock.
 */
import type { Access } from '../../../shared/contract-kit';
import type { Role } from '../../../shared/role';
import { AppError } from '../../../shared/errors';
import { roleAllows, type OperatorView, type SessionView } from '../../../shared/settings';
import type { AccessGuard, CallContext } from '../call-context';

interface Session {
  operatorId: string;
  lastActivity: number;
  locked: boolean;
}

export interface SessionDeps {
  now: () => number;
  idleLockMinutes: () => number;
  needsSetup: () => boolean;
  operator: (id: string) => OperatorView | undefined;
}

export class SessionManager implements AccessGuard {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: SessionDeps) {}

  private idleExpired(s: Session): boolean {
    const minutes = this.deps.idleLockMinutes();
    return minutes > 0 && this.deps.now() - s.lastActivity > minutes * 60_000;
  }

  /** The session of a caller, with the idle lock applied. */
  private session(clientId: string): Session | undefined {
    const s = this.sessions.get(clientId);
    if (s && !s.locked && this.idleExpired(s)) s.locked = true;
    return s;
  }

  view(ctx: CallContext): SessionView {
    const s = this.session(ctx.clientId);
    const op = s && this.deps.operator(s.operatorId);
    return {
      ...(op && !op.disabled ? { operator: { id: op.id, name: op.name, role: op.role } } : {}),
      locked: s?.locked ?? false,
      idleLockMinutes: this.deps.idleLockMinutes(),
    };
  }

  /** The signed-in operator of a caller (for audit records); undefined if none. */
  operatorId(ctx: CallContext): string | undefined {
    return this.sessions.get(ctx.clientId)?.operatorId;
  }

  start(ctx: CallContext, operatorId: string) {
    this.sessions.set(ctx.clientId, { operatorId, lastActivity: this.deps.now(), locked: false });
  }

  end(ctx: CallContext): string | undefined {
    const s = this.sessions.get(ctx.clientId);
    this.sessions.delete(ctx.clientId);
    return s?.operatorId;
  }

  /**
   * Ends every session of an operator (every window or tab signed in as them), except `keep`'s:
   * after a PIN reset, a role change or a disable, whoever knew the old PIN or holds the old
   * role is out at once. Returns the client ids whose session ended.
   */
  endFor(operatorId: string, keep?: CallContext): string[] {
    const ended: string[] = [];
    for (const [clientId, s] of this.sessions) {
      if (s.operatorId !== operatorId || clientId === keep?.clientId) continue;
      this.sessions.delete(clientId);
      ended.push(clientId);
    }
    return ended;
  }

  lock(ctx: CallContext) {
    const s = this.sessions.get(ctx.clientId);
    if (s) s.locked = true;
  }

  check(access: Access, ctx: CallContext, _name: string, passive = false): void {
    if (access === 'public') return;
    if (access === 'setup' && this.deps.needsSetup()) return;
    const needed: Role = access === 'setup' ? 'manager' : access;
    const s = this.session(ctx.clientId);
    if (!s) throw new AppError('forbidden', 'errors.not_signed_in');
    if (s.locked) throw new AppError('forbidden', 'errors.session_locked');
    const op = this.deps.operator(s.operatorId);
    if (!op || op.disabled) {
      this.sessions.delete(ctx.clientId);
      throw new AppError('forbidden', 'errors.not_signed_in');
    }
    if (!roleAllows(op.role, needed)) {
      throw new AppError('forbidden', `errors.role_required_${needed}`);
    }
    if (!passive) s.lastActivity = this.deps.now();
  }
}
