/**
 * `foreign_cancel`: a device of another user sends a `cancel` naming a run that is not its
 * user's (a guessed or leaked run id). The server must refuse it exactly as it refuses an
 * unknown run, and the run goes on: a cancel that ends another user's run is a cross-user
 * breach. Drawn per run when runs are scheduled (sim/scheduleRunRequests.ts), from a stream
 * of its own that draws only while the rate is above 0, so other seeds' traces stay as they
 * were; judged by the cancel judge (sim/settle/createCancelJudge.ts, one instance).
 */
import { perMilleField, planOnlyFaultKind } from "../FaultKind.ts";

/** Cancels of another user's run. */
export const foreignCancel = planOnlyFaultKind({
  name: "foreign_cancel",
  doc: "A device of another user cancels the run by its id; the server must refuse it (as for an unknown run) and the run goes on.",
  planFields: {
    foreignCancelPerMille: perMilleField("Per run, with two users or more: a device of another user sends a cancel of it 50..3000 ms after its start_agent."),
  },
});
