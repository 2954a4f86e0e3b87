/**
 * Nearest-rank percentile of an ascending array: the smallest value with at least
 * `percent`% of the values at or below it (sorted[ceil(p/100 * n) - 1]). 0 when empty.
 */
export function nearestRankPercentile(sortedAscending: readonly number[], percent: number): number {
  if (sortedAscending.length === 0) return 0;
  const rank = Math.min(sortedAscending.length, Math.max(1, Math.ceil((percent / 100) * sortedAscending.length)));
  return sortedAscending[rank - 1] as number;
}
