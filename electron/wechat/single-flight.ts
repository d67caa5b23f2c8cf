/** At most one run of `fn` at a time: callers arriving while it runs share its result. */
export interface SingleFlight<T> {
  run(): Promise<T>;
  readonly pending: boolean;
}

export function singleFlight<T>(fn: () => Promise<T>): SingleFlight<T> {
  let current: Promise<T> | undefined;
  return {
    run() {
      if (!current) {
        current = fn().finally(() => {
          current = undefined;
        });
      }
      return current;
    },
    get pending() {
      return current !== undefined;
    },
  };
}
