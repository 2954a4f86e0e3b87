/**
 * Invariant 1: agent_started is the first event of the run, exactly once.
 * A second agent_started, or one after other events of the run, is provable on any
 * view (seqs are per user, so a higher seq was emitted later); a missing one only
 * when the view provably covers the run's start.
 */
import { NO_FINDINGS, type Finding } from "../ViolationSink.ts";
import { runSubject, type RunCheckInput } from "./RunCheckInput.ts";

/** See the module comment. Read-only. */
export function checkRunStartedFirst(input: RunCheckInput): readonly Finding[] {
  const { run, event } = input;
  if (run === undefined) {
    if (event.type === "agent_started" || !input.startCovered) return NO_FINDINGS;
    return [
      {
        invariant: "run_started_first",
        kind: "missing_start",
        runId: event.run_id,
        seqs: [event.seq],
        message: `${runSubject(input)}: the run's first event is ${event.type} at seq ${event.seq} (epoch ${event.epoch}), not agent_started, although ${input.startCoveredBecause}.`,
      },
    ];
  }
  if (event.type !== "agent_started" || run.completed !== undefined) return NO_FINDINGS;
  if (run.started) {
    return [
      {
        invariant: "run_started_first",
        kind: "started_twice",
        runId: event.run_id,
        seqs: [event.seq],
        message: `${runSubject(input)}: a second agent_started arrived at seq ${event.seq} (epoch ${event.epoch}); the run began at seq ${run.firstSeq}.`,
      },
    ];
  }
  return [
    {
      invariant: "run_started_first",
      kind: "started_not_first",
      runId: event.run_id,
      seqs: [run.firstSeq, event.seq],
      message: `${runSubject(input)}: agent_started came at seq ${event.seq} (epoch ${event.epoch}) after the run's event at seq ${run.firstSeq}.`,
    },
  ];
}
