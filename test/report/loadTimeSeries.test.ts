/**
 * A load run as `npm run load` leaves it: the summary and k6's `--out json` output
 * gzipped beside it. The report reads the time series from the gzipped file (events
 * per second, latency percentiles per second, VUs) and calls a run whose generator
 * fell behind INVALID, not failed.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { readLoadRun } from "../../report/readLoadRun.ts";

const directory = mkdtempSync(join(tmpdir(), "report-load-series-"));

function k6JsonLines(): string {
  const lines: string[] = [];
  const start = Date.parse("2026-12-03T10:00:00.000Z");
  const metric = (name: string, type: string) => lines.push(JSON.stringify({ type: "Metric", data: { name, type, contains: type === "trend" ? "time" : "default" }, metric: name }));
  const point = (name: string, atMs: number, value: number) => lines.push(JSON.stringify({ metric: name, type: "Point", data: { time: new Date(atMs).toISOString(), value, tags: {} } }));
  metric("events_received", "counter");
  metric("event_latency", "trend");
  metric("vus", "gauge");
  for (let second = 0; second < 3; second += 1) {
    for (let index = 0; index < 100; index += 1) {
      point("events_received", start + second * 1000 + index, 1);
      point("event_latency", start + second * 1000 + index, index < 95 ? 2 : 40 + second);
    }
    point("vus", start + second * 1000, 10);
  }
  return `${lines.join("\n")}\n`;
}

describe("load run time series from k6's gzipped json output", () => {
  test("events per second, latency p50/p95/p99 per second, VUs; INVALID when generator_lag was crossed", async () => {
    const summary = {
      metrics: {
        events_received: { type: "counter", contains: "default", values: { count: 300, rate: 100 }, thresholds: { "rate>=50": { ok: true } } },
        generator_lag: { type: "trend", contains: "time", values: { "p(99)": 180 }, thresholds: { "p(99)<50": { ok: false } } },
      },
      state: { testRunDurationMs: 3000 },
    };
    const summaryPath = join(directory, "golden-path-summary.json");
    writeFileSync(summaryPath, JSON.stringify(summary));
    writeFileSync(join(directory, "golden-path-metrics.jsonl.gz"), gzipSync(k6JsonLines()));

    const view = await readLoadRun(summary, { path: summaryPath, displayPath: "golden-path-summary.json" });

    expect(view.verdict).toBe("INVALID");
    expect(view.seriesNote).toBeNull();
    expect(view.series.find((series) => series.name === "events_received per second")?.points.map((point) => point.value)).toEqual([100, 100, 100]);
    expect(view.series.find((series) => series.name === "event_latency p50")?.points.map((point) => point.value)).toEqual([2, 2, 2]);
    expect(view.series.find((series) => series.name === "event_latency p99")?.points.map((point) => point.value)).toEqual([40, 41, 42]);
    expect(view.series.find((series) => series.name === "event_latency p99")?.kind).toBe("latency");
    expect(view.series.find((series) => series.name === "vus")?.kind).toBe("connections");
  });
});
