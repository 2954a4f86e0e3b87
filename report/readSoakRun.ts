/**
 * A soak for the report: `soak-summary.json` (kind "soak", written by `npm run soak`),
 * validated by the results schema the soak checks it against (protocol/resultSchemas.ts):
 * its goals with what was observed, and what the alert rules said of the /metrics recorded
 * during it.
 */
import type { SoakSummary } from "../protocol/resultSchemas.ts";
import { alertsOfRecording } from "./readAlerts.ts";
import type { SoakRunView } from "./ReportData.ts";

/** The view of a validated soak summary; `displayPath` is how the page names it. */
export function readSoakRun(summary: SoakSummary, displayPath: string): SoakRunView {
  return {
    path: displayPath,
    ok: summary.ok,
    elapsedMs: summary.elapsedMs,
    deliveryPercent: summary.deliveryPercent,
    goals: Object.entries(summary.goals).map(([name, goal]) => ({ name, goal: goal.goal, observed: goal.observed, ok: goal.ok })),
    alerts: summary.alerts === null ? null : alertsOfRecording(summary.alerts),
    reproduce: summary.reproduce,
  };
}
