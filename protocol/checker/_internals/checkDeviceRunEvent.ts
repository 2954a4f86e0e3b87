/**
 * Runs invariants 1-4 on one event that extends a device's view, then updates the run.
 *
 * A run new to the view whose first event is not agent_started is judged only when the
 * view provably covers the run's start, or suspected when only the device's own
 * start_agent says it does:
 * - proven, reported at once: the view holds every seq from 1 of the epoch up to this
 *   one, and the user has been seen in no other epoch (a run may continue across a
 *   server restart, so seq 1 of a later epoch can be the middle of a run whose start
 *   went with the old epoch);
 * - suspected (attributeRunsToOwnStarts): the device sent a start_agent on this
 *   connection that nothing has answered yet, has held every seq since it sent it, and
 *   no connection of the user received an event of this run at a lower seq. The
 *   answer to that start_agent is emitted after the send, so its agent_started has a
 *   seq above the newest the view held then, a seq the view holds: if this run is the
 *   answer, its start is missing. But it may be another run that began before the
 *   send, whose earlier events another device has not received yet (delivery skew). So
 *   the finding waits as a suspicion (missingStartSuspicions.ts): an earlier event of
 *   the run on any connection clears it, and finish judges the rest, exactly with the
 *   emitted log. Residual risk without the emitted log: a run that began before the
 *   view whose earlier events no observed connection of the user ever received (an
 *   unobserved client's run, or every other device went away before they arrived) is
 *   blamed; the option turns this off. The pending start is not consumed (its own
 *   agent_started, when it comes, still measures start latency).
 * Otherwise, and while suspected, the device joined mid-run: the run is relaxed (see
 * RunView.relaxed), so no absence-based check runs on it.
 */
import type { AgentEvent } from "../../frames.ts";
import type { ResolvedCheckerOptions } from "../CheckerOptions.ts";
import type { BoundsLog } from "./BoundsLog.ts";
import type { DeviceView, UserState } from "./checkerState.ts";
import { suspectMissingStart } from "./missingStartSuspicions.ts";
import { findPendingStart, runKey } from "./recordUserEvent.ts";
import { rememberBounded } from "./rememberBounded.ts";
import { applyEventToRun, type ApplyEventOptions } from "./runs/applyEventToRun.ts";
import { checkRunCompletedLast } from "./runs/checkRunCompletedLast.ts";
import { checkRunStartedFirst } from "./runs/checkRunStartedFirst.ts";
import { checkThinkingBeforeTool } from "./runs/checkThinkingBeforeTool.ts";
import { checkToolPairing } from "./runs/checkToolPairing.ts";
import type { RunCheckInput } from "./runs/RunCheckInput.ts";
import { joinFindings, type Finding, type FindingContext } from "./ViolationSink.ts";

/** Everything the run checks need besides the view and the event. */
export interface DeviceRunContext {
  user: UserState;
  deviceId: string;
  connectionId: string;
  /** When the device received the event (caller's clock, ms): the context of a suspicion reported at finish. */
  receivedAtMs: number;
  options: ResolvedCheckerOptions;
  bounds: BoundsLog;
  /** applyEventToRun's options, made once per checker; `relaxedAtStart` is set per event. */
  applyOptions: ApplyEventOptions;
}

/** Checks and records one frontier event of the view; returns the findings (a suspicion is kept in the user, not returned). */
export function checkDeviceRunEvent(view: DeviceView, event: AgentEvent, context: DeviceRunContext): readonly Finding[] {
  const run = view.runs.get(event.run_id);
  const coverage = run === undefined && event.type !== "agent_started" ? startCoverage(view, event, context) : undefined;
  const proven = coverage?.proven === true;
  const input: RunCheckInput = {
    run,
    event,
    userId: context.user.userId,
    deviceId: context.deviceId,
    startCovered: proven,
    startCoveredBecause: coverage?.because ?? "",
  };
  if (coverage !== undefined && !coverage.proven) suspectFirstEvent({ ...input, startCovered: true }, context);
  let findings = checkRunStartedFirst(input);
  findings = joinFindings(findings, checkRunCompletedLast(input));
  findings = joinFindings(findings, checkThinkingBeforeTool(input));
  findings = joinFindings(findings, checkToolPairing(input));
  const { options, bounds } = context;
  context.applyOptions.relaxedAtStart = event.type !== "agent_started" && !proven;
  const updated = applyEventToRun(run, event, context.applyOptions);
  if (run === undefined) {
    const evicted = rememberBounded(view.runs, event.run_id, updated, {
      entriesMax: options.runsRememberedPerDeviceMax,
      preferEvict: (candidate) => candidate.completed !== undefined,
    });
    if (evicted) {
      bounds.hit(
        "runsRememberedPerDeviceMax",
        options.runsRememberedPerDeviceMax,
        "the oldest (completed first) runs of a device view were forgotten; a late event of one is judged as a new run",
      );
    }
  }
  return findings;
}

/** Keeps the missing_start finding the own-start attribution would make, as a suspicion judged at finish. */
function suspectFirstEvent(input: RunCheckInput, context: DeviceRunContext): void {
  const [finding] = checkRunStartedFirst(input);
  if (finding === undefined) return;
  const { user, options, bounds } = context;
  const findingContext: FindingContext = { userId: user.userId, connectionId: context.connectionId, deviceId: context.deviceId, atMs: context.receivedAtMs };
  const suspicion = { epoch: input.event.epoch, runId: input.event.run_id, seq: input.event.seq, finding, context: findingContext };
  if (suspectMissingStart(user, suspicion, { entriesMax: options.missingStartSuspicionsPerUserMax })) {
    bounds.hit(
      "missingStartSuspicionsPerUserMax",
      options.missingStartSuspicionsPerUserMax,
      "the oldest missing-start suspicion was dropped unjudged (a run without agent_started may go unreported)",
    );
  }
}

/** Why the view covers the start of a run new to it (proven, or only suspected), or undefined when it does not. */
function startCoverage(view: DeviceView, event: AgentEvent, context: DeviceRunContext): { proven: boolean; because: string } | undefined {
  const { user } = context;
  const seenInEpoch = user.runEpochs.get(event.run_id);
  if (seenInEpoch !== undefined && seenInEpoch !== event.epoch) return undefined;
  const onlyEpochSeen = [...user.newestSeqByEpoch.keys()].every((epoch) => epoch === event.epoch);
  if (onlyEpochSeen && view.startSeq === 1 && view.received.covers(1, event.seq - 1)) {
    return { proven: true, because: `the device held every seq from 1 of epoch ${event.epoch}` };
  }
  if (!context.options.attributeRunsToOwnStarts) return undefined;
  // recordUserEvent ran first, so the user's record of the run exists and includes this event.
  const userRun = user.runs.get(runKey(event.epoch, event.run_id));
  if (userRun !== undefined && userRun.firstSeq < event.seq) return undefined;
  const pending = findPendingStart(
    user,
    (candidate) =>
      candidate.deviceId === context.deviceId &&
      candidate.connectionId === context.connectionId &&
      candidate.viewEpoch === view.epoch &&
      candidate.viewHighestSeq !== undefined &&
      event.seq > candidate.viewHighestSeq &&
      view.received.covers(candidate.viewHighestSeq + 1, event.seq - 1),
  );
  if (pending === undefined) return undefined;
  return {
    proven: false,
    because: `the device sent start_agent ${pending.requestId} at ${pending.atMs} ms and held every seq after ${pending.viewHighestSeq} since (the answer's agent_started comes after the send)`,
  };
}
