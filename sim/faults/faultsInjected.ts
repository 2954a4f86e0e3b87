/** How many connection or server faults a simulation injected (tool faults and cancels excluded). */
import { INJECTABLE_FAULT_NAMES } from "./faultKinds.ts";

/** Fault kinds that cut or disturb connections or the server: every kind that is not plan-only. */
const CONNECTION_FAULTS: ReadonlySet<string> = new Set(INJECTABLE_FAULT_NAMES);

/** Sums `faults` (SimulationResult.totals.faults) over the connection and server fault kinds; cancels are not counted. */
export function faultsInjected(faults: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const [kind, count] of Object.entries(faults)) if (CONNECTION_FAULTS.has(kind)) total += count;
  return total;
}
