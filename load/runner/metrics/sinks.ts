/**
 * Aggregators for the four k6 metric types. Their numbers follow k6's sinks
 * (metrics/sink.go) so thresholds and summaries agree with real k6: counter
 * rate is per second of test run time, a rate counts non-zero samples, trend
 * percentiles interpolate linearly between the two nearest sorted samples.
 */

/** The four k6 metric types, spelled as k6's summary spells them. */
export type MetricType = "counter" | "gauge" | "rate" | "trend";

/** What a metric's values measure, as k6's summary spells it. */
export type ValueKind = "default" | "time" | "data";

/** Counter: a running sum. */
export class CounterSink {
  readonly kind = "counter" as const;
  sum = 0;
  sampleCount = 0;

  add(value: number): void {
    this.sum += value;
    this.sampleCount += 1;
  }

  isEmpty(): boolean {
    return this.sampleCount === 0;
  }

  /** Per second of `durationMs`; 0 when the duration is 0. */
  ratePerSecond(durationMs: number): number {
    return durationMs > 0 ? this.sum / (durationMs / 1000) : 0;
  }
}

/** Gauge: the last value, plus the smallest and largest seen. */
export class GaugeSink {
  readonly kind = "gauge" as const;
  last = 0;
  min = 0;
  max = 0;
  sampleCount = 0;

  add(value: number): void {
    this.last = value;
    if (this.sampleCount === 0 || value > this.max) this.max = value;
    if (this.sampleCount === 0 || value < this.min) this.min = value;
    this.sampleCount += 1;
  }

  isEmpty(): boolean {
    return this.sampleCount === 0;
  }
}

/** Rate: the share of samples that are non-zero. */
export class RateSink {
  readonly kind = "rate" as const;
  passes = 0;
  total = 0;

  add(value: number): void {
    this.total += 1;
    if (value !== 0) this.passes += 1;
  }

  isEmpty(): boolean {
    return this.total === 0;
  }

  /** passes / total, or undefined when there is no sample (k6 then skips rate thresholds). */
  rate(): number | undefined {
    return this.total > 0 ? this.passes / this.total : undefined;
  }
}

/** The most samples one trend keeps for its percentiles; the default of `TrendSink`. */
export const TREND_SAMPLES_MAX_DEFAULT = 5_000_000;

/**
 * Trend: every sample, for exact percentiles like k6. Count, min, max and avg
 * stay exact past `samplesMax`; percentiles then come from the first
 * `samplesMax` samples and `overflowed` says so (the runner warns once).
 */
export class TrendSink {
  readonly kind = "trend" as const;
  count = 0;
  min = 0;
  max = 0;
  sum = 0;
  overflowed = false;
  private values = new Float64Array(1024);
  private stored = 0;
  private sorted = true;
  private readonly samplesMax: number;

  constructor(options: { samplesMax?: number } = {}) {
    this.samplesMax = options.samplesMax ?? TREND_SAMPLES_MAX_DEFAULT;
  }

  add(value: number): void {
    if (this.count === 0 || value > this.max) this.max = value;
    if (this.count === 0 || value < this.min) this.min = value;
    this.count += 1;
    this.sum += value;
    if (this.stored >= this.samplesMax) {
      this.overflowed = true;
      return;
    }
    if (this.stored === this.values.length) {
      const grown = new Float64Array(Math.min(this.values.length * 2, this.samplesMax));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.stored] = value;
    this.stored += 1;
    this.sorted = false;
  }

  isEmpty(): boolean {
    return this.count === 0;
  }

  average(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  /** The `fraction` (0..1) percentile, interpolated like k6's TrendSink.P; 0 when empty. */
  percentile(fraction: number): number {
    if (this.stored === 0) return 0;
    if (this.stored === 1) return this.values[0] ?? 0;
    if (!this.sorted) {
      this.values.subarray(0, this.stored).sort();
      this.sorted = true;
    }
    const rank = fraction * (this.stored - 1);
    const lower = this.values[Math.floor(rank)] ?? 0;
    const upper = this.values[Math.ceil(rank)] ?? 0;
    return lower + (upper - lower) * (rank - Math.floor(rank));
  }
}

/** A sink of any metric type. */
export type Sink = CounterSink | GaugeSink | RateSink | TrendSink;

/** A fresh sink for `type`. */
export function createSink(type: MetricType, options: { trendSamplesMax?: number } = {}): Sink {
  switch (type) {
    case "counter":
      return new CounterSink();
    case "gauge":
      return new GaugeSink();
    case "rate":
      return new RateSink();
    case "trend":
      return new TrendSink(options.trendSamplesMax === undefined ? {} : { samplesMax: options.trendSamplesMax });
  }
}
