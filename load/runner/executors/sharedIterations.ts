import { scaleCount } from "../options/executionSegment.ts";
import type { ScenarioConfig } from "../options/scenarioConfig.ts";
import { realTime } from "../realTime.ts";
import type { ExecutionControl } from "./executionControl.ts";
import { ScenarioRun } from "./scenarioRun.ts";

type Config = Extract<ScenarioConfig, { executor: "shared-iterations" }>;

/**
 * shared-iterations: `vus` VUs take iterations from one shared pool of
 * `iterations` (both scaled by the execution segment) until it is empty or
 * `maxDuration` passes; what is left then is counted in `dropped_iterations`.
 */
export async function runSharedIterations(config: Config, control: ExecutionControl): Promise<void> {
  const vuCount = scaleCount(control.tuple, config.vus);
  const total = scaleCount(control.tuple, config.iterations);
  let attempted = 0;
  let done = 0;
  const scenario = new ScenarioRun(config, control, {
    regularDurationMs: config.maxDuration,
    progress: () => (total === 0 ? 1 : done / total),
  });
  await Promise.all(
    Array.from({ length: vuCount }, async () => {
      const vu = await scenario.borrowVu();
      while (attempted < total && scenario.canStartIteration()) {
        attempted += 1;
        await scenario.iterate(vu);
        done += 1;
        await realTime.yieldToEventLoop();
      }
      scenario.returnVu(vu);
    }),
  );
  if (!control.isStopping()) scenario.dropIterations(total - attempted);
  scenario.dispose();
}
