import type { ConnectionManager } from "../../server/manager/createConnectionManager.ts";
import type { SimDevice } from "../createSimDevice.ts";
import type { SimServerChoice } from "../createSimHost.ts";
import type { BrokerFaultControls } from "./BrokerFaultControls.ts";

/**
 * The server side of one simulation, as runSimulation drives it: one instance with the
 * in-process broker (the default, unchanged), or N instances on the shared simulated
 * broker (createClusterServerSide.ts).
 */
export interface SimServerSide {
  /** Where a device's connect lands now; null when that instance is down (refused). */
  serverFor(device: SimDevice): SimServerChoice | null;
  /** The `restart` fault: every gateway replaced at once; returns the old managers (the caller shuts them down). */
  replaceServer(): ConnectionManager[];
  /** The true newest (epoch, seq) of a user's stream, for the liveness probe. */
  streamHead(userId: string): { epoch: string; lastSeq: number } | undefined;
  /** Every manager created so far, in order. */
  readonly managers: readonly ConnectionManager[];
  runtimeStats(): { runsStarted: number; runsCompleted: number; claimsAbandoned: number };
  /** Stops every runtime (the end of the run). */
  stop(): void;
  /**
   * The liveness phase is over (every run ended, or out of time). Several instances stop
   * their lease keepers here: no instance dies from now on, so their sweeps can find
   * nothing, and their timers would be most of the quiescence phase's work.
   */
  settled(): void;
  /** Several instances: what the broker fault kinds act through; undefined with one instance. */
  readonly brokerControls: BrokerFaultControls | undefined;
}
