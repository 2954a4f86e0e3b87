/**
 * The multi-instance part of a scenario (issue 15 §4): how the shared simulated broker
 * feeds each instance, the run lease, and the broker's own faults. Plain option structs
 * (TigerBeetle style): one documented field per fault, per-mille integers, units last.
 * Validated with the rest of the scenario by scenarioSchema.ts.
 */
import { z } from "zod";

const count = (min: number, max: number) =>
  z.number().int("must be an integer").min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);
const ms = (max: number) => count(0, max);
const perMille = count(0, 1000);

/** Most instances a scenario may run. */
export const INSTANCES_MAX = 16;

/**
 * Broker faults, drawn per fault tick (the scenario's `faults.tickMs`) from their own
 * stream during the fault phase. Every spell is bounded so that the run can heal.
 */
export const brokerFaultPlanSchema = z.strictObject({
  /** Per tick: one instance's feed lags by `feedLagMs` more (order kept) for `feedSpellMs`. */
  feedDelayPerMille: perMille.default(0),
  /** Per tick: one instance's feed messages each take 0..`feedLagMs` more, so they arrive out of order, for `feedSpellMs`. */
  feedReorderPerMille: perMille.default(0),
  /** Extra feed latency of a delay or reorder spell, ms. */
  feedLagMs: ms(60_000).default(200),
  /** How long a delay or reorder spell lasts, ms. */
  feedSpellMs: ms(600_000).default(2_000),
  /** Per tick: one instance loses the broker for `partitionMs` (its feeds are lost, its appends wait). */
  partitionPerMille: perMille.default(0),
  /** How long a partition lasts, ms; at most half the lease, so a partitioned owner keeps its lease. */
  partitionMs: ms(600_000).default(800),
  /** Per tick: one instance crashes (sockets drop, runs orphaned) and a new one takes its place after `instanceDowntimeMs`. */
  instanceCrashPerMille: perMille.default(0),
  /** How long a crashed instance's slot stays empty, ms. */
  instanceDowntimeMs: ms(600_000).default(500),
  /** Per tick: the broker fails over to a replica that lacks the last `replicationLagMs` of appends (a stream that lost any gets a new epoch). */
  failoverPerMille: perMille.default(0),
  /** Appends younger than this at a failover were not replicated and are lost, ms. */
  replicationLagMs: ms(60_000).default(50),
  /** How long every instance is cut from the broker during a failover, ms. */
  failoverDowntimeMs: ms(600_000).default(200),
});

/** A broker fault plan. */
export type BrokerFaultPlan = z.output<typeof brokerFaultPlanSchema>;

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
    faults: brokerFaultPlanSchema.default(brokerFaultPlanSchema.parse({})),
  })
  .superRefine((cluster, context) => {
    if (cluster.feedDelayMsMin > cluster.feedDelayMsMax) context.addIssue({ code: "custom", path: ["feedDelayMsMin"], message: "must be <= feedDelayMsMax" });
    if (cluster.faults.partitionMs * 2 > cluster.leaseMs) {
      context.addIssue({ code: "custom", path: ["faults", "partitionMs"], message: `must be <= leaseMs / 2 (${Math.floor(cluster.leaseMs / 2)}): a longer partition lets survivors end runs whose owner lives` });
    }
  });

/** Validated cluster settings. */
export type ClusterSettings = z.output<typeof clusterSchema>;

/** The settings of a scenario that names none. */
export const CLUSTER_DEFAULTS: Readonly<ClusterSettings> = Object.freeze(clusterSchema.parse({}));
