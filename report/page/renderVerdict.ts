/** The big PASS / FAIL of a results column, and why, in words. */
import type { ResultColumn } from "../ReportData.ts";
import { h, markRendered } from "./_internals/html.ts";

/** The verdict banner of `column`. */
export function renderVerdict(column: ResultColumn): HTMLElement {
  const ok = column.verdict.ok;
  const element = h(
    "section",
    { class: `section verdict ${ok ? "verdict-pass" : "verdict-fail"}`, "data-section": "verdict", "data-verdict": ok ? "pass" : "fail", "data-rendered": "false" },
    h("div", { class: "verdict-word" }, ok ? "PASS" : "FAIL"),
    h(
      "div",
      { class: "verdict-body" },
      h("p", { class: "verdict-judged" }, `${column.label === "" ? "" : `${column.label} · `}${column.dir} · judged ${column.verdict.judged || "nothing"}`),
      ok
        ? h("p", { class: "verdict-why" }, passSentence(column))
        : h("ul", { class: "verdict-why" }, ...column.verdict.reasons.map((reason) => h("li", {}, reason))),
    ),
  );
  markRendered(element);
  return element;
}

/** What passing means for what was judged, e.g. "Every simulator run held every invariant and settled." */
function passSentence(column: ResultColumn): string {
  const parts = [
    column.sims.length + column.simsListedOnly.length > 0 ? "every simulator run held every invariant and settled" : "",
    column.sweeps.length > 0 ? "every sweep seed passed" : "",
    column.loads.length > 0 ? "every load threshold held" : "",
    column.soaks.length > 0 ? "every soak goal was met" : "",
    column.bugZoos.length > 0 ? "every planted bug was caught" : "",
  ].filter((part) => part !== "");
  const joined = parts.length <= 1 ? (parts[0] ?? "nothing failed") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  return `${joined.charAt(0).toUpperCase()}${joined.slice(1)}.`;
}
