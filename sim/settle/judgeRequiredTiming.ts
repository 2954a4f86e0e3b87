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
const NETWORK_TIMED_BUDGETS: ReadonlySet<TimingInvariantName> = new Set(["timing_start_latency", "timing_delivery_latency"]);

/** One missed required budget: the checker's figures for it. */
export interface MissedRequiredTiming {
  name: TimingInvariantName;
  /** The budget, ms. */
  budget: number;
  /** The worst sample, ms; null when none was measured. */
  observed: number | null;
  /** How many samples went over the budget. */
  overBudget: number;
  /** How many samples were measured. */
  samples: number;
}

/** The judgement, as data for the summary and the report. */
export interface RequiredTimingOutcome {
  /** What the scenario requires. */
  required: TimingInvariantName[];
  /** The required budgets judged in this run (network-timed ones only when it was fault-free). */
  judged: TimingInvariantName[];
  /** Judged budgets that were missed, with the checker's verdict line for each: any fails the run. */
  failed: MissedRequiredTiming[];
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

/** The one sentence a report and the sweep print for a missed required budget. */
export function describeMissedTiming(row: MissedRequiredTiming): string {
  return `required budget ${row.name}: ${row.overBudget}/${row.samples} over the ${row.budget} ms budget (worst ${row.observed ?? "?"} ms)`;
}
