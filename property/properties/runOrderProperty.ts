/**
 * docs/protocol.md invariants 1-3, per run: `agent_started` first and once, `agent_completed`
 * last and once (after `error_event` when it failed), and an `agent_thinking` before the
 * first `tool_executing`, on every device, whatever the scripts (tool failures, timeouts,
 * cancels) and whatever the faults (drops, resumes, storms, restarts, slow sockets).
 */
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { violationsFailure } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const runOrderProperty = defineSimProperty({
  name: "run-order",
  guards: "docs/protocol.md invariants 1-3: per run, agent_started first, agent_completed last (error_event before a failure), thinking before the first tool",
  invariants: [1, 2, 3],
  defaultRuns: 100,
  catches: ["event-after-completed", "late-agent-started", "tool-before-thinking"],
  arbitrary: simCaseArbitrary({ name: "run-order", usersMax: 3, devicesMax: 2, runsPerUserMax: 3, scriptsMax: 3 }),
  judge: (run) => ({
    failure: violationsFailure(run.result, ["run_started_first", "run_completed_last", "thinking_before_tool"]),
    exercised: run.result.totals.runsStarted > 0,
  }),
});
