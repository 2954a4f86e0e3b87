/** `partition`: with several instances, one cannot reach the broker for a spell; its clients are told to resume later. */
import { pickHealthySlot } from "../../cluster/faults/pickHealthySlot.ts";
import { perMilleField, systemFaultKind } from "../FaultKind.ts";

/** One instance cut from the broker for `partitionMs`. */
export const partition = systemFaultKind({
  name: "partition",
  doc: "Several instances: one instance cannot reach the broker for `partitionMs`: its users' connections close with 1013 (resume later), it refuses new ones, its appends wait and go out in order when it heals.",
  planFields: {
    partitionPerMille: perMilleField("Per tick, with several instances: one instance loses the broker for `partitionMs`."),
    partitionMs: { doc: "How long a partition lasts, ms; at most half the scenario's `cluster.leaseMs` (a partitioned owner keeps its lease).", default: 800, min: 0, max: 600_000 },
  },
  act: (context) => {
    const slot = pickHealthySlot(context, "partition");
    if (slot === null || context.cluster === undefined) return;
    context.count();
    context.trace({ kind: "fault", fault: "partition", instance: context.cluster.instanceIdOf(slot), ms: context.plan.partitionMs });
    context.cluster.partition(slot, context.plan.partitionMs);
  },
  tick: { rateField: "partitionPerMille", order: 42 },
});
