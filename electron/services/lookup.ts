/**
 * The one path from a scanned string to a verdict, for the counter, refunds and the back
 * office: normalise, decrypt, code/get (with the custom-code card ids), card/get, this
 * terminal's own writes of the code, the verdict, and exactly one `lookup` audit record with
 * one outcome rule:
 *
 *   rejected  nothing was asked (what was scanned cannot be a code)
 *   failed    the terminal could not tell (grey: network, quota, permissions...)
 *   ok        WeChat answered about the code (the verdict, red or green, is in the detail)
 */
import type { AuditAppend } from '../audit';
import { AppError, toErrorInfo, type ErrorInfo } from '../../shared/errors';
import { normaliseCode } from '../../shared/scan-code';
import {
  decideVerdict,
  type CodeLookup,
  type PendingWrite,
  type Verdict,
} from '../../shared/verdict';
import type { Card } from '../../shared/wechat/card';
import { classifyErrcode } from '../../shared/wechat/errcode-class';
import type { WriteItem, WriteKind } from '../../shared/writes';
import { WeChatApiError, type WeChatClient } from '../wechat';
import type { CardCache } from './card-cache';

export type LookupPurpose = 'counter' | 'refund' | 'back_office';
export type ScanSource = 'scanner' | 'camera' | 'manual';

export interface LookupDeps {
  client(): Promise<WeChatClient>;
  cards(): CardCache;
  audit: AuditAppend;
  /** This terminal's writes of a code: an open one blocks it, a done one is "redeemed here". */
  writes: {
    openFor(code: string): WriteItem | undefined;
    doneHere(code: string, kind: WriteKind): WriteItem | undefined;
  };
  now(): number;
  timeZone(): string;
  storePoiId(): number | undefined;
  customCodeCardIds(): string[];
  operatorName(id: string): string | undefined;
}

export interface LookupRequest {
  raw: string;
  purpose: LookupPurpose;
  source?: ScanSource;
  operatorId?: string | undefined;
  /** Known card id (custom-code cards need it on every call). */
  cardId?: string | undefined;
}

function lookupFromError(err: unknown): CodeLookup {
  if (err instanceof WeChatApiError) {
    return { kind: 'errcode', errcode: err.errcode, errmsg: err.errmsg, error: err.toInfo() };
  }
  return { kind: 'unavailable', error: toErrorInfo(err) };
}

/** The audit outcome of a lookup, from its verdict: the one rule. */
export function lookupOutcome(verdict: Verdict): 'ok' | 'failed' | 'rejected' {
  if (verdict.kind === 'invalid_scan') return 'rejected';
  if (verdict.kind === 'could_not_check') return 'failed';
  return 'ok';
}

export function createLookup(deps: LookupDeps) {
  /** code/get; for a code unknown without a card id, each custom-code card is tried too. */
  async function codeGet(code: string, cardId?: string): Promise<CodeLookup> {
    let client: WeChatClient;
    try {
      client = await deps.client();
    } catch (err) {
      return lookupFromError(err);
    }
    const get = (card_id?: string) =>
      client.codeGet({ code, ...(card_id ? { card_id } : {}), check_consume: false });
    let first: CodeLookup;
    try {
      return { kind: 'found', result: await get(cardId) };
    } catch (err) {
      first = lookupFromError(err);
    }
    const candidates = cardId ? [] : deps.customCodeCardIds();
    if (first.kind !== 'errcode' || first.errcode !== 40056 || candidates.length === 0) {
      return first;
    }
    const tries = await Promise.allSettled(candidates.map((id) => get(id)));
    const hit = tries.find((t) => t.status === 'fulfilled');
    if (hit?.status === 'fulfilled') return { kind: 'found', result: hit.value };
    // "Unknown" only when every card said so: a try that could not be made is "could not check".
    for (const t of tries) {
      if (t.status !== 'rejected') continue;
      const l = lookupFromError(t.reason);
      if (l.kind === 'unavailable' || (l.kind === 'errcode' && l.errcode !== 40056)) return l;
    }
    return first;
  }

  /** The verdict for a plain code, without an audit record (the caller records). */
  async function verdictFor(code: string, cardId?: string): Promise<Verdict> {
    const lookup = await codeGet(code, cardId);
    const id = lookup.kind === 'found' ? lookup.result.card.card_id : cardId;
    let card: Card | undefined;
    if (id && lookup.kind !== 'unavailable') {
      // A card that cannot be loaded leaves the verdict amber (card_details_missing).
      card = await deps
        .cards()
        .get(id)
        .catch(() => undefined);
    }
    const done = deps.writes.doneHere(code, 'consume');
    const open = deps.writes.openFor(code);
    return decideVerdict({
      code,
      lookup,
      card,
      now: deps.now(),
      timeZone: deps.timeZone(),
      storePoiId: deps.storePoiId(),
      ...(done
        ? {
            redeemedHere: {
              at: done.createdAt,
              operatorId: done.operatorId ?? '',
              operatorName: deps.operatorName(done.operatorId ?? '') ?? done.operatorId ?? '',
              ...(done.state === 'settled' ? { settled: true } : {}),
            },
          }
        : {}),
      ...(open
        ? {
            pending: {
              action: open.kind === 'consume' ? ('redeem' as const) : ('invalidate' as const),
              state: open.state as PendingWrite['state'],
              since: open.createdAt,
            },
          }
        : {}),
    });
  }

  function invalidScan(reason: string, raw: string): Verdict {
    const error: ErrorInfo = {
      kind: 'invalid_input',
      key: `verdict.invalid.${reason}`,
      params: {},
    };
    // What was read is shown (garbage input "abc!!" is not an empty line), never asked about.
    // eslint-disable-next-line no-control-regex
    const shown = Array.from(raw.trim().replace(/[\u0000-\u001f\u007f]/g, '\ufffd'));
    const read = shown.length > 64 ? `${shown.slice(0, 64).join('')}…` : shown.join('');
    return {
      kind: 'invalid_scan',
      tone: 'neutral',
      code: '',
      ...(read ? { read } : {}),
      warnings: [],
      error,
    };
  }

  /**
   * A scanned string as a plain code: decrypted when it is an encrypt_code. Returns the verdict
   * instead when there is no code to ask about (invalid, or a decryption that failed).
   */
  async function resolve(raw: string): Promise<{ code: string; encrypted: boolean } | Verdict> {
    const normal = normaliseCode(raw);
    if (normal.kind === 'invalid') return invalidScan(normal.reason, raw);
    if (normal.kind === 'code') return { code: normal.code, encrypted: false };
    try {
      const client = await deps.client();
      const r = await client.codeDecrypt({ encrypt_code: normal.encryptCode });
      return { code: r.code, encrypted: true };
    } catch (err) {
      const l = lookupFromError(err);
      // Only "this is not an encrypted code of ours" is about the code; anything else is ours.
      if (l.kind === 'errcode' && classifyErrcode(l.errcode) === 'code') {
        return {
          kind: 'unknown_code',
          tone: 'reject',
          code: '',
          warnings: [],
          error: l.error,
        };
      }
      return decideVerdict({ code: '', lookup: l, now: deps.now(), timeZone: deps.timeZone() });
    }
  }

  async function lookup(req: LookupRequest): Promise<Verdict> {
    const started = performance.now();
    const resolved = await resolve(req.raw);
    const encrypted = 'encrypted' in resolved && resolved.encrypted;
    const verdict = 'kind' in resolved ? resolved : await verdictFor(resolved.code, req.cardId);
    const invalid = verdict.kind === 'invalid_scan';
    deps.audit.append({
      action: 'lookup',
      outcome: lookupOutcome(verdict),
      operator_id: req.operatorId ?? null,
      code: invalid ? req.raw.slice(0, 64) : verdict.code || null,
      card_id: verdict.cardId ?? req.cardId ?? null,
      errcode: verdict.error?.errcode ?? (verdict.kind === 'could_not_check' || invalid ? null : 0),
      errmsg: verdict.error?.errmsg ?? null,
      duration_ms: performance.now() - started,
      detail: {
        purpose: req.purpose,
        ...(req.source ? { source: req.source } : {}),
        verdict: verdict.kind,
        tone: verdict.tone,
        ...(invalid ? { length: req.raw.length, reason: verdict.error?.key ?? null } : {}),
        // Why the terminal could not tell, as a key a supervisor's summary can group by.
        ...(verdict.kind === 'could_not_check' && verdict.error
          ? { error: verdict.error.key }
          : {}),
        ...(verdict.card ? { title: verdict.card.title } : {}),
        ...(verdict.warnings.length ? { warnings: verdict.warnings.map((w) => w.kind) } : {}),
        ...(verdict.pending ? { pending: verdict.pending.action } : {}),
        ...(encrypted ? { encrypted: true } : {}),
      },
    });
    return verdict;
  }

  /** A scanned string as a plain code for a write, or the reason there is none (AppError). */
  async function codeForWrite(raw: string): Promise<string> {
    const r = await resolve(raw);
    if (!('kind' in r)) return r.code;
    if (r.kind === 'invalid_scan') {
      throw new AppError('invalid_input', r.error?.key ?? 'verdict.invalid.bad_characters');
    }
    throw r.error ? AppError.fromInfo(r.error) : new AppError('invalid_input', 'errors.internal');
  }

  return { lookup, verdictFor, resolve, codeForWrite };
}

export type Lookup = ReturnType<typeof createLookup>;
