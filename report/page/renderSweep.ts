/** A simulator sweep: seeds run against seeds failed, a pass/fail row per scenario, and each failure's repro. */
import type { SweepView } from "../ReportData.ts";
import { formatMs, formatNumber } from "./_internals/format.ts";
import { h, section } from "./_internals/html.ts";
import { commandLine } from "./copyButton.ts";
import { chartBox } from "./drawChart.ts";
import type { AfterInsert } from "./simCharts.ts";

const OUTCOME_COLOURS: Record<string, string> = { safety: "#e53935", liveness: "#fb8c00", timing: "#fdd835", crash: "#6d4c41", nondeterminism: "#8e24aa" };
/** Failures listed with their repro, at most. */
const FAILURES_SHOWN_MAX = 50;

/** The section of one sweep. */
export function renderSweep(sweep: SweepView, after: AfterInsert): HTMLElement {
  const failed = sweep.failures.length;
  const element = section(
    "sweep",
    `Sweep: ${formatNumber(sweep.seeds)} seed runs, ${failed === 0 ? "all passed" : `${formatNumber(failed)} failed`}${sweep.partial ? ` (partial: interrupted after ${formatNumber(sweep.seeds)} of ${sweep.seedsPlanned === null ? "?" : formatNumber(sweep.seedsPlanned)})` : ""}`,
    "A sweep runs the simulator over many seeds; each seed draws its own faults and timings, so more seeds explore more interleavings. Each failing seed replays exactly from its one-line command.",
  );
  element.classList.add(failed === 0 ? "sweep-pass" : "sweep-fail");
  const passed = Math.max(0, sweep.seeds - failed);
  const outcomes = Object.entries(sweep.failuresByOutcome);
  const chart = chartBox(
    {
      type: "bar",
      data: {
        labels: ["seed runs"],
        datasets: [
          { label: `passed (${formatNumber(passed)})`, data: [passed], backgroundColor: "#66bb6a" },
          ...outcomes.map(([outcome, count]) => ({ label: `${outcome} (${formatNumber(count)})`, data: [count], backgroundColor: OUTCOME_COLOURS[outcome] ?? "#757575" })),
        ],
      },
      options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, title: { display: true, text: "seed runs" } }, y: { stacked: true, display: false } }, plugins: { legend: { position: "bottom" } } },
    },
    { section: element, label: "Seeds passed and failed", heightPx: 130 },
  );
  element.appendChild(
    h(
      "div",
      { class: "facts" },
      h("div", { class: "fact" }, h("div", { class: "fact-value" }, formatNumber(sweep.seeds)), h("div", { class: "fact-label" }, "seed runs")),
      h("div", { class: "fact" }, h("div", { class: "fact-value" }, formatNumber(failed)), h("div", { class: "fact-label" }, "failed")),
      sweep.seedsPerSecond === null ? null : h("div", { class: "fact" }, h("div", { class: "fact-value" }, formatNumber(Math.round(sweep.seedsPerSecond * 10) / 10)), h("div", { class: "fact-label" }, "seeds / s")),
      sweep.simMs === null ? null : h("div", { class: "fact" }, h("div", { class: "fact-value" }, formatMs(sweep.simMs)), h("div", { class: "fact-label" }, sweep.realMs === null ? "simulated" : `simulated in ${formatMs(sweep.realMs)}`)),
      h("div", { class: "fact wide" }, h("div", { class: "fact-value small" }, sweep.scenarios.join(", ") || "—"), h("div", { class: "fact-label" }, `scenario(s)${sweep.plant === null ? "" : ` · planted ${sweep.plant}`}`)),
    ),
  );
  element.appendChild(chart.box);
  after.push(chart.draw);
  if (sweep.perScenario.length > 0) element.appendChild(scenarioTable(sweep.perScenario));
  if (failed > 0) {
    element.appendChild(
      h(
        "table",
        { class: "table" },
        h("thead", {}, h("tr", {}, h("th", {}, "seed"), h("th", {}, "outcome"), h("th", {}, "first problem"), h("th", {}, "reproduce"))),
        h(
          "tbody",
          {},
          ...sweep.failures.slice(0, FAILURES_SHOWN_MAX).map((failure) =>
            h("tr", { class: "bad" }, h("td", { class: "num" }, String(failure.seed)), h("td", {}, failure.outcome), h("td", {}, failure.first), h("td", {}, commandLine(failure.repro))),
          ),
        ),
      ),
    );
    if (failed > FAILURES_SHOWN_MAX) element.appendChild(h("p", { class: "note" }, `… and ${failed - FAILURES_SHOWN_MAX} more in ${sweep.path}.`));
  }
  return element;
}

/** One row per scenario: seeds, passed, failed and the first failing seed's repro. */
function scenarioTable(rows: SweepView["perScenario"]): HTMLElement {
  return h(
    "table",
    { class: "table scenario-table" },
    h("caption", {}, "Per scenario"),
    h("thead", {}, h("tr", {}, h("th", {}, "scenario"), h("th", {}, "seeds"), h("th", {}, "passed"), h("th", {}, "failed"), h("th", {}, "first failing seed"))),
    h(
      "tbody",
      {},
      ...rows.map((row) =>
        h(
          "tr",
          { class: row.failed > 0 ? "bad" : null, "data-scenario": row.scenario },
          h("td", {}, row.scenario),
          h("td", { class: "num" }, formatNumber(row.seeds)),
          h("td", { class: "num" }, formatNumber(row.passed)),
          h("td", { class: "num" }, formatNumber(row.failed)),
          h("td", {}, row.firstFailingSeed === null ? "—" : h("span", {}, `${row.firstFailingSeed} `, commandLine(row.firstFailingRepro ?? ""))),
        ),
      ),
    ),
  );
}
