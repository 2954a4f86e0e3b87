/**
 * Small numeric helpers for the report. Written by hand on purpose: the
 * authoritative percentiles come from the checker's verdict; these only bin and
 * rank the samples read back from a trace for drawing, where equal-width linear
 * bins (not HDR's logarithmic buckets) are what a histogram chart wants.
 */

/** Nearest-rank percentile (`fraction` in [0, 1]) of samples sorted ascending; 0 for no samples. */
export function nearestRank(sortedAscending: readonly number[], fraction: number): number {
  if (sortedAscending.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(fraction * sortedAscending.length));
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1] as number;
}

/** The smallest 1, 2 or 5 × 10^k that is at least `raw` (raw > 0). */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const multiple of [1, 2, 5, 10]) if (multiple * power >= raw) return multiple * power;
  return 10 * power;
}

/** Bins of a histogram drawn by the report, at most this many (the overflow bin included). */
export const HISTOGRAM_BINS_MAX = 40;

/** Equal-width bins from 0 ms; `lastBinIsOverflow` when the last bin also holds everything past the range. */
export interface BinnedSamples {
  binWidthMs: number;
  counts: number[];
  lastBinIsOverflow: boolean;
}

/**
 * The range a latency histogram should cover: up to the largest sample, unless a few
 * outliers sit far out (max over 1.5 × p99), then up to p99 and the rest in an
 * overflow bin, so one slow outlier does not squash every other bar into the first.
 */
export function histogramRange(sortedAscending: readonly number[]): number {
  const max = sortedAscending[sortedAscending.length - 1] ?? 0;
  const p99 = nearestRank(sortedAscending, 0.99);
  return max > p99 * 1.5 ? p99 : max;
}

/** Counts samples into bins of a nice width covering [0, rangeMs]; samples past it go to one overflow bin. */
export function binSamples(samples: readonly number[], rangeMs: number): BinnedSamples {
  const binWidthMs = Math.max(1, niceStep(Math.max(rangeMs, 1) / (HISTOGRAM_BINS_MAX - 1)));
  if (samples.length === 0) return { binWidthMs, counts: [], lastBinIsOverflow: false };
  let max = 0;
  for (const sample of samples) if (sample > max) max = sample;
  const regularBins = Math.min(HISTOGRAM_BINS_MAX - 1, Math.floor(rangeMs / binWidthMs) + 1);
  const lastBinIsOverflow = max >= regularBins * binWidthMs;
  const counts = new Array<number>(regularBins + (lastBinIsOverflow ? 1 : 0)).fill(0);
  for (const sample of samples) {
    const index = Math.min(counts.length - 1, Math.max(0, Math.floor(sample / binWidthMs)));
    counts[index] = (counts[index] as number) + 1;
  }
  return { binWidthMs, counts, lastBinIsOverflow };
}
