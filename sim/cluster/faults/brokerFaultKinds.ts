/**
 * The broker's fault kinds (sim/cluster/faults/startBrokerFaults.ts), as they are
 * counted in SimulationResult.totals.faults and traced (`{"kind":"fault","fault":…}`).
 */
export const BROKER_FAULT_KINDS = ["failover", "instance_crash", "partition", "feed_delay", "feed_reorder"] as const;

/** One broker fault kind. */
export type BrokerFaultKind = (typeof BROKER_FAULT_KINDS)[number];
