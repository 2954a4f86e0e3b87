/**
 * Latency samples with exact nearest-rank percentiles while they fit in `samplesMax`,
 * and a deterministic uniform reservoir (Algorithm R driven by a fixed-seed xorshift32, so
 * the same samples always keep the same reservoir) past it. `count` and `max` are always exact. No histogram library:
 * this module must stay runtime-free for k6 bundles.
 */
import type { LatencySummary } from "../CheckerVerdict.ts";
import { nearestRankPercentile } from "./nearestRankPercentile.ts";

/** See the module comment. */
export class LatencyReservoir {
  private readonly samples: number[] = [];
  private sorted: number[] | null = null;
  private count = 0;
  private maximum = 0;
  private randomState = 0x9e3779b9;

  constructor(private readonly samplesMax: number) {}

  /** Adds one latency (ms). */
  add(latencyMs: number): void {
    this.count += 1;
    this.maximum = this.count === 1 ? latencyMs : Math.max(this.maximum, latencyMs);
    this.sorted = null;
    if (this.samples.length < this.samplesMax) {
      this.samples.push(latencyMs);
      return;
    }
    const slot = Math.floor((this.nextRandom() / 0x1_0000_0000) * this.count);
    if (slot < this.samplesMax) this.samples[slot] = latencyMs;
  }

  /** Nearest-rank percentile `percent` (0..100] of the kept samples; 0 when empty. */
  percentile(percent: number): number {
    if (this.sorted === null) this.sorted = [...this.samples].sort((left, right) => left - right);
    return nearestRankPercentile(this.sorted, percent);
  }

  /** Count, p50, p95, p99 and max. */
  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.maximum,
      sampled: this.count > this.samplesMax,
    };
  }

  private nextRandom(): number {
    let state = this.randomState;
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    this.randomState = state >>> 0;
    return this.randomState;
  }
}
