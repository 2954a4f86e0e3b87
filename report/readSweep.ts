/** A simulator sweep (`sim-sweep-summary.json`, written by `npm run sim -- --count N`), for the report. */
import type { SweepSummary } from "../protocol/resultSchemas.ts";
import type { SweepView } from "./ReportData.ts";

/** The view of a validated sweep summary found at `displayPath`. */
export function readSweep(summary: SweepSummary, displayPath: string): SweepView {
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
