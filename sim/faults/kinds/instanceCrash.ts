/** `instance_crash`: with several instances, one dies; a survivor must end its runs within the lease. */
import { pickHealthySlot } from "../../cluster/faults/pickHealthySlot.ts";
import { perMilleField, systemFaultKind } from "../FaultKind.ts";

/** One instance's crash and, after `instanceDowntimeMs`, a new instance in its place. */
export const instanceCrash = systemFaultKind({
  name: "instance_crash",
  doc: "Several instances: one instance dies (its sockets drop, its runtime and lease stop, its held appends are lost); a new instance takes its place after `instanceDowntimeMs`, and a survivor ends its runs within 1.5 leases.",
  planFields: {
    instanceCrashPerMille: perMilleField("Per tick, with several instances: one instance (up and reaching the broker) crashes."),
    instanceDowntimeMs: { doc: "How long a crashed instance's place stays empty, ms.", default: 500, min: 0, max: 600_000 },
  },
  act: (context) => {
    const slot = pickHealthySlot(context, "instance_crash");
    if (slot === null || context.cluster === undefined) return;
    context.count();
    context.trace({ kind: "fault", fault: "instance_crash", instance: context.cluster.instanceIdOf(slot), downtimeMs: context.plan.instanceDowntimeMs });
    context.cluster.crash(slot, context.plan.instanceDowntimeMs);
  },
  tick: { rateField: "instanceCrashPerMille", order: 41 },
});
