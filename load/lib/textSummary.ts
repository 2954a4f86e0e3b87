/**
 * The end-of-test text summary of the agent-event scripts, from k6's summary data
 * (what `handleSummary(data)` receives). Our own formatter, so the output is the
 * same under real k6 and the Node runner, and no jslib URL (no network) is needed.
 * Pure: data in, text out.
 */
import { VIOLATION_CLASSES } from "../../protocol/checker/violationCountsByClass.ts";
import { GENERATOR_LAG_METRIC, violationMetricName } from "./thresholds.ts";

/** One metric of k6's summary data (only the fields this formatter reads). */
export interface SummaryMetricData {
  type: string;
  contains?: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** A group of k6's summary data: its checks and subgroups. */
export interface SummaryGroupData {
  name?: string;
  groups?: SummaryGroupData[];
  checks?: { name: string; passes: number; fails: number }[];
}

/** k6's summary data (only the fields this formatter reads). */
export interface SummaryData {
  metrics: Record<string, SummaryMetricData>;
  root_group?: SummaryGroupData;
  state?: { testRunDurationMs?: number };
}

/** Width of the label column. */
const LABEL_WIDTH = 26;

/** The thresholds that failed, as `metric: source`, in metric-name order. */
export function failedThresholds(data: SummaryData): string[] {
  const failed: string[] = [];
  for (const name of Object.keys(data.metrics).sort()) {
    for (const [source, verdict] of Object.entries(data.metrics[name]?.thresholds ?? {})) {
      if (!verdict.ok) failed.push(`${name}: ${source}`);
    }
  }
  return failed;
}

/**
 * The run's verdict: INVALID when the generator fell behind (its generator_lag threshold
 * was crossed: the figures measure the load generator, not the server, whatever else
 * they say), else FAIL when any threshold was crossed, else PASS.
 */
export function runVerdict(data: SummaryData): "PASS" | "FAIL" | "INVALID" {
  const failed = failedThresholds(data);
  if (failed.some((entry) => entry.startsWith(`${GENERATOR_LAG_METRIC}:`))) return "INVALID";
  return failed.length === 0 ? "PASS" : "FAIL";
}

function verdictLine(data: SummaryData, failed: readonly string[]): string {
  switch (runVerdict(data)) {
    case "PASS":
      return "PASS (every threshold held)";
    case "INVALID": {
      const lag = data.metrics[GENERATOR_LAG_METRIC]?.values["p(99)"];
      return `INVALID (the load generator fell behind: generator_lag p(99) ${formatNumber(lag ?? Number.NaN)} ms; latency and rates measure the generator, not the server: give it more CPU or fewer VUs)`;
    }
    case "FAIL":
      return `FAIL (${failed.length} threshold(s) crossed)`;
  }
}

/** The text summary of one script's run. */
export function formatTextSummary(scriptName: string, data: SummaryData): string {
  const metrics = data.metrics;
  const failed = failedThresholds(data);
  const lines: string[] = [];
  lines.push(`agent-event load: ${scriptName} — ${verdictLine(data, failed)}`, "");

  const events = metrics["events_received"]?.values;
  lines.push(row("events received", events === undefined ? "none" : `${whole(events["count"])}  (${fixed(events["rate"], 1)} events/s)`));
  lines.push(row("event latency", trendLine(metrics["event_latency"])));
  lines.push(row("time to agent_started", trendLine(metrics["agent_start_latency"])));
  lines.push(row("generator lag", trendLine(metrics[GENERATOR_LAG_METRIC])));
  lines.push(row("runs completed", whole(metrics["runs_completed"]?.values["count"])));
  lines.push(
    row(
      "resumes / resyncs / replayed",
      `${whole(metrics["resumes"]?.values["count"])} / ${whole(metrics["resyncs"]?.values["count"])} / ${whole(metrics["events_replayed"]?.values["count"])}`,
    ),
  );
  lines.push(row("violations", VIOLATION_CLASSES.map((violationClass) => `${violationClass} ${whole(metrics[violationMetricName(violationClass)]?.values["count"])}`).join(" · ")));
  const checks = metrics["checks"]?.values;
  if (checks !== undefined) {
    const passes = checks["passes"] ?? 0;
    const total = passes + (checks["fails"] ?? 0);
    lines.push(row("checks", `${fixed((checks["rate"] ?? 0) * 100, 2)}% (${passes} of ${total})`));
  }
  for (const failing of failingChecks(data.root_group)) lines.push(`    ✗ check "${failing.name}": ${failing.fails} of ${failing.passes + failing.fails} failed`);

  lines.push("", "  THRESHOLDS");
  for (const name of Object.keys(metrics).sort()) {
    const metric = metrics[name];
    if (metric?.thresholds === undefined) continue;
    for (const [source, verdict] of Object.entries(metric.thresholds)) {
      const observed = observedValue(metric, source);
      lines.push(`    ${verdict.ok ? "✓" : "✗"} ${name} ${source}${observed === undefined ? "" : `  (observed ${formatNumber(observed)})`}`);
    }
  }

  lines.push("", "  METRICS");
  for (const name of Object.keys(metrics).sort()) {
    const metric = metrics[name];
    if (metric === undefined) continue;
    const values = Object.entries(metric.values)
      .map(([stat, value]) => `${stat}=${formatNumber(value)}`)
      .join(" ");
    lines.push(`    ${name.padEnd(LABEL_WIDTH, ".")} ${metric.type}${metric.contains === "time" ? " (ms)" : ""} ${values}`);
  }
  const durationMs = data.state?.testRunDurationMs;
  if (durationMs !== undefined) lines.push("", `  test run duration: ${(durationMs / 1000).toFixed(1)} s`);
  if (failed.length > 0) lines.push("", `  crossed: ${failed.join("; ")}`);
  return `${lines.join("\n")}\n`;
}

function row(label: string, value: string): string {
  return `  ${`${label} `.padEnd(LABEL_WIDTH, ".")} ${value}`;
}

function trendLine(metric: SummaryMetricData | undefined): string {
  if (metric === undefined) return "no samples";
  const values = metric.values;
  const stats = ["med", "p(95)", "p(99)", "max"].filter((stat) => values[stat] !== undefined);
  return `${stats.map((stat) => `${stat === "med" ? "p50" : stat.replace(/[()]/g, "")} ${fixed(values[stat], 2)}`).join("  ")} ms`;
}

/** The value a threshold source (`p(95)<50`, `rate>=500`, `count==0`) compares, from the metric's summary values. */
function observedValue(metric: SummaryMetricData, source: string): number | undefined {
  const stat = /^\s*(p\(\d+(?:\.\d+)?\)|[a-z]+)\s*(?:<=|>=|===|==|!=|<|>)/.exec(source)?.[1];
  if (stat === undefined) return undefined;
  return metric.values[stat];
}

function failingChecks(group: SummaryGroupData | undefined): { name: string; passes: number; fails: number }[] {
  if (group === undefined) return [];
  return [...(group.checks ?? []).filter((check) => check.fails > 0), ...(group.groups ?? []).flatMap((child) => failingChecks(child))];
}

function whole(value: number | undefined): string {
  return value === undefined ? "0" : String(Math.round(value));
}

function fixed(value: number | undefined, digits: number): string {
  return (value ?? 0).toFixed(digits);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/\.?0+$/, "");
}
