/** How many connection or server faults a simulation injected (tool faults and cancels excluded). */
import { BROKER_FAULT_KINDS } from "../cluster/faults/brokerFaultKinds.ts";
import { SCHEDULED_FAULT_KINDS } from "../scenario/scenarioSchema.ts";

/** Fault kinds that cut or disturb connections or the server: the scheduled ones, the only kinds a network fault plan holds, and the broker's (several instances). */
const CONNECTION_FAULTS: ReadonlySet<string> = new Set([...SCHEDULED_FAULT_KINDS, ...BROKER_FAULT_KINDS]);

/** Sums `faults` (SimulationResult.totals.faults) over the connection and server fault kinds; cancels are not counted. */
export function faultsInjected(faults: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const [kind, count] of Object.entries(faults)) if (CONNECTION_FAULTS.has(kind)) total += count;
  return total;
}
