/**
 * Builds a {@link PropertyDefinition} over the simulator from a judge of one simulation:
 * every case runs the real manager and runtime (runSimCase), a crash always fails, and a
 * counterexample is written as a scenario file (with its faultSchedule) that
 * `npm run sim -- --seed N --scenario FILE` replays byte for byte.
 */
import type fc from "fast-check";
import { findPlantedBug } from "../../sim/bugZoo/bugZoo.ts";
import type { CaseVerdict, Counterexample, CounterexampleContext, PropertyDefinition } from "./PropertyDefinition.ts";
import { runSimCase } from "./runSimCase.ts";
import type { SimCase, SimRun } from "./SimCase.ts";

/** What a simulator property declares; see {@link PropertyDefinition} for each field. */
export interface SimPropertySpec {
  name: string;
  guards: string;
  invariants: readonly number[];
  defaultRuns: number;
  catches: readonly string[];
  /** Default 0: every case is about the property (e.g. any run can break per-run order). */
  exercisedShareMin?: number;
  arbitrary: fc.Arbitrary<SimCase>;
  /** The judge reads `run.traceLines` (they are not kept otherwise: serializing them is costly). Default false. */
  needsTrace?: boolean;
  /** Judges one simulation that did not crash. */
  judge(run: SimRun): CaseVerdict;
}

/** See the module comment. */
export function defineSimProperty(spec: SimPropertySpec): PropertyDefinition<SimCase> {
  return {
    name: spec.name,
    guards: spec.guards,
    invariants: spec.invariants,
    defaultRuns: spec.defaultRuns,
    catches: spec.catches,
    exercisedShareMin: spec.exercisedShareMin ?? 0,
    arbitrary: () => spec.arbitrary,
    check(simCase, context) {
      const run = runSimCase(simCase, { keepTrace: spec.needsTrace === true, ...(context.plant === undefined ? {} : { plant: context.plant }) });
      if (run.result.outcome === "crash") return { failure: `the simulation crashed: ${run.result.crash ?? "unknown"}`, exercised: true };
      return spec.judge(run);
    },
    counterexample: (simCase, context) => simCounterexample(spec.name, simCase, context),
  };
}

function simCounterexample(property: string, simCase: SimCase, context: CounterexampleContext): Counterexample {
  const plant = context.plant;
  const file = `${context.directory}/${property}${plant === undefined ? "" : `.${plant.name}`}-${simCase.seed}.json`;
  const where = `fast-check seed ${context.fastCheck.seed} path ${context.fastCheck.path}`;
  const content = {
    ...simCase.scenario,
    description: `Shrunk counterexample of property ${property}${plant === undefined ? "" : ` with planted bug ${plant.name}`} (${where}): ${oneLine(context.failure)}`,
  };
  const plantFlag = plant === undefined ? "" : ` --plant ${plant.name}`;
  // npm run sim can plant only BUG_ZOO entries; property/plantedBugs ones replay through npm run prop.
  const simCanPlant = plant === undefined || findPlantedBug(plant.name) !== undefined;
  const replay = [
    ...(simCanPlant ? [`npm run sim -- --seed ${simCase.seed} --scenario ${file}${plantFlag}`] : []),
    `npm run prop -- --property ${property} --scenario ${file} --seed ${simCase.seed}${plantFlag}`,
  ];
  return { file, content, replay, summary: describeSimCase(simCase) };
}

/** One line: the shape of the scenario and its scheduled faults. */
export function describeSimCase(simCase: SimCase): string {
  const scenario = simCase.scenario;
  const faults = scenario.faultSchedule ?? [];
  const faultText = faults.length === 0 ? "no scheduled fault" : `${faults.length} scheduled fault(s): ${faults.map((fault) => `${fault.fault}@${fault.atMs}ms${fault.device === undefined ? "" : ` on ${fault.device}`}`).join(", ")}`;
  const devices = Array.isArray(scenario.devicesPerUser) ? scenario.devicesPerUser.join("+") : String(scenario.devicesPerUser ?? 1);
  return `${faultText}; ${scenario.users} user(s), devices ${devices}, ${scenario.runsPerUser} run(s) per user, seed ${simCase.seed}`;
}

/** Characters of the failure kept in a counterexample's description. */
const DESCRIPTION_FAILURE_CHARACTERS_MAX = 600;

function oneLine(text: string): string {
  const flat = text.replaceAll("\n", " ");
  return flat.length <= DESCRIPTION_FAILURE_CHARACTERS_MAX ? flat : `${flat.slice(0, DESCRIPTION_FAILURE_CHARACTERS_MAX)}…`;
}
