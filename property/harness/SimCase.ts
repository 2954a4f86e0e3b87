/**
 * One generated simulator case (what a simulator property's arbitrary yields and what a
 * counterexample file plus `--seed` replays), and what running it produced.
 */
import type { Scenario, ScenarioInput } from "../../sim/scenario/scenarioSchema.ts";
import type { SimulationResult } from "../../sim/runSimulation.ts";

/** A scenario as written to a file (with its `faultSchedule`) and the simulator seed. */
export interface SimCase {
  /** The simulator's `--seed` (network jitter, connect times, per-run draws). */
  seed: number;
  scenario: ScenarioInput;
}

/** One simulation of a {@link SimCase}: the validated scenario, the result and every trace line. */
export interface SimRun {
  simCase: SimCase;
  scenario: Scenario;
  result: SimulationResult;
  /** Trace lines, serialized exactly as `trace.jsonl` holds them (empty unless the run kept its trace). */
  traceLines: readonly string[];
}
