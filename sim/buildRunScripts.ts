/**
 * The scripts of one simulation: built-ins plus the scenario's own, and per run a
 * variant with tool failures and timeouts drawn from the fault plan.
 */
import { agentScriptSchema, type AgentScript } from "../server/runtime/agentScript.ts";
import { DEFAULT_SCRIPTS } from "../server/runtime/defaultScripts.ts";
import { generateAgentScript } from "./content/generateAgentScript.ts";
import type { SimRandom } from "./core/createRandom.ts";
import type { FaultPlan } from "./faults/FaultPlan.ts";
import type { Scenario } from "./scenario/scenarioSchema.ts";

/** The script library of a simulation and the per-run chooser that may add variants to it. */
export interface RunScripts {
  /** Every script a run may name, by name; grows by one per drawn variant. */
  library: Map<string, AgentScript>;
  /** Picks a scenario script for one run and maybe injects tool faults; returns the script name to run. */
  perRun: (runRandom: SimRandom) => string;
}

/** Options of {@link buildRunScripts}. */
export interface BuildRunScriptsOptions {
  /** Supplies the per-mille odds of an injected tool failure or timeout. */
  faultPlan: FaultPlan;
  /** The `content` stream; used only when the scenario asks for generated content (other scenarios draw nothing more). */
  contentRandom: SimRandom;
}

/**
 * Builds the library of `scenario` and a per-run chooser. Draws happen only in
 * `perRun`, from the stream it is given: pick, then per ok tool step failure and
 * (for steps of at least 2 ms) timeout.
 */
export function buildRunScripts(scenario: Scenario, options: BuildRunScriptsOptions): RunScripts {
  const library = new Map<string, AgentScript>(DEFAULT_SCRIPTS);
  for (const script of scenario.agentScripts) library.set(script.name, script);
  const pool = [...scenario.scripts];
  const generated = scenario.generatedContent;
  for (let index = 1; generated !== undefined && index <= generated.scripts; index += 1) {
    const script = generateAgentScript(options.contentRandom, { name: `generated-${index}`, payloadBytesMax: generated.payloadBytesMax });
    library.set(script.name, script);
    pool.push(script.name);
  }
  let variants = 0;
  const perRun = (runRandom: SimRandom): string => {
    const base = library.get(runRandom.pick(pool)) as AgentScript;
    const steps = withToolFaults(base, runRandom, options.faultPlan);
    if (steps === null) return base.name;
    variants += 1;
    const name = `${base.name}~${variants}`;
    library.set(name, agentScriptSchema.parse({ ...base, name, steps }));
    return name;
  };
  return { library, perRun };
}

/** The steps of `base` with drawn tool faults, or null when none was drawn. */
function withToolFaults(base: AgentScript, runRandom: SimRandom, faultPlan: FaultPlan): AgentScript["steps"] | null {
  let changed = false;
  const steps = base.steps.map((step) => {
    if (step.kind !== "tool" || step.outcome !== "ok") return step;
    if (runRandom.chance(faultPlan.toolFailurePerMille, 1000)) {
      changed = true;
      return { ...step, outcome: "error" as const, error: `${step.name} failed (injected)` };
    }
    if (step.durationMs >= 2 && runRandom.chance(faultPlan.toolTimeoutPerMille, 1000)) {
      changed = true;
      return { ...step, outcome: "timeout" as const, timeoutMs: Math.floor(step.durationMs / 2) };
    }
    return step;
  });
  return changed ? steps : null;
}
