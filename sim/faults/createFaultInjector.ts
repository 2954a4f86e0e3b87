/**
 * Faults for one simulation: drawn per tick from the fault stream during the fault
 * phase, or replayed from the scenario's explicit `faultSchedule`. The order of draws
 * is part of the trace's contract: restart, storm, then per connected device drop,
 * half-open, reconnect (and its delay), send failure, slow socket.
 */
import type { SimDevice } from "../createSimDevice.ts";
import type { ScheduledFault } from "../scenario/scenarioSchema.ts";
import { createFaultActions, type FaultActions } from "./createFaultActions.ts";
import type { FaultInjectorOptions } from "./FaultInjectorOptions.ts";

/** A bound fault injector: `start` schedules it; `restarts` counts server restarts so far. */
export interface FaultInjector {
  /** Schedules the fault schedule, or the first tick when the scenario has a fault phase. */
  start(): void;
  restarts(): number;
}

/** Binds the injector to one simulation; nothing is scheduled until `start`. */
export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  const actions = createFaultActions(options);
  const { scenario, faultPlan, time } = options;
  const injectFaults = () => {
    if (options.elapsedMs() >= scenario.faultPhaseMs) return;
    injectTick(options, actions);
    time.after(faultPlan.tickMs, injectFaults);
  };
  return {
    start: () => {
      if (scenario.faultSchedule !== undefined) {
        for (const entry of scenario.faultSchedule) time.after(entry.atMs, () => applyScheduledFault(entry, options, actions));
      } else if (scenario.faultPhaseMs > 0) {
        time.after(faultPlan.tickMs, injectFaults);
      }
    },
    restarts: actions.restarts,
  };
}

function injectTick(options: FaultInjectorOptions, actions: FaultActions): void {
  const { random, faultPlan } = options;
  if (random.chance(faultPlan.restartPerMille, 1000)) actions.restart();
  if (random.chance(faultPlan.stormPerMille, 1000)) actions.storm();
  for (const device of options.devices) {
    const connectionId = device.connectionId;
    if (connectionId === null) continue;
    injectConnectionFaults(device, connectionId, options, actions);
  }
}

/** At most one of drop, half-open, reconnect; send failure and slow socket may join a miss or each other. */
function injectConnectionFaults(device: SimDevice, connectionId: string, options: FaultInjectorOptions, actions: FaultActions): void {
  const { random, faultPlan } = options;
  if (random.chance(faultPlan.dropPerMille, 1000)) return actions.drop(device, connectionId);
  if (random.chance(faultPlan.halfOpenPerMille, 1000)) return actions.halfOpen(device, connectionId);
  if (random.chance(faultPlan.reconnectPerMille, 1000)) return actions.reconnect(device);
  if (random.chance(faultPlan.sendFailurePerMille, 1000)) actions.sendFailure(device, connectionId);
  if (random.chance(faultPlan.slowSocketPerMille, 1000)) actions.slowDown(device, connectionId);
}

function applyScheduledFault(entry: ScheduledFault, options: FaultInjectorOptions, actions: FaultActions): void {
  if (entry.fault === "restart") return actions.restart();
  if (entry.fault === "storm") return actions.storm();
  const [userIndex, deviceIndex] = (entry.device ?? "0.0").split(".").map(Number) as [number, number];
  const device = options.devicesById.get(`u${userIndex + 1}-d${deviceIndex + 1}`);
  const connectionId = device?.connectionId;
  if (device === undefined || connectionId === null || connectionId === undefined) {
    options.trace({ kind: "fault_skipped", fault: entry.fault, device: entry.device ?? "0.0", why: "no open connection" });
    return;
  }
  switch (entry.fault) {
    case "drop":
      return actions.drop(device, connectionId);
    case "half_open":
      return actions.halfOpen(device, connectionId);
    case "stop_pongs":
      return actions.stopPongs(device, connectionId);
    case "reconnect":
      return actions.reconnect(device);
    case "send_failure":
      return actions.sendFailure(device, connectionId);
    case "slow_socket":
      return actions.slowDown(device, connectionId);
  }
}
