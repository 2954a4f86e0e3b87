/**
 * The report page's script: reads the JSON embedded in the page
 * (`<script type="application/json" id="report-data">`) and draws it. Bundled with
 * chart.js into the page by report/bundlePage.ts; needs no network.
 *
 * Every section gets `data-rendered="true"` once drawn (charts: once the canvas has
 * a size), `"empty"` when it had nothing to draw, `"error"` when drawing threw;
 * `<main id="report">` gets `data-rendered="true"` when all is done. Tests and
 * people waiting on a slow machine can rely on these.
 */
import { runName, runOrigin } from "../judgeColumn.ts";
import type { ReportData, ResultColumn, SimRunRow } from "../ReportData.ts";
import { h, markRendered, section } from "./_internals/html.ts";
import { commandLine } from "./copyButton.ts";
import { renderBugZoo } from "./renderBugZoo.ts";
import { renderComparison } from "./renderComparison.ts";
import { renderLoadRun } from "./renderLoadRun.ts";
import { renderSimRun } from "./renderSimRun.ts";
import { renderSoakRun } from "./renderSoakRun.ts";
import { renderSweep } from "./renderSweep.ts";
import { renderVerdict } from "./renderVerdict.ts";
import type { AfterInsert } from "./simCharts.ts";

function readData(): ReportData {
  const element = document.getElementById("report-data");
  if (element === null || element.textContent === null) throw new Error("no report-data element in the page");
  return JSON.parse(element.textContent) as ReportData;
}

function contents(column: ResultColumn): HTMLElement | null {
  const links: HTMLElement[] = column.sims.map((run) =>
    h("li", { class: run.outcome === "pass" ? "ok" : "bad" }, h("a", { href: `#${run.id}` }, `${run.outcome === "pass" ? "✓" : "✗"} ${runName(run)}`)),
  );
  const count = links.length + column.simsListedOnly.length + column.sweeps.length + column.loads.length + column.soaks.length + column.bugZoos.length;
  if (count <= 1) return null;
  return h(
    "nav",
    { class: "contents" },
    h("strong", {}, "On this page: "),
    h("ul", {}, ...links, column.simsListedOnly.length > 0 ? h("li", {}, `${column.simsListedOnly.length} more runs listed`) : null, ...column.sweeps.map((sweep) => h("li", {}, `sweep ${sweep.path}`)), ...column.loads.map((load) => h("li", {}, `load ${load.name}`)), ...column.soaks.map((soak) => h("li", {}, `soak ${soak.path}`)), ...column.bugZoos.map(() => h("li", {}, "bug zoo"))),
  );
}

function listedRuns(rows: readonly SimRunRow[]): HTMLElement {
  const element = section("more-runs", `${rows.length} more simulator runs`, "Listed, not drawn, to keep the page light (failing runs are drawn first). Open one alone: npm run report -- <its directory>.");
  element.appendChild(
    h(
      "table",
      { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, "outcome"), h("th", {}, "seed or target"), h("th", {}, "scenario"), h("th", {}, "violations"), h("th", {}, "reproduce"))),
      h("tbody", {}, ...rows.map((row) => h("tr", { class: row.outcome === "pass" ? "ok" : "bad" }, h("td", {}, row.outcome), h("td", { class: row.source === "live" ? "" : "num" }, runOrigin(row)), h("td", {}, `${row.scenario}${row.plant === null ? "" : ` · ${row.plant}`}`), h("td", { class: "num" }, String(row.violations)), h("td", {}, row.repro === "" ? row.path : commandLine(row.repro))))),
    ),
  );
  markRendered(element);
  return element;
}

function problems(column: ResultColumn): HTMLElement | null {
  if (column.problems.length === 0) return null;
  const element = section("problems", "Files the report could not use", "These looked like results but could not be read; the rest of the page is drawn without them.");
  element.appendChild(h("ul", {}, ...column.problems.map((problem) => h("li", {}, h("code", {}, problem.path), `: ${problem.problem}`))));
  markRendered(element);
  return element;
}

function renderColumn(column: ResultColumn, after: AfterInsert): HTMLElement {
  const element = h("div", { class: "column", "data-column": column.label || "single" });
  const guarded = (draw: () => HTMLElement | null) => {
    try {
      return draw();
    } catch (error) {
      return h("section", { class: "section render-error", "data-rendered": "error" }, `This part of the report failed to draw: ${(error as Error).message}`);
    }
  };
  element.append(
    ...[
      guarded(() => renderVerdict(column)),
      guarded(() => contents(column)),
      ...column.sims.map((run) => guarded(() => renderSimRun(run, after))),
      column.simsListedOnly.length === 0 ? null : guarded(() => listedRuns(column.simsListedOnly)),
      ...column.sweeps.map((sweep) => guarded(() => renderSweep(sweep, after))),
      ...column.loads.map((load) => guarded(() => renderLoadRun(load, after))),
      ...column.soaks.map((soak) => guarded(() => renderSoakRun(soak))),
      ...column.bugZoos.map((zoo) => guarded(() => renderBugZoo(zoo))),
      guarded(() => problems(column)),
    ].filter((child): child is HTMLElement => child !== null),
  );
  return element;
}

function glossary(): HTMLElement {
  const term = (word: string, meaning: string) => [h("dt", {}, word), h("dd", {}, meaning)];
  return h(
    "details",
    { class: "glossary" },
    h("summary", {}, "New here? Five words that help"),
    h(
      "dl",
      {},
      term("seed", "One number that decides every random choice of a simulation: the same seed replays the same run, byte for byte."),
      term("seq", "Each user's events are numbered 1, 2, 3… across all runs and devices; every device must see them in order, once each."),
      term("epoch", "The name of a user's event stream; it changes when the server restarts, and a resume across it needs a resync."),
      term("resume / replay", "A device that reconnects says the last seq it holds; the server replays what it missed from a buffer."),
      term("fault", "Something the simulator breaks on purpose (drops, slow readers, restarts) to prove delivery survives it."),
    ),
  );
}

function main(): void {
  const root = document.getElementById("report");
  if (root === null) return;
  const data = readData();
  const after: AfterInsert = [];
  const header = h(
    "header",
    { class: "masthead" },
    h("h1", {}, data.title),
    h("p", { class: "subtitle" }, `Generated ${data.generatedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC")} · agent event delivery report`),
    commandLine(data.command, { label: "Regenerate" }),
    glossary(),
  );
  const comparison = data.comparison === null ? null : renderComparison(data.comparison, after);
  const columns = h("div", { class: `columns columns-${data.columns.length}` }, ...data.columns.map((column) => renderColumn(column, after)));
  root.replaceChildren(header, ...(comparison === null ? [] : [comparison]), columns);
  for (const draw of after) {
    try {
      draw();
    } catch (error) {
      root.appendChild(h("p", { class: "render-error" }, `A chart failed to draw: ${(error as Error).message}`));
    }
  }
  root.setAttribute("data-rendered", "true");
}

try {
  main();
} catch (error) {
  const root = document.getElementById("report");
  if (root !== null) {
    root.setAttribute("data-rendered", "error");
    root.textContent = `The report could not be drawn: ${(error as Error).message}`;
  }
}
