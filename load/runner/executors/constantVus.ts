import { scaleCount } from "../options/executionSegment.ts";
import type { ScenarioConfig } from "../options/scenarioConfig.ts";
import { realTime } from "../realTime.ts";
import type { ExecutionControl } from "./executionControl.ts";
import { ScenarioRun } from "./scenarioRun.ts";

type Config = Extract<ScenarioConfig, { executor: "constant-vus" }>;

/** constant-vus: `vus` VUs loop iterations for `duration`, then get `gracefulStop` to finish. */
export async function runConstantVus(config: Config, control: ExecutionControl): Promise<void> {
  const scenario = new ScenarioRun(config, control, {
    regularDurationMs: config.duration,
    progress: (run) => Math.min(1, run.elapsedMs() / config.duration),
  });
  const vuCount = scaleCount(control.tuple, config.vus);
  await Promise.all(
    Array.from({ length: vuCount }, async () => {
      const vu = await scenario.borrowVu();
      while (scenario.canStartIteration()) {
        await scenario.iterate(vu);
        await realTime.yieldToEventLoop();
      }
      scenario.returnVu(vu);
    }),
  );
  scenario.dispose();
}
