/**
 * The user level: remembers the first copy of each (epoch, seq) any connection of the
 * user received, checks later copies against it (seq_conflict), follows each run across
 * devices and feeds the timing budgets from first copies only (so two devices never
 * count one event twice).
 */
import type { AgentEvent } from "../../frames.ts";
import type { ResolvedCheckerOptions } from "../CheckerOptions.ts";
import type { BoundsLog } from "./BoundsLog.ts";
import type { PendingStart, UserRun, UserState } from "./checkerState.ts";
import { checkSeqConflict } from "./checkSeqConflict.ts";
import { EventMemoryStore } from "./EventMemoryStore.ts";
import { rememberBounded } from "./rememberBounded.ts";
import type { TimingTracker } from "./TimingTracker.ts";
import { joinFindings, NO_FINDINGS, type Finding } from "./ViolationSink.ts";

/** A new, empty user. */
export function createUserState(userId: string, options: { eventsRememberedMax: number }): UserState {
  return {
    userId,
    events: new EventMemoryStore(options.eventsRememberedMax),
    runs: new Map(),
    runEpochs: new Map(),
    newestSeqByEpoch: new Map(),
    pendingStarts: [],
    requestIds: new Map(),
    missingStartSuspicions: new Map(),
  };
}

/** The map key of (epoch, run). */
export function runKey(epoch: string, runId: string): string {
  return `${epoch}\u0000${runId}`;
}

/** Everything recordUserEvent needs besides the user and the event. */
export interface UserEventContext {
  connectionId: string;
  /** "user u1 connection d1#2" */
  connectionSubject: string;
  options: ResolvedCheckerOptions;
  timing: TimingTracker;
  bounds: BoundsLog;
  /** Counts runs started and completed. */
  onRunStarted: () => void;
  onRunCompleted: () => void;
}

/** Records one accepted event of `user`; returns seq_conflict and timing findings. */
export function recordUserEvent(user: UserState, event: AgentEvent, context: UserEventContext): readonly Finding[] {
  const remembered = user.events.get(event.epoch, event.seq);
  noteNewestSeq(user, event.epoch, event.seq, context);
  if (remembered !== undefined) return checkSeqConflict(remembered, event, { subject: context.connectionSubject });
  if (user.events.remember(event, context.connectionId)) {
    context.bounds.hit(
      "eventsRememberedPerUserMax",
      context.options.eventsRememberedPerUserMax,
      "the oldest remembered event copies were forgotten; conflicting copies of them are not detected",
    );
  }
  return followRun(user, event, context);
}

/** Raises the newest seq known for the user in `epoch` (from events, connected and resync frames). */
export function noteNewestSeq(user: UserState, epoch: string, seq: number, context: { options: ResolvedCheckerOptions; bounds: BoundsLog }): void {
  const known = user.newestSeqByEpoch.get(epoch);
  if (known !== undefined) {
    if (seq > known) user.newestSeqByEpoch.set(epoch, seq);
    return;
  }
  if (rememberBounded(user.newestSeqByEpoch, epoch, seq, { entriesMax: context.options.epochsRememberedPerUserMax })) {
    context.bounds.hit("epochsRememberedPerUserMax", context.options.epochsRememberedPerUserMax, "the oldest epoch's newest seq was forgotten");
  }
}

// Hot path (every event, in k6 VUs too): no spreads, no empty arrays, the subject
// string only when there is something to say.
function followRun(user: UserState, event: AgentEvent, context: UserEventContext): readonly Finding[] {
  const { options, timing, bounds } = context;
  let silence: readonly Finding[] = NO_FINDINGS;
  const key = runKey(event.epoch, event.run_id);
  let run = user.runs.get(key);
  if (run === undefined) {
    run = { epoch: event.epoch, runId: event.run_id, firstSeq: event.seq, lastSeq: event.seq, lastTs: event.ts, startedTs: undefined, completed: false, executingTs: new Map() };
    if (rememberBounded(user.runs, key, run, { entriesMax: options.runsRememberedPerUserMax, preferEvict: (candidate) => candidate.completed })) {
      bounds.hit("runsRememberedPerUserMax", options.runsRememberedPerUserMax, "the oldest runs were forgotten at the user level (timing and cross-epoch identity)");
    }
    if (!user.runEpochs.has(event.run_id)) rememberBounded(user.runEpochs, event.run_id, event.epoch, { entriesMax: options.runsRememberedPerUserMax });
  } else if (event.seq < run.firstSeq) {
    // A copy skewed across connections: an earlier event of the run reached this connection after a later one reached another.
    run.firstSeq = event.seq;
  } else if (event.seq > run.lastSeq) {
    if (options.measureTiming && !run.completed && observedEverySeqBetween(user, event.epoch, [run.lastSeq, event.seq], options.eventsRememberedPerUserMax)) {
      silence = timing.thinkingInterval(event.ts - run.lastTs, { subject: runSubject(user, event), runId: event.run_id, fromSeq: run.lastSeq, toSeq: event.seq });
    }
    run.lastSeq = event.seq;
    run.lastTs = event.ts;
  }
  return joinFindings(silence, timeRunEvent(user, run, event, context));
}

function runSubject(user: UserState, event: AgentEvent): string {
  return `user ${user.userId} run ${event.run_id}`;
}

/**
 * True when some connection of the user received every seq strictly between the two:
 * only then are the two events provably consecutive in the run (none of its events
 * between them went unseen), so the silence between them is a fact, not an artefact
 * of a loss. The scan is bounded by `seqsScannedMax`; a longer stretch is not judged.
 */
function observedEverySeqBetween(user: UserState, epoch: string, [from, to]: readonly [number, number], seqsScannedMax: number): boolean {
  if (to - from - 1 > seqsScannedMax) return false;
  for (let seq = from + 1; seq < to; seq += 1) if (!user.events.has(epoch, seq)) return false;
  return true;
}

function timeRunEvent(user: UserState, run: UserRun, event: AgentEvent, context: UserEventContext): readonly Finding[] {
  const { options, timing, bounds } = context;
  switch (event.type) {
    case "agent_started": {
      if (run.startedTs !== undefined) return NO_FINDINGS;
      run.startedTs = event.ts;
      context.onRunStarted();
      const pending = takePendingStart(user, (candidate) => candidate.agentType === event.data.agent_type);
      if (pending === undefined || !options.measureTiming) return NO_FINDINGS;
      return timing.startLatency(event.ts - pending.atMs, { subject: runSubject(user, event), requestId: pending.requestId, runId: event.run_id, seq: event.seq });
    }
    case "tool_executing":
      if (!options.measureTiming) return NO_FINDINGS;
      if (rememberBounded(run.executingTs, event.data.execution_id, event.ts, { entriesMax: options.executionsRememberedPerRunMax })) {
        bounds.hit("executionsRememberedPerRunMax", options.executionsRememberedPerRunMax, "the oldest tool executions of a run were forgotten");
      }
      return NO_FINDINGS;
    case "tool_completed": {
      const startedTs = run.executingTs.get(event.data.execution_id);
      if (startedTs === undefined) return NO_FINDINGS;
      const declaredMs = options.toolDurationMs?.(event.data.tool_name, event.run_id);
      if (declaredMs === undefined) return NO_FINDINGS;
      return timing.toolDuration(event.ts - startedTs, {
        subject: runSubject(user, event),
        runId: event.run_id,
        toolName: event.data.tool_name,
        declaredMs,
        executionId: event.data.execution_id,
        seq: event.seq,
      });
    }
    case "agent_completed": {
      if (run.completed) return NO_FINDINGS;
      run.completed = true;
      context.onRunCompleted();
      if (run.startedTs === undefined || !options.measureTiming) return NO_FINDINGS;
      return timing.runDuration(event.ts - run.startedTs, { subject: runSubject(user, event), runId: event.run_id, seq: event.seq });
    }
    default:
      return NO_FINDINGS;
  }
}

/** The oldest pending start_agent that `accepts`, if any, left pending. */
export function findPendingStart(user: UserState, accepts: (pending: PendingStart) => boolean): PendingStart | undefined {
  return user.pendingStarts.find(accepts);
}

/** Removes and returns the oldest pending start_agent that `accepts`, if any. */
export function takePendingStart(user: UserState, accepts: (pending: PendingStart) => boolean): PendingStart | undefined {
  const index = user.pendingStarts.findIndex(accepts);
  if (index < 0) return undefined;
  return user.pendingStarts.splice(index, 1)[0];
}
