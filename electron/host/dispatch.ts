/**
 * The single place where a call from the renderer becomes a service call, shared by the
 * Electron binding (ipc.ts) and the browser host (browser-host.ts): look the operation up in the contract, check
 * the caller's access, validate the input with its schema, run the handler, and shape the
 * result (parsed by the result schema, so a field a service adds by mistake never leaves).
 *
 * Access comes before validation on purpose: a validation error describes the schema (field
 * names, limits, enum values), so validating first would teach a caller who may not use an
 * operation what it takes, and a role test with a wrong input would pass on the validation
 * error without ever reaching the guard. A refused caller learns only that it was refused.
 * Plain Node: never imports 'electron'.
 */
import type { z } from 'zod';
import { contract, type OpName } from '../../shared/contract';
import type { Envelope } from '../../shared/contract-kit';
import { AppError, toErrorInfo } from '../../shared/errors';
import type { AccessGuard, CallContext, Services } from '../services/call-context';

export interface DispatchOptions {
  services: Services;
  /**
   * Checks the caller's access before the input is even validated, so a refused caller learns
   * nothing about the schema (mandatory: no host may skip it).
   */
  guard: AccessGuard;
  /** Called for errors that are bugs (kind 'internal'), so they reach the log file. */
  onInternalError?: (name: string, err: unknown) => void;
}

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

export function createDispatcher(opts: DispatchOptions) {
  return async function dispatch(
    name: string,
    rawInput: unknown,
    ctx: CallContext,
  ): Promise<Envelope<unknown>> {
    try {
      if (!isOpName(name)) {
        throw new AppError('invalid_input', 'errors.unknown_operation', { name });
      }
      const def = contract[name];
      opts.guard.check(def.access, ctx, name, 'passive' in def && def.passive === true);
      const parsed = def.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        // An otherwise valid call of an operation that asks for `confirmed: true` (what cannot
        // be undone) made without its review step: said in words, not as a schema path.
        const { issues } = parsed.error;
        if (issues.length > 0 && issues.every((i) => i.path.join('.') === 'confirmed')) {
          throw new AppError('invalid_input', 'errors.confirmation_required', {});
        }
        throw new AppError('invalid_input', 'errors.invalid_input', {
          detail: describeIssues(parsed.error),
        });
      }
      const handler = opts.services[name] as (input: unknown, ctx: CallContext) => Promise<unknown>;
      const value = await handler(parsed.data, ctx);
      return { ok: true, value: def.output.parse(value) };
    } catch (err) {
      const info = toErrorInfo(err);
      if (info.kind === 'internal') opts.onInternalError?.(name, err);
      return { ok: false, error: info };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
