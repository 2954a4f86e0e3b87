/**
 * Invariant 4: every tool_executing is followed by exactly one tool_completed with the
 * same execution_id and tool_name, before agent_completed. A reused execution_id, a
 * second completion and a tool_name that differs are provable on any view; an
 * unmatched completion or an execution left open only on a strict one.
 */
import { NO_FINDINGS, type Finding } from "../ViolationSink.ts";
import { isStrict, runSubject, type RunCheckInput } from "./RunCheckInput.ts";

/** See the module comment. Read-only. */
export function checkToolPairing(input: RunCheckInput): readonly Finding[] {
  const { run, event } = input;
  if (run?.completed !== undefined) return NO_FINDINGS;
  if (event.type === "tool_executing") {
    const earlier = run?.executions.get(event.data.execution_id);
    if (earlier === undefined) return NO_FINDINGS;
    return [
      {
        invariant: "tool_pairing",
        kind: "execution_reused",
        runId: event.run_id,
        seqs: [earlier.executingSeq, event.seq],
        message: `${runSubject(input)}: tool_executing at seq ${event.seq} (epoch ${event.epoch}) reuses execution ${event.data.execution_id}, already started at seq ${earlier.executingSeq}.`,
      },
    ];
  }
  if (event.type === "tool_completed") {
    const execution = run?.executions.get(event.data.execution_id);
    if (execution === undefined) {
      if (!isStrict(input)) return NO_FINDINGS;
      return [
        {
          invariant: "tool_pairing",
          kind: "unpaired_completion",
          runId: event.run_id,
          seqs: [event.seq],
          message: `${runSubject(input)}: tool_completed at seq ${event.seq} (epoch ${event.epoch}) for execution ${event.data.execution_id} (${event.data.tool_name}) has no tool_executing before it.`,
        },
      ];
    }
    if (execution.completedSeq !== undefined) {
      return [
        {
          invariant: "tool_pairing",
          kind: "duplicate_completion",
          runId: event.run_id,
          seqs: [execution.completedSeq, event.seq],
          message: `${runSubject(input)}: execution ${event.data.execution_id} completed a second time at seq ${event.seq} (epoch ${event.epoch}); it first completed at seq ${execution.completedSeq}.`,
        },
      ];
    }
    if (execution.toolName === event.data.tool_name) return NO_FINDINGS;
    return [
      {
        invariant: "tool_pairing",
        kind: "tool_name_mismatch",
        runId: event.run_id,
        seqs: [execution.executingSeq, event.seq],
        message: `${runSubject(input)}: tool_completed at seq ${event.seq} (epoch ${event.epoch}) names tool ${event.data.tool_name} but execution ${event.data.execution_id} started ${execution.toolName} at seq ${execution.executingSeq}.`,
      },
    ];
  }
  if (event.type !== "agent_completed" || run === undefined || !isStrict(input)) return NO_FINDINGS;
  const open = [...run.executions.entries()].filter(([, execution]) => execution.completedSeq === undefined);
  return open.map(([executionId, execution]) => ({
    invariant: "tool_pairing" as const,
    kind: "unpaired_executing",
    runId: event.run_id,
    seqs: [execution.executingSeq, event.seq],
    message: `${runSubject(input)}: agent_completed at seq ${event.seq} (epoch ${event.epoch}) came while execution ${executionId} (${execution.toolName}, started at seq ${execution.executingSeq}) had no tool_completed.`,
  }));
}
