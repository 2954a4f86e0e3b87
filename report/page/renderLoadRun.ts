/** A load run: its k6 thresholds (the pass/fail contract), key metrics, and time series when recorded. */
import type { LoadRunView } from "../ReportData.ts";
import { formatMs, formatNumber } from "./_internals/format.ts";
import { h, markRendered, section } from "./_internals/html.ts";
import { chartBox, secondsAxis } from "./drawChart.ts";
import { alertsBlock } from "./renderAlerts.ts";
import type { AfterInsert } from "./simCharts.ts";

const SERIES_COLOURS = ["#00897b", "#5e35b1", "#1e88e5", "#f4511e", "#6d4c41"];

function showValue(value: number | null, unit: string): string {
  if (value === null) return "—";
  if (unit === "ms") return formatMs(Math.round(value * 100) / 100);
  if (unit === "" && value > 0 && value < 1) return `${formatNumber(value * 100)} %`;
  return `${formatNumber(value)}${unit === "" ? "" : ` ${unit}`}`;
}

/** The section of one load run. */
export function renderLoadRun(load: LoadRunView, after: AfterInsert): HTMLElement {
  const failed = load.thresholds.filter((threshold) => !threshold.ok).length;
  const headline =
    load.verdict === "INVALID"
      ? " · INVALID: the load generator fell behind (generator_lag), so these figures measure it, not the server"
      : load.thresholds.length === 0
        ? ""
        : failed === 0
          ? " · all thresholds held"
          : ` · ${failed} threshold(s) failed`;
  const element = section(
    "load",
    `Load run: ${load.name}${headline}`,
    [
      "A k6-style load test against a real server. Its thresholds are the pass/fail contract (service-level objectives written in the script), e.g. ",
      h("code", {}, "p(99)<50"),
      " on delivery latency: 99 % of samples under 50 ms.",
      load.durationMs === null ? "" : ` The test ran for ${formatMs(load.durationMs)}.`,
    ],
  );
  if (load.thresholds.length > 0) {
    element.appendChild(
      h(
        "table",
        { class: "table thresholds" },
        h("thead", {}, h("tr", {}, h("th", {}, "metric"), h("th", {}, "threshold"), h("th", {}, "measured"), h("th", {}, "result"))),
        h(
          "tbody",
          {},
          ...load.thresholds.map((threshold) =>
            h(
              "tr",
              { class: threshold.ok ? "ok" : "bad" },
              h("td", {}, h("code", {}, threshold.metric)),
              h("td", {}, h("code", {}, threshold.expression)),
              h("td", { class: "num" }, threshold.statistic === null ? "—" : `${threshold.statistic} = ${showValue(threshold.value, threshold.unit)}`),
              h("td", { class: "status" }, threshold.ok ? "✓ pass" : "✗ FAIL"),
            ),
          ),
        ),
      ),
    );
  } else {
    element.appendChild(h("p", { class: "note" }, "This run declared no thresholds, so it cannot fail; its metrics are below."));
  }
  const chartTitles = { events: "Events over time", latency: "Latency over time (per-second percentiles, ms)", connections: "Virtual users and connections over time" } as const;
  for (const kind of ["events", "latency", "connections"] as const) {
    const series = load.series.filter((entry) => entry.kind === kind);
    if (series.length === 0) continue;
    const chart = chartBox(
      {
        type: "line",
        data: {
          datasets: series.map((entry, index) => ({
            label: entry.name,
            data: entry.points.map((point) => ({ x: point.t / 1000, y: point.value })),
            borderColor: SERIES_COLOURS[index % SERIES_COLOURS.length] ?? "#00897b",
            pointRadius: 0,
            borderWidth: 2,
            stepped: kind === "connections" ? ("before" as const) : false,
          })),
        },
        options: {
          plugins: { title: { display: true, text: chartTitles[kind] }, legend: { position: "bottom" } },
          scales: { x: secondsAxis(), y: { beginAtZero: true } },
        },
      },
      { section: element, label: chartTitles[kind], heightPx: 220 },
    );
    element.appendChild(chart.box);
    after.push(chart.draw);
  }
  if (load.seriesNote !== null) element.appendChild(h("p", { class: "note" }, load.seriesNote));
  if (load.alerts !== null) element.appendChild(alertsBlock(load.alerts));
  element.appendChild(
    h(
      "details",
      { class: "metrics" },
      h("summary", {}, `All metrics (${load.metrics.length})`),
      h(
        "table",
        { class: "table" },
        h("thead", {}, h("tr", {}, h("th", {}, "metric"), h("th", {}, "type"), h("th", {}, "values"))),
        h(
          "tbody",
          {},
          ...load.metrics.map((metric) =>
            h(
              "tr",
              {},
              h("td", {}, h("code", {}, metric.name)),
              h("td", {}, metric.type),
              h("td", {}, Object.entries(metric.values).map(([key, value]) => `${key} ${showValue(value, metric.contains === "time" && key !== "count" && key !== "rate" ? "ms" : "")}`).join(" · ")),
            ),
          ),
        ),
      ),
    ),
  );
  if (element.querySelector(".chart-box") === null) markRendered(element, load.thresholds.length === 0 && load.metrics.length === 0 ? "empty" : "true");
  return element;
}
