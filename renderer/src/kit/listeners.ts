/**
 * The subscribe and notify pair of a small store that React reads with
 * useSyncExternalStore (the route, the counter's phase, the card lists, the camera).
 */
export function listenerSet() {
  const listeners = new Set<() => void>();
  return {
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    notify() {
      for (const listener of listeners) listener();
    },
  };
}
