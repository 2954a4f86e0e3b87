import type { SimRandom } from "../core/createRandom.ts";
import type { SimNetwork } from "../core/createSimNetwork.ts";
import type { VirtualTime } from "../core/createVirtualTime.ts";
import type { SimDevice } from "../createSimDevice.ts";
import type { BrokerFaultControls } from "../cluster/BrokerFaultControls.ts";
import type { ManagerLimits } from "../../server/manager/managerLimits.ts";
import type { Scenario } from "../scenario/scenarioSchema.ts";
import type { FaultPlan } from "./FaultPlan.ts";

/** What the fault injector needs from the simulation; it owns none of it but the restart count. */
export interface FaultInjectorOptions {
  scenario: Scenario;
  /** The scenario's manager limits, resolved (what a misbehaving client's fault must exceed). */
  managerLimits: Readonly<ManagerLimits>;
  faultPlan: FaultPlan;
  /** The simulation's "faults" stream: every fault draw comes from here, in a fixed order. */
  random: SimRandom;
  time: VirtualTime;
  network: SimNetwork;
  /** Every device, in creation order (the order per-tick draws visit them). */
  devices: readonly SimDevice[];
  /** Devices by id (`u1-d1`), for scheduled faults that name one. */
  devicesById: ReadonlyMap<string, SimDevice>;
  /** Virtual ms since the simulation started. */
  elapsedMs: () => number;
  trace: (line: Record<string, unknown>) => void;
  /** Adds a notable moment to a user's timeline. */
  mark: (userId: string, what: string) => void;
  countFault: (kind: string) => void;
  /**
   * Takes the server down for `downtimeMs` and swaps in a new manager (a new epoch);
   * returns the old one, which the injector shuts down after tracing the restart.
   */
  replaceServer: (downtimeMs: number) => { shutdown(reason?: string): void };
  /** Several instances: the broker faults' controls (sim/cluster/); absent with one instance. */
  cluster?: BrokerFaultControls;
}
