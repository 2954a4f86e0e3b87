/**
 * The quiescence phase, after liveness: with every client still connected, virtual time
 * runs past every timer the system left armed, so a timer that fires after its run
 * (a run deadline, a heartbeat, a stream eviction) acts while the checker still watches.
 * Cost follows the timers, not the time: virtual time jumps from one timer to the next.
 */
import type { VirtualTime } from "../core/createVirtualTime.ts";
import { SIM_STEPS_MAX } from "./driveUntilSettled.ts";

/** Options of {@link driveQuiescence}. */
export interface QuiescenceOptions {
  /** The longest duration limit configured for the manager and the runtime, ms: no timer they arm can be due later than this from now. */
  longestLimitMs: number;
  /** Time past the latest armed timer, ms, for what it sets off to cross the network and settle. */
  marginMs: number;
}

/** What the phase did: data for the summary and the report. */
export interface QuiescenceOutcome {
  /** The error thrown by the system under test during the phase, with its stack. */
  crash: string | null;
  /** Virtual ms the phase advanced. */
  advancedMs: number;
  /** Timers run. */
  steps: number;
  /** Live timers when it ended (due past its horizon), counted by name: a repeating heartbeat is expected, anything else is a finding to read. */
  timersArmed: Record<string, number>;
}

/**
 * Runs virtual time to min(latest armed timer, now + longestLimitMs) + marginMs. A timer
 * armed during the phase and due past that horizon is left, and reported by name.
 */
export function driveQuiescence(time: VirtualTime, options: QuiescenceOptions): QuiescenceOutcome {
  const startMs = time.nowMs();
  const latestDueMs = Math.max(startMs, time.latestDueMs() ?? startMs);
  const horizonMs = Math.min(latestDueMs, startMs + options.longestLimitMs) + options.marginMs;
  let crash: string | null = null;
  let steps = 0;
  try {
    const result = time.runUntil(horizonMs, { maxSteps: SIM_STEPS_MAX });
    steps = result.steps;
    if (result.stoppedBy === "maxSteps") crash = `quiescence: ${SIM_STEPS_MAX} timers ran before the horizon (a timer loop that never goes quiet)`;
  } catch (error) {
    crash = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  }
  const timersArmed: Record<string, number> = {};
  for (const timer of time.armedTimers()) timersArmed[timer.name] = (timersArmed[timer.name] ?? 0) + 1;
  return { crash, advancedMs: time.nowMs() - startMs, steps, timersArmed };
}
