/** The bug zoo: each planted bug, the invariant that caught it, and how many runs it took. */
import type { BugZooView } from "../ReportData.ts";
import { h, markRendered, section } from "./_internals/html.ts";
import { commandLine } from "./copyButton.ts";

const STATUS_WORDS = { caught: "✓ caught", "caught-as-other": "caught, by another invariant", missed: "✗ missed" } as const;

/** The section of one bug zoo result. */
export function renderBugZoo(zoo: BugZooView): HTMLElement {
  const missed = zoo.rows.filter((row) => row.status === "missed").length;
  const element = section(
    "bug-zoo",
    `Bug zoo: ${zoo.rows.length - missed} of ${zoo.rows.length} planted bugs caught`,
    "Each row plants one real-world bug class into the server on purpose and runs seeds until a checker notices. A missed bug means the checkers have a blind spot; fewer runs to detection means the bug shows fast.",
  );
  element.appendChild(
    h(
      "table",
      { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, "planted bug"), h("th", {}, "result"), h("th", {}, "caught as"), h("th", {}, "expected"), h("th", {}, "runs to detection"), h("th", {}, "reproduce"))),
      h(
        "tbody",
        {},
        ...zoo.rows.map((row) =>
          h(
            "tr",
            { class: row.status === "caught" ? "ok" : row.status === "missed" ? "bad" : "warn", "data-bug": row.bug },
            h("td", {}, h("code", {}, row.bug)),
            h("td", { class: "status" }, STATUS_WORDS[row.status]),
            h("td", {}, row.caughtAs ?? "—"),
            h("td", {}, row.expected ?? "—"),
            h("td", { class: "num" }, row.runsToDetection === null ? "—" : String(row.runsToDetection)),
            h("td", {}, row.repro === "" ? "—" : commandLine(row.repro)),
          ),
        ),
      ),
    ),
  );
  markRendered(element, zoo.rows.length === 0 ? "empty" : "true");
  return element;
}
