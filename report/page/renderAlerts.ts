/**
 * "Would it have paged?": a run's alert verdict (the checklist's conditions in
 * monitoring/alerts.yml) as a block (inside a load or soak section) or as a section of its
 * own (a simulator run). The line reads as the run printed it; the table says why.
 */
import type { AlertsView } from "../ReportData.ts";
import { h, markRendered, section } from "./_internals/html.ts";

const STATE_WORDS = { fired: "✗ fired", quiet: "✓ quiet", "not judged": "– not judged" } as const;

/** The verdict line and, when there is one, the per-alert table. */
export function alertsBlock(alerts: AlertsView): HTMLElement {
  return h(
    "div",
    { class: `alerts ${alerts.fired.length > 0 ? "alerts-fired" : alerts.judged ? "alerts-quiet" : "alerts-unjudged"}`, "data-alerts-fired": alerts.fired.join(" ") },
    h("p", { class: "alerts-line" }, h("strong", {}, alerts.line)),
    h("p", { class: "note" }, `How: ${alerts.source}.`),
    alerts.rows.length === 0
      ? null
      : h(
          "table",
          { class: "table alerts-table" },
          h("thead", {}, h("tr", {}, h("th", {}, "alert"), h("th", {}, "verdict"), h("th", {}, "why"))),
          h(
            "tbody",
            {},
            ...alerts.rows.map((row) =>
              h("tr", { class: row.state === "fired" ? "bad" : row.state === "quiet" ? "ok" : "", "data-alert": row.alert, "data-state": row.state }, h("td", {}, h("code", {}, row.alert)), h("td", { class: "status" }, STATE_WORDS[row.state]), h("td", {}, row.detail)),
            ),
          ),
        ),
  );
}

/** A section of its own, for a simulator run. */
export function alertsSection(alerts: AlertsView): HTMLElement {
  const element = section(
    "alerts",
    `Alerts: ${alerts.line}`,
    "The four conditions operations page on (no events for 60 s during a run, delivery failures over 1 %, the connection pool exhausted, event queues growing), with the thresholds of the shipped Prometheus rules. A condition the run cannot tell is marked not judged, with why.",
    alertsBlock(alerts),
  );
  markRendered(element);
  return element;
}
