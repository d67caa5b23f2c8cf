/**
 * The counter loop on the host side: look a code up (code/get + card/get → verdict) and redeem
 * it at most once per intent. Every scan, lookup and redemption is in the audit log; a
 * redemption's intent is on disk before code/consume is sent, and a lost answer is settled
 * by the settlement worker, never by sending consume again.
 */
import { randomUUID } from 'node:crypto';
import type { NewAuditRecord } from '../../shared/audit';
import type { RedeemOutcome } from '../../shared/contract';
import { AppError, toErrorInfo, type ErrorInfo } from '../../shared/errors';
import { normaliseCode } from '../../shared/scan-code';
import { decideVerdict, type CodeLookup, type Verdict } from '../../shared/verdict';
import type { Card } from '../../shared/wechat/card';
import type { WeChatClient } from '../wechat';
import { OutcomeUnknownError, WeChatApiError } from '../wechat';
import type { CardCache } from './card-cache';

export interface CounterAudit {
  append(rec: NewAuditRecord): unknown;
  appendIntent(rec: Omit<NewAuditRecord, 'outcome'>): { nonce: string | null };
  appendResult(nonce: string, rec: NewAuditRecord): unknown;
  lastRedemption(code: string): { ts: number; operator_id: string | null } | undefined;
}

export interface CounterDeps {
  client(): Promise<WeChatClient>;
  cards(): CardCache;
  audit: CounterAudit;
  now(): number;
  timeZone(): string;
  storePoiId(): number | undefined;
  customCodeCardIds(): string[];
  operatorName(id: string): string | undefined;
  /** A refund (invalidation) of this code is queued at this terminal (issue 9). */
  refundPending(code: string): boolean;
  /** Hands an intent whose outcome is unknown to the settlement worker. */
  settleLater(item: {
    nonce: string;
    code: string;
    cardId?: string | undefined;
    operatorId?: string | undefined;
    at: number;
  }): void;
}

function lookupFromError(err: unknown): CodeLookup {
  if (err instanceof WeChatApiError) {
    return { kind: 'errcode', errcode: err.errcode, errmsg: err.errmsg, error: err.toInfo() };
  }
  return { kind: 'unavailable', error: toErrorInfo(err) };
}

export function createCounter(deps: CounterDeps) {
  const redeeming = new Set<string>();

  /** code/get, trying the merchant's custom-code cards when the code is unknown without one. */
  async function codeGet(code: string, cardId?: string): Promise<CodeLookup> {
    const client = await deps.client();
    try {
      const result = await client.codeGet({
        code,
        ...(cardId ? { card_id: cardId } : {}),
        check_consume: false,
      });
      return { kind: 'found', result };
    } catch (err) {
      const first = lookupFromError(err);
      const candidates = cardId ? [] : deps.customCodeCardIds();
      if (first.kind !== 'errcode' || first.errcode !== 40056 || candidates.length === 0)
        return first;
      const tries = await Promise.allSettled(
        candidates.map((id) => client.codeGet({ code, card_id: id, check_consume: false })),
      );
      const hit = tries.find((t) => t.status === 'fulfilled');
      return hit?.status === 'fulfilled' ? { kind: 'found', result: hit.value } : first;
    }
  }

  async function verdictFor(
    code: string,
    cardId?: string,
  ): Promise<{ verdict: Verdict; errcode?: number }> {
    const lookup = await codeGet(code, cardId);
    let card: Card | undefined;
    const id = lookup.kind === 'found' ? lookup.result.card.card_id : cardId;
    if (id)
      card = await deps
        .cards()
        .get(id)
        .catch(() => undefined);
    const consumed =
      (lookup.kind === 'found' && lookup.result.user_card_status === 'CONSUMED') ||
      (lookup.kind === 'errcode' && lookup.errcode === 40099);
    const mine = consumed ? deps.audit.lastRedemption(code) : undefined;
    const verdict = decideVerdict({
      code,
      lookup,
      card,
      now: deps.now(),
      timeZone: deps.timeZone(),
      storePoiId: deps.storePoiId(),
      refundPending: deps.refundPending(code),
      ...(mine
        ? {
            redeemedHere: {
              at: mine.ts,
              operatorId: mine.operator_id ?? '',
              operatorName: deps.operatorName(mine.operator_id ?? '') ?? mine.operator_id ?? '',
            },
          }
        : {}),
    });
    return { verdict, ...(lookup.kind === 'errcode' ? { errcode: lookup.errcode } : {}) };
  }

  async function lookup(
    raw: string,
    source: string,
    operatorId: string | undefined,
  ): Promise<Verdict> {
    const started = performance.now();
    const normal = normaliseCode(raw);
    if (normal.kind === 'invalid') {
      const error: ErrorInfo = {
        kind: 'invalid_input',
        key: `verdict.invalid.${normal.reason}`,
        params: {},
      };
      deps.audit.append({
        action: 'scan',
        outcome: 'rejected',
        operator_id: operatorId,
        code: raw.slice(0, 64),
        detail: { source, reason: normal.reason, length: raw.length },
      });
      return { kind: 'invalid_scan', tone: 'neutral', code: '', warnings: [], error };
    }
    let code: string;
    if (normal.kind === 'encrypted') {
      try {
        code = (await (await deps.client()).codeDecrypt({ encrypt_code: normal.encryptCode })).code;
      } catch (err) {
        const lookupErr = lookupFromError(err);
        const verdict = decideVerdict({
          code: '',
          lookup: lookupErr,
          now: deps.now(),
          timeZone: deps.timeZone(),
        });
        deps.audit.append({
          action: 'lookup',
          outcome: verdict.kind === 'could_not_check' ? 'failed' : 'rejected',
          operator_id: operatorId,
          errcode: lookupErr.kind === 'errcode' ? lookupErr.errcode : null,
          duration_ms: performance.now() - started,
          detail: { source, encrypted: true, verdict: verdict.kind },
        });
        return verdict;
      }
    } else {
      code = normal.code;
    }
    const { verdict, errcode } = await verdictFor(code);
    deps.audit.append({
      action: 'lookup',
      outcome:
        verdict.kind === 'redeemable'
          ? 'ok'
          : verdict.kind === 'could_not_check'
            ? 'failed'
            : 'rejected',
      operator_id: operatorId,
      code,
      card_id: verdict.cardId ?? null,
      errcode: errcode ?? (verdict.kind === 'could_not_check' ? null : 0),
      errmsg: verdict.error?.errmsg ?? null,
      duration_ms: performance.now() - started,
      detail: {
        source,
        verdict: verdict.kind,
        tone: verdict.tone,
        ...(verdict.card ? { title: verdict.card.title } : {}),
        ...(verdict.warnings.length ? { warnings: verdict.warnings.map((w) => w.kind) } : {}),
        ...(normal.kind === 'encrypted' ? { encrypted: true } : {}),
      },
    });
    return verdict;
  }

  async function redeem(
    code: string,
    cardId: string | undefined,
    operatorId: string | undefined,
  ): Promise<RedeemOutcome> {
    const at = deps.now();
    if (redeeming.has(code)) return { outcome: 'busy', code, at };
    if (deps.refundPending(code)) {
      const { verdict } = await verdictFor(code, cardId);
      return { outcome: 'rejected', code, at, verdict };
    }
    redeeming.add(code);
    try {
      // The intent is on disk before the request leaves: a crash after this line is settled.
      const intent = deps.audit.appendIntent({
        action: 'redeem',
        operator_id: operatorId,
        code,
        card_id: cardId ?? null,
        nonce: randomUUID(),
      });
      const nonce = intent.nonce ?? '';
      const started = performance.now();
      const record = (rec: Omit<NewAuditRecord, 'action'>) =>
        deps.audit.appendResult(nonce, {
          action: 'redeem',
          operator_id: operatorId,
          code,
          card_id: cardId ?? null,
          duration_ms: performance.now() - started,
          ...rec,
        });
      try {
        const res = await (
          await deps.client()
        ).codeConsume({ code, ...(cardId ? { card_id: cardId } : {}) });
        record({ outcome: 'ok', errcode: 0, card_id: res.card?.card_id ?? cardId ?? null });
        return { outcome: 'redeemed', code, nonce, at: deps.now() };
      } catch (err) {
        if (err instanceof OutcomeUnknownError) {
          record({ outcome: 'unknown', errmsg: err.reason, detail: { reason: err.reason } });
          deps.settleLater({ nonce, code, cardId, operatorId, at });
          return { outcome: 'unknown', code, nonce, at, error: err.toInfo() };
        }
        if (err instanceof WeChatApiError) {
          record({ outcome: 'rejected', errcode: err.errcode, errmsg: err.errmsg });
          // Show the cashier why, with the code's current verdict (e.g. already redeemed).
          const { verdict } = await verdictFor(code, cardId);
          return { outcome: 'rejected', code, nonce, at, verdict, error: err.toInfo() };
        }
        record({ outcome: 'failed', errmsg: err instanceof AppError ? err.key : 'internal' });
        return { outcome: 'failed', code, nonce, at, error: toErrorInfo(err) };
      }
    } finally {
      redeeming.delete(code);
    }
  }

  return { lookup, redeem, verdictFor };
}

export type Counter = ReturnType<typeof createCounter>;
