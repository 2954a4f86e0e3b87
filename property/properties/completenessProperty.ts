/**
 * docs/protocol.md invariant 8, once faults heal: every event emitted for a user reaches each
 * of that user's devices (live, by lossless resume, or after an announced
 * resync_required), every run reaches agent_completed, and every device catches up with
 * the server's stream head within the scenario's settle budget.
 */
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { faultsInjected } from "../../sim/faults/faultsInjected.ts";
import { describeViolations, joinFailures, violationsOf } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const completenessProperty = defineSimProperty({
  name: "completeness",
  guards: "docs/protocol.md invariant 8: after faults heal every event reaches every device of its user, every run completes and every device catches up",
  invariants: [8],
  defaultRuns: 150,
  catches: ["resume-before-first-event", "lost-tool-completed-on-drop"],
  exercisedShareMin: 0.3,
  arbitrary: simCaseArbitrary({ name: "completeness", usersMax: 3, devicesMax: 2, runsPerUserMax: 3, scriptsMax: 2, faultsMax: 8 }),
  judge: (run) => {
    const runsNotCompleted = violationsOf(run.result, ["run_completed_last"]).filter((violation) => violation.kind === "run_not_completed");
    return {
      failure: joinFailures([
        describeViolations(violationsOf(run.result, ["completeness"]), "completeness"),
        describeViolations(runsNotCompleted, "run completion after faults heal"),
        run.result.livenessReason === null ? undefined : `liveness: ${run.result.livenessReason}`,
      ]),
      exercised: faultsInjected(run.result.totals.faults) > 0,
    };
  },
});
