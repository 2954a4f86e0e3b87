/** A soak (`npm run soak`): its goals with what was observed, and whether the alert rules would have paged. */
import type { SoakRunView } from "../ReportData.ts";
import { formatMs } from "./_internals/format.ts";
import { h, markRendered, section } from "./_internals/html.ts";
import { commandLine } from "./copyButton.ts";
import { alertsBlock } from "./renderAlerts.ts";

/** The section of one soak. */
export function renderSoakRun(soak: SoakRunView): HTMLElement {
  const missed = soak.goals.filter((goal) => !goal.ok).length;
  const element = section(
    "soak",
    `Soak: ${soak.path} · ${soak.ok ? "every goal met" : `${missed} goal(s) missed`}`,
    [
      "A long run of the real server with clients that drop and resume: every event must arrive once, in order, and the heap must stay flat.",
      soak.elapsedMs === null ? "" : ` It ran for ${formatMs(soak.elapsedMs)}.`,
    ],
  );
  element.appendChild(
    h(
      "table",
      { class: "table soak-goals" },
      h("thead", {}, h("tr", {}, h("th", {}, "goal"), h("th", {}, "wanted"), h("th", {}, "observed"), h("th", {}, "result"))),
      h("tbody", {}, ...soak.goals.map((goal) => h("tr", { class: goal.ok ? "ok" : "bad" }, h("td", {}, goal.name), h("td", {}, goal.goal), h("td", {}, goal.observed), h("td", { class: "status" }, goal.ok ? "✓ met" : "✗ MISSED")))),
    ),
  );
  if (soak.alerts !== null) element.appendChild(alertsBlock(soak.alerts));
  else element.appendChild(h("p", { class: "note" }, "No alert verdict: this soak recorded no /metrics (--metrics-every-seconds 0)."));
  if (soak.reproduce !== "") element.appendChild(commandLine(soak.reproduce, { label: "Reproduce" }));
  markRendered(element);
  return element;
}
