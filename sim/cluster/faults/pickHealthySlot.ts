/**
 * The instance a broker fault hits: drawn from the fault stream among the instances that
 * are up and reach the broker (a crash of a cut-off instance would lose appends it holds,
 * which no client could learn of; the real server has the same blind spot). With one
 * instance, or none healthy, the fault is skipped with a `fault_skipped` trace line and
 * nothing is drawn.
 */
import type { FaultContext } from "../../faults/FaultKind.ts";

/** A healthy instance's slot, or null (traced) when the fault cannot apply. */
export function pickHealthySlot(context: Pick<FaultContext<unknown>, "cluster" | "random" | "trace">, fault: string): number | null {
  const cluster = context.cluster;
  if (cluster === undefined) {
    context.trace({ kind: "fault_skipped", fault, why: "one instance: no shared broker" });
    return null;
  }
  const healthy = cluster.healthySlots();
  if (healthy.length === 0) {
    context.trace({ kind: "fault_skipped", fault, why: "no instance is up and reaching the broker" });
    return null;
  }
  return context.random.pick(healthy);
}
