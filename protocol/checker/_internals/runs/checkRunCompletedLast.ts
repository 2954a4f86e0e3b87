/**
 * Invariant 2: agent_completed is the last event of the run, exactly once; a run that
 * completes with status `error` sent an error_event before. Anything after the
 * completion is provable on any view; the missing error_event only on a strict one.
 */
import { NO_FINDINGS, type Finding } from "../ViolationSink.ts";
import { isStrict, runSubject, type RunCheckInput } from "./RunCheckInput.ts";

/** See the module comment. Read-only. */
export function checkRunCompletedLast(input: RunCheckInput): readonly Finding[] {
  const { run, event } = input;
  if (run?.completed !== undefined) {
    const twice = event.type === "agent_completed";
    return [
      {
        invariant: "run_completed_last",
        kind: twice ? "completed_twice" : "after_completed",
        runId: event.run_id,
        seqs: [run.completed.seq, event.seq],
        message: twice
          ? `${runSubject(input)}: a second agent_completed arrived at seq ${event.seq} (epoch ${event.epoch}); the run already completed at seq ${run.completed.seq}.`
          : `${runSubject(input)}: ${event.type} arrived at seq ${event.seq} (epoch ${event.epoch}) after the run completed at seq ${run.completed.seq}.`,
      },
    ];
  }
  if (event.type !== "agent_completed" || event.data.status !== "error") return NO_FINDINGS;
  if (run?.errorEventSeen === true || !isStrict(input)) return NO_FINDINGS;
  return [
    {
      invariant: "run_completed_last",
      kind: "error_without_error_event",
      runId: event.run_id,
      seqs: [event.seq],
      message: `${runSubject(input)}: agent_completed at seq ${event.seq} (epoch ${event.epoch}) has status error but no error_event came before it.`,
    },
  ];
}
