/**
 * The benchmarks' one percentile (and the chain simulation's): the nearest rank on a sorted
 * copy, p from 0 to 100 (50 is the median). NaN when there are no values, so a figure that
 * could not be measured never prints as a time.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
