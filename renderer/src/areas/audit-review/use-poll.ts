import { useEffect, useRef } from 'react';

/**
 * Calls `tick` every `ms` while `active`, one call at a time (a slow answer is not overtaken by
 * the next poll). For the progress of exports and verifies running on the host.
 */
export function usePoll(active: boolean, ms: number, tick: () => Promise<void>) {
  const latest = useRef(tick);
  useEffect(() => {
    latest.current = tick;
  });
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: number | undefined;
    const run = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = window.setTimeout(() => void run(), ms);
      }
    };
    timer = window.setTimeout(() => void run(), ms);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [active, ms]);
}
