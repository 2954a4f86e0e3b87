/** Invariant 3: at least one agent_thinking before the run's first tool_executing (judged on strict views only). */
import { NO_FINDINGS, type Finding } from "../ViolationSink.ts";
import { isStrict, runSubject, type RunCheckInput } from "./RunCheckInput.ts";

/** See the module comment. Read-only. */
export function checkThinkingBeforeTool(input: RunCheckInput): readonly Finding[] {
  const { run, event } = input;
  if (event.type !== "tool_executing" || run?.completed !== undefined) return NO_FINDINGS;
  if (run?.thinkingSeen === true || run?.toolExecutingSeen === true || !isStrict(input)) return NO_FINDINGS;
  return [
    {
      invariant: "thinking_before_tool",
      kind: "tool_before_thinking",
      runId: event.run_id,
      seqs: [event.seq],
      message: `${runSubject(input)}: the first tool_executing (${event.data.tool_name}, execution ${event.data.execution_id}) came at seq ${event.seq} (epoch ${event.epoch}) with no agent_thinking before it.`,
    },
  ];
}
