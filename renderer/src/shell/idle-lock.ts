import { useEffect } from 'react';
import { api } from '../api';

/**
 * Locks the session after `minutes` without a key press, click or touch; the host enforces the
 * same limit on its side, this only makes the lock screen appear on time.
 */
export function useIdleLock(minutes: number, onLocked: () => Promise<void> | void) {
  useEffect(() => {
    if (minutes <= 0) return;
    let last = Date.now();
    const touch = () => (last = Date.now());
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, touch, { capture: true, passive: true });
    const timer = window.setInterval(() => {
      if (Date.now() - last > minutes * 60_000) {
        void api
          .lockSession({})
          .catch(() => undefined)
          .then(() => onLocked());
        last = Date.now();
      }
    }, 5_000);
    return () => {
      window.clearInterval(timer);
      for (const e of events) window.removeEventListener(e, touch, { capture: true });
    };
  }, [minutes, onLocked]);
}
