/**
 * Timing budgets a scenario marks as requirements (`budgets.required`): a miss fails the
 * run (outcome `timing`, exit 1) instead of being reported beside it. Judged only where
 * no fault can explain a miss. Budgets measured on the server's event `ts` (thinking
 * interval, tool duration, run duration) are judged always: the simulated network and
 * its faults never touch `ts`, and the checker already skips silences a loss could
 * cause. Budgets that include the network (start latency, delivery latency) are judged
 * only in a fault-free run: no connection or server fault injected.
 */
import type { CheckerVerdict } from "../../protocol/checker/CheckerVerdict.ts";
import type { TimingInvariantName } from "../../protocol/checker/invariants.ts";
import { faultsInjected } from "../faults/faultsInjected.ts";

/** Timing budgets whose measure includes network time, so a network fault can explain a miss. */
export const NETWORK_TIMED_BUDGETS: ReadonlySet<TimingInvariantName> = new Set(["timing_start_latency", "timing_delivery_latency"]);

/** The judgement, as data for the summary and the report. */
export interface RequiredTimingOutcome {
  /** What the scenario requires. */
  required: TimingInvariantName[];
  /** The required budgets judged in this run (network-timed ones only when it was fault-free). */
  judged: TimingInvariantName[];
  /** Judged budgets that were missed, with the checker's verdict line for each: any fails the run. */
  failed: Array<{ name: TimingInvariantName; budget: number; observed: number | null; overBudget: number; samples: number }>;
}

/** Judges `verdict.timing` against `required`; `faultsInjected` is SimulationResult.totals.faults. */
export function judgeRequiredTiming(
  verdict: Pick<CheckerVerdict, "timing">,
  options: { required: readonly TimingInvariantName[]; faultsInjected: Readonly<Record<string, number>> },
): RequiredTimingOutcome {
  const faultFree = faultsInjected(options.faultsInjected) === 0;
  const judged = options.required.filter((name) => faultFree || !NETWORK_TIMED_BUDGETS.has(name));
  const failed = verdict.timing
    .filter((row) => judged.includes(row.name) && !row.ok)
    .map((row) => ({ name: row.name, budget: row.budget, observed: row.observed, overBudget: row.overBudget, samples: row.samples }));
  return { required: [...options.required], judged, failed };
}
