/** The soak's short text report, from its summary (formatting kept apart from the data). */
import type { SoakSummary } from "./SoakSummary.ts";

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A few lines: verdict, each goal, load, connections, latency, heap, and the repro line. */
export function formatSoakReport(summary: SoakSummary, summaryPath: string): string {
  const { config, clients, events, heap } = summary;
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  const closes = Object.entries(clients.serverCloses).map(([code, count]) => `${code}×${count}`).join(" ") || "none";
  const refusals = Object.entries(clients.upgradeRefusals).map(([status, count]) => `${status}×${count}`).join(" ") || "none";
  const samples = heap.samples;
  const heapLine =
    samples.length === 0
      ? "not measured"
      : `${mib(samples[0]?.heapUsedBytes ?? 0)} at start → ${mib(heap.verdict.middleMeanBytes)} (middle third) → ${mib(heap.verdict.lastMeanBytes)} (last third), ${samples.length} samples${heap.verdict.afterGc ? " after full GC" : ""}`;
  const lines = [
    `soak: ${summary.ok ? "PASS" : "FAIL"} — ${(config.durationMs / 1_000).toFixed(0)} s, ${config.users} users, ${clients.devices} connections, a drop every ~${config.dropEveryMs} ms per connection${config.target === null ? "" : `, target ${config.target}`}`,
    ...Object.values(summary.goals).map((goal) => `  ${mark(goal.ok)} ${goal.goal}: ${goal.observed}`),
    `  events: ${events.published} published (${events.achievedPerSecond}/s of ${events.offeredPerSecond}/s offered), ${clients.eventsReceived} deliveries counted`,
    `  connections: ${clients.forcedDrops} forced drops, ${clients.resumes} resumes (longest away ${clients.awayMsMax} ms), server closes ${closes}, refused upgrades ${refusals}`,
    `  latency (live events, emit to receive, the checker's): p50 ${clients.latencyMs.p50} ms · p95 ${clients.latencyMs.p95} ms · p99 ${clients.latencyMs.p99} ms · max ${clients.latencyMs.max} ms (${clients.latencyMs.count} samples${clients.latencyMs.sampled ? ", percentiles from a reservoir" : ""})`,
    `  heap: ${heapLine}`,
    ...clients.checker.firstViolations.map((message) => `  violation: ${message}`),
    ...clients.resyncExamples.map((message) => `  resync: ${message}`),
    ...(summary.metrics === null ? [] : [`  metrics: ${summary.metrics.path} (${summary.metrics.scrapes} scrapes of /metrics every ${summary.metrics.everyMs / 1_000} s, ${summary.metrics.failures} failed)`]),
    `  summary: ${summaryPath}`,
    `  reproduce: ${summary.reproduce}`,
  ];
  return `${lines.join("\n")}\n`;
}
