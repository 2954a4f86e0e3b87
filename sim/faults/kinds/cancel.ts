/** `cancel`: the requesting device cancels a run; drawn per run when runs are scheduled (sim/scheduleRunRequests.ts). */
import { perMilleField, planOnlyFaultKind } from "../FaultKind.ts";

/** Cancelled runs. */
export const cancel = planOnlyFaultKind({
  name: "cancel",
  doc: "The requesting device cancels the run at a random moment; it must end with agent_completed status cancelled.",
  planFields: {
    cancelPerMille: perMilleField("Per run: the requesting device cancels it at a random moment.", { on: [0, 100], heavy: [0, 200] }),
  },
});
