import { scaleCount } from "../options/executionSegment.ts";
import type { ScenarioConfig } from "../options/scenarioConfig.ts";
import { realTime } from "../realTime.ts";
import type { ExecutionControl } from "./executionControl.ts";
import { ScenarioRun } from "./scenarioRun.ts";

type Config = Extract<ScenarioConfig, { executor: "per-vu-iterations" }>;

/**
 * per-vu-iterations: each of `vus` VUs runs exactly `iterations` iterations
 * (not scaled by the execution segment, as in k6), within `maxDuration`;
 * iterations left at the regular end are counted in `dropped_iterations`.
 */
export async function runPerVuIterations(config: Config, control: ExecutionControl): Promise<void> {
  const vuCount = scaleCount(control.tuple, config.vus);
  const total = vuCount * config.iterations;
  let done = 0;
  const scenario = new ScenarioRun(config, control, {
    regularDurationMs: config.maxDuration,
    progress: () => (total === 0 ? 1 : done / total),
  });
  await Promise.all(
    Array.from({ length: vuCount }, async () => {
      const vu = await scenario.borrowVu();
      let started = 0;
      while (started < config.iterations && scenario.canStartIteration()) {
        started += 1;
        await scenario.iterate(vu);
        done += 1;
        await realTime.yieldToEventLoop();
      }
      if (!control.isStopping()) scenario.dropIterations(config.iterations - started, vu);
      scenario.returnVu(vu);
    }),
  );
  scenario.dispose();
}
