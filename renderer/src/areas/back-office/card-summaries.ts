/**
 * Card summaries (title, type, colour, stock, status from card/get) for the list rows, loaded
 * lazily for the rows on screen, at most 50 per request, and kept for the session of the back
 * office. A change made here (edit, stock, delete) replaces the card's entry at once.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { BATCH_MAX, type CardSummary } from '../../../../shared/ops/back-office';
import type { Card } from '../../../../shared/wechat/card';
import { summarise } from '../../../../shared/office/card-summary';
import { api } from '../../api';
import { caught } from '../../kit/errors/ErrorNotice';
import { listenerSet } from '../../kit/listeners';

interface Entry {
  summary?: CardSummary;
  error?: ErrorInfo;
  loading?: boolean;
}

const entries = new Map<string, Entry>();
const { subscribe, notify } = listenerSet();
let version = 0;
let queued = new Set<string>();
/** Cards to read past the host's cache (after Reload): what the counter caches may be old. */
let fresh = new Set<string>();
let flushing = false;

function changed() {
  version += 1;
  notify();
}

async function flush() {
  flushing = true;
  while (queued.size > 0) {
    const first = [...queued][0]!;
    const wantFresh = fresh.has(first);
    const ids = [...queued].filter((id) => fresh.has(id) === wantFresh).slice(0, BATCH_MAX);
    for (const id of ids) {
      queued.delete(id);
      fresh.delete(id);
    }
    try {
      const { items } = await api.officeCardSummaries({ cardIds: ids, fresh: wantFresh });
      for (const item of items) {
        entries.set(
          item.cardId,
          item.summary ? { summary: item.summary } : { error: item.error ?? caught(null) },
        );
      }
    } catch (err) {
      for (const id of ids) entries.set(id, { error: caught(err) });
    }
    changed();
  }
  flushing = false;
}

/** Asks for the summaries of `ids` that are not loaded or loading yet. */
export function requestSummaries(ids: readonly string[]) {
  let added = false;
  for (const id of ids) {
    const e = entries.get(id);
    if (e && (e.summary || e.loading)) continue;
    entries.set(id, { loading: true });
    queued.add(id);
    added = true;
  }
  if (!added) return;
  changed();
  if (!flushing) queueMicrotask(() => void flush());
}

/** Forgets everything: the next rows on screen are read again (the "Reload" button). */
export function forgetSummaries() {
  fresh = new Set([...fresh, ...entries.keys()]);
  entries.clear();
  queued = new Set();
  changed();
}

/** A card as read or changed by the back office replaces its summary. */
export function putCard(card: Card) {
  const summary = summarise(card);
  entries.set(summary.cardId, { summary });
  changed();
}

export function summaryOf(id: string): Entry | undefined {
  return entries.get(id);
}

/** Re-renders when any summary changes; read entries with summaryOf(). */
export function useSummaryVersion(): number {
  return useSyncExternalStore(subscribe, () => version);
}

/** Loads the summaries of `ids` (all of them, in batches) and re-renders as they arrive. */
export function useSummaries(ids: readonly string[]): number {
  const v = useSummaryVersion();
  const key = ids.join(',');
  useEffect(() => {
    if (key) requestSummaries(key.split(','));
  }, [key]);
  return v;
}
