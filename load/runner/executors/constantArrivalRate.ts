import { globalIndexOf, scaleCount } from "../options/executionSegment.ts";
import type { ScenarioConfig } from "../options/scenarioConfig.ts";
import { realTime } from "../realTime.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import type { ExecutionControl } from "./executionControl.ts";
import { ScenarioRun } from "./scenarioRun.ts";

type Config = Extract<ScenarioConfig, { executor: "constant-arrival-rate" }>;

/**
 * constant-arrival-rate: starts `rate` iterations per `timeUnit` for
 * `duration`, each on a free VU. With no free VU the iteration is dropped
 * (`dropped_iterations`) and, while fewer than `maxVUs` exist, one more VU is
 * initialized, as in k6. With execution segments every instance starts only
 * the iterations whose global index falls in its segment, at the same global
 * times, so together they keep the configured rate.
 */
export async function runConstantArrivalRate(config: Config, control: ExecutionControl): Promise<void> {
  const scenario = new ScenarioRun(config, control, {
    regularDurationMs: config.duration,
    progress: (run) => Math.min(1, run.elapsedMs() / config.duration),
  });
  const preAllocated = scaleCount(control.tuple, config.preAllocatedVUs);
  const maxVus = scaleCount(control.tuple, config.maxVUs ?? config.preAllocatedVUs);
  let ownedVus = preAllocated;
  let borrowed = 0;
  let growing = false;
  let warnedInsufficient = false;
  const periodMs = config.timeUnit / config.rate;
  const running = new Set<Promise<void>>();
  const runOn = (vu: VirtualUser): void => {
    borrowed += 1;
    const task = scenario.iterate(vu).then(() => {
      borrowed -= 1;
      scenario.returnVu(vu);
    });
    const tracked = task.finally(() => running.delete(tracked));
    running.add(tracked);
  };
  for (let local = 1; scenario.canStartIteration(); local += 1) {
    const dueMs = (globalIndexOf(control.tuple, local) - 1) * periodMs;
    if (dueMs >= config.duration) break;
    const waitMs = dueMs - scenario.elapsedMs();
    if (waitMs > 0) await realTime.delay(waitMs, { until: scenario.regularEnd });
    if (!scenario.canStartIteration()) break;
    const vu = borrowed < ownedVus ? scenario.tryBorrowVu() : undefined;
    if (vu !== undefined) {
      runOn(vu);
      continue;
    }
    scenario.dropIterations(1);
    // Either the pool lent our share elsewhere, or all our VUs are busy:
    // initialize one more in the background (k6's "unplanned" VU) if allowed.
    const poolShort = borrowed < ownedVus;
    if ((poolShort || ownedVus < maxVus) && !growing) {
      growing = true;
      control.pool.grow().then(
        () => {
          if (!poolShort) ownedVus += 1;
          growing = false;
        },
        (error: unknown) => control.log.error(`could not initialize an unplanned VU: ${String(error)}`, { scenario: config.name }),
      );
    } else if (!poolShort && ownedVus >= maxVus && !warnedInsufficient) {
      warnedInsufficient = true;
      control.log.warn(`Insufficient VUs, reached ${maxVus} active VUs and cannot initialize more`, { executor: config.executor, scenario: config.name });
    }
  }
  await Promise.all(running);
  scenario.dispose();
}
