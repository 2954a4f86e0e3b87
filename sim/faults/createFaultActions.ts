/**
 * The faults themselves (drop, half-open, reconnect, send failure, slow socket,
 * reconnect storm, server restart), each counted, traced and marked on the timeline.
 * Shared by the per-tick injector and the scheduled-fault applier.
 */
import type { SimDevice } from "../createSimDevice.ts";
import type { FaultInjectorOptions } from "./FaultInjectorOptions.ts";

/** The per-connection and whole-system faults; `restarts` counts server restarts so far. */
export interface FaultActions {
  drop(device: SimDevice, connectionId: string): void;
  halfOpen(device: SimDevice, connectionId: string): void;
  /** The client keeps its socket and reads on, but stops answering pings (scheduled faults only: the seeded injector never draws it). */
  stopPongs(device: SimDevice, connectionId: string): void;
  /** Draws the reconnect delay from the fault stream. */
  reconnect(device: SimDevice): void;
  sendFailure(device: SimDevice, connectionId: string): void;
  slowDown(device: SimDevice, connectionId: string): void;
  /** Draws one reconnect delay per connected device, in device order. */
  storm(): void;
  restart(): void;
  restarts(): number;
}

/** Binds the fault actions to one simulation. */
export function createFaultActions(options: FaultInjectorOptions): FaultActions {
  const { faultPlan, network, random, trace, mark } = options;
  let restarts = 0;
  const fault = (kind: string, device: SimDevice, extra: Record<string, unknown> = {}) => {
    options.countFault(kind);
    trace({ kind: "fault", fault: kind, conn: device.connectionId, ...extra });
    mark(device.userId, `${kind.replaceAll("_", " ")} on ${device.connectionId ?? device.deviceId}`);
  };
  return {
    drop: (device, connectionId) => {
      fault("drop", device);
      network.drop(connectionId);
    },
    halfOpen: (device, connectionId) => {
      fault("half_open", device);
      network.halfOpen(connectionId);
    },
    stopPongs: (device, connectionId) => {
      fault("stop_pongs", device);
      network.stopPongs(connectionId);
    },
    reconnect: (device) => {
      fault("reconnect", device);
      device.reconnect(random.integer(faultPlan.reconnectDelayMsMin, faultPlan.reconnectDelayMsMax));
    },
    sendFailure: (device, connectionId) => {
      fault("send_failure", device);
      network.failSends(connectionId, 1);
    },
    slowDown: (device, connectionId) => {
      fault("slow_socket", device, { bytesPerMs: faultPlan.slowBandwidthBytesPerMs, ms: faultPlan.slowSocketMs });
      network.setBandwidth(connectionId, faultPlan.slowBandwidthBytesPerMs);
      options.time.after(faultPlan.slowSocketMs, () => network.setBandwidth(connectionId, options.scenario.network.bandwidthBytesPerMs));
    },
    storm: () => storm(options),
    restart: () => {
      restarts += 1;
      restart(options);
    },
    restarts: () => restarts,
  };
}

function storm(options: FaultInjectorOptions): void {
  options.countFault("storm");
  options.trace({ kind: "fault", fault: "storm" });
  for (const device of options.devices) {
    if (device.connectionId === null) continue;
    options.mark(device.userId, `reconnect storm hits ${device.connectionId}`);
    device.reconnect(options.random.integer(0, options.faultPlan.stormWindowMs));
  }
}

function restart(options: FaultInjectorOptions): void {
  options.countFault("restart");
  const downtimeMs = options.faultPlan.restartDowntimeMs;
  const old = options.replaceServer(downtimeMs);
  options.trace({ kind: "fault", fault: "restart", downtimeMs });
  for (let userIndex = 0; userIndex < options.scenario.users; userIndex += 1) options.mark(`u${userIndex + 1}`, "server restart (new epoch)");
  old.shutdown("restart");
}
