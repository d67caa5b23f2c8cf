/**
 * The merchant's card ids by status (card/batchget), paged 50 at a time (the platform's count
 * limit) until the total is reached, kept per status filter for the session of the back office.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { BATCH_MAX } from '../../../../shared/ops/back-office';
import type { CardStatus } from '../../../../shared/wechat/enums';
import { api } from '../../api';
import { caught } from '../../kit/errors/ErrorNotice';
import { listenerSet } from '../../kit/listeners';

interface IdList {
  ids: string[];
  total?: number;
  loading: boolean;
  error?: ErrorInfo;
}

const EMPTY: IdList = { ids: [], loading: true };
const lists = new Map<string, IdList>();
const { subscribe, notify } = listenerSet();
/** Bumped by reload: a page that arrives for an older generation is dropped. */
const generation = new Map<string, number>();

function set(key: string, list: IdList) {
  lists.set(key, list);
  notify();
}

const statusKey = (statuses: readonly CardStatus[]) => [...statuses].sort().join(',');

async function load(key: string) {
  const gen = (generation.get(key) ?? 0) + 1;
  generation.set(key, gen);
  const statuses = key ? (key.split(',') as CardStatus[]) : [];
  let ids: string[] = [];
  set(key, { ids, loading: true });
  try {
    for (;;) {
      const page = await api.officeListCards({ statuses, offset: ids.length, count: BATCH_MAX });
      if (generation.get(key) !== gen) return;
      ids = [...ids, ...page.cardIds];
      const done = page.cardIds.length === 0 || ids.length >= page.total;
      set(key, { ids, total: page.total, loading: !done });
      if (done) return;
    }
  } catch (err) {
    if (generation.get(key) === gen) set(key, { ids, loading: false, error: caught(err) });
  }
}

/** Reads the list again (after a change, or the Reload button). */
export function reloadCardIds(statuses?: readonly CardStatus[]) {
  if (statuses) void load(statusKey(statuses));
  else for (const key of [...lists.keys()]) void load(key);
}

/** Forgets every list: they load again when next shown. */
export function forgetCardIds() {
  lists.clear();
  generation.clear();
  notify();
}

export function useCardIds(statuses: readonly CardStatus[]): IdList {
  const key = statusKey(statuses);
  const list = useSyncExternalStore(subscribe, () => lists.get(key) ?? EMPTY);
  useEffect(() => {
    if (!lists.has(key)) void load(key);
  }, [key]);
  return list;
}
