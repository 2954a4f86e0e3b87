import { scaleCount, type ExecutionTuple } from "../options/executionSegment.ts";

/** From `atMs` after the scenario start, this instance should run `vus` VUs. */
export interface RampStep {
  atMs: number;
  vus: number;
}

/**
 * When ramping-vus changes its VU count. Globally, during a stage from `a` to
 * `b` VUs over `d`, VU number u (a < u <= b) starts when the straight line from
 * a to b reaches u; when ramping down, VU u (b < u <= a) stops when the line
 * drops below u, so the top VU goes first, after d/(a-b). A stage of 0 s jumps
 * at once. This instance's count at any moment is its share (execution
 * segment) of the global count, so segments together match the global ramp.
 * Steps are in time order; consecutive equal counts are merged.
 */
export function rampingSchedule(config: { startVUs: number; stages: readonly { duration: number; target: number }[] }, tuple: ExecutionTuple): RampStep[] {
  const globalSteps: { atMs: number; globalVus: number }[] = [{ atMs: 0, globalVus: config.startVUs }];
  let stageStartMs = 0;
  let from = config.startVUs;
  for (const stage of config.stages) {
    const to = stage.target;
    const stageEndMs = stageStartMs + stage.duration;
    if (stage.duration === 0 || to === from) {
      if (to !== from) globalSteps.push({ atMs: stageEndMs, globalVus: to });
    } else if (to > from) {
      for (let vu = from + 1; vu <= to; vu += 1) {
        globalSteps.push({ atMs: stageStartMs + (stage.duration * (vu - from)) / (to - from), globalVus: vu });
      }
    } else {
      for (let vu = from; vu > to; vu -= 1) {
        globalSteps.push({ atMs: stageStartMs + (stage.duration * (from - vu + 1)) / (from - to), globalVus: vu - 1 });
      }
    }
    from = to;
    stageStartMs = stageEndMs;
  }
  const steps: RampStep[] = [];
  for (const step of globalSteps) {
    const vus = scaleCount(tuple, step.globalVus);
    if (steps.length > 0 && steps[steps.length - 1]?.vus === vus) continue;
    steps.push({ atMs: step.atMs, vus });
  }
  return steps;
}
