/** How many connection or server faults a simulation injected (tool faults and cancels excluded). */

/** Fault kinds that cut or disturb connections (what resumes and replays are about). */
const CONNECTION_FAULTS = new Set(["drop", "half_open", "reconnect", "send_failure", "slow_socket", "storm", "restart", "stop_pongs"]);

/** Sums `faults` (SimulationResult.totals.faults) over the connection and server fault kinds. */
export function faultsInjected(faults: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const [kind, count] of Object.entries(faults)) if (CONNECTION_FAULTS.has(kind)) total += count;
  return total;
}
