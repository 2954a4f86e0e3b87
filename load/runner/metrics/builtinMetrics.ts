import type { Metric, MetricRegistry } from "./metricRegistry.ts";
import type { MetricType, ValueKind } from "./sinks.ts";

// The k6 built-in metrics this runner emits, with k6's names, types and kinds.
const BUILTIN_METRIC_DEFINITIONS = {
  checks: ["rate", "default"],
  data_received: ["counter", "data"],
  data_sent: ["counter", "data"],
  dropped_iterations: ["counter", "default"],
  group_duration: ["trend", "time"],
  iteration_duration: ["trend", "time"],
  iterations: ["counter", "default"],
  vus: ["gauge", "default"],
  vus_max: ["gauge", "default"],
  ws_connecting: ["trend", "time"],
  ws_msgs_received: ["counter", "default"],
  ws_msgs_sent: ["counter", "default"],
  ws_ping: ["trend", "time"],
  ws_session_duration: ["trend", "time"],
  ws_sessions: ["counter", "default"],
} as const satisfies Readonly<Record<string, readonly [MetricType, ValueKind]>>;

/** Name of a built-in metric the runner emits. */
export type BuiltinMetricName = keyof typeof BUILTIN_METRIC_DEFINITIONS;

/** The built-in metrics of one run, by name. */
export type BuiltinMetrics = Readonly<Record<BuiltinMetricName, Metric>>;

/** Declares every built-in metric in `registry` (before the init context runs, so scripts cannot take their names). */
export function registerBuiltinMetrics(registry: MetricRegistry): BuiltinMetrics {
  const entries = Object.entries(BUILTIN_METRIC_DEFINITIONS).map(([name, [type, contains]]) => [name, registry.register(name, type, contains)] as const);
  return Object.fromEntries(entries) as Record<BuiltinMetricName, Metric>;
}
