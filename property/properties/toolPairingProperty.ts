/**
 * docs/protocol.md invariant 4: every `tool_executing` is followed by exactly one
 * `tool_completed` with its `execution_id` and `tool_name` before `agent_completed`, and
 * none comes unpaired — with tools that fail, time out or are abandoned by a cancel,
 * across drops and resumes.
 */
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { violationsFailure } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const toolPairingProperty = defineSimProperty({
  name: "tool-pairing",
  guards: "docs/protocol.md invariant 4: each tool_executing gets exactly one matching tool_completed before agent_completed, through tool failures, timeouts, cancels and faults",
  invariants: [4],
  defaultRuns: 100,
  catches: ["retry-reuses-wrong-execution-id"],
  exercisedShareMin: 0.5,
  arbitrary: simCaseArbitrary({ name: "tool-pairing", usersMax: 2, devicesMax: 2, runsPerUserMax: 3, scriptsMax: 3, script: { stepsMax: 6 } }),
  judge: (run) => ({
    failure: violationsFailure(run.result, ["tool_pairing"]),
    exercised: (run.result.verdict?.counts.eventsByType.tool_executing ?? 0) > 0,
  }),
});
