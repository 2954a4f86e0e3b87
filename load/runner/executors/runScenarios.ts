import { scaleCount, type ExecutionTuple } from "../options/executionSegment.ts";
import type { ScenarioConfig } from "../options/scenarioConfig.ts";
import { realTime } from "../realTime.ts";
import { runConstantVus } from "./constantVus.ts";
import type { ExecutionControl } from "./executionControl.ts";
import { runPerVuIterations } from "./perVuIterations.ts";
import { runSharedIterations } from "./sharedIterations.ts";

/**
 * Runs every scenario, each from its `startTime`, concurrently; resolves when
 * all have finished (or the run aborted).
 */
export async function runScenarios(scenarios: readonly ScenarioConfig[], control: ExecutionControl): Promise<void> {
  const stopping = new Promise<void>((resolve) => control.onStopping(resolve));
  await Promise.all(
    scenarios.map(async (config) => {
      if (config.startTime > 0) await realTime.delay(config.startTime, { until: stopping });
      if (control.isStopping()) return;
      await runScenario(config, control);
    }),
  );
}

function runScenario(config: ScenarioConfig, control: ExecutionControl): Promise<void> {
  switch (config.executor) {
    case "constant-vus":
      return runConstantVus(config, control);
    case "per-vu-iterations":
      return runPerVuIterations(config, control);
    case "shared-iterations":
      return runSharedIterations(config, control);
  }
}

/**
 * How many VUs to initialize before the test starts: the most that scenarios
 * overlapping in time (start to end of gracefulStop) plan to use at once.
 */
export function plannedVuCount(scenarios: readonly ScenarioConfig[], tuple: ExecutionTuple): number {
  const windows = scenarios.map((config) => {
    const { vus, regularMs } = plannedShape(config, tuple);
    return { startMs: config.startTime, endMs: config.startTime + regularMs + config.gracefulStop, vus };
  });
  let most = 0;
  for (const probe of windows) {
    const overlapping = windows.filter((window) => window.startMs <= probe.startMs && probe.startMs < window.endMs);
    most = Math.max(most, overlapping.reduce((sum, window) => sum + window.vus, 0));
  }
  return most;
}

function plannedShape(config: ScenarioConfig, tuple: ExecutionTuple): { vus: number; regularMs: number } {
  switch (config.executor) {
    case "constant-vus":
      return { vus: scaleCount(tuple, config.vus), regularMs: config.duration };
    case "per-vu-iterations":
    case "shared-iterations":
      return { vus: scaleCount(tuple, config.vus), regularMs: config.maxDuration };
  }
}
