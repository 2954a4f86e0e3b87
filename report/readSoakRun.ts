/**
 * A soak for the report: `soak-summary.json` (kind "soak", written by `npm run soak`),
 * read leniently: its goals with what was observed, and what the alert rules said of the
 * /metrics recorded during it.
 */
import { z } from "zod";
import { alertsOfRecording } from "./readAlerts.ts";
import type { SoakRunView } from "./ReportData.ts";

/** The fields of a soak summary the report uses. */
export const soakSummarySchema = z.looseObject({
  kind: z.literal("soak"),
  ok: z.boolean(),
  elapsedMs: z.number().nullable().default(null),
  deliveryPercent: z.number().nullable().default(null),
  goals: z.record(z.string(), z.looseObject({ goal: z.string(), observed: z.string(), ok: z.boolean() })).default({}),
  alerts: z.unknown().optional(),
  reproduce: z.string().default(""),
});

/** The view of a validated soak summary; `displayPath` is how the page names it. */
export function readSoakRun(summary: z.output<typeof soakSummarySchema>, displayPath: string): SoakRunView {
  return {
    path: displayPath,
    ok: summary.ok,
    elapsedMs: summary.elapsedMs,
    deliveryPercent: summary.deliveryPercent,
    goals: Object.entries(summary.goals).map(([name, goal]) => ({ name, goal: goal.goal, observed: goal.observed, ok: goal.ok })),
    alerts: summary.alerts === undefined || summary.alerts === null ? null : alertsOfRecording(summary.alerts),
    reproduce: summary.reproduce,
  };
}
