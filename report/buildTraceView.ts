/**
 * Turns the lines of a `trace.jsonl` (protocol/trace.ts) into what the report
 * draws: one lane per client connection grouped by user, the agent events each
 * received, tool call pairs, faults and server decisions on the lane they hit,
 * restarts and storms across all lanes, emit-to-receive latency, events per second
 * and open connections over time. Pure: lines in, data out.
 *
 * Works on any client's trace (only open/send/recv/close are required); the
 * simulator's extra lines (emit, fault, decision, refused) sharpen it: `emit`
 * lines give exact latency on the trace's own clock.
 */
import { isAgentEventType } from "../protocol/eventTypes.ts";
import { describeFault } from "../protocol/faultDescriptions.ts";
import type { EventMark, GlobalMark, LaneAnnotation, LaneView, RateSeries, TraceView, UserLanes } from "./ReportData.ts";
import { closeMeaning } from "./_internals/closeMeaning.ts";
import { binSamples, histogramRange, nearestRank, niceStep } from "./_internals/statistics.ts";

/** Default bound on event marks kept for the swimlane, all lanes together; past it marks are counted, not kept. */
export const EVENT_MARKS_MAX_DEFAULT = 40_000;

/** Line kinds that are something happening (not an end marker or network bookkeeping). */
const ACTIVE_KINDS = new Set(["open", "recv", "send", "close", "emit", "fault", "decision", "refused", "request"]);

/** A quiet tail longer than this share of the run is cut from the timeline and the time charts. */
const QUIET_TAIL_SHARE = 0.3;

/** Buckets of the events-per-second series, at most. */
const RATE_BUCKETS_MAX = 60;

/** Options of {@link buildTraceView}. */
export interface TraceViewOptions {
  /** `${connectionId}#${seq}` of every event a violation names; those marks are flagged. */
  flagged?: ReadonlySet<string>;
  /** Bound on event marks kept (default EVENT_MARKS_MAX_DEFAULT). */
  eventMarksMax?: number;
}

/** What {@link buildTraceView} returns. */
export interface TraceViewResult {
  view: TraceView;
  /** Latency of each live event, ms (for shared-bin histograms in compare mode). */
  latencySamplesMs: number[];
  /**
   * Event `ts` minus trace `t` for the same moment, when emit lines tell it (the
   * simulator's virtual start time), to move checker timestamps onto the trace clock.
   */
  clockOffsetMs: number | null;
  /**
   * Subtracted from every `t` before drawing: the first line's `t` when the trace's clock
   * is wall time (a live recording, `npm run record`), so the picture starts at 0 like a
   * simulator's; 0 when the trace already counts from its start.
   */
  originMs: number;
}

/** A `t` above this is wall-clock time (ms since 1970, after 2001), not time since the start. */
export const WALL_CLOCK_MS_MIN = 1e12;

interface LaneState extends LaneView {
  /** `last_seq` of the `connected` frame: events up to it were replayed. */
  connectedLastSeq: number | null;
  openExecutions: Map<string, EventMark>;
}

type Line = Record<string, unknown>;

type UserState = Omit<UserLanes, "lanes"> & { lanes: LaneState[] };

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const record = (value: unknown): Line | null => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Line) : null);

/** Builds the view of one trace. Lines that are not objects with a numeric `t` and a `kind` are skipped. */
export function buildTraceView(lines: Iterable<Line>, options: TraceViewOptions = {}): TraceViewResult {
  const flagged = options.flagged ?? new Set<string>();
  const eventMarksMax = options.eventMarksMax ?? EVENT_MARKS_MAX_DEFAULT;
  const lanes = new Map<string, LaneState>();
  const users = new Map<string, UserState>();
  const userOfDevice = new Map<string, string>();
  const laneOfDevice = new Map<string, LaneState>();
  const laneOfServerConnection = new Map<string, LaneState>();
  const emitTimes = new Map<string, number>();
  const emitMoments: number[] = [];
  const receiveMoments: number[] = [];
  const connectionChanges: Array<{ t: number; delta: number }> = [];
  const globalMarks: GlobalMark[] = [];
  const pendingDecisions: Array<{ t: number; serverConnectionId: string; userId: string | null; annotation: LaneAnnotation }> = [];
  const pendingRefusals: Array<{ t: number; deviceId: string; connectionId: string }> = [];
  const latencySamplesMs: number[] = [];
  let replaysExcluded = 0;
  let foreignExcluded = 0;
  let withoutEmitTime = 0;
  let clockOffsetMs: number | null = null;
  let originMs: number | null = null;
  let durationMs = 0;
  let activeUntilMs = 0;
  let marksKept = 0;
  let eventMarksDropped = 0;
  let eventsReceived = 0;

  const userLanes = (userId: string): UserState => {
    let entry = users.get(userId);
    if (entry === undefined) {
      entry = { userId, devices: [], lanes: [], notes: [] };
      users.set(userId, entry);
    }
    return entry;
  };

  const receiveEvent = (lane: LaneState, t: number, frame: Line, type: string) => {
    eventsReceived += 1;
    receiveMoments.push(t);
    const seq = num(frame["seq"]);
    const userId = text(frame["user_id"]);
    const epoch = text(frame["epoch"]);
    const data = record(frame["data"]) ?? {};
    const emitT = emitTimes.get(`${userId}|${epoch}|${seq}`);
    const replay = (lane.connectedLastSeq !== null && seq !== null && seq <= lane.connectedLastSeq && lane.resume !== null) || (emitT !== undefined && emitT < lane.openMs);
    let latencyMs: number | null = null;
    if (emitT !== undefined) {
      latencyMs = t - emitT;
      const ts = num(frame["ts"]);
      if (clockOffsetMs === null && ts !== null) clockOffsetMs = ts - emitT;
    } else if (num(frame["ts"]) !== null && (originMs ?? 0) > 0) {
      latencyMs = t + (originMs ?? 0) - (num(frame["ts"]) as number); // the recorder's clock is wall time: ts is on the same clock
    }
    const foreign = userId !== null && userId !== lane.userId;
    if (replay) replaysExcluded += 1;
    else if (foreign) foreignExcluded += 1;
    else if (latencyMs !== null) latencySamplesMs.push(latencyMs);
    else withoutEmitTime += 1;
    if (marksKept >= eventMarksMax) {
      eventMarksDropped += 1;
      return;
    }
    marksKept += 1;
    const mark: EventMark = {
      t,
      type,
      seq,
      runId: text(frame["run_id"]),
      userId,
      executionId: text(data["execution_id"]),
      toolName: text(data["tool_name"]),
      status: text(data["status"]),
      replay,
      flagged: (seq !== null && flagged.has(`${lane.connectionId}#${seq}`)) || foreign,
      latencyMs,
    };
    lane.marks.push(mark);
    if (type === "tool_executing" && mark.executionId !== null) lane.openExecutions.set(mark.executionId, mark);
    if (type === "tool_completed" && mark.executionId !== null) {
      const start = lane.openExecutions.get(mark.executionId);
      if (start !== undefined) {
        lane.openExecutions.delete(mark.executionId);
        lane.links.push({ fromMs: start.t, toMs: t, executionId: mark.executionId, toolName: mark.toolName ?? start.toolName ?? "?", status: mark.status, runId: mark.runId });
      }
    }
  };

  const onOpen = (line: Line, t: number) => {
    const connectionId = text(line["conn"]);
    const userId = text(line["user"]);
    if (connectionId === null || userId === null) return;
    const deviceId = text(line["device"]) ?? connectionId;
    const resumeLine = record(line["resume"]);
    const resume =
      resumeLine === null ? null : { epoch: text(resumeLine["epoch"]) ?? "?", lastSeq: num(resumeLine["last_seq"]) ?? num(resumeLine["lastSeq"]) ?? 0 };
    const lane: LaneState = {
      connectionId,
      deviceId,
      userId,
      serverConnectionId: null,
      openMs: t,
      closeMs: null,
      closeCode: null,
      closeMeaning: null,
      resume,
      marks: [],
      annotations: [],
      links: [],
      connectedLastSeq: null,
      openExecutions: new Map(),
    };
    lanes.set(connectionId, lane);
    laneOfDevice.set(deviceId, lane);
    userOfDevice.set(deviceId, userId);
    const group = userLanes(userId);
    if (!group.devices.includes(deviceId)) group.devices.push(deviceId);
    group.lanes.push(lane);
    connectionChanges.push({ t, delta: 1 });
  };

  const onReceive = (lane: LaneState, line: Line, t: number) => {
    const frame = record(line["frame"]);
    if (frame === null) {
      lane.annotations.push({ t, kind: "decision", label: "bad frame", detail: `A frame that is not JSON arrived: ${String(line["raw"]).slice(0, 120)}`, durationMs: null });
      return;
    }
    const type = text(frame["type"]);
    if (type !== null && isAgentEventType(type)) {
      receiveEvent(lane, t, frame, type);
    } else if (type === "connected") {
      lane.serverConnectionId = text(frame["connection_id"]);
      lane.connectedLastSeq = num(frame["last_seq"]);
      if (lane.serverConnectionId !== null) laneOfServerConnection.set(lane.serverConnectionId, lane);
    } else if (type === "resync_required") {
      lane.annotations.push({
        t,
        kind: "resync",
        label: "resync",
        detail: `resync_required: the server could not replay from where this device left off (epoch ${text(frame["epoch"]) ?? "?"}, oldest seq ${num(frame["oldest_seq"]) ?? "?"}, last seq ${num(frame["last_seq"]) ?? "?"}). The loss is announced, not silent.`,
        durationMs: null,
      });
    } else if (type === "protocol_error") {
      lane.annotations.push({ t, kind: "decision", label: "protocol error", detail: `protocol_error ${text(frame["code"]) ?? ""}: ${text(frame["message"]) ?? ""}`, durationMs: null });
    }
  };

  const onSend = (lane: LaneState, line: Line, t: number) => {
    const frame = record(line["frame"]);
    const type = text(frame?.["type"]);
    if (type === "start_agent") {
      lane.annotations.push({ t, kind: "request", label: "ask", detail: `start_agent sent (request ${text(frame?.["request_id"]) ?? "?"})`, durationMs: null });
    } else if (type === "cancel") {
      lane.annotations.push({ t, kind: "request", label: "cancel", detail: `cancel sent for run ${text(frame?.["run_id"]) ?? "?"}`, durationMs: null });
    }
  };

  const onClose = (lane: LaneState, line: Line, t: number) => {
    const code = num(line["code"]) ?? 1006;
    lane.closeMs = t;
    lane.closeCode = code;
    lane.closeMeaning = closeMeaning(code);
    if (laneOfDevice.get(lane.deviceId) === lane) laneOfDevice.delete(lane.deviceId);
    connectionChanges.push({ t, delta: -1 });
  };

  const onFault = (line: Line, t: number) => {
    const fault = text(line["fault"]) ?? "fault";
    const description = describeFault(fault);
    const durationMs = description.durationMs?.(line) ?? null;
    if (description.scope === "system") {
      globalMarks.push({ t, label: description.label, detail: description.detail(line), durationMs });
      return;
    }
    const connectionId = text(line["conn"]);
    const deviceId = text(line["device"]);
    const lane = (connectionId === null ? undefined : lanes.get(connectionId)) ?? (deviceId === null ? undefined : laneOfDevice.get(deviceId));
    const annotation: LaneAnnotation = { t, kind: "fault", label: description.label, detail: description.detail(line), durationMs };
    if (lane !== undefined) lane.annotations.push(annotation);
    else if (deviceId !== null && userOfDevice.has(deviceId)) userLanes(userOfDevice.get(deviceId) as string).notes.push(annotation);
  };

  const onDecision = (line: Line, t: number) => {
    const decision = text(line["decision"]);
    const userId = text(line["userId"]);
    const serverConnectionId = text(line["connectionId"]);
    const annotation = describeDecision(decision, line, t);
    if (annotation === null) return;
    if (serverConnectionId !== null) pendingDecisions.push({ t, serverConnectionId, userId, annotation });
    else if (userId !== null) userLanes(userId).notes.push(annotation);
  };

  for (const line of lines) {
    const lineMs = num(line["t"]);
    const kind = text(line["kind"]);
    if (lineMs === null || kind === null) continue;
    originMs ??= lineMs > WALL_CLOCK_MS_MIN ? lineMs : 0;
    const t = lineMs - originMs;
    if (t > durationMs) durationMs = t;
    if (t > activeUntilMs && ACTIVE_KINDS.has(kind)) activeUntilMs = t;
    const lane = lanes.get(text(line["conn"]) ?? "");
    switch (kind) {
      case "open":
        onOpen(line, t);
        break;
      case "recv":
        if (lane !== undefined) onReceive(lane, line, t);
        break;
      case "send":
        if (lane !== undefined) onSend(lane, line, t);
        break;
      case "close":
        if (lane !== undefined && lane.closeMs === null) onClose(lane, line, t);
        break;
      case "emit": {
        emitTimes.set(`${text(line["user"])}|${text(line["epoch"])}|${num(line["seq"])}`, t);
        emitMoments.push(t);
        break;
      }
      case "fault":
        onFault(line, t);
        break;
      case "decision":
        onDecision(line, t);
        break;
      case "refused": {
        const deviceId = text(line["device"]);
        if (deviceId !== null) pendingRefusals.push({ t, deviceId, connectionId: text(line["conn"]) ?? "?" });
        break;
      }
      default:
        break; // request, end, net_*: implied by other lines or too fine for the picture
    }
  }

  // Server decisions name the server's connection id, known only once the client read its `connected` frame.
  for (const pending of pendingDecisions) {
    const lane = laneOfServerConnection.get(pending.serverConnectionId);
    if (lane !== undefined) lane.annotations.push(pending.annotation);
    else if (pending.userId !== null) userLanes(pending.userId).notes.push({ ...pending.annotation, detail: `${pending.annotation.detail} (server connection ${pending.serverConnectionId}, never seen by a client)` });
  }
  for (const refusal of pendingRefusals) {
    const userId = userOfDevice.get(refusal.deviceId);
    if (userId === undefined) continue;
    userLanes(userId).notes.push({ t: refusal.t, kind: "refused", label: "refused", detail: `${refusal.deviceId} tried to connect (${refusal.connectionId}) while the server was down; it will retry.`, durationMs: null });
  }

  for (const lane of lanes.values()) lane.annotations.sort((a, b) => a.t - b.t);
  const sortedUsers = [...users.values()].sort((a, b) => a.userId.localeCompare(b.userId, "en", { numeric: true }));
  // A device's connections next to each other, in order, so a reconnect chain reads top to bottom.
  for (const group of sortedUsers) group.lanes.sort((a, b) => a.deviceId.localeCompare(b.deviceId, "en", { numeric: true }) || a.openMs - b.openMs);
  for (const group of sortedUsers) group.devices.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  for (const group of sortedUsers) group.notes.sort((a, b) => a.t - b.t);

  const quietTail = durationMs > 0 && durationMs - activeUntilMs > durationMs * QUIET_TAIL_SHARE;
  const viewUntilMs = quietTail ? Math.min(durationMs, Math.ceil(activeUntilMs * 1.05 + 100)) : durationMs;
  const viewNote = quietTail
    ? `Nothing happened after ${(activeUntilMs / 1000).toFixed(2)} s until the run ended at ${(durationMs / 1000).toFixed(2)} s (the simulator waits for every device to catch up before judging liveness), so the timeline and the time charts stop at ${(viewUntilMs / 1000).toFixed(2)} s.`
    : null;
  return {
    view: {
      durationMs,
      viewUntilMs,
      viewNote,
      users: sortedUsers.map((group) => ({ ...group, lanes: group.lanes.map(publicLane) })),
      globalMarks,
      eventsReceived,
      eventMarksDropped,
      latency: latencyView(latencySamplesMs, { replaysExcluded, foreignExcluded, withoutEmitTime }),
      eventsPerSecond: rateSeries(emitMoments, receiveMoments, viewUntilMs),
      connectionsOverTime: connectionSteps(connectionChanges, durationMs),
    },
    latencySamplesMs,
    clockOffsetMs,
    originMs: originMs ?? 0,
  };
}

function publicLane(lane: LaneState): LaneView {
  const { connectedLastSeq: _connectedLastSeq, openExecutions: _openExecutions, ...view } = lane;
  return view;
}

function describeDecision(decision: string | null, line: Line, t: number): LaneAnnotation | null {
  switch (decision) {
    case "slow_consumer":
      return { t, kind: "decision", label: "slow consumer", detail: `Server closed this connection: ${num(line["bufferedBytes"]) ?? "?"} unsent bytes over the ${num(line["limitBytes"]) ?? "?"} byte bound (4409). Its events stay in the replay buffer.`, durationMs: null };
    case "heartbeat_timeout":
      return { t, kind: "decision", label: "heartbeat timeout", detail: `Server closed this connection after ${num(line["missedPongs"]) ?? "?"} missed pongs (4408).`, durationMs: null };
    case "replayed":
      return { t, kind: "decision", label: `replay ×${num(line["count"]) ?? "?"}`, detail: `Server replayed seqs ${num(line["fromSeq"]) ?? "?"}..${num(line["toSeq"]) ?? "?"} from its buffer on resume.`, durationMs: null };
    case "send_failed":
      return { t, kind: "decision", label: "send failed", detail: `A server send failed (seq ${num(line["seq"]) ?? "-"}): ${text(line["error"]) ?? ""}`, durationMs: null };
    case "replay_evicted":
      return { t, kind: "decision", label: "buffer evicted", detail: `The replay buffer dropped ${num(line["count"]) ?? "?"} old event(s) (bound reached); a resume from before seq ${num(line["oldestSeq"]) ?? "?"} needs resync.`, durationMs: null };
    case "connection_refused":
      return { t, kind: "refused", label: "refused", detail: `Server refused a connection: ${text(line["reason"]) ?? "?"}.`, durationMs: null };
    default:
      return null; // connection_opened/closed are the lanes themselves; resync_required shows as the frame the client received
  }
}

function latencyView(samples: number[], counts: { replaysExcluded: number; foreignExcluded: number; withoutEmitTime: number }) {
  const sorted = [...samples].sort((a, b) => a - b);
  const max = sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as number);
  let note: string | null = null;
  if (sorted.length === 0) {
    note = counts.withoutEmitTime > 0 ? "This trace has no emit lines and its clock is not wall time, so emit-to-receive latency cannot be measured from it." : "No live agent events were received.";
  }
  return {
    count: sorted.length,
    replaysExcluded: counts.replaysExcluded,
    foreignExcluded: counts.foreignExcluded,
    p50: nearestRank(sorted, 0.5),
    p95: nearestRank(sorted, 0.95),
    p99: nearestRank(sorted, 0.99),
    max,
    histogram: binSamples(sorted, histogramRange(sorted)),
    note,
  };
}

/** Events per second over [0, durationMs]. */
function rateSeries(emitMoments: readonly number[], receiveMoments: readonly number[], durationMs: number): RateSeries {
  const bucketMs = Math.max(100, niceStep(Math.max(durationMs, 1) / RATE_BUCKETS_MAX));
  const bucketCount = Math.floor(durationMs / bucketMs) + 1;
  const emitted = new Array<number>(bucketCount).fill(0);
  const received = new Array<number>(bucketCount).fill(0);
  // Moments past `durationMs` (the view's end) are left out: the series covers the view.
  for (const t of emitMoments) if (t <= durationMs) emitted[Math.floor(t / bucketMs)] = (emitted[Math.floor(t / bucketMs)] ?? 0) + 1;
  for (const t of receiveMoments) if (t <= durationMs) received[Math.floor(t / bucketMs)] = (received[Math.floor(t / bucketMs)] ?? 0) + 1;
  const perSecond = 1000 / bucketMs;
  return {
    bucketMs,
    emittedKnown: emitMoments.length > 0,
    points: emitted.map((count, index) => ({ t: index * bucketMs, emittedPerSecond: count * perSecond, receivedPerSecond: (received[index] ?? 0) * perSecond })),
  };
}

function connectionSteps(changes: ReadonlyArray<{ t: number; delta: number }>, durationMs: number): Array<{ t: number; open: number }> {
  const sorted = [...changes].sort((a, b) => a.t - b.t);
  const points: Array<{ t: number; open: number }> = [{ t: 0, open: 0 }];
  let open = 0;
  for (const change of sorted) {
    open += change.delta;
    const last = points[points.length - 1] as { t: number; open: number };
    if (last.t === change.t) last.open = open;
    else points.push({ t: change.t, open });
  }
  points.push({ t: durationMs, open });
  return points;
}
