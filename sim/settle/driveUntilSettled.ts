import type { VirtualTime } from "../core/createVirtualTime.ts";

/** Bound on virtual-time steps per simulation: a runaway loop is a crash, not a hang. */
export const SIM_STEPS_MAX = 20_000_000;

/** How often, in virtual ms, the liveness probe runs once faults have healed. */
const settleProbeIntervalMs = 100;

/** Options of {@link driveUntilSettled}. */
export interface DriveUntilSettledOptions {
  /** Absolute virtual ms after which the run stops, settled or not. */
  deadlineMs: number;
  /** The probe runs only once `elapsedMs()` reaches this (faults have healed). */
  faultPhaseMs: number;
  elapsedMs: () => number;
  isSettled: () => boolean;
}

/** How the drive ended: `crash` is the thrown error with its stack, when the system under test threw. */
export interface DriveOutcome {
  crash: string | null;
  settled: boolean;
}

/**
 * Steps virtual time through the fault phase and then until settled or past the
 * deadline; never throws (a throw is a `crash`).
 */
export function driveUntilSettled(time: VirtualTime, options: DriveUntilSettledOptions): DriveOutcome {
  let settled = false;
  try {
    settled = stepUntilSettled(time, options) || options.isSettled();
  } catch (error) {
    return { crash: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error), settled };
  }
  return { crash: null, settled };
}

/** True when a probe saw the system settled; false when time ran out or the queue emptied. */
function stepUntilSettled(time: VirtualTime, options: DriveUntilSettledOptions): boolean {
  let steps = 0;
  let nextProbeMs = time.nowMs() + settleProbeIntervalMs;
  while (time.nowMs() <= options.deadlineMs) {
    if (!time.runNext()) break;
    steps += 1;
    if (steps > SIM_STEPS_MAX) throw new Error(`simulation exceeded ${SIM_STEPS_MAX} steps`);
    if (time.nowMs() < nextProbeMs) continue;
    nextProbeMs = time.nowMs() + settleProbeIntervalMs;
    if (options.elapsedMs() >= options.faultPhaseMs && options.isSettled()) return true;
  }
  return false;
}
