import { parseDuration } from "../options/parseDuration.ts";
import type { Metric, MetricRegistry } from "./metricRegistry.ts";
import { splitMetricSelector } from "./metricRegistry.ts";
import type { MetricType, Sink } from "./sinks.ts";

/** One threshold as the script wrote it (string form or object form). */
export interface ThresholdDefinition {
  /** The expression, e.g. `p(95)<200`; also its key in the summary. */
  source: string;
  /** Stop the whole run as soon as this threshold fails (checked every `THRESHOLD_EVALUATION_PERIOD_MS`). */
  abortOnFail: boolean;
  /** With `abortOnFail`: do not abort before this much test time has passed. */
  delayAbortEvalMs: number | undefined;
}

/** The parsed left side, operator and right side of a threshold expression. */
export interface ThresholdExpression {
  method: AggregationMethod;
  /** For `p(N)`: N, 0..100. */
  percentile: number | undefined;
  operator: ThresholdOperator;
  value: number;
}

/** A threshold bound to its metric, with its latest verdict. */
export interface Threshold {
  definition: ThresholdDefinition;
  expression: ThresholdExpression;
  /** True when the latest evaluation failed; the summary reports `ok: !lastFailed`. */
  lastFailed: boolean;
}

/** All thresholds of one metric or submetric (`checks{scenario:login}`). */
export interface MetricThresholds {
  /** The key as written in `options.thresholds`. */
  key: string;
  metric: Metric;
  thresholds: Threshold[];
}

/** The verdict of one evaluation round. */
export interface ThresholdVerdict {
  /** Keys of metrics with at least one failed threshold, sorted. */
  breached: string[];
  /** True when a failed threshold has `abortOnFail` and its delay has passed. */
  shouldAbort: boolean;
}

/** How often thresholds are evaluated during the run to honour `abortOnFail` (k6: 2 s). */
export const THRESHOLD_EVALUATION_PERIOD_MS = 2000;

type AggregationMethod = "count" | "rate" | "value" | "avg" | "min" | "max" | "med" | "p";
type ThresholdOperator = "<=" | "<" | ">=" | ">" | "===" | "==" | "!=";

// Scan order matters: "<=" before "<", "===" before "==" (as k6 does).
const OPERATORS: readonly ThresholdOperator[] = ["<=", "<", ">=", ">", "===", "==", "!="];
const METHODS: readonly AggregationMethod[] = ["value", "count", "rate", "avg", "min", "med", "max"];
const METHODS_BY_TYPE: Readonly<Record<MetricType, readonly AggregationMethod[]>> = {
  counter: ["count", "rate"],
  gauge: ["value"],
  rate: ["rate"],
  trend: ["avg", "min", "max", "med", "p"],
};

/**
 * Parses a k6 threshold expression such as `p(99.9) < 500`, `rate>0.95`, `count==0`.
 * @throws Error quoting the expression and what is wrong with it.
 */
export function parseThresholdExpression(source: string): ThresholdExpression {
  for (const operator of OPERATORS) {
    const at = source.indexOf(operator);
    if (at < 0) continue;
    const left = source.slice(0, at).trim();
    const right = source.slice(at + operator.length).trim();
    if (right === "") continue;
    const { method, percentile } = parseAggregation(source, left);
    const value = Number(right);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(right) || !Number.isFinite(value)) {
      throw new Error(`failed parsing threshold expression's "${source}" right hand side; "${right}" is not a number`);
    }
    return { method, percentile, operator, value };
  }
  throw new Error(`failed parsing threshold expression "${source}"; reason: malformed threshold expression`);
}

/**
 * Normalises `options.thresholds` (`{ metric: ["expr", { threshold, abortOnFail, delayAbortEval }] }`).
 * @throws Error naming the metric and the bad entry.
 */
export function readThresholdDefinitions(raw: unknown): Map<string, ThresholdDefinition[]> {
  const definitions = new Map<string, ThresholdDefinition[]>();
  if (raw === undefined || raw === null) return definitions;
  if (typeof raw !== "object" || Array.isArray(raw)) throw new Error("options.thresholds must be an object of metric name -> array of thresholds");
  for (const [metricKey, entries] of Object.entries(raw)) {
    const list = Array.isArray(entries) ? (entries as unknown[]) : [entries];
    definitions.set(
      metricKey,
      list.map((entry, index) => readDefinition(metricKey, index, entry)),
    );
  }
  return definitions;
}

/**
 * Binds each threshold to its metric (creating submetrics for `name{tag:value}`)
 * and checks the aggregation method fits the metric type, as k6 does after
 * the init context has declared the custom metrics.
 * @throws Error worded like k6's "invalid threshold" errors.
 */
export function bindThresholds(registry: MetricRegistry, definitions: ReadonlyMap<string, ThresholdDefinition[]>): MetricThresholds[] {
  const bound: MetricThresholds[] = [];
  for (const [key, list] of definitions) {
    const { metricName, selector } = splitMetricSelector(key);
    const parent = registry.get(metricName);
    if (parent === undefined) {
      throw new Error(`invalid threshold defined on ${key}; reason: no metric name "${metricName}" found`);
    }
    const metric = selector === undefined ? parent : registry.submetric(parent, selector);
    metric.observed = true;
    parent.observed = true;
    const thresholds = list.map((definition) => {
      const expression = parseThresholdExpression(definition.source);
      const allowed = METHODS_BY_TYPE[metric.type];
      if (!allowed.includes(expression.method)) {
        throw new Error(
          `invalid threshold "${definition.source}" applied on metric ${key}; reason: unsupported aggregation method ${expression.method} on metric of type ${metric.type}. supported aggregation methods for this metric are: ${allowed.join(", ")}`,
        );
      }
      return { definition, expression, lastFailed: false };
    });
    bound.push({ key, metric, thresholds });
  }
  return bound;
}

/**
 * Evaluates every threshold against the current sinks. During the run k6
 * skips metrics without samples (`ignoreEmptySinks`); at the end it does not,
 * so an empty trend reads 0 and an empty rate passes.
 */
export function evaluateThresholds(
  bound: readonly MetricThresholds[],
  testRunDurationMs: number,
  options: { ignoreEmptySinks: boolean },
): ThresholdVerdict {
  const breached: string[] = [];
  let shouldAbort = false;
  for (const entry of bound) {
    if (options.ignoreEmptySinks && entry.metric.sink.isEmpty()) continue;
    const values = aggregate(entry.metric.sink, entry.thresholds, testRunDurationMs);
    let failed = false;
    for (const threshold of entry.thresholds) {
      const observed = values.get(sinkKey(threshold.expression));
      const passes = observed === undefined || compareWith(threshold.expression.operator, observed, threshold.expression.value);
      threshold.lastFailed = !passes;
      if (passes) continue;
      failed = true;
      const delay = threshold.definition.delayAbortEvalMs;
      if (threshold.definition.abortOnFail && (delay === undefined || delay < testRunDurationMs)) shouldAbort = true;
    }
    if (failed) breached.push(entry.key);
  }
  return { breached: breached.sort(), shouldAbort };
}

/** The key a threshold reads from the aggregated values (`p(95)`, `avg`...). */
export function sinkKey(expression: ThresholdExpression): string {
  return expression.method === "p" ? `p(${expression.percentile ?? 0})` : expression.method;
}

function parseAggregation(source: string, left: string): { method: AggregationMethod; percentile: number | undefined } {
  const plain = METHODS.find((method) => method === left);
  if (plain !== undefined) return { method: plain, percentile: undefined };
  if (left.startsWith("p(") && left.endsWith(")")) {
    const inner = left.slice(2, -1).trim();
    const percentile = Number(inner);
    if (inner === "" || !Number.isFinite(percentile) || percentile < 0 || percentile > 100) {
      throw new Error(`failed parsing threshold expression's "${source}" left hand side; reason: malformed percentile value, provide a number between 0 and 100`);
    }
    return { method: "p", percentile };
  }
  throw new Error(`failed parsing threshold expression's "${source}" left hand side; reason: failed parsing method from expression`);
}

function readDefinition(metricKey: string, index: number, entry: unknown): ThresholdDefinition {
  const definition = readDefinitionShape(metricKey, index, entry);
  try {
    parseThresholdExpression(definition.source);
  } catch (error) {
    throw new Error(`invalid threshold on ${metricKey}: ${(error as Error).message}`);
  }
  return definition;
}

function readDefinitionShape(metricKey: string, index: number, entry: unknown): ThresholdDefinition {
  if (typeof entry === "string") return { source: entry, abortOnFail: false, delayAbortEvalMs: undefined };
  if (typeof entry === "object" && entry !== null && typeof (entry as { threshold?: unknown }).threshold === "string") {
    const object = entry as { threshold: string; abortOnFail?: unknown; delayAbortEval?: unknown };
    const delay = object.delayAbortEval;
    return {
      source: object.threshold,
      abortOnFail: object.abortOnFail === true,
      delayAbortEvalMs: typeof delay === "string" || typeof delay === "number" ? parseDuration(delay) : undefined,
    };
  }
  throw new Error(`options.thresholds["${metricKey}"][${index}] must be a string or { threshold, abortOnFail?, delayAbortEval? }`);
}

function aggregate(sink: Sink, thresholds: readonly Threshold[], testRunDurationMs: number): Map<string, number> {
  const values = new Map<string, number>();
  switch (sink.kind) {
    case "counter":
      values.set("count", sink.sum);
      if (testRunDurationMs > 0) values.set("rate", sink.ratePerSecond(testRunDurationMs));
      break;
    case "gauge":
      values.set("value", sink.last);
      break;
    case "rate": {
      const rate = sink.rate();
      if (rate !== undefined) values.set("rate", rate);
      break;
    }
    case "trend":
      values.set("min", sink.min);
      values.set("max", sink.max);
      values.set("avg", sink.average());
      values.set("med", sink.percentile(0.5));
      for (const threshold of thresholds) {
        if (threshold.expression.method === "p") {
          values.set(sinkKey(threshold.expression), sink.percentile((threshold.expression.percentile ?? 0) / 100));
        }
      }
      break;
  }
  return values;
}

function compareWith(operator: ThresholdOperator, left: number, right: number): boolean {
  switch (operator) {
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "==":
    case "===":
      return left === right;
    case "!=":
      return left !== right;
  }
}
