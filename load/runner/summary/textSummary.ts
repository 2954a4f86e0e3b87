import type { CheckNode, GroupNode } from "./groupTree.ts";
import type { SummaryData, SummaryMetric } from "./summaryData.ts";

/** Width of the dotted metric-name column in the text summary. */
const NAME_COLUMN_WIDTH = 32;

/**
 * The default end-of-test text summary, printed when the script has no
 * `handleSummary()`. Modelled on k6's: threshold verdicts, checks per group,
 * then one line per metric. Plain text, no colours (CI logs).
 */
export function textSummary(data: SummaryData): string {
  const lines: string[] = [];
  const thresholdLines = Object.entries(data.metrics).flatMap(([name, metric]) => thresholdSection(name, metric));
  if (thresholdLines.length > 0) lines.push("  THRESHOLDS", "", ...thresholdLines, "");
  const checkLines = groupChecks(data.root_group, 1);
  if (checkLines.length > 0) lines.push("  CHECKS", "", ...checkLines, "");
  lines.push("  METRICS", "");
  for (const name of Object.keys(data.metrics).sort()) {
    const metric = data.metrics[name];
    if (metric === undefined) continue;
    const verdict = metric.thresholds === undefined ? " " : Object.values(metric.thresholds).every((threshold) => threshold.ok) ? "✓" : "✗";
    lines.push(`  ${verdict} ${`${name}`.padEnd(NAME_COLUMN_WIDTH, ".")}: ${metricValues(metric, data.options.summaryTrendStats)}`);
  }
  lines.push("", `  test run duration: ${formatTime(data.state.testRunDurationMs)}`);
  return lines.join("\n");
}

function thresholdSection(name: string, metric: SummaryMetric): string[] {
  if (metric.thresholds === undefined) return [];
  return [
    `    ${name}`,
    ...Object.entries(metric.thresholds).map(([source, verdict]) => `    ${verdict.ok ? "✓" : "✗"} '${source}'`),
  ];
}

function groupChecks(group: GroupNode, depth: number): string[] {
  const indent = "  ".repeat(depth + 1);
  const lines = group.checks.map((check) => checkLine(check, indent));
  for (const child of group.groups) {
    const childLines = groupChecks(child, depth + 1);
    lines.push(`${indent}█ ${child.name}`, ...childLines);
  }
  return lines;
}

function checkLine(check: CheckNode, indent: string): string {
  if (check.fails === 0) return `${indent}✓ ${check.name}`;
  const total = check.passes + check.fails;
  const percent = total === 0 ? 0 : Math.floor((check.passes / total) * 100);
  return `${indent}✗ ${check.name}\n${indent}  ↳  ${percent}% — ✓ ${check.passes} / ✗ ${check.fails}`;
}

function metricValues(metric: SummaryMetric, trendStats: readonly string[]): string {
  const values = metric.values;
  switch (metric.type) {
    case "counter":
      return `${formatValue(values["count"] ?? 0, metric.contains)} ${formatValue(values["rate"] ?? 0, metric.contains)}/s`;
    case "gauge":
      return `${formatValue(values["value"] ?? 0, metric.contains)} min=${formatValue(values["min"] ?? 0, metric.contains)} max=${formatValue(values["max"] ?? 0, metric.contains)}`;
    case "rate": {
      const passes = values["passes"] ?? 0;
      const fails = values["fails"] ?? 0;
      return `${((values["rate"] ?? 0) * 100).toFixed(2)}% ${passes} out of ${passes + fails}`;
    }
    case "trend":
      return trendStats.map((stat) => `${stat}=${formatValue(values[stat] ?? 0, metric.contains)}`).join(" ");
  }
}

function formatValue(value: number, contains: SummaryMetric["contains"]): string {
  if (contains === "time") return formatTime(value);
  if (contains === "data") return formatBytes(value);
  return Number.isInteger(value) ? `${value}` : value.toFixed(4).replace(/\.?0+$/, "");
}

function formatTime(milliseconds: number): string {
  if (milliseconds >= 60_000) return `${Math.floor(milliseconds / 60_000)}m${((milliseconds % 60_000) / 1000).toFixed(1)}s`;
  if (milliseconds >= 1000) return `${(milliseconds / 1000).toFixed(2)}s`;
  if (milliseconds >= 1) return `${milliseconds.toFixed(2)}ms`;
  return `${(milliseconds * 1000).toFixed(2)}µs`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${Math.round(bytes)} B`;
}
