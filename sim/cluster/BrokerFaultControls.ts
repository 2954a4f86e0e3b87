import type { FeedSpell } from "./createSimBrokerView.ts";

/**
 * What a broker fault (sim/faults/kinds/: failover, instance_crash, partition, feed_delay,
 * feed_reorder) may do to several instances on the simulated broker; createSimCluster.ts
 * implements it. Slots are instance positions 0..instances-1; a crashed slot is refilled.
 */
export interface BrokerFaultControls {
  /** Slots whose instance is up and reaches the broker, ascending. */
  healthySlots(): number[];
  /** The id of the instance now in `slot` (`i2.1`), null while it is down. */
  instanceIdOf(slot: number): string | null;
  /** The instance in `slot` dies: its sockets drop, its runtime and lease stop, its view is dead; a new one comes after `downtimeMs`. */
  crash(slot: number, downtimeMs: number): void;
  /** The instance in `slot` cannot reach the broker for `durationMs`. */
  partition(slot: number, durationMs: number): void;
  /** The instance in `slot`'s feed is delayed or reordered for `spell.durationMs`. */
  disturbFeed(slot: number, spell: Omit<FeedSpell, "untilMs"> & { durationMs: number }): void;
  /** A broker failover: streams that lost unreplicated appends get a new epoch; every instance is cut for `downtimeMs`. Returns those users. */
  failover(replicationLagMs: number, downtimeMs: number): string[];
}
