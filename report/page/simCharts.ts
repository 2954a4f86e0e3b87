/** The chart.js charts of one simulator run: latency histogram and percentiles, events per second, open connections. */
import type { ChartConfiguration } from "chart.js";
import type { SimRunView, TraceView } from "../ReportData.ts";
import { formatMs, formatNumber } from "./_internals/format.ts";
import { h, markRendered, section } from "./_internals/html.ts";
import { chartBox, momentsPlugin, secondsAxis, type ChartMoment } from "./drawChart.ts";
import { ANNOTATION_COLOURS } from "./eventStyles.ts";

/** Callbacks to run once the page is in the document (charts need a laid-out box). */
export type AfterInsert = Array<() => void>;

/** Restarts, storms and the first violation of each kind as chart moments, x in seconds. */
function momentsOf(run: SimRunView, trace: TraceView): ChartMoment[] {
  const moments: ChartMoment[] = trace.globalMarks.map((mark) => ({ x: mark.t / 1000, label: mark.label, colour: ANNOTATION_COLOURS.global }));
  const seen = new Set<string>();
  for (const violation of run.verdict?.violations ?? []) {
    const key = `${violation.invariant}|${violation.kind}`;
    if (violation.atMs === null || seen.has(key)) continue;
    seen.add(key);
    moments.push({ x: violation.atMs / 1000, label: `first ✗ ${violation.invariant}`, colour: ANNOTATION_COLOURS.violation });
  }
  return moments.sort((a, b) => a.x - b.x);
}

/** Histogram bin labels: "0–2", "2–4", …, and "≥ 78" for an overflow bin (ms). */
export function binLabels(binWidthMs: number, binCount: number, lastBinIsOverflow: boolean): string[] {
  return Array.from({ length: binCount }, (_, index) => (lastBinIsOverflow && index === binCount - 1 ? `≥ ${formatNumber(index * binWidthMs)}` : `${formatNumber(index * binWidthMs)}–${formatNumber((index + 1) * binWidthMs)}`));
}

/** Latency: a histogram of live events and the percentiles against the budget. */
export function latencySection(run: SimRunView, trace: TraceView | null, after: AfterInsert): HTMLElement {
  const checker = run.verdict?.latencyMs ?? null;
  const budget = run.verdict?.timing.find((timing) => timing.name === "timing_delivery_latency")?.budget ?? null;
  const element = section(
    "latency",
    "Latency: how long events took to reach the screen",
    [
      "Time from the server emitting an agent event to a client receiving it (live events only: replays after a reconnect are old on purpose and left out). ",
      "Most bars should sit at the left. The protocol's budget is a p99 under ",
      budget === null ? "50 ms" : formatMs(budget),
      " without faults; injected faults (slow sockets, drops) push the tail right on purpose.",
    ],
  );
  const percentiles = checker ?? (trace === null ? null : trace.latency);
  if (percentiles === null || (percentiles.count === 0 && (trace === null || trace.latency.count === 0))) {
    element.appendChild(h("p", { class: "empty" }, trace?.latency.note ?? "No latency was measured for this run."));
    markRendered(element, "empty");
    return element;
  }
  element.appendChild(
    h(
      "div",
      { class: "stat-row" },
      ...(["p50", "p95", "p99", "max"] as const).map((key) =>
        h("div", { class: `stat${key === "p99" && budget !== null && percentiles[key] >= budget ? " over" : ""}` }, h("div", { class: "stat-value" }, formatMs(percentiles[key])), h("div", { class: "stat-label" }, key === "max" ? "slowest" : key)),
      ),
      h("div", { class: "stat" }, h("div", { class: "stat-value" }, formatNumber(percentiles.count)), h("div", { class: "stat-label" }, "live events")),
      trace !== null && trace.latency.replaysExcluded > 0 ? h("div", { class: "stat muted" }, h("div", { class: "stat-value" }, formatNumber(trace.latency.replaysExcluded)), h("div", { class: "stat-label" }, "replays left out")) : null,
      trace !== null && trace.latency.foreignExcluded > 0 ? h("div", { class: "stat muted", title: "Frames of another user (an isolation failure) carry that user's emit time; their age is not delivery latency." }, h("div", { class: "stat-value" }, formatNumber(trace.latency.foreignExcluded)), h("div", { class: "stat-label" }, "other users' events left out")) : null,
    ),
  );
  const grid = h("div", { class: "chart-pair" });
  element.appendChild(grid);
  if (trace !== null && trace.latency.histogram.counts.length > 0) {
    const histogram = trace.latency.histogram;
    const chart = chartBox(
      {
        type: "bar",
        data: {
          labels: binLabels(histogram.binWidthMs, histogram.counts.length, histogram.lastBinIsOverflow),
          datasets: [{ label: "live events", data: histogram.counts, backgroundColor: "#42a5f5", borderColor: "#1e88e5", borderWidth: 1, barPercentage: 1, categoryPercentage: 0.95 }],
        },
        options: {
          plugins: { legend: { display: false }, title: { display: true, text: `Distribution (${formatMs(histogram.binWidthMs)} bins${histogram.lastBinIsOverflow ? ", slowest 1 % folded into the last bar" : ""}, from the trace)` } },
          scales: { x: { title: { display: true, text: "emit → receive latency (ms)" }, grid: { display: false } }, y: { title: { display: true, text: "events" }, beginAtZero: true, ticks: { precision: 0 } } },
        },
      },
      { section: element, label: "Histogram of delivery latency" },
    );
    grid.appendChild(chart.box);
    after.push(chart.draw);
  }
  const keys = ["p50", "p95", "p99", "max"] as const;
  const percentileConfig: ChartConfiguration<"bar" | "line"> = {
    type: "bar",
    data: {
      labels: ["p50", "p95", "p99", "max"],
      datasets: [
        { type: "bar", label: checker === null ? "from the trace" : "checker's percentiles", data: keys.map((key) => percentiles[key]), backgroundColor: keys.map((key) => (key === "p99" && budget !== null ? (percentiles[key] >= budget ? "#ef5350" : "#66bb6a") : "#90a4ae")), order: 2 },
        ...(budget === null ? [] : [{ type: "line" as const, label: `p99 budget ${formatMs(budget)}`, data: keys.map(() => budget), borderColor: "#c62828", borderDash: [6, 4], borderWidth: 2, pointRadius: 0, order: 1 }]),
      ],
    },
    options: {
      plugins: { title: { display: true, text: "Percentiles: half of events were faster than p50, 99 % faster than p99" }, legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, title: { display: true, text: "ms" } }, x: { grid: { display: false } } },
    },
  };
  const percentileChart = chartBox(percentileConfig, { section: element, label: "Latency percentiles" });
  grid.appendChild(percentileChart.box);
  after.push(percentileChart.draw);
  return element;
}

/** Events per second over time, emitted by the server and received by all clients. */
export function throughputSection(run: SimRunView, trace: TraceView, after: AfterInsert): HTMLElement {
  const series = trace.eventsPerSecond;
  const element = section(
    "throughput",
    "Events per second",
    [
      "How busy the stream was. ",
      series.emittedKnown ? "\"Emitted\" counts each event once, as the server produced it; \"received\" counts every copy that reached a client, so a user with two devices doubles it. Received dipping below emitted while faults are active is a connection catching up; it should recover after a resume. " : "Received events only (this trace does not record the server's emits). ",
      `Buckets of ${formatMs(series.bucketMs)}.`,
    ],
  );
  const datasets = [
    ...(series.emittedKnown ? [{ label: "emitted (server)", data: series.points.map((point) => ({ x: point.t / 1000, y: point.emittedPerSecond })), borderColor: "#5e35b1", backgroundColor: "rgba(94,53,177,0.08)", fill: true, pointRadius: 0, borderWidth: 2, tension: 0 }] : []),
    { label: "received (all clients)", data: series.points.map((point) => ({ x: point.t / 1000, y: point.receivedPerSecond })), borderColor: "#00897b", backgroundColor: "rgba(0,137,123,0.05)", fill: false, pointRadius: 0, borderWidth: 2, tension: 0 },
  ];
  const chart = chartBox(
    {
      type: "line",
      data: { datasets },
      options: { scales: { x: secondsAxis(trace.viewUntilMs), y: { beginAtZero: true, title: { display: true, text: "events / s" } } }, plugins: { legend: { position: "bottom" } } },
      plugins: [momentsPlugin(momentsOf(run, trace))],
    },
    { section: element, label: "Events per second over time" },
  );
  element.appendChild(chart.box);
  after.push(chart.draw);
  return element;
}

/** Open client connections over time, from the trace's open and close lines. */
export function connectionsSection(run: SimRunView, trace: TraceView, after: AfterInsert): HTMLElement {
  const element = section(
    "connections",
    "Open connections",
    "Each step is a client socket opening or closing. Dips are drops, slow-consumer closes or a restart; the line should come back up as devices reconnect and resume.",
  );
  const peak = trace.connectionsOverTime.reduce((max, point) => Math.max(max, point.open), 0);
  const chart = chartBox(
    {
      type: "line",
      data: { datasets: [{ label: "open connections", data: trace.connectionsOverTime.map((point) => ({ x: point.t / 1000, y: point.open })), stepped: "before" as const, borderColor: "#1e88e5", backgroundColor: "rgba(30,136,229,0.12)", fill: true, pointRadius: 0, borderWidth: 2 }] },
      options: {
        scales: { x: secondsAxis(trace.viewUntilMs), y: { beginAtZero: true, suggestedMax: peak + 1, ticks: { precision: 0 }, title: { display: true, text: "connections" } } },
        plugins: { legend: { display: false } },
      },
      plugins: [momentsPlugin(momentsOf(run, trace))],
    },
    { section: element, label: "Open connections over time", heightPx: 200 },
  );
  element.appendChild(chart.box);
  after.push(chart.draw);
  return element;
}
