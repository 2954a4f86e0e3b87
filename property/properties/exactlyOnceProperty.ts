/**
 * docs/protocol.md invariant 7, per connection: the seqs a connection receives, replays
 * included, rise by exactly 1 from where it started or resumed — no gap, no duplicate,
 * no reordering — across drops, clean reconnects, failed sends, half-open sockets,
 * storms and restarts (a new epoch must be announced with resync_required).
 */
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { faultsInjected } from "../../sim/faults/faultsInjected.ts";
import { violationsFailure } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const exactlyOnceProperty = defineSimProperty({
  name: "exactly-once",
  guards: "docs/protocol.md invariant 7: per connection, seqs rise by exactly 1 from the start or resume point across drops, resumes, storms and restarts",
  invariants: [7],
  defaultRuns: 150,
  catches: ["duplicate-on-resume", "reorder-on-replay", "resume-before-first-event", "epoch-mismatch-wrong-stream"],
  exercisedShareMin: 0.3,
  arbitrary: simCaseArbitrary({
    name: "exactly-once",
    usersMax: 2,
    devicesMax: 2,
    runsPerUserMax: 3,
    scriptsMax: 2,
    faultsMax: 8,
    faultKinds: ["drop", "reconnect", "send_failure", "half_open", "storm", "restart"],
  }),
  judge: (run) => ({
    failure: violationsFailure(run.result, ["order_exactly_once"]),
    exercised: faultsInjected(run.result.totals.faults) > 0,
  }),
});
