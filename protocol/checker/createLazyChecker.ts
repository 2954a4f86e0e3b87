/**
 * The checker a k6 VU runs on its session (one device's sequential connections): the
 * interface, the violations and the verdict of {@link createChecker}, at a fraction of
 * its cost per event. It judges nothing itself. It keeps the session's calls in a
 * buffer and follows the stream with a few counters that recognise the quiet case:
 * one connection, opened without a resume, whose frames are valid and in order and
 * whose runs go started → … → completed with their tools paired. While everything is
 * quiet, createChecker provably finds nothing (it reports a finding only on something
 * this predicate rejects), so there is nothing to say yet. On the first call that is
 * not quiet (a gap, a duplicate, a resume, a resync, a protocol_error, an invalid frame,
 * a run out of shape, a bound about to be reached...) it engages the full checker,
 * replays the buffer into it, and from then on the full checker sees every call: every
 * finding comes from the one checker, with the same messages, seqs and times. finish
 * engages it too when a run is still open (run_not_completed is the full checker's to
 * judge) or when an emitted log is given (ground truth this path does not read).
 *
 * Why: inside a k6 VU the full checker's per-event work (four levels of state: the
 * connection, the user, the device view, the runs; maps and seq sets at each) cost
 * about as much as everything else the VU does, so a CPU-bound load generator delivered
 * half the events with the checker on. The quiet path costs validation plus a handful
 * of comparisons and one map lookup (docs/bench.md has the figures).
 *
 * Sameness is proved, not assumed: test/protocol/lazyCheckerDifferential.test.ts feeds
 * both randomly broken single-device streams (small bounds and unanswered starts
 * included) and requires the same violations from every call and the same verdict;
 * vuCheckerDifferential.test.ts does the same for the bug zoo and the sweep seeds, and
 * the broken-server suite for sessions recorded under k6.
 *
 * Timing: with `measureTiming` (the default) every event feeds a budget, so this is the
 * full checker from the start; the VU runs it with VU_CHECKER_OPTIONS (timing off).
 *
 * Bounds: the buffer holds at most the calls the full checker could take without
 * reaching one of its own bounds (so a quiet verdict never lacks a bound note); past
 * that the full checker is engaged.
 */
import type { Checker, ConnectionOpen, FinishOptions } from "./Checker.ts";
import type { CheckerVerdict } from "./CheckerVerdict.ts";
import { resolveCheckerOptions, type CheckerOptions } from "./CheckerOptions.ts";
import { createChecker } from "./createChecker.ts";
import type { Violation } from "./Violation.ts";
import type { AgentEvent } from "../frames.ts";
import { serverFrameProblems } from "../validateServerFrame.ts";
import { NO_VIOLATIONS } from "./_internals/ViolationSink.ts";

/** A buffered call other than a received frame (received frames are buffered bare: they are most calls). */
class BufferedCall {
  constructor(
    readonly kind: "open" | "send" | "close",
    readonly connectionId: string,
    readonly payload: unknown,
  ) {}
}

/** A held received frame: the frame, or the JSON text it was parsed from (LazyFrameOptions.text). */
function heldFrame(held: unknown): unknown {
  return typeof held === "string" ? (JSON.parse(held) as unknown) : held;
}

/** A run as the quiet path follows it. */
interface QuietRun {
  completed: boolean;
  /** An agent_thinking came (a tool before the first one is invariant 3's finding). */
  thinkingSeen: boolean;
  errorEventSeen: boolean;
  /** execution_id → tool_name of the tools started and not completed; made on the first tool. */
  openExecutions: Map<string, string> | undefined;
  /** Executions the run started, completed or not (the full checker remembers them all up to its bound). */
  executions: number;
  /** Completed execution ids (a reuse of one is a finding); made on the first completion. */
  completedExecutions: Set<string> | undefined;
}

/** One call the lazy checker held, as {@link LazyCheckerHooks.onEngage} hands it over. */
export type HeldCall =
  | { kind: "open"; open: ConnectionOpen }
  | { kind: "send"; connectionId: string; frame: unknown; atMs: number }
  | { kind: "recv"; connectionId: string; frame: unknown; atMs: number }
  | { kind: "close"; connectionId: string; code: number; atMs: number };

/** What a caller may hear from a lazy checker. */
export interface LazyCheckerHooks {
  /**
   * Called once, when the full checker is engaged, with every call held until then
   * (before the call that engaged it): a caller that records only the sessions worth
   * recording (load/lib/streamChecker.ts) starts its record from them.
   */
  onEngage?: (held: readonly HeldCall[]) => void;
}

/**
 * The options of {@link LazyChecker.serverFrame}: `text`, when the caller has it, is the
 * JSON the frame was parsed from. A quiet frame is then held as that text rather than
 * as the parsed object tree (a string costs an engine's garbage collector one object,
 * the tree one per value) and parsed again only if the full checker is engaged.
 */
export interface LazyFrameOptions {
  receivedAtMs: number;
  text?: string;
}

/** A checker that engages the full one only when needed. */
export interface LazyChecker extends Checker {
  serverFrame(connectionId: string, frame: unknown, options: LazyFrameOptions): readonly Violation[];
  /** True once the full checker is engaged (something was not quiet, or timing is on). */
  readonly engaged: boolean;
}

/** Makes a lazy checker (see the module comment); `options` as for createChecker. */
export function createLazyChecker(options: CheckerOptions = {}, hooks: LazyCheckerHooks = {}): LazyChecker {
  const resolved = resolveCheckerOptions(options);
  // Timing (invariant 9) is judged on every event, quiet or not: only the full checker does that.
  if (resolved.measureTiming) {
    hooks.onEngage?.([]);
    return Object.assign(createChecker(options), { engaged: true });
  }
  // What the quiet path may take before the full checker would reach a bound.
  const eventsMax = resolved.eventsRememberedPerUserMax - 1;
  const runsMax = Math.min(resolved.runsRememberedPerDeviceMax, resolved.runsRememberedPerUserMax) - 1;
  const clientFramesMax = Math.min(resolved.pendingStartsPerUserMax, resolved.requestIdsRememberedPerUserMax) - 1;
  const executionsPerRunMax = resolved.executionsRememberedPerRunMax - 1;

  let full: Checker | undefined;
  /** The held calls, each as two slots: the call (a received frame bare, or its text; else a BufferedCall) and its time, ms. */
  const held: unknown[] = [];

  let connectionId: string | undefined;
  let userId = "";
  let connectionOpen = false;
  let connected = false;
  let epoch = "";
  let expectedSeq = 0;
  /** The first seq after `connected` (events taken: expectedSeq - firstSeq). */
  let firstSeq = 0;
  /** The last seq the quiet path may take (eventsMax events). */
  let lastQuietSeq = 0;
  let clientFrames = 0;
  const runs = new Map<string, QuietRun>();
  let runsOpen = 0;
  // frames and events are derived from the seqs at finish (one less write per event).
  const counts = { frames: 0, events: 0, eventsByType: {} as Record<string, number>, connections: 0, runsStarted: 0, runsCompleted: 0, framesIgnored: 0 };
  let quietVerdict: CheckerVerdict | undefined;

  /** Engages the full checker: replays the buffer; returns what the replay found (nothing, when the quiet path is right). */
  function engage(): Checker {
    const checker = createChecker(options);
    full = checker;
    hooks.onEngage?.(heldCalls());
    for (let index = 0; index < held.length; index += 2) {
      const call = held[index];
      const atMs = held[index + 1] as number;
      if (!(call instanceof BufferedCall)) {
        checker.serverFrame(connectionId as string, heldFrame(call), { receivedAtMs: atMs });
        continue;
      }
      if (call.kind === "open") checker.connectionOpened(call.payload as ConnectionOpen);
      else if (call.kind === "send") checker.clientFrame(call.connectionId, call.payload, { atMs });
      else checker.connectionClosed(call.connectionId, { atMs, code: call.payload as number });
    }
    held.length = 0;
    runs.clear();
    return checker;
  }

  function heldCalls(): HeldCall[] {
    const list: HeldCall[] = [];
    for (let index = 0; index < held.length; index += 2) list.push(heldCall(held[index], held[index + 1] as number));
    return list;
  }

  function heldCall(call: unknown, atMs: number): HeldCall {
    if (!(call instanceof BufferedCall)) return { kind: "recv", connectionId: connectionId as string, frame: heldFrame(call), atMs };
    if (call.kind === "open") return { kind: "open", open: call.payload as ConnectionOpen };
    if (call.kind === "send") return { kind: "send", connectionId: call.connectionId, frame: call.payload, atMs };
    return { kind: "close", connectionId: call.connectionId, code: call.payload as number, atMs };
  }

  /** The violations the replay stored, then `latest`'s: what the engaging call returns. */
  function engagedWith(latest: readonly Violation[], storedBeforeLatest: number, checker: Checker): readonly Violation[] {
    if (storedBeforeLatest === 0) return latest;
    return [...checker.violations.slice(0, storedBeforeLatest), ...latest];
  }

  function connectionOpened(open: ConnectionOpen): void {
    if (full !== undefined) return full.connectionOpened(open);
    if (connectionId !== undefined || open.resume !== undefined) return engage().connectionOpened(open);
    connectionId = open.connectionId;
    userId = open.userId;
    connectionOpen = true;
    counts.connections = 1;
    held.push(new BufferedCall("open", open.connectionId, open), open.atMs);
  }

  function clientFrame(id: string, frame: unknown, frameOptions: { atMs: number }): Violation[] {
    if (full !== undefined) return full.clientFrame(id, frame, frameOptions);
    if (id !== connectionId || !connectionOpen || clientFrames >= clientFramesMax) return engage().clientFrame(id, frame, frameOptions);
    clientFrames += 1;
    held.push(new BufferedCall("send", id, frame), frameOptions.atMs);
    return [];
  }

  function serverFrame(id: string, frame: unknown, frameOptions: LazyFrameOptions): readonly Violation[] {
    if (full !== undefined) return full.serverFrame(id, frame, frameOptions);
    if (id !== connectionId || !connectionOpen || !takeQuietly(frame)) {
      const checker = engage();
      const stored = checker.violations.length;
      return engagedWith(checker.serverFrame(id, frame, frameOptions), stored, checker);
    }
    // A quiet frame is an object, so a held string is always the JSON text of one (see heldFrame).
    held.push(typeof frameOptions.text === "string" ? frameOptions.text : frame, frameOptions.receivedAtMs);
    return NO_VIOLATIONS;
  }

  /** True when `frame` is quiet (and then it is taken into the counters); false leaves every counter as it was. */
  function takeQuietly(frame: unknown): boolean {
    if (serverFrameProblems(frame) !== "") return false;
    const event = frame as AgentEvent;
    // Agent events first: nearly every frame is one. A valid control frame that happens to
    // carry a seq still fails here: takeRunEvent takes no type but the seven events'.
    if (event.seq === expectedSeq) {
      if (!connected || event.epoch !== epoch || event.user_id !== userId || expectedSeq > lastQuietSeq || !takeRunEvent(event)) return false;
      expectedSeq += 1;
      counts.eventsByType[event.type] = (counts.eventsByType[event.type] ?? 0) + 1;
      return true;
    }
    if ((frame as { type: string }).type !== "connected") return false; // resync_required, protocol_error, an event out of order
    const connectedFrame = frame as { user_id: string; epoch: string; last_seq: number };
    if (connected || connectedFrame.user_id !== userId) return false;
    connected = true;
    epoch = connectedFrame.epoch;
    firstSeq = connectedFrame.last_seq + 1;
    expectedSeq = firstSeq;
    lastQuietSeq = firstSeq + eventsMax - 1;
    return true;
  }

  /** The run part of {@link takeQuietly}: invariants 1-4 hold provably, and the bounds are far. */
  function takeRunEvent(event: AgentEvent): boolean {
    const run = runs.get(event.run_id);
    if (run === undefined) {
      if (event.type !== "agent_started" || event.data.user_id !== userId || runs.size >= runsMax) return false;
      runs.set(event.run_id, {
        completed: false,
        thinkingSeen: false,
        errorEventSeen: false,
        openExecutions: undefined,
        executions: 0,
        completedExecutions: undefined,
      });
      runsOpen += 1;
      counts.runsStarted += 1;
      return true;
    }
    if (run.completed) return false;
    switch (event.type) {
      case "agent_thinking":
        run.thinkingSeen = true;
        return true;
      case "partial_result":
        return true;
      case "error_event":
        run.errorEventSeen = true;
        return true;
      case "tool_executing": {
        if (!run.thinkingSeen) return false;
        const executionId = event.data.execution_id;
        if (run.executions >= executionsPerRunMax || run.openExecutions?.has(executionId) === true || run.completedExecutions?.has(executionId) === true) return false;
        run.openExecutions ??= new Map();
        run.openExecutions.set(executionId, event.data.tool_name);
        run.executions += 1;
        return true;
      }
      case "tool_completed": {
        const executionId = event.data.execution_id;
        if (run.openExecutions?.get(executionId) !== event.data.tool_name) return false;
        run.openExecutions.delete(executionId);
        run.completedExecutions ??= new Set();
        run.completedExecutions.add(executionId);
        return true;
      }
      case "agent_completed":
        if ((run.openExecutions?.size ?? 0) > 0 || (event.data.status === "error" && !run.errorEventSeen)) return false;
        run.completed = true;
        runsOpen -= 1;
        counts.runsCompleted += 1;
        return true;
      default:
        // agent_started again (invariant 1).
        return false;
    }
  }

  function connectionClosed(id: string, closeOptions: { atMs: number; code: number }): void {
    if (full !== undefined) return full.connectionClosed(id, closeOptions);
    if (id !== connectionId || !connectionOpen) return engage().connectionClosed(id, closeOptions);
    connectionOpen = false;
    held.push(new BufferedCall("close", id, closeOptions.code), closeOptions.atMs);
  }

  function finish(finishOptions: FinishOptions): CheckerVerdict {
    if (full !== undefined) return full.finish(finishOptions);
    if (quietVerdict !== undefined) return quietVerdict;
    // A run left open may be a finding (run_not_completed); the emitted log is ground truth the quiet path does not read
    // (emitted_after_completed, and unanswered_start: a start_agent no agent_started answered is judged only with it).
    if (runsOpen > 0 || finishOptions.emitted !== undefined) return engage().finish(finishOptions);
    // Nothing to find: the verdict of a checker that saw nothing, with what this one saw counted.
    const empty = createChecker(options).finish({ atMs: finishOptions.atMs, requireRunsComplete: finishOptions.requireRunsComplete });
    counts.events = connected ? expectedSeq - firstSeq : 0;
    counts.frames = counts.events + (connected ? 1 : 0);
    quietVerdict = { ...empty, counts: { ...counts, eventsByType: { ...counts.eventsByType }, users: connectionId === undefined ? 0 : 1 } };
    held.length = 0;
    return quietVerdict;
  }

  return {
    connectionOpened,
    clientFrame,
    serverFrame,
    connectionClosed,
    finish,
    get violations(): readonly Violation[] {
      return full === undefined ? NO_VIOLATIONS : full.violations;
    },
    get engaged(): boolean {
      return full !== undefined;
    },
  };
}
