/**
 * A load run for the report: k6's end-of-test summary JSON (`handleSummary` data:
 * `metrics[name] = { type, contains, values, thresholds: { expr: { ok } } }`), or
 * the older `--summary-export` layout (values flattened, `thresholds: { expr:
 * failed }`). A tolerant reader: it shows what exists. Time series come from a
 * `timeSeries` (or `series`) field in the summary, or from a k6 `--out json` file
 * beside it (`<script>-metrics.jsonl` or `<script>.jsonl`), aggregated per second.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { alertsOfRecording } from "./readAlerts.ts";
import type { LoadRunView, ThresholdView } from "./ReportData.ts";

/** Bound on the size of a k6 `--out json` file read for time series, bytes. */
export const METRIC_POINTS_BYTES_MAX = 256 * 1024 * 1024;

type Json = Record<string, unknown>;
type Series = LoadRunView["series"][number];

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** True when `json` looks like a k6 summary (either layout). */
export function isLoadSummary(json: Json): boolean {
  const metrics = json["metrics"];
  if (!isRecord(metrics)) return false;
  const first = Object.values(metrics)[0];
  return isRecord(first) && ("values" in first || "type" in first || "root_group" in json || "state" in json);
}

/** The script name of a summary file: `ws-fanout-summary.json` → `ws-fanout`. */
export function loadRunName(path: string): string {
  return basename(path).replace(/(-summary)?\.json$/, "");
}

/** The view of the summary at `path` (already parsed). */
export async function readLoadRun(json: Json, options: { path: string; displayPath: string }): Promise<LoadRunView> {
  const metrics = isRecord(json["metrics"]) ? json["metrics"] : {};
  const thresholds: ThresholdView[] = [];
  const metricRows: LoadRunView["metrics"] = [];
  for (const [name, raw] of Object.entries(metrics)) {
    if (!isRecord(raw)) continue;
    const modern = isRecord(raw["values"]);
    const values = numbers(modern ? (raw["values"] as Json) : raw);
    const type = typeof raw["type"] === "string" ? raw["type"] : guessType(values);
    const contains = typeof raw["contains"] === "string" ? raw["contains"] : "default";
    metricRows.push({ name, type, contains, values });
    if (!isRecord(raw["thresholds"])) continue;
    for (const [expression, verdict] of Object.entries(raw["thresholds"])) {
      // handleSummary: { ok }; --summary-export: true means the threshold FAILED.
      const ok = isRecord(verdict) ? verdict["ok"] === true : verdict === false;
      thresholds.push({ metric: name, expression, ok, ...judgedValue(expression, values, { type, contains }) });
    }
  }
  const state = isRecord(json["state"]) ? json["state"] : {};
  const durationMs = typeof state["testRunDurationMs"] === "number" ? state["testRunDurationMs"] : null;
  const embedded = embeddedSeries(json);
  const beside = embedded.length > 0 ? { series: [], note: null } : await seriesBeside(options.path);
  const series = embedded.length > 0 ? embedded : beside.series;
  return {
    path: options.displayPath,
    name: loadRunName(options.path),
    durationMs,
    thresholds,
    metrics: metricRows.sort((a, b) => a.name.localeCompare(b.name)),
    series,
    seriesNote: series.length > 0 ? beside.note : (beside.note ?? "No time series recorded for this run (neither a timeSeries field in the summary nor a k6 --out json file beside it)."),
    verdict: thresholds.some((threshold) => threshold.metric === "generator_lag" && !threshold.ok) ? "INVALID" : thresholds.every((threshold) => threshold.ok) ? "PASS" : "FAIL",
    // `npm run load` adds the alert rules' verdict on its embedded server's /metrics.
    alerts: "alerts" in json ? alertsOfRecording(json["alerts"]) : null,
  };
}

function numbers(value: Json): Record<string, number> {
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === "number"));
}

function guessType(values: Record<string, number>): string {
  if ("p(95)" in values || "med" in values || "avg" in values) return "trend";
  if ("passes" in values) return "rate";
  if ("count" in values) return "counter";
  return "gauge";
}

/** The statistic a threshold expression names (`p(95)<500` → `p(95)`), and its value. */
function judgedValue(expression: string, values: Record<string, number>, metric: { type: string; contains: string }): Pick<ThresholdView, "statistic" | "value" | "unit"> {
  const match = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(?:<=|>=|<|>|===|==|!=)/.exec(expression);
  const statistic = match?.[1] ?? null;
  let value: number | null = null;
  if (statistic !== null) value = values[statistic] ?? (statistic === "rate" ? (values["value"] ?? null) : statistic === "value" ? (values["rate"] ?? null) : null);
  const unit = metric.contains === "time" && statistic !== "count" && statistic !== "rate" ? "ms" : metric.contains === "data" && statistic !== "rate" ? "bytes" : statistic === "rate" && metric.type === "counter" ? "/s" : "";
  return { statistic, value, unit };
}

function seriesKind(name: string): Series["kind"] {
  if (/latency|generator_lag/i.test(name)) return "latency";
  if (/conn|session|socket|^vus$/i.test(name)) return "connections";
  if (/event|msgs?_received|message|frames?_received/i.test(name)) return "events";
  return "other";
}

/** `timeSeries` / `series`: `{ name: [[tMs, value], …] | [{ t|time, value|v }, …] }`. */
function embeddedSeries(json: Json): Series[] {
  const source = [json["timeSeries"], json["series"]].find(isRecord);
  if (source === undefined) return [];
  const series: Series[] = [];
  for (const [name, raw] of Object.entries(source)) {
    if (!Array.isArray(raw)) continue;
    const points = raw.flatMap((point: unknown) => {
      if (Array.isArray(point) && typeof point[0] === "number" && typeof point[1] === "number") return [{ t: point[0], value: point[1] }];
      if (!isRecord(point)) return [];
      const t = point["t"] ?? point["time"] ?? point["ts"];
      const value = point["value"] ?? point["v"];
      const tMs = typeof t === "string" ? Date.parse(t) : t;
      return typeof tMs === "number" && Number.isFinite(tMs) && typeof value === "number" ? [{ t: tMs, value }] : [];
    });
    if (points.length === 0) continue;
    const start = points.reduce((min, point) => (point.t < min ? point.t : min), Number.POSITIVE_INFINITY);
    series.push({ name, kind: seriesKind(name), points: points.map((point) => ({ t: point.t - start, value: point.value })) });
  }
  return series;
}

/**
 * A k6 `--out json` file beside the summary: `{"type":"Point","metric":…,"data":{"time":…,"value":…}}`
 * lines. Counters become a per-second rate, gauges their last value in each second.
 */
async function seriesBeside(summaryPath: string): Promise<{ series: Series[]; note: string | null }> {
  const name = loadRunName(summaryPath);
  for (const candidate of [`${name}-metrics.jsonl.gz`, `${name}-metrics.jsonl`, `${name}.jsonl`, `${name}-metrics.json`]) {
    const path = join(dirname(summaryPath), candidate);
    const size = await stat(path).then((info) => info.size, () => null);
    if (size === null) continue;
    if (size > METRIC_POINTS_BYTES_MAX) return { series: [], note: `${candidate} is over the report's ${METRIC_POINTS_BYTES_MAX / 1024 / 1024} MiB bound; time series not drawn.` };
    const bytes = await readFile(path);
    let text: string;
    try {
      text = candidate.endsWith(".gz") ? gunzipSync(bytes, { maxOutputLength: METRIC_POINTS_BYTES_MAX }).toString("utf8") : bytes.toString("utf8");
    } catch (error) {
      return { series: [], note: `${candidate} could not be read (${(error as Error).message}); time series not drawn.` };
    }
    return { series: aggregatePoints(text), note: null };
  }
  return { series: [], note: null };
}

function aggregatePoints(text: string): Series[] {
  const types = new Map<string, string>();
  const buckets = new Map<string, Map<number, number>>();
  let startMs = Number.POSITIVE_INFINITY;
  const points: Array<{ metric: string; timeMs: number; value: number }> = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(entry) || typeof entry["metric"] !== "string" || !isRecord(entry["data"])) continue;
    if (entry["type"] === "Metric" && typeof entry["data"]["type"] === "string") types.set(entry["metric"], entry["data"]["type"]);
    if (entry["type"] !== "Point") continue;
    const timeMs = Date.parse(String(entry["data"]["time"]));
    const value = entry["data"]["value"];
    if (!Number.isFinite(timeMs) || typeof value !== "number") continue;
    startMs = Math.min(startMs, timeMs);
    points.push({ metric: entry["metric"], timeMs, value });
  }
  const trendSamples = new Map<string, Map<number, number[]>>();
  for (const point of points) {
    const second = Math.floor((point.timeMs - startMs) / 1000);
    if (types.get(point.metric) === "trend") {
      const perMetric = trendSamples.get(point.metric) ?? new Map<number, number[]>();
      trendSamples.set(point.metric, perMetric);
      const samples = perMetric.get(second) ?? [];
      perMetric.set(second, samples);
      samples.push(point.value);
      continue;
    }
    const perMetric = buckets.get(point.metric) ?? new Map<number, number>();
    buckets.set(point.metric, perMetric);
    perMetric.set(second, types.get(point.metric) === "counter" ? (perMetric.get(second) ?? 0) + point.value : point.value);
  }
  const bySecond = (perSecond: Map<number, number>) => [...perSecond.entries()].sort((a, b) => a[0] - b[0]).map(([second, value]) => ({ t: second * 1000, value }));
  const series: Series[] = [...buckets.entries()]
    .filter(([metric]) => seriesKind(metric) !== "other")
    .map(([metric, perSecond]) => ({ name: types.get(metric) === "counter" ? `${metric} per second` : metric, kind: seriesKind(metric), points: bySecond(perSecond) }));
  // Trends (latency): p50, p95 and p99 of each second's samples.
  for (const [metric, perSecond] of trendSamples) {
    if (seriesKind(metric) === "other") continue;
    for (const percent of [50, 95, 99]) {
      const values = new Map<number, number>();
      for (const [second, samples] of perSecond) values.set(second, nearestRank(samples, percent));
      series.push({ name: `${metric} p${percent}`, kind: seriesKind(metric), points: bySecond(values) });
    }
  }
  return series;
}

function nearestRank(samples: number[], percent: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)] ?? 0;
}
