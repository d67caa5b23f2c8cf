/**
 * A function of strings and numbers whose answer, once made, is kept: for what costs far more to
 * make than to use and never changes while the process runs (an Intl formatter for a language,
 * zone and style; a message without parameters in a language). One map per function; the
 * arguments, joined, are the key. The sets of arguments are few (languages, zones, styles), so
 * nothing is ever evicted.
 */
export function kept<A extends readonly (string | number)[], T>(
  make: (...args: A) => T,
): (...args: A) => T {
  const answers = new Map<string, T>();
  return (...args: A) => {
    const key = args.join('\u0000');
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = make(...args);
      answers.set(key, answer);
    }
    return answer;
  };
}
