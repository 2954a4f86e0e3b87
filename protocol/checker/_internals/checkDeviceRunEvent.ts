/**
 * Runs invariants 1-4 on one event that extends a device's view, then updates the run.
 *
 * A run new to the view whose first event is not agent_started is judged only when the
 * view provably covers the run's start:
 * - the view holds every seq from 1 of the epoch up to this one, and the user has been
 *   seen in no other epoch (a run may continue across a server restart, so seq 1 of a
 *   later epoch can be the middle of a run whose start went with the old epoch), or
 * - the device sent a start_agent on this connection that nothing has answered yet,
 *   has held every seq since it sent it, and no connection of the user ever saw this
 *   run before (attributeRunsToOwnStarts). Residual risk: a run the checker never
 *   observed (started by an unobserved client before this view began) that stays
 *   silent across the send would be blamed; the option turns this off.
 * Otherwise the device joined mid-run: the run is relaxed (see RunView.relaxed).
 */
import type { AgentEvent } from "../../frames.ts";
import type { ResolvedCheckerOptions } from "../CheckerOptions.ts";
import type { BoundsLog } from "./BoundsLog.ts";
import type { DeviceView, UserState } from "./checkerState.ts";
import { rememberBounded } from "./rememberBounded.ts";
import { takePendingStart } from "./recordUserEvent.ts";
import { applyEventToRun } from "./runs/applyEventToRun.ts";
import { checkRunCompletedLast } from "./runs/checkRunCompletedLast.ts";
import { checkRunStartedFirst } from "./runs/checkRunStartedFirst.ts";
import { checkThinkingBeforeTool } from "./runs/checkThinkingBeforeTool.ts";
import { checkToolPairing } from "./runs/checkToolPairing.ts";
import type { RunCheckInput } from "./runs/RunCheckInput.ts";
import type { Finding } from "./ViolationSink.ts";

/** Everything the run checks need besides the view and the event. */
export interface DeviceRunContext {
  user: UserState;
  deviceId: string;
  connectionId: string;
  /** No connection of the user had seen this run before this event. */
  runNewToUser: boolean;
  options: ResolvedCheckerOptions;
  bounds: BoundsLog;
}

/** Checks and records one frontier event of the view; returns the findings. */
export function checkDeviceRunEvent(view: DeviceView, event: AgentEvent, context: DeviceRunContext): Finding[] {
  const run = view.runs.get(event.run_id);
  const coverage = run === undefined && event.type !== "agent_started" ? startCoverage(view, event, context) : undefined;
  const input: RunCheckInput = {
    run,
    event,
    subject: `user ${context.user.userId} device ${context.deviceId} run ${event.run_id}`,
    startCovered: coverage !== undefined,
    startCoveredBecause: coverage ?? "",
  };
  const findings = [
    ...checkRunStartedFirst(input),
    ...checkRunCompletedLast(input),
    ...checkThinkingBeforeTool(input),
    ...checkToolPairing(input),
  ];
  const { options, bounds } = context;
  const updated = applyEventToRun(run, event, {
    relaxedAtStart: event.type !== "agent_started" && coverage === undefined,
    executionsRememberedPerRunMax: options.executionsRememberedPerRunMax,
    onExecutionForgotten: () =>
      bounds.hit("executionsRememberedPerRunMax", options.executionsRememberedPerRunMax, "the oldest completed tool executions of a run were forgotten"),
  });
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

/** Why the view covers the start of a run new to it, or undefined when it does not. */
function startCoverage(view: DeviceView, event: AgentEvent, context: DeviceRunContext): string | undefined {
  const seenInEpoch = context.user.runEpochs.get(event.run_id);
  if (seenInEpoch !== undefined && seenInEpoch !== event.epoch) return undefined;
  const onlyEpochSeen = [...context.user.newestSeqByEpoch.keys()].every((epoch) => epoch === event.epoch);
  if (onlyEpochSeen && view.startSeq === 1 && view.received.covers(1, event.seq - 1)) {
    return `the device held every seq from 1 of epoch ${event.epoch}`;
  }
  if (!context.options.attributeRunsToOwnStarts || !context.runNewToUser) return undefined;
  const pending = takePendingStart(
    context.user,
    (candidate) =>
      candidate.deviceId === context.deviceId &&
      candidate.connectionId === context.connectionId &&
      candidate.viewEpoch === view.epoch &&
      candidate.viewHighestSeq !== undefined &&
      event.seq > candidate.viewHighestSeq &&
      view.received.covers(candidate.viewHighestSeq + 1, event.seq - 1),
  );
  if (pending === undefined) return undefined;
  return `the device sent start_agent ${pending.requestId} at ${pending.atMs} ms, held every seq after ${pending.viewHighestSeq} since, and no connection had seen this run before`;
}
