/**
 * The broker's own faults, drawn per fault tick from their own stream ("cluster/faults")
 * during the fault phase, so they never shift the connection faults' draws. Order of
 * draws per tick (part of the trace's contract): failover, instance crash, partition,
 * feed delay, feed reorder; each that fires draws its instance among the healthy ones
 * (up and reaching the broker: a crash of a cut-off instance would lose appends it holds,
 * which no client could learn of; a real instance has the same blind spot).
 */
import type { SimRandom } from "../../core/createRandom.ts";
import type { VirtualTime } from "../../core/createVirtualTime.ts";
import type { BrokerFaultPlan } from "../clusterSchema.ts";
import type { SimCluster } from "../createSimCluster.ts";
import type { BrokerFaultKind } from "./brokerFaultKinds.ts";

/** Options of {@link startBrokerFaults}. */
export interface BrokerFaultOptions {
  plan: BrokerFaultPlan;
  cluster: SimCluster;
  random: SimRandom;
  time: VirtualTime;
  /** Draw interval, ms (the scenario's fault tick). */
  tickMs: number;
  faultPhaseMs: number;
  elapsedMs: () => number;
  trace: (line: Record<string, unknown>) => void;
  mark: (userId: string, what: string) => void;
  countFault: (kind: string) => void;
}

/** Schedules the first tick (nothing when every per-mille is 0). */
export function startBrokerFaults(options: BrokerFaultOptions): void {
  const { plan } = options;
  const perMilles = [plan.failoverPerMille, plan.instanceCrashPerMille, plan.partitionPerMille, plan.feedDelayPerMille, plan.feedReorderPerMille];
  if (options.faultPhaseMs === 0 || perMilles.every((perMille) => perMille === 0)) return;
  const tick = () => {
    if (options.elapsedMs() >= options.faultPhaseMs) return;
    injectTick(options);
    options.time.after(options.tickMs, tick);
  };
  options.time.after(options.tickMs, tick);
}

function injectTick(options: BrokerFaultOptions): void {
  const { plan, cluster, random } = options;
  if (random.chance(plan.failoverPerMille, 1000)) failover(options);
  if (random.chance(plan.instanceCrashPerMille, 1000)) {
    const slot = pickHealthy(options);
    if (slot !== null) {
      fault(options, "instance_crash", { instance: cluster.instanceIdOf(slot), downtimeMs: plan.instanceDowntimeMs });
      cluster.crash(slot, plan.instanceDowntimeMs);
    }
  }
  if (random.chance(plan.partitionPerMille, 1000)) {
    const slot = pickHealthy(options);
    if (slot !== null) {
      fault(options, "partition", { instance: cluster.instanceIdOf(slot), ms: plan.partitionMs });
      cluster.partition(slot, plan.partitionMs);
    }
  }
  for (const kind of ["delay", "reorder"] as const) {
    if (!random.chance(kind === "delay" ? plan.feedDelayPerMille : plan.feedReorderPerMille, 1000)) continue;
    const slot = pickHealthy(options);
    if (slot === null) continue;
    fault(options, `feed_${kind}`, { instance: cluster.instanceIdOf(slot), lagMs: plan.feedLagMs, ms: plan.feedSpellMs });
    cluster.disturbFeed(slot, { kind, lagMs: plan.feedLagMs, durationMs: plan.feedSpellMs });
  }
}

function failover(options: BrokerFaultOptions): void {
  const { plan } = options;
  const lost = options.cluster.failover(plan.replicationLagMs, plan.failoverDowntimeMs);
  fault(options, "failover", { replicationLagMs: plan.replicationLagMs, downtimeMs: plan.failoverDowntimeMs, historyLost: lost });
  for (const userId of lost) options.mark(userId, "broker failover lost unreplicated appends (new epoch)");
}

/** A healthy slot drawn from the fault stream, or null (no draw) when none is. */
function pickHealthy(options: BrokerFaultOptions): number | null {
  const healthy = options.cluster.healthySlots();
  return healthy.length === 0 ? null : options.random.pick(healthy);
}

function fault(options: BrokerFaultOptions, kind: BrokerFaultKind, fields: Record<string, unknown>): void {
  options.countFault(kind);
  options.trace({ kind: "fault", fault: kind, ...fields });
}
