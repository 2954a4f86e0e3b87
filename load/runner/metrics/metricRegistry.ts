import { createSink, type MetricType, type Sink, type ValueKind } from "./sinks.ts";

/** Tags of one sample: k6 system tags (`scenario`, `group`, `check`, `url`...) plus user tags. */
export type SampleTags = Readonly<Record<string, string>>;

/** A registered metric, or a submetric (`name{tag:value}`) of one. */
export interface Metric {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: ValueKind;
  readonly sink: Sink;
  /** Submetrics that thresholds asked for; each sees the samples whose tags match. */
  readonly submetrics: Submetric[];
  /** True once the metric had a sample or a threshold; only observed metrics appear in the summary. */
  observed: boolean;
}

/** A tag-filtered view of a metric, created by a threshold such as `checks{scenario:login}`. */
export interface Submetric {
  readonly tags: SampleTags;
  readonly metric: Metric;
}

// k6 metrics/registry.go: letters, digits, underscores; 2..129 characters; no leading digit.
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

/**
 * All metrics of one run, shared by every VU so custom metrics aggregate across
 * VUs like in k6. VUs declare metrics in their init context; a second
 * declaration with the same name and type returns the same metric.
 */
export class MetricRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly trendSamplesMax: number | undefined;
  /** Sees every sample as it is added (the json output), if set. */
  onSample: ((metric: Metric, value: number, tags: SampleTags) => void) | undefined = undefined;

  constructor(options: { trendSamplesMax?: number } = {}) {
    this.trendSamplesMax = options.trendSamplesMax;
  }

  /**
   * Declares a metric, or returns the existing one of the same type.
   * @throws Error on an invalid name or a type/kind clash, worded like k6.
   */
  register(name: string, type: MetricType, contains: ValueKind = "default"): Metric {
    if (!METRIC_NAME.test(name)) {
      throw new Error(
        `Invalid metric name: '${name}'. Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore.`,
      );
    }
    const existing = this.metrics.get(name);
    if (existing !== undefined) {
      if (existing.type !== type) {
        throw new Error(`metric '${name}' already exists but with type ${existing.type}, instead of ${type}`);
      }
      if (existing.contains !== contains) {
        throw new Error(`metric '${name}' already exists but with a value type ${existing.contains}, instead of ${contains}`);
      }
      return existing;
    }
    const metric = this.newMetric(name, type, contains);
    this.metrics.set(name, metric);
    return metric;
  }

  /** The metric called `name`, if declared. */
  get(name: string): Metric | undefined {
    return this.metrics.get(name);
  }

  /**
   * The submetric of `parent` selected by `selector` (`tag:value,tag2:value2`,
   * quotes around keys and values allowed), created on first use.
   */
  submetric(parent: Metric, selector: string): Metric {
    const tags = parseTagSelector(parent.name, selector);
    const found = parent.submetrics.find((candidate) => sameTags(candidate.tags, tags));
    if (found !== undefined) return found.metric;
    const metric = this.newMetric(`${parent.name}{${selector.trim()}}`, parent.type, parent.contains);
    parent.submetrics.push({ tags, metric });
    return metric;
  }

  /** Adds one sample to `metric` and to each of its submetrics whose tags all match. */
  addSample(metric: Metric, value: number, tags: SampleTags): void {
    this.onSample?.(metric, value, tags);
    metric.sink.add(value);
    metric.observed = true;
    for (const submetric of metric.submetrics) {
      if (tagsMatch(submetric.tags, tags)) {
        submetric.metric.sink.add(value);
        submetric.metric.observed = true;
      }
    }
  }

  /** Every observed metric and submetric, in declaration order. */
  observedMetrics(): Metric[] {
    const result: Metric[] = [];
    for (const metric of this.metrics.values()) {
      if (metric.observed) result.push(metric);
      for (const submetric of metric.submetrics) if (submetric.metric.observed) result.push(submetric.metric);
    }
    return result;
  }

  /** Every trend sink that dropped samples for percentiles because of its bound. */
  overflowedTrends(): string[] {
    return this.observedMetrics()
      .filter((metric) => metric.sink.kind === "trend" && metric.sink.overflowed)
      .map((metric) => metric.name);
  }

  private newMetric(name: string, type: MetricType, contains: ValueKind): Metric {
    const options = this.trendSamplesMax === undefined ? {} : { trendSamplesMax: this.trendSamplesMax };
    const sink: Sink = createSink(type, options);
    return { name, type, contains, sink, submetrics: [], observed: false };
  }
}

/**
 * Splits `metric{tag:value,...}` into the metric name and its selector
 * (undefined when there are no braces), with k6's error wording.
 */
export function splitMetricSelector(name: string): { metricName: string; selector: string | undefined } {
  const open = name.indexOf("{");
  const close = name.lastIndexOf("}");
  if (open < 0 && close < 0) return { metricName: name, selector: undefined };
  if (open < 0 || close < 0) throw new Error(`parsing metric name failed, metric "${name}" has unmatched opening/close curly brace`);
  if (close < open) throw new Error(`parsing metric name failed, metric "${name}" closing curly brace appears before opening one`);
  if (close !== name.length - 1) {
    throw new Error(`parsing metric name failed, metric "${name}" lacks a closing curly brace in its last position`);
  }
  return { metricName: name.slice(0, open), selector: name.slice(open + 1, close) };
}

function parseTagSelector(metricName: string, selector: string): SampleTags {
  const tags: Record<string, string> = {};
  const trimmed = selector.trim();
  if (trimmed === "") throw new Error(`submetric criteria for metric '${metricName}' cannot be empty`);
  for (const pair of trimmed.split(",")) {
    if (pair.trim() === "") continue;
    const separator = pair.indexOf(":");
    if (separator < 0) throw new Error(`parsing metric name failed, metric "${pair}" tag expression is malformed`);
    const key = stripQuotes(pair.slice(0, separator));
    tags[key] = stripQuotes(pair.slice(separator + 1));
  }
  return tags;
}

function stripQuotes(text: string): string {
  return text.trim().replace(/^["']+|["']+$/g, "");
}

function tagsMatch(wanted: SampleTags, actual: SampleTags): boolean {
  return Object.entries(wanted).every(([key, value]) => actual[key] === value);
}

function sameTags(left: SampleTags, right: SampleTags): boolean {
  const leftKeys = Object.keys(left);
  return leftKeys.length === Object.keys(right).length && leftKeys.every((key) => left[key] === right[key]);
}
