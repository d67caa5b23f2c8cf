import { useEffect, useState } from 'react';
import type { PendingWork } from '../../../shared/ops/counter';
import { api } from '../api';

/** Unsettled redemptions and queued refunds, polled while an operator is signed in. */
export function usePendingWork(enabled: boolean, intervalMs = 3_000): PendingWork | undefined {
  const [work, setWork] = useState<PendingWork>();
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const poll = () =>
      api
        .getPendingWork({})
        .then((w) => !stopped && setWork(w))
        .catch(() => undefined);
    void poll();
    const timer = window.setInterval(poll, intervalMs);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [enabled, intervalMs]);
  return enabled ? work : undefined;
}
