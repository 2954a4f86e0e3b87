/** Compare mode: what changed from A to B, run by run, with both latency distributions on one chart. */
import type { ComparisonView } from "../ReportData.ts";
import { h, markRendered, section } from "./_internals/html.ts";
import { chartBox } from "./drawChart.ts";
import { binLabels, type AfterInsert } from "./simCharts.ts";

const CHANGE_WORDS = { better: "▲ better", worse: "▼ worse", same: "=", different: "changed" } as const;

/** The comparison section. */
export function renderComparison(comparison: ComparisonView, after: AfterInsert): HTMLElement {
  const element = section(
    "comparison",
    "A against B",
    [
      "Each simulator run of A next to its partner in B (same scenario and planted bug). Use it for a regression between two commits (same seed, different code) or between two seeds (same code). ",
      h("strong", {}, "A"),
      ` = ${comparison.labelA}, `,
      h("strong", {}, "B"),
      ` = ${comparison.labelB}.`,
    ],
  );
  for (const pair of comparison.pairs) {
    element.appendChild(h("h4", {}, pair.title));
    element.appendChild(
      h(
        "table",
        { class: "table compare" },
        h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, "A"), h("th", {}, "B"), h("th", {}, "A → B"))),
        h("tbody", {}, ...pair.rows.map((row) => h("tr", { class: `change-${row.change}` }, h("td", {}, row.metric), h("td", { class: "num" }, row.a), h("td", { class: "num" }, row.b), h("td", { class: "status" }, CHANGE_WORDS[row.change])))),
      ),
    );
    if (pair.latency.countsA.length > 0) {
      const chart = chartBox(
        {
          type: "bar",
          data: {
            labels: binLabels(pair.latency.binWidthMs, pair.latency.countsA.length, pair.latency.lastBinIsOverflow),
            datasets: [
              { label: "A", data: pair.latency.countsA, backgroundColor: "rgba(30,136,229,0.75)" },
              { label: "B", data: pair.latency.countsB, backgroundColor: "rgba(244,81,30,0.75)" },
            ],
          },
          options: {
            plugins: { title: { display: true, text: "Delivery latency, A and B on the same bins" }, legend: { position: "bottom" } },
            scales: { x: { title: { display: true, text: "emit → receive latency (ms)" }, grid: { display: false } }, y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "events" } } },
          },
        },
        { section: element, label: "Latency histogram of A and B", heightPx: 220 },
      );
      element.appendChild(chart.box);
      after.push(chart.draw);
    }
  }
  if (comparison.unpaired.length > 0) element.appendChild(h("div", { class: "note" }, h("strong", {}, "Without a partner: "), h("ul", {}, ...comparison.unpaired.map((line) => h("li", {}, line)))));
  if (element.querySelector(".chart-box") === null) markRendered(element, comparison.pairs.length === 0 ? "empty" : "true");
  return element;
}
