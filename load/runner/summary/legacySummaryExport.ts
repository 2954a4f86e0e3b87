import type { GroupNode } from "./groupTree.ts";
import type { SummaryData } from "./summaryData.ts";

/**
 * The `--summary-export` file content: k6's older JSON layout, derived from the
 * summary data exactly as k6's summary wrapper does (metric values flattened,
 * `thresholds: { expr: failed }`, a rate's `rate` renamed `value`, groups and
 * checks keyed by name; no `options` or `state`). Pretty-printed with 4 spaces.
 */
export function legacySummaryExport(data: SummaryData): string {
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [name, metric] of Object.entries(data.metrics)) {
    const flat: Record<string, unknown> = { ...metric.values };
    if (metric.thresholds !== undefined && Object.keys(metric.thresholds).length > 0) {
      flat["thresholds"] = Object.fromEntries(Object.entries(metric.thresholds).map(([source, verdict]) => [source, !verdict.ok]));
    }
    if (metric.type === "rate" && "rate" in flat) {
      flat["value"] = flat["rate"];
      delete flat["rate"];
    }
    metrics[name] = flat;
  }
  const exported: Record<string, unknown> = { root_group: keyedGroup(data.root_group), metrics };
  if (data.setup_data !== undefined) exported["setup_data"] = data.setup_data;
  return JSON.stringify(exported, null, 4);
}

function keyedGroup(group: GroupNode): Record<string, unknown> {
  return {
    name: group.name,
    path: group.path,
    id: group.id,
    groups: Object.fromEntries(group.groups.map((child) => [child.name, keyedGroup(child)])),
    checks: Object.fromEntries(group.checks.map((check) => [check.name, { ...check }])),
  };
}
