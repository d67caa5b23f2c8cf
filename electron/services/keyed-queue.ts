/**
 * Runs tasks one at a time per key, in the order they were queued; tasks of different keys run
 * side by side. The PIN checks of one operator use it, so parallel requests cannot each slip
 * past the lock while another is still hashing.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget a key once its last task is done, so the map does not grow with every id tried.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
