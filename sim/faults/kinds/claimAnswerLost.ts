/**
 * `claim_answer_lost` (several instances): the answer to a request claim is lost on its way
 * back from the broker, after the broker made the claim; the runtime hears `held`, as the
 * Redis adapter answers a round trip that failed (server/adapters/createRedisRequestClaims.ts).
 * The runtime must ask again (the same attempt, so its own claim is `won` again) and start
 * the run once; a runtime that gives a `held` claim up at once leaves the start never started.
 * Drawn per claim round trip where claims are made (sim/cluster/createSimCluster.ts), from a
 * stream of its own that draws only while the rate is above 0: other seeds' traces stay as
 * they were.
 */
import { perMilleField, planOnlyFaultKind } from "../FaultKind.ts";

/** Lost claim answers. */
export const claimAnswerLost = planOnlyFaultKind({
  name: "claim_answer_lost",
  doc: "Several instances: the broker's answer to a request claim is lost on the way back (the claim was made); the runtime hears held and must ask again, starting the run once.",
  planFields: {
    claimAnswerLostPerMille: perMilleField("Per request claim round trip, with several instances: the answer is lost and the runtime hears held."),
  },
});
