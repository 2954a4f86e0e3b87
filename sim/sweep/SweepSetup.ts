/** What every thread of a sweep needs to run any of its seeds (plain data: it is a worker's workerData). */
import type { Scenario } from "../scenario/scenarioSchema.ts";

/** The scenarios (overrides applied) and the per-seed options of one sweep. */
export interface SweepSetup {
  /** Indexed by {@link SweepTask.scenarioIndex}. */
  scenarios: Scenario[];
  /** A bug zoo name, or null. */
  plantName: string | null;
  checkDeterminism: boolean;
}

/** One seed of one scenario: a unit of work handed to a thread. */
export interface SweepTask {
  scenarioIndex: number;
  seed: number;
}
