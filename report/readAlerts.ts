/**
 * The "would have alerted: …" verdicts of the three kinds of run, read leniently into one
 * view: a simulator run's `alerts` (the checklist's conditions on its own counters, with
 * per-condition reasons), and a soak's or a load run's `alerts` (promtool running
 * monitoring/alerts.yml over the /metrics recorded during the run). A verdict the report
 * cannot read gives null, never a guess.
 */
import { promtoolAlertsSchema, simAlertsSchema } from "../protocol/resultSchemas.ts";
import type { AlertsView } from "./ReportData.ts";

const firedLine = (fired: readonly string[]): string => `would have alerted: ${fired.length === 0 ? "nothing" : fired.join(", ")}`;

/** A simulator summary's `alerts` field as a view; null when absent or unreadable. */
export function alertsOfSim(raw: unknown): AlertsView | null {
  const parsed = simAlertsSchema.safeParse(raw);
  if (!parsed.success) return null;
  return {
    line: firedLine(parsed.data.fired),
    fired: parsed.data.fired,
    judged: true,
    source: "the checklist's conditions with monitoring/alerts.yml's thresholds, judged on this run's own counters (no Prometheus scrapes a simulation)",
    rows: parsed.data.conditions.map((condition) => ({ alert: condition.alert, state: condition.state === "not_judged" ? "not judged" : condition.state, detail: condition.detail })),
  };
}

/** A soak's or a load run's `alerts` field (promtool's verdict on the recorded /metrics) as a view; null when absent or unreadable. */
export function alertsOfRecording(raw: unknown): AlertsView | null {
  const parsed = promtoolAlertsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const verdict = parsed.data;
  if (!verdict.judged) return { line: `alerts not judged: ${verdict.reason}`, fired: [], judged: false, source: "monitoring/alerts.yml over the /metrics recorded during the run", rows: [] };
  const fired = verdict.fired.map((alert) => alert.alert);
  return {
    line: verdict.fired.length === 0 ? `${firedLine(fired)} (${verdict.rules} rules, ${verdict.evaluations} evaluations each)` : firedLine(fired),
    fired,
    judged: true,
    source: `promtool ran every rule of monitoring/alerts.yml at every scrape recorded from the server's /metrics (${verdict.rules} rules, ${verdict.evaluations} evaluations each)`,
    rows: verdict.fired.map((alert) => ({ alert: alert.alert, state: "fired", detail: `${alert.severity}, firing from ${alert.firstFiringS} s into the recording, at ${alert.evaluationsFiring} evaluation(s)` })),
  };
}
