/**
 * The multi-instance part of a scenario (issue 15 §4): how the shared simulated broker
 * feeds each instance, and the run lease. The broker's own faults are fault kinds like any
 * other (sim/faults/kinds/: failover, instance_crash, partition, feed_delay, feed_reorder),
 * set in the scenario's `faults`. Validated with the rest of the scenario by scenarioSchema.ts.
 */
import { z } from "zod";

const count = (min: number, max: number) =>
  z.number().int("must be an integer").min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);
const ms = (max: number) => count(0, max);

/** Most instances a scenario may run. */
export const INSTANCES_MAX = 16;

/** The cluster settings; used only with `instances` >= 2. */
export const clusterSchema = z
  .strictObject({
    /** One-way delay of the broker's feed and of a round trip's each leg, drawn per message from [min, max], ms. */
    feedDelayMsMin: ms(10_000).default(1),
    feedDelayMsMax: ms(10_000).default(5),
    /** An instance's lease over its runs, ms: a dead instance's runs are ended by a survivor within 1.5 × this. */
    leaseMs: count(30, 600_000).default(3_000),
    /** Appends an instance holds while it cannot reach the broker; one more is refused (a broker_error). */
    appendsPendingMax: count(1, 1_000_000).default(10_000),
  })
  .superRefine((cluster, context) => {
    if (cluster.feedDelayMsMin > cluster.feedDelayMsMax) context.addIssue({ code: "custom", path: ["feedDelayMsMin"], message: "must be <= feedDelayMsMax" });
  });

/** Validated cluster settings. */
export type ClusterSettings = z.output<typeof clusterSchema>;

/** The settings of a scenario that names none. */
export const CLUSTER_DEFAULTS: Readonly<ClusterSettings> = Object.freeze(clusterSchema.parse({}));
