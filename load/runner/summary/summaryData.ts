import type { Metric, MetricRegistry } from "../metrics/metricRegistry.ts";
import type { MetricType, Sink, ValueKind } from "../metrics/sinks.ts";
import type { MetricThresholds } from "../metrics/thresholds.ts";
import type { GroupNode } from "./groupTree.ts";

/** One metric in the end-of-test summary, shaped like k6's `handleSummary(data).metrics[name]`. */
export interface SummaryMetric {
  type: MetricType;
  contains: ValueKind;
  /** counter: count, rate; gauge: value, min, max; rate: rate, passes, fails; trend: the `summaryTrendStats`. */
  values: Record<string, number>;
  /** Threshold source -> verdict; present only on metrics with thresholds. */
  thresholds?: Record<string, { ok: boolean }>;
}

/** The data k6 passes to `handleSummary()` (its "legacy" summary JSON shape). */
export interface SummaryData {
  root_group: GroupNode;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  /** What `setup()` returned; absent when there was no setup data. */
  setup_data?: unknown;
}

/** k6's default `summaryTrendStats`. */
export const DEFAULT_SUMMARY_TREND_STATS: readonly string[] = ["avg", "min", "med", "max", "p(90)", "p(95)"];

/** @throws Error when `stat` is not one of avg, min, med, max, count, p(N) (k6 accepts the same set). */
export function validateTrendStat(stat: string): void {
  if (["avg", "min", "med", "max", "count"].includes(stat)) return;
  const percentile = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  if (percentile !== null && Number(percentile[1]) <= 100) return;
  throw new Error(`stat '${stat}' is unknown; use avg, min, med, max, count or p(N) with 0 <= N <= 100`);
}

/** Inputs of `buildSummaryData`. */
export interface SummaryInputs {
  registry: MetricRegistry;
  thresholds: readonly MetricThresholds[];
  rootGroup: GroupNode;
  trendStats: readonly string[];
  summaryTimeUnit: string;
  testRunDurationMs: number;
  setupData: unknown;
  isStdOutTTY: boolean;
  isStdErrTTY: boolean;
}

/** Builds the summary data of a finished run: every observed metric, its values and threshold verdicts. */
export function buildSummaryData(inputs: SummaryInputs): SummaryData {
  const thresholdsByMetric = new Map<Metric, MetricThresholds>(inputs.thresholds.map((entry) => [entry.metric, entry]));
  const metrics: Record<string, SummaryMetric> = {};
  for (const metric of inputs.registry.observedMetrics()) {
    const entry: SummaryMetric = {
      type: metric.type,
      contains: metric.contains,
      values: summaryValues(metric.sink, inputs.trendStats, inputs.testRunDurationMs),
    };
    const bound = thresholdsByMetric.get(metric);
    if (bound !== undefined) {
      entry.thresholds = Object.fromEntries(bound.thresholds.map((threshold) => [threshold.definition.source, { ok: !threshold.lastFailed }]));
    }
    metrics[metric.name] = entry;
  }
  const data: SummaryData = {
    root_group: inputs.rootGroup,
    options: { summaryTrendStats: [...inputs.trendStats], summaryTimeUnit: inputs.summaryTimeUnit, noColor: false },
    state: { isStdOutTTY: inputs.isStdOutTTY, isStdErrTTY: inputs.isStdErrTTY, testRunDurationMs: inputs.testRunDurationMs },
    metrics,
  };
  if (inputs.setupData !== undefined) data.setup_data = inputs.setupData;
  return data;
}

function summaryValues(sink: Sink, trendStats: readonly string[], testRunDurationMs: number): Record<string, number> {
  switch (sink.kind) {
    case "counter":
      return { count: sink.sum, rate: sink.ratePerSecond(testRunDurationMs) };
    case "gauge":
      return { value: sink.last, min: sink.min, max: sink.max };
    case "rate":
      return { rate: sink.rate() ?? 0, passes: sink.passes, fails: sink.total - sink.passes };
    case "trend":
      return Object.fromEntries(trendStats.map((stat) => [stat, trendStat(sink, stat)]));
  }
}

function trendStat(sink: Extract<Sink, { kind: "trend" }>, stat: string): number {
  switch (stat) {
    case "avg":
      return sink.average();
    case "min":
      return sink.min;
    case "max":
      return sink.max;
    case "med":
      return sink.percentile(0.5);
    case "count":
      return sink.count;
    default:
      return sink.percentile(Number(stat.slice(2, -1)) / 100);
  }
}
