/**
 * The shared invariant checker of docs/protocol.md: a read-only observer of what clients
 * sent and received. The simulator, the fast-check properties, the k6 scripts and the
 * trace re-checker all drive it. Runtime-free: no Node APIs, no clock, no randomness,
 * no timers; time only ever comes in as arguments.
 *
 * Levels (see _internals/checkerState.ts):
 * - connection: content (5), isolation (6), order and exactly-once (7);
 * - user: one seq is one event on every connection (7, "seq_conflict"), timing (9);
 * - device (a logical client whose sequential connections form one view): run
 *   invariants 1-4 and, at finish, completeness (8) and run completion.
 *
 * Decisions others rely on:
 * - A frame that fails validation is reported once (content) and fed nowhere else; an
 *   event of another user is reported (isolation) and fed nowhere else.
 * - A reordering shows twice under invariant 7: "gap" when the higher seq arrives,
 *   "reorder" when the late one does. A gap is not reported again by completeness.
 * - Runs are keyed by (user, epoch, run_id): a server that restarts (new epoch) may
 *   reuse run ids. A change of epoch drops the old epoch's runs from the view (the
 *   loss is announced), so they owe no completion.
 * - Run checks see only events that extend a device's view in seq order; a late event
 *   (filling a hole) is counted for completeness but not run-checked: its run was
 *   already relaxed by the hole.
 * - finish judges a device when its last connection is open, or, with
 *   requireRunsComplete, when it closed with 1000 (a normal close asserts the client
 *   was done; 1001 "going away", 1006 and server codes do not). A closed device is
 *   judged only against what its own connections were told (connected/resync last_seq).
 * - Completeness and run_not_completed are category "liveness"; everything else in
 *   1-7 is "safety"; 9 is "timing" and never fails the verdict.
 * - Call finish when the network is quiet: an event still in flight to an open device
 *   counts as missing.
 * - The emitted log's run_not_completed covers only each user's newest epoch: a restart
 *   ends the runs of the old one, and resync_required announces it.
 * - With the emitted log, finish counts start_agents on connections open to the end
 *   against the agent_started the server emitted (unanswered_start, liveness): see
 *   _internals/judgeUnansweredStarts.ts. Without the log it is not judged.
 * - A missing agent_started that only a device's own start_agent can attribute is a
 *   suspicion until finish (copies reach a user's devices with skew): see
 *   _internals/checkDeviceRunEvent.ts. Such violations are returned by finish, not by
 *   serverFrame.
 */
import type { Checker, ConnectionOpen, FinishOptions } from "./Checker.ts";
import type { CheckerVerdict } from "./CheckerVerdict.ts";
import { resolveCheckerOptions, type CheckerOptions } from "./CheckerOptions.ts";
import type { Violation } from "./Violation.ts";
import { CLOSE_CODES } from "../closeCodes.ts";
import { CLIENT_FRAME_SHAPES } from "../frameShapes.ts";
import type { AgentEvent, ServerFrame, StartAgentFrame } from "../frames.ts";
import { compileShape } from "../validateFrame.ts";
import { serverFrameProblems } from "../validateServerFrame.ts";
import { BoundsLog } from "./_internals/BoundsLog.ts";
import { checkDeviceAtFinish } from "./_internals/checkDeviceAtFinish.ts";
import { checkDeviceRunEvent, type DeviceRunContext } from "./_internals/checkDeviceRunEvent.ts";
import type { ConnectionState, DeviceState, UserState } from "./_internals/checkerState.ts";
import { checkIsolation } from "./_internals/checkIsolation.ts";
import { checkNeedlessResync } from "./_internals/checkNeedlessResync.ts";
import { grantProtocolErrorAllowance, spendProtocolErrorAllowance } from "./_internals/protocolErrorAllowances.ts";
import {
  applyConnected,
  applyConnectionOrder,
  applyResync,
  checkConnected,
  checkConnectionOrder,
  type OrderDisposition,
} from "./_internals/connectionOrder.ts";
import { contentFinding } from "./_internals/contentFinding.ts";
import {
  createDeviceView,
  deviceOnConnected,
  deviceOnResync,
  markViewLoss,
  viewHighestSeq,
  viewTakeSeq,
  type ViewBounds,
} from "./_internals/deviceView.ts";
import { indexEmitted, userEpochKey, type EmittedIndex } from "./_internals/emittedIndex.ts";
import { createUserState, noteNewestSeq, recordUserEvent, type UserEventContext } from "./_internals/recordUserEvent.ts";
import { rememberBounded } from "./_internals/rememberBounded.ts";
import { judgeUnansweredStarts, START_REQUEST_IDS_NAMED_MAX } from "./_internals/judgeUnansweredStarts.ts";
import { SeqRanges } from "./_internals/SeqRanges.ts";
import { TimingTracker } from "./_internals/TimingTracker.ts";
import { clearMissingStartSuspicion, judgeMissingStartSuspicions } from "./_internals/missingStartSuspicions.ts";
import { NO_VIOLATIONS, ViolationSink, type Finding, type FindingContext } from "./_internals/ViolationSink.ts";

/** Makes a checker (see the module comment for its semantics and CheckerOptions for its bounds). */
export function createChecker(options: CheckerOptions = {}): Checker {
  const resolved = resolveCheckerOptions(options);
  const bounds = new BoundsLog();
  const sink = new ViolationSink(resolved.violationsMax, bounds);
  const timing = new TimingTracker(resolved);
  const connections = new Map<string, ConnectionState>();
  const devices = new Map<string, DeviceState>();
  const users = new Map<string, UserState>();
  const counts = { frames: 0, events: 0, eventsByType: {} as Record<string, number>, connections: 0, runsStarted: 0, runsCompleted: 0, framesIgnored: 0 };
  const rangeBounds: ViewBounds = {
    rangesMax: resolved.seqRangesPerSetMax,
    onMerge: () => bounds.hit("seqRangesPerSetMax", resolved.seqRangesPerSetMax, "two seq ranges merged; the hole between them counts as covered"),
  };
  let finalVerdict: CheckerVerdict | undefined;

  function userOf(userId: string): UserState | undefined {
    const known = users.get(userId);
    if (known !== undefined) return known;
    if (users.size >= resolved.usersMax) {
      bounds.hit("usersMax", resolved.usersMax, "a new user was not tracked; its frames were ignored");
      return undefined;
    }
    const user = createUserState(userId, { eventsRememberedMax: resolved.eventsRememberedPerUserMax });
    users.set(userId, user);
    return user;
  }

  function deviceOf(userId: string, deviceId: string): DeviceState | undefined {
    const key = deviceKey(userId, deviceId);
    const known = devices.get(key);
    if (known !== undefined) return known;
    if (devices.size >= resolved.devicesMax) {
      bounds.hit("devicesMax", resolved.devicesMax, "a new device was not tracked; its frames were ignored");
      return undefined;
    }
    const device: DeviceState = { deviceId, userId, currentConnectionId: undefined, openConnections: 0, lastClose: undefined, view: undefined };
    devices.set(key, device);
    return device;
  }

  function connectionOpened(open: ConnectionOpen): void {
    if (connections.has(open.connectionId)) {
      counts.framesIgnored += 1;
      return;
    }
    if (connections.size >= resolved.connectionsOpenMax) {
      bounds.hit("connectionsOpenMax", resolved.connectionsOpenMax, "a new connection was not tracked; its frames were ignored");
      return;
    }
    const user = userOf(open.userId);
    const device = user === undefined ? undefined : deviceOf(open.userId, open.deviceId);
    if (user === undefined || device === undefined) return;
    connections.set(open.connectionId, {
      connectionId: open.connectionId,
      deviceId: open.deviceId,
      userId: open.userId,
      openedAtMs: open.atMs,
      resume: open.resume === undefined ? undefined : { epoch: open.resume.epoch, lastSeq: open.resume.lastSeq },
      connected: false,
      epoch: undefined,
      resyncWait: "none",
      expectedSeq: 0,
      startSeq: 0,
      replayThroughSeq: 0,
      received: new SeqRanges(rangeBounds.rangesMax, rangeBounds.onMerge),
      arrivalTimesMs: new Map(),
      eventsReceived: 0,
      user,
      device,
      subject: `user ${open.userId} connection ${open.connectionId}`,
      findingContext: { userId: open.userId, connectionId: open.connectionId, deviceId: open.deviceId, atMs: open.atMs },
      protocolErrorAllowances: 0,
      startsSent: 0,
      startRequestIds: [],
      protocolErrorsReceived: 0,
    });
    counts.connections += 1;
    device.currentConnectionId = open.connectionId;
    device.openConnections += 1;
  }

  function clientFrame(connectionId: string, frame: unknown, frameOptions: { atMs: number }): Violation[] {
    const connection = connections.get(connectionId);
    if (connection === undefined) {
      counts.framesIgnored += 1;
      return [];
    }
    const value = typeof frame === "string" ? parseJsonOrUndefined(frame) : frame;
    grantProtocolErrorAllowance(connection, value);
    if (!isStartAgent(value)) return [];
    const { user, device } = connection;
    if (user.requestIds.has(value.request_id)) return [];
    rememberBounded(user.requestIds, value.request_id, true, { entriesMax: resolved.requestIdsRememberedPerUserMax });
    connection.startsSent += 1;
    if (connection.startRequestIds.length < START_REQUEST_IDS_NAMED_MAX) connection.startRequestIds.push(value.request_id);
    const view = device.view;
    const viewUsable = connection.connected && connection.resyncWait === "none" && view !== undefined && view.epoch === connection.epoch;
    user.pendingStarts.push({
      requestId: value.request_id,
      agentType: value.agent_type,
      deviceId: connection.deviceId,
      connectionId,
      atMs: frameOptions.atMs,
      viewEpoch: viewUsable ? view.epoch : undefined,
      viewHighestSeq: viewUsable ? viewHighestSeq(view) : undefined,
    });
    if (user.pendingStarts.length > resolved.pendingStartsPerUserMax) {
      user.pendingStarts.shift();
      bounds.hit("pendingStartsPerUserMax", resolved.pendingStartsPerUserMax, "the oldest unanswered start_agent was dropped (no start latency for it)");
    }
    return [];
  }

  function serverFrame(connectionId: string, frame: unknown, frameOptions: { receivedAtMs: number }): readonly Violation[] {
    const connection = connections.get(connectionId);
    if (connection === undefined) {
      counts.framesIgnored += 1;
      return [];
    }
    const { user, device } = connection;
    counts.frames += 1;
    const subject = connection.subject;
    const context: FindingContext = connection.findingContext;
    connection.findingContext.atMs = frameOptions.receivedAtMs;
    const problems = serverFrameProblems(frame);
    if (problems !== "") {
      consumeUnusableSeq(connection, device, frame);
      return sink.report([contentFinding(frame, { problems, subject })], context);
    }
    const valid = frame as ServerFrame;
    switch (valid.type) {
      case "connected": {
        const findings = checkConnected(connection, valid, subject);
        if (!connection.connected) {
          applyConnected(connection, valid);
          noteNewestSeq(user, valid.epoch, valid.last_seq, { options: resolved, bounds });
          deviceOnConnected(device, connection, valid, rangeBounds);
        }
        return sink.report(findings, context);
      }
      case "resync_required": {
        if (!connection.connected) return sink.report([controlBeforeConnected(valid.type, subject)], context);
        const resumedAfterSeq = connection.expectedSeq - 1;
        applyResync(connection, valid, rangeBounds);
        noteNewestSeq(user, valid.epoch, valid.last_seq, { options: resolved, bounds });
        deviceOnResync(device, valid, { ...rangeBounds, resumedAfterSeq });
        return sink.report(checkNeedlessResync(connection, valid, subject), context);
      }
      case "protocol_error":
        connection.protocolErrorsReceived += 1;
        return sink.report(connection.connected ? spendProtocolErrorAllowance(connection, valid, subject) : [controlBeforeConnected(valid.type, subject)], context);
      default:
        return agentEvent(connection, valid, user, device, frameOptions.receivedAtMs);
    }
  }

  // The per-event option objects of the checks, made once and updated per event: the hot
  // path runs inside k6 VUs too, where every allocation and closure costs microseconds.
  // The checks read them and never keep them.
  const orderOptions: { subject: string; deviceView: DeviceState["view"] } = { subject: "", deviceView: undefined };
  const applyOrderOptions: { disposition: OrderDisposition; receivedAtMs: number; arrivalTimesMax: number } = {
    disposition: "in_order",
    receivedAtMs: 0,
    arrivalTimesMax: resolved.arrivalTimesRememberedPerConnectionMax,
  };
  const deviceRunContext: DeviceRunContext = {
    // A placeholder until the first event sets the user (never read before).
    user: createUserState("", { eventsRememberedMax: 1 }),
    deviceId: "",
    connectionId: "",
    receivedAtMs: 0,
    options: resolved,
    bounds,
    applyOptions: {
      relaxedAtStart: false,
      executionsRememberedPerRunMax: resolved.executionsRememberedPerRunMax,
      onExecutionForgotten: () =>
        bounds.hit("executionsRememberedPerRunMax", resolved.executionsRememberedPerRunMax, "the oldest completed tool executions of a run were forgotten"),
    },
  };
  const userEventContext: UserEventContext = {
    connectionId: "",
    connectionSubject: "",
    options: resolved,
    timing,
    bounds,
    onRunStarted: () => (counts.runsStarted += 1),
    onRunCompleted: () => (counts.runsCompleted += 1),
  };

  // Positional on purpose (an internal hot-path function): no options object per event.
  function agentEvent(connection: ConnectionState, event: AgentEvent, user: UserState, device: DeviceState, receivedAtMs: number): readonly Violation[] {
    const context = connection.findingContext;
    const subject = connection.subject;
    counts.events += 1;
    counts.eventsByType[event.type] = (counts.eventsByType[event.type] ?? 0) + 1;
    const isolation = checkIsolation(connection.userId, event, subject);
    if (isolation.length > 0) {
      consumeUnusableSeq(connection, device, event);
      return sink.report(isolation, context);
    }
    orderOptions.subject = subject;
    orderOptions.deviceView = device.view;
    const order = checkConnectionOrder(connection, event, orderOptions);
    // Built only when something is found: the usual event allocates no result.
    let violations = collect(undefined, order.findings, context);
    if (order.disposition === "rejected") return violations ?? NO_VIOLATIONS;
    applyOrderOptions.disposition = order.disposition;
    applyOrderOptions.receivedAtMs = receivedAtMs;
    applyConnectionOrder(connection, event, applyOrderOptions);
    if (resolved.measureTiming && event.seq > connection.replayThroughSeq) timing.deliveryLatency.add(receivedAtMs - event.ts);
    userEventContext.connectionId = connection.connectionId;
    userEventContext.connectionSubject = subject;
    violations = collect(violations, recordUserEvent(user, event, userEventContext), context);
    clearMissingStartSuspicion(user, event);
    if (order.disposition === "unannounced_restart") {
      device.view = createDeviceView(event.epoch, event.seq, rangeBounds);
      device.view.toldNewestSeq = Math.max(connection.replayThroughSeq, event.seq - 1);
    }
    const view = device.view;
    if (view === undefined || view.epoch !== event.epoch) return violations ?? NO_VIOLATIONS;
    if (order.skipped !== undefined) markViewLoss(view, order.skipped, "flagged");
    if (viewTakeSeq(view, event.seq) !== "frontier") return violations ?? NO_VIOLATIONS;
    deviceRunContext.user = user;
    deviceRunContext.deviceId = device.deviceId;
    deviceRunContext.connectionId = connection.connectionId;
    deviceRunContext.receivedAtMs = receivedAtMs;
    return collect(violations, checkDeviceRunEvent(view, event, deviceRunContext), context) ?? NO_VIOLATIONS;
  }

  /** Reports `findings` into `into` (made on the first finding); unchanged when there are none. */
  function collect(into: Violation[] | undefined, findings: readonly Finding[], context: FindingContext): Violation[] | undefined {
    if (findings.length === 0) return into;
    const violations = into ?? [];
    sink.reportInto(violations, findings, context);
    return violations;
  }

  /**
   * A frame already reported (content, or isolation on data.user_id) that still carries
   * this connection's next seq in its envelope used up that seq: take it into the order
   * state without checks, and record it as a flagged loss in the device view, so one
   * bad frame is one violation, not a gap and a cascade of run findings after it.
   */
  function consumeUnusableSeq(connection: ConnectionState, device: DeviceState, frame: unknown): void {
    if (typeof frame !== "object" || frame === null) return;
    const { seq, epoch, user_id: userId } = frame as Record<string, unknown>;
    if (typeof seq !== "number" || seq !== connection.expectedSeq || epoch !== connection.epoch) return;
    if (userId !== connection.userId || !connection.connected || connection.resyncWait !== "none") return;
    connection.received.add(seq);
    connection.expectedSeq = seq + 1;
    const view = device.view;
    if (view === undefined || view.epoch !== epoch || seq < view.startSeq || view.received.has(seq)) return;
    markViewLoss(view, [seq, seq], "flagged");
  }

  function connectionClosed(connectionId: string, closeOptions: { atMs: number; code: number }): void {
    const connection = connections.get(connectionId);
    if (connection === undefined) {
      counts.framesIgnored += 1;
      return;
    }
    connections.delete(connectionId);
    const device = connection.device;
    device.openConnections = Math.max(0, device.openConnections - 1);
    device.lastClose = { atMs: closeOptions.atMs, code: closeOptions.code };
  }

  function finish(finishOptions: FinishOptions): CheckerVerdict {
    if (finalVerdict !== undefined) return finalVerdict;
    const emitted = finishOptions.emitted === undefined ? undefined : indexEmitted(finishOptions.emitted);
    sink.report(timing.deliveryLatencyFinding(), { atMs: finishOptions.atMs });
    for (const late of emitted?.emittedAfterCompleted ?? []) sink.report([serverEmittedAfterCompleted(late)], { userId: late.userId, atMs: finishOptions.atMs });
    if (finishOptions.requireRunsComplete && emitted !== undefined) {
      for (const run of emitted.runsNotCompleted) sink.report([serverRunNotCompleted(run)], { userId: run.userId, atMs: finishOptions.atMs });
    }
    for (const user of users.values()) finishSuspicions(user, emitted);
    if (emitted !== undefined) {
      for (const { finding, context } of judgeUnansweredStarts(connections.values(), emitted)) sink.report([finding], { ...context, atMs: finishOptions.atMs });
    }
    for (const device of devices.values()) finishDevice(device, { finishOptions, emitted });
    finalVerdict = buildVerdict();
    return finalVerdict;
  }

  function finishSuspicions(user: UserState, emitted: EmittedIndex | undefined): void {
    const emittedLowestSeqOf =
      emitted === undefined ? undefined : (epoch: string, runId: string) => emitted.runLowestSeq.get(`${userEpochKey(user.userId, epoch)}\u0000${runId}`);
    const emittedFirstEpochOf = emitted === undefined ? undefined : (runId: string) => emitted.runFirstEpoch.get(`${user.userId}\u0000${runId}`);
    for (const { finding, context } of judgeMissingStartSuspicions(user, { emittedLowestSeqOf, emittedFirstEpochOf })) sink.report([finding], context);
  }

  function finishDevice(device: DeviceState, options: { finishOptions: FinishOptions; emitted: EmittedIndex | undefined }): void {
    const { finishOptions, emitted } = options;
    const open = device.openConnections > 0;
    const judged = open || (finishOptions.requireRunsComplete && device.lastClose?.code === CLOSE_CODES.normal);
    const user = users.get(device.userId);
    if (!judged || user === undefined) return;
    const view = device.view;
    const openConnection = open && device.currentConnectionId !== undefined ? connections.get(device.currentConnectionId) : undefined;
    const notCompletedByServer = new Set(emitted?.runsNotCompleted.map((run) => `${userEpochKey(run.userId, run.epoch)}\u0000${run.runId}`) ?? []);
    const findings = checkDeviceAtFinish(device, {
      openConnection,
      requireRunsComplete: finishOptions.requireRunsComplete,
      newestSeqOf: (epoch) => {
        const told = view !== undefined && view.epoch === epoch ? Math.max(view.toldNewestSeq, viewHighestSeq(view)) : 0;
        if (!open) return told;
        const truth = emitted?.newestSeq.get(userEpochKey(device.userId, epoch));
        return truth ?? Math.max(user.newestSeqByEpoch.get(epoch) ?? 0, told);
      },
      serverNeverCompleted: (epoch, runId) => notCompletedByServer.has(`${userEpochKey(device.userId, epoch)}\u0000${runId}`),
    });
    sink.report(findings, { userId: device.userId, deviceId: device.deviceId, atMs: finishOptions.atMs });
  }

  function buildVerdict(): CheckerVerdict {
    return {
      ok: sink.totals.safety === 0 && sink.totals.liveness === 0,
      safety: sink.stored.filter((violation) => violation.category === "safety"),
      liveness: sink.stored.filter((violation) => violation.category === "liveness"),
      timing: timing.verdicts(),
      counts: { ...counts, eventsByType: { ...counts.eventsByType }, users: users.size },
      latencyMs: timing.deliveryLatency.summary(),
      violationsNotStored: { ...sink.notStored },
      boundsReached: bounds.list(),
    };
  }

  return {
    connectionOpened,
    clientFrame,
    serverFrame,
    connectionClosed,
    finish,
    get violations(): readonly Violation[] {
      return sink.stored;
    },
  };
}

const START_AGENT_SHAPE = compileShape(CLIENT_FRAME_SHAPES.start_agent);

function isStartAgent(value: unknown): value is StartAgentFrame {
  return START_AGENT_SHAPE.isValid(value);
}

function deviceKey(userId: string, deviceId: string): string {
  return `${userId}\u0000${deviceId}`;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function controlBeforeConnected(type: string, subject: string): Finding {
  return {
    invariant: "order_exactly_once",
    kind: "before_connected",
    message: `${subject}: a ${type} frame arrived before the connected frame.`,
  };
}

function serverRunNotCompleted(run: { userId: string; epoch: string; runId: string; startedSeq: number }): Finding {
  return {
    invariant: "run_completed_last",
    kind: "run_not_completed",
    category: "liveness",
    runId: run.runId,
    seqs: [run.startedSeq],
    message: `user ${run.userId} run ${run.runId}: the server emitted agent_started (epoch ${run.epoch}, seq ${run.startedSeq}) but never agent_completed.`,
  };
}

function serverEmittedAfterCompleted(late: { userId: string; epoch: string; runId: string; seq: number; type: string }): Finding {
  return {
    invariant: "run_completed_last",
    kind: "emitted_after_completed",
    runId: late.runId,
    seqs: [late.seq],
    message: `user ${late.userId} run ${late.runId}: the server emitted ${late.type} (epoch ${late.epoch}, seq ${late.seq}) after the run's agent_completed.`,
  };
}
