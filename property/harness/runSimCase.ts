/**
 * Runs one {@link SimCase} through the real manager and runtime in the simulator, keeping
 * every trace line, exactly as `npm run sim -- --seed N --scenario FILE` would run it.
 */
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { parseScenario } from "../../sim/scenario/loadScenario.ts";
import type { SimCase, SimRun } from "./SimCase.ts";

/** Options of {@link runSimCase}. */
export interface RunSimCaseOptions {
  /** A planted bug (from BUG_ZOO or property/plantedBugs) injected into the manager or runtime. */
  plant?: PlantedBug;
  /** Keep every trace line (serializing them costs about 40% of a run; only trace-reading properties ask). Default false. */
  keepTrace?: boolean;
}

/** Validates the case's scenario (as loadScenario would) and simulates it with the case's seed. */
export function runSimCase(simCase: SimCase, options: RunSimCaseOptions = {}): SimRun {
  const scenario = parseScenario(simCase.scenario, `scenario ${simCase.scenario.name}`);
  const traceLines: string[] = [];
  const result = runSimulation(scenario, {
    seed: simCase.seed,
    ...(options.plant === undefined ? {} : { plant: options.plant }),
    ...(options.keepTrace === true ? { onTraceLine: (line: string) => traceLines.push(line) } : {}),
  });
  return { simCase, scenario, result, traceLines };
}
