/** A simulator sweep (`sim-sweep-summary.json`, written by `npm run sim -- --count N`), for the report. */
import { z } from "zod";
import type { SweepView } from "./ReportData.ts";

/** The fields of a sweep summary the report uses; unknown fields are allowed. */
export const sweepSummarySchema = z.looseObject({
  kind: z.literal("sim-sweep"),
  scenarios: z.array(z.string()).default([]),
  seeds: z.number(),
  plant: z.string().nullable().default(null),
  failures: z
    .array(
      z.looseObject({
        seed: z.number(),
        path: z.string().default(""),
        outcome: z.string(),
        first: z.string().default(""),
        repro: z.string().default(""),
      }),
    )
    .default([]),
  /** Seeds the sweep set out to run; more than `seeds` when it was interrupted (`partial`). */
  seedsPlanned: z.number().nullable().default(null),
  partial: z.boolean().default(false),
  perScenario: z
    .array(
      z.looseObject({
        scenario: z.string(),
        seeds: z.number(),
        passed: z.number(),
        failed: z.number(),
        firstFailingSeed: z.number().nullable().default(null),
        firstFailingRepro: z.string().nullable().default(null),
      }),
    )
    .default([]),
  seedsPerSecond: z.number().nullable().default(null),
  simMs: z.number().nullable().default(null),
  realMs: z.number().nullable().default(null),
});

/** The view of a validated sweep summary found at `displayPath`. */
export function readSweep(summary: z.infer<typeof sweepSummarySchema>, displayPath: string): SweepView {
  const failuresByOutcome: Record<string, number> = {};
  for (const failure of summary.failures) failuresByOutcome[failure.outcome] = (failuresByOutcome[failure.outcome] ?? 0) + 1;
  return {
    path: displayPath,
    scenarios: summary.scenarios,
    seeds: summary.seeds,
    seedsPlanned: summary.seedsPlanned,
    partial: summary.partial,
    perScenario: summary.perScenario.map(({ scenario, seeds, passed, failed, firstFailingSeed, firstFailingRepro }) => ({ scenario, seeds, passed, failed, firstFailingSeed, firstFailingRepro })),
    plant: summary.plant,
    seedsPerSecond: summary.seedsPerSecond,
    simMs: summary.simMs,
    realMs: summary.realMs,
    failures: summary.failures.map(({ seed, path, outcome, first, repro }) => ({ seed, path, outcome, first, repro })),
    failuresByOutcome,
  };
}
