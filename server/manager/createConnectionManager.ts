/**
 * The connection manager: the production heart of the server. It owns every open
 * connection, each user's `(epoch, seq)` stream and replay buffer, resume, heartbeats,
 * the slow-consumer bound, client frame handling, and the eviction of streams whose
 * user is gone (idle past `streamIdleMs`, or past `usersRetainedMax` idle streams).
 *
 * It sees the world only through ports (STYLE rules 1 and 3): a Clock, a Scheduler,
 * an IdSource, a StreamBroker (where each user's stream lives: this process by default,
 * Redis Streams across instances) and one SocketPort per connection. `ws` and the real clock satisfy them
 * in production; the simulator satisfies them with virtual time and a simulated
 * network. There is no branch in here that knows which.
 */
import type { AgentEvent, AgentEventDraft, CancelFrame, StartAgentFrame } from "../../protocol/frames.ts";
import { CLOSE_CODES, type ProtocolErrorCode } from "../../protocol/limits.ts";
import { parseClientFrame } from "../../protocol/parseClientFrame.ts";
import type { Clock } from "../ports/clock.ts";
import type { IdSource } from "../ports/idSource.ts";
import type { Scheduler, TimerHandle } from "../ports/scheduler.ts";
import { SocketSendError, type SocketPort } from "../ports/socketPort.ts";
import type { AppendOutcome, BrokerEntry, BrokerPosition, ReadOutcome, StreamBroker, UnstampedEvent } from "../ports/streamBroker.ts";
import { createInProcessBroker } from "./createInProcessBroker.ts";
import type { AdmitRefusal, ManagerDecision, StreamEvictionReason } from "./ManagerDecision.ts";
import { resolveManagerLimits, type ManagerLimits } from "./managerLimits.ts";
import { planResume as planResumeCorrectly, type ResumePlan, type ResumeRequest, type StreamPosition } from "./planResume.ts";
import { ReplayBuffer, type ReplayEntry, type ReplayStore } from "./ReplayBuffer.ts";
import { RunSilenceTracker } from "./RunSilenceTracker.ts";
import { utf8ByteLength } from "./utf8ByteLength.ts";

/** A `start_agent` or `cancel` frame from an authenticated connection, for the agent runtime. */
export interface ManagerCommand {
  userId: string;
  connectionId: string;
  frame: StartAgentFrame | CancelFrame;
}

/** What the runtime answers to a command: nothing, or a protocol error for the sender. */
export type CommandAnswer = { error: { code: ProtocolErrorCode; message: string } } | undefined;

/** Observers of the manager; all optional, all read-only. */
export interface ManagerObserver {
  /** Every decision at a limit or fault. */
  decision?(decision: ManagerDecision): void;
  /** One event frame written to one socket; `lagMs` is now minus the event's ts (0 when live, more on replay). */
  delivered?(userId: string, seq: number, lagMs: number): void;
}

/**
 * Replaceable parts of the manager. Production uses the defaults; the bug zoo injects
 * broken ones here (never a flag inside the manager) to prove the checkers catch them.
 */
export interface ManagerParts {
  /** Makes one user's replay buffer. Default: {@link ReplayBuffer}. */
  createReplayStore?: (bounds: { eventsMax: number; bytesMax: number }) => ReplayStore;
  /**
   * Makes the serializer of stamped events (called once per manager, so an encoder with
   * state, such as a cache, never outlives its manager). Default: JSON.stringify.
   */
  createEventEncoder?: () => (event: AgentEvent) => string;
  /** Decides how a resume is served. Default: the protocol's rule, {@link planResumeCorrectly}. */
  planResume?: (stream: StreamPosition, resume: ResumeRequest) => ResumePlan;
}

/** Options of {@link createConnectionManager}. */
export interface ConnectionManagerOptions {
  clock: Clock;
  scheduler: Scheduler;
  ids: IdSource;
  limits?: Partial<ManagerLimits>;
  /** Receives `start_agent` and `cancel`; usually the agent runtime's `handleCommand`. */
  onCommand?: (command: ManagerCommand) => CommandAnswer;
  observer?: ManagerObserver;
  parts?: ManagerParts;
  /**
   * Where each user's stream lives. Default: an in-process broker built from `ids`, the
   * replay limits and `parts` (today's single-instance behaviour).
   */
  broker?: StreamBroker;
}

/** The authenticated identity of a new connection (the HTTP upgrade verified it). */
export interface ConnectionIdentity {
  userId: string;
  /** When the token expires, ms since the Unix epoch; the connection is closed with 4401 then. */
  expiresAtMs?: number;
}

/** What the socket adapter calls when its socket does something. */
export interface ConnectionHandlers {
  readonly connectionId: string;
  /** A text frame (or a binary one, flagged) arrived. `bytes` is its size when the adapter knows it. */
  socketOnMessage(text: string, options?: { binary?: boolean; bytes?: number }): void;
  /** A pong arrived. */
  socketOnPong(): void;
  /** The socket closed, for whatever reason. Idempotent. */
  socketOnClose(code: number): void;
}

/** Counters and gauges for /health and /metrics. Derived on demand where possible. */
export interface ManagerStats {
  users: number;
  connections: number;
  connectionsByUser: Map<string, number>;
  replayEvents: number;
  replayBytes: number;
  replayEventsByUser: Map<string, number>;
  eventsPublished: number;
  framesSent: number;
  sendFailures: number;
  decisions: Record<string, number>;
  /** The connectionsMax limit, so /metrics can show how full the pool is. */
  connectionsMax: number;
  /** Unsent bytes in every socket's send buffer, summed. */
  bufferedBytes: number;
  /** Runs with an event and no `agent_completed` yet (see RunSilenceTracker). */
  runsInFlight: number;
  /** Time since the last event of the run in flight silent the longest, ms (0 with none). */
  runSilenceMsMax: number;
  /** Runs forgotten past `runsTrackedMax`. */
  runsForgotten: number;
}

/** The connection manager's public face. */
export interface ConnectionManager {
  /** Checks the connection limits before an upgrade, so the adapter can refuse it over HTTP. */
  admit(userId: string): AdmitRefusal | null;
  /** Takes an authenticated socket; sends `connected`, then the replay (or `resync_required`), then live events. */
  accept(socket: SocketPort, identity: ConnectionIdentity, resume?: ResumeRequest): ConnectionHandlers | null;
  /**
   * Stamps a draft with user/ts, has the broker assign seq/epoch and keep it, and delivers
   * it to every open connection of the user. Returns the stamped event when the broker
   * answered at once (in-process), undefined when it answers later (Redis).
   */
  publish(userId: string, draft: AgentEventDraft): AgentEvent | undefined;
  /** Newest `(epoch, seq)` of a user's stream as this instance knows it, or undefined when it follows none. */
  streamHead(userId: string): { epoch: string; lastSeq: number } | undefined;
  /** Closes every connection with 1001 and stops the heartbeat. Further accepts are refused. */
  shutdown(reason?: string): void;
  stats(): ManagerStats;
  /** Where the streams live (the in-process broker unless one was given). */
  readonly broker: StreamBroker;
}

interface UserStream {
  readonly userId: string;
  /** The broker knows where the stream stands; until then new connections wait in `waiting`. */
  ready: boolean;
  /** False once evicted: a late broker callback for it is ignored. */
  followed: boolean;
  readonly waiting: Array<{ connection: Connection; resume: ResumeRequest | undefined }>;
  readonly connections: Set<Connection>;
  /** When the stream last became idle (no open connection) or last got an event while idle; null while a connection is open. */
  idleSinceMs: number | null;
  /** Ack floors of recently closed connections, oldest first (see ManagerLimits.departedHoldMs). */
  readonly departed: Array<{ ackedSeq: number; untilMs: number }>;
}

interface Connection {
  readonly id: string;
  readonly stream: UserStream;
  readonly socket: SocketPort;
  /** Highest seq the client said it holds (or that it had when it started): the ack floor. */
  ackedSeq: number;
  missedPongs: number;
  windowStartMs: number;
  windowMessages: number;
  open: boolean;
  expiryTimer: TimerHandle | null;
  /**
   * Bytes a resume's replay wrote in one burst. They may sit in the socket buffer on top of
   * bufferedBytesMax, so a healthy client catching up on a large backlog is not mistaken for
   * a slow consumer; the credit ends once the buffer drains below the bound. Bounded by
   * replayBytesMax, like the backlog itself.
   */
  replayCreditBytes: number;
  /** Live events that arrived while the connection waited for its replay, oldest first; null once live. */
  pending: BrokerEntry[] | null;
  /** Newest seq written to this connection (live events at or below it are not sent twice). */
  sentSeq: number;
}

/** Creates a connection manager bound to the given ports. */
export function createConnectionManager(options: ConnectionManagerOptions): ConnectionManager {
  const { clock, scheduler, ids } = options;
  const limits = resolveManagerLimits(options.limits);
  const observer = options.observer ?? {};
  if (options.broker !== undefined && (options.parts?.createReplayStore !== undefined || options.parts?.createEventEncoder !== undefined)) {
    // A given broker (Redis) keeps the history and writes the frames itself: these parts would be silently unused.
    throw new Error("assertion: parts.createReplayStore and parts.createEventEncoder belong to the in-process broker; they cannot be combined with options.broker");
  }
  const createReplayStore = options.parts?.createReplayStore ?? ((bounds) => new ReplayBuffer(bounds));
  const encodeEvent = options.parts?.createEventEncoder?.() ?? ((event: AgentEvent) => JSON.stringify(event));
  const broker =
    options.broker ??
    createInProcessBroker({ ids, replayEventsMax: limits.replayEventsMax, replayBytesMax: limits.replayBytesMax, createReplayStore, encodeEvent });
  const planResume = options.parts?.planResume ?? planResumeCorrectly;
  const streams = new Map<string, UserStream>();
  /**
   * Streams with no open connection, ordered by idleSinceMs, oldest first: a stream that
   * becomes idle or is touched while idle is (re)inserted at the end, and time only grows.
   * So the first entry is always the next to evict, and one timer serves them all.
   */
  const idleStreams = new Map<string, UserStream>();
  const runSilence = new RunSilenceTracker({ runsTrackedMax: limits.runsTrackedMax });
  let idleTimer: TimerHandle | null = null;
  const decisions: Record<string, number> = {};
  let connectionCount = 0;
  let eventsPublished = 0;
  let framesSent = 0;
  let sendFailures = 0;
  let heartbeatTimer: TimerHandle | null = null;
  let shuttingDown = false;
  /** The event the last append stamped, read by `publish` right after a synchronous broker answered. */
  let lastStamped: AgentEvent | undefined;

  function decide(decision: ManagerDecision): void {
    decisions[decision.kind] = (decisions[decision.kind] ?? 0) + 1;
    observer.decision?.(decision);
  }

  function streamOf(userId: string): UserStream {
    let stream = streams.get(userId);
    if (stream === undefined) {
      const created: UserStream = { userId, ready: false, followed: true, waiting: [], connections: new Set(), idleSinceMs: null, departed: [] };
      streams.set(userId, created);
      // The in-process broker draws the stream's epoch here (a restart gives every user a new one) and is ready at once.
      broker.follow(userId, {
        ready: () => streamOnReady(created),
        event: (entry) => streamOnEvent(created, entry),
        lost: (reason) => streamOnLost(created, reason),
      });
      stream = created;
    }
    return stream;
  }

  function positionOf(stream: UserStream): BrokerPosition {
    const position = broker.position(stream.userId);
    if (position === undefined) throw new Error(`assertion: ${stream.userId}'s stream is used before its broker is ready`);
    return position;
  }

  function streamOnReady(stream: UserStream): void {
    if (!stream.followed) return;
    stream.ready = true;
    for (const { connection, resume } of stream.waiting.splice(0)) {
      if (connection.open) startConnection(connection, resume);
    }
  }

  function streamOnEvent(stream: UserStream, entry: BrokerEntry): void {
    if (!stream.followed) return;
    for (const connection of [...stream.connections]) deliver(connection, entry);
    // An event for a user with no connection keeps its stream (the events wait for a resume).
    if (stream.connections.size === 0) touchIdle(stream);
  }

  function streamOnLost(stream: UserStream, reason: string): void {
    if (!stream.followed) return;
    stream.ready = false;
    const connections = [...stream.connections];
    decide({ kind: "stream_lost", userId: stream.userId, reason, connections: connections.length });
    for (const connection of connections) closeConnection(connection, CLOSE_CODES.tryAgainLater, "stream lost: resume");
  }

  /** Live delivery: queued while the connection's replay is in flight, skipped when the replay already sent it. */
  function deliver(connection: Connection, entry: BrokerEntry): void {
    if (connection.pending !== null) {
      connection.pending.push(entry);
      if (connection.pending.length > limits.replayEventsMax) closeConnection(connection, CLOSE_CODES.tryAgainLater, "replay too slow: resume");
      return;
    }
    if (entry.seq <= connection.sentSeq) return;
    writeEvent(connection, entry);
  }

  /** The stream has no open connection (again), or got an event while it had none: it is idle from now. */
  function touchIdle(stream: UserStream): void {
    idleStreams.delete(stream.userId);
    stream.idleSinceMs = clock.nowMs();
    idleStreams.set(stream.userId, stream);
    while (idleStreams.size > limits.usersRetainedMax) {
      const oldest = idleStreams.values().next().value as UserStream;
      evict(oldest, "users_retained_max");
    }
    scheduleIdleSweep();
  }

  function markBusy(stream: UserStream): void {
    idleStreams.delete(stream.userId);
    stream.idleSinceMs = null;
    // No idle stream left: the sweep would wake for nothing (found by the simulator's quiescence phase).
    if (idleStreams.size === 0 && idleTimer !== null) {
      idleTimer.cancel();
      idleTimer = null;
    }
  }

  function evict(stream: UserStream, reason: StreamEvictionReason): void {
    idleStreams.delete(stream.userId);
    streams.delete(stream.userId);
    stream.followed = false;
    const position = broker.position(stream.userId);
    const events = broker.held(stream.userId).events;
    broker.unfollow(stream.userId);
    const idleMs = clock.nowMs() - (stream.idleSinceMs ?? clock.nowMs());
    decide({ kind: "stream_evicted", userId: stream.userId, epoch: position?.epoch ?? "", lastSeq: position?.lastSeq ?? 0, events, idleMs, reason });
  }

  /** One timer, due when the oldest idle stream expires. It may fire early (that stream was touched): it then just re-arms. */
  function scheduleIdleSweep(): void {
    if (idleTimer !== null || shuttingDown) return;
    const oldest = idleStreams.values().next().value;
    if (oldest === undefined) return;
    const dueMs = (oldest.idleSinceMs as number) + limits.streamIdleMs;
    idleTimer = scheduler.after(Math.max(0, dueMs - clock.nowMs()), idleSweepOnTick);
  }

  function idleSweepOnTick(): void {
    idleTimer = null;
    const nowMs = clock.nowMs();
    for (const stream of idleStreams.values()) {
      if (nowMs - (stream.idleSinceMs as number) < limits.streamIdleMs) break;
      evict(stream, "idle_timeout");
    }
    scheduleIdleSweep();
  }

  function closeConnection(connection: Connection, code: number, reason: string): void {
    if (!connection.open) return;
    forget(connection, code, reason, true);
    connection.socket.close(code, reason);
  }

  function forget(connection: Connection, code: number, reason: string, byServer: boolean): void {
    if (!connection.open) return;
    connection.open = false;
    connection.expiryTimer?.cancel();
    connection.stream.connections.delete(connection);
    holdDeparted(connection.stream, connection.ackedSeq);
    connectionCount -= 1;
    if (connectionCount === 0) stopHeartbeat();
    if (connection.stream.connections.size === 0) touchIdle(connection.stream);
    decide({ kind: "connection_closed", connectionId: connection.id, userId: connection.stream.userId, code, reason, byServer });
  }

  /**
   * Writes one frame of `bytes` UTF-8 bytes; false when the connection is (now) closed and
   * the frame was not written. The bound compares bytes with bytes: `bufferedBytes()` counts
   * bytes, so the frame must too (its UTF-16 length undercounts any non-ASCII text).
   * A frame that fits exactly (buffered + bytes = bufferedBytesMax) is sent; one byte more is not.
   */
  function write(connection: Connection, text: string, options: { seq: number | null; bytes: number; replay?: true }): boolean {
    if (!connection.open) return false;
    const { seq, bytes } = options;
    const bufferedBytes = connection.socket.bufferedBytes();
    if (options.replay === true) connection.replayCreditBytes += bytes;
    else if (bufferedBytes <= limits.bufferedBytesMax) connection.replayCreditBytes = 0;
    if (bufferedBytes + bytes > limits.bufferedBytesMax + connection.replayCreditBytes && bufferedBytes > 0) {
      const userId = connection.stream.userId;
      decide({ kind: "slow_consumer", connectionId: connection.id, userId, bufferedBytes, limitBytes: limits.bufferedBytesMax });
      closeConnection(connection, CLOSE_CODES.slowConsumer, "slow consumer");
      return false;
    }
    try {
      connection.socket.send(text);
    } catch (error) {
      if (!(error instanceof SocketSendError)) throw error;
      sendFailures += 1;
      decide({ kind: "send_failed", connectionId: connection.id, userId: connection.stream.userId, seq, error: error.code });
      // The event stays in the replay buffer; closing makes the client resume instead of living with a silent gap.
      closeConnection(connection, CLOSE_CODES.internalError, "send failed");
      return false;
    }
    framesSent += 1;
    return true;
  }

  function writeControl(connection: Connection, frame: object): boolean {
    const text = JSON.stringify(frame);
    return write(connection, text, { seq: null, bytes: utf8ByteLength(text) });
  }

  function writeEvent(connection: Connection, entry: ReplayEntry, options: { replay?: true } = {}): boolean {
    if (!write(connection, entry.text, { seq: entry.seq, bytes: entry.bytes, ...options })) return false;
    connection.sentSeq = entry.seq;
    observer.delivered?.(connection.stream.userId, entry.seq, clock.nowMs() - entry.tsMs);
    return true;
  }

  function startHeartbeat(): void {
    if (heartbeatTimer === null) heartbeatTimer = scheduler.after(limits.heartbeatMs, heartbeatOnTick);
  }

  function stopHeartbeat(): void {
    heartbeatTimer?.cancel();
    heartbeatTimer = null;
  }

  function heartbeatOnTick(): void {
    heartbeatTimer = null;
    for (const stream of streams.values()) {
      for (const connection of [...stream.connections]) {
        if (connection.missedPongs >= limits.heartbeatMissesMax) {
          decide({ kind: "heartbeat_timeout", connectionId: connection.id, userId: stream.userId, missedPongs: connection.missedPongs });
          closeConnection(connection, CLOSE_CODES.heartbeatTimeout, "heartbeat timeout");
          continue;
        }
        connection.missedPongs += 1;
        connection.socket.ping();
      }
    }
    if (connectionCount > 0) startHeartbeat();
  }

  /** Sends `connected`, then the replay (or `resync_required` first), then whatever arrived meanwhile. */
  function startConnection(connection: Connection, resume: ResumeRequest | undefined): void {
    const stream = connection.stream;
    const position = positionOf(stream);
    const queued = connection.pending ?? [];
    connection.pending = null;
    const connected = { type: "connected", user_id: stream.userId, connection_id: connection.id, epoch: position.epoch, last_seq: position.lastSeq };
    if (writeControl(connection, connected)) replayInto(connection, { resume, position, queued });
  }

  function replayInto(connection: Connection, context: { resume: ResumeRequest | undefined; position: BrokerPosition; queued: BrokerEntry[] }): void {
    const { resume, position, queued } = context;
    const stream = connection.stream;
    if (resume === undefined) {
      connection.ackedSeq = position.lastSeq;
      connection.sentSeq = position.lastSeq;
      flushQueued(connection, queued);
      return;
    }
    const { oldestSeq } = position;
    const plan = planResume(position, resume);
    const fromSeq = plan.fromSeq;
    if (plan.resync) {
      const userId = stream.userId;
      decide({
        kind: "resync_required",
        connectionId: connection.id,
        userId,
        requestedEpoch: resume.epoch,
        requestedSeq: resume.lastSeq,
        oldestSeq,
        lastSeq: position.lastSeq,
      });
      if (!writeControl(connection, { type: "resync_required", epoch: position.epoch, oldest_seq: oldestSeq, last_seq: position.lastSeq })) return;
    }
    connection.ackedSeq = fromSeq;
    connection.sentSeq = fromSeq;
    // Live events arriving before the read answers wait here (in-process it answers at once).
    connection.pending = queued;
    broker.read(stream.userId, { afterSeq: fromSeq, throughSeq: position.lastSeq }, (outcome) => replayOnRead(connection, { fromSeq, position, outcome }));
  }

  function replayOnRead(connection: Connection, context: { fromSeq: number; position: BrokerPosition; outcome: ReadOutcome }): void {
    const { fromSeq, position, outcome } = context;
    const queued = connection.pending ?? [];
    connection.pending = null;
    if (!connection.open) return;
    const userId = connection.stream.userId;
    if (!outcome.ok) {
      decide({ kind: "broker_error", userId, operation: "read", error: outcome.error });
      closeConnection(connection, CLOSE_CODES.tryAgainLater, "broker unavailable: resume later");
      return;
    }
    // A shared broker that trimmed past the range since `position` answers !ok (never a silent gap).
    const entries = outcome.entries;
    for (const entry of entries) {
      if (!writeEvent(connection, entry, { replay: true })) return;
    }
    if (entries.length > 0) {
      const last = entries[entries.length - 1] as { seq: number };
      decide({ kind: "replayed", connectionId: connection.id, userId, fromSeq: fromSeq + 1, toSeq: last.seq, count: entries.length });
    }
    connection.sentSeq = Math.max(connection.sentSeq, position.lastSeq);
    flushQueued(connection, queued);
  }

  function flushQueued(connection: Connection, queued: BrokerEntry[]): void {
    for (const entry of queued) {
      if (entry.seq > connection.sentSeq && !writeEvent(connection, entry)) return;
    }
  }

  function holdDeparted(stream: UserStream, ackedSeq: number): void {
    stream.departed.push({ ackedSeq, untilMs: clock.nowMs() + limits.departedHoldMs });
    if (stream.departed.length > limits.departedHeldPerUserMax) stream.departed.shift();
  }

  /** Trims what every open connection, and every recently departed one, has acknowledged. */
  function trimAcknowledged(stream: UserStream): void {
    let floor = Number.POSITIVE_INFINITY;
    for (const connection of stream.connections) floor = Math.min(floor, connection.ackedSeq);
    const nowMs = clock.nowMs();
    while (stream.departed.length > 0 && (stream.departed[0] as { untilMs: number }).untilMs <= nowMs) stream.departed.shift();
    for (const departed of stream.departed) floor = Math.min(floor, departed.ackedSeq);
    if (!Number.isFinite(floor)) return;
    const count = broker.trimThrough(stream.userId, floor);
    if (count > 0) decide({ kind: "replay_trimmed", userId: stream.userId, count, throughSeq: floor });
  }

  function sendProtocolError(connection: Connection, code: ProtocolErrorCode, message: string): void {
    decide({ kind: "protocol_error", connectionId: connection.id, userId: connection.stream.userId, code, message });
    writeControl(connection, { type: "protocol_error", code, message });
  }

  /** Fixed-window rate limit; true when the connection was closed for abuse. */
  function overRateLimit(connection: Connection): boolean {
    const nowMs = clock.nowMs();
    if (nowMs - connection.windowStartMs >= limits.messageWindowMs) {
      connection.windowStartMs = nowMs;
      connection.windowMessages = 0;
    }
    connection.windowMessages += 1;
    if (connection.windowMessages <= limits.messagesPerWindowMax) return false;
    const userId = connection.stream.userId;
    decide({ kind: "rate_limited", connectionId: connection.id, userId, messages: connection.windowMessages, windowMs: limits.messageWindowMs });
    closeConnection(connection, CLOSE_CODES.policyViolation, "rate limit exceeded");
    return true;
  }

  function connectionOnMessage(connection: Connection, text: string, binary: boolean, bytes: number): void {
    if (!connection.open || overRateLimit(connection)) return;
    const userId = connection.stream.userId;
    if (bytes > limits.clientFrameBytesMax) {
      decide({ kind: "frame_too_big", connectionId: connection.id, userId, bytes, limitBytes: limits.clientFrameBytesMax });
      closeConnection(connection, CLOSE_CODES.messageTooBig, "frame too big");
      return;
    }
    if (binary) {
      sendProtocolError(connection, "bad_json", "binary frames are not accepted: send one JSON object per text frame");
      return;
    }
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      sendProtocolError(connection, parsed.code, parsed.message);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === "ack") {
      const newestSeq = broker.position(userId)?.lastSeq ?? 0;
      if (frame.seq > newestSeq) {
        sendProtocolError(connection, "bad_field", `seq: ${frame.seq} is ahead of the newest seq ${newestSeq}`);
        return;
      }
      connection.ackedSeq = Math.max(connection.ackedSeq, frame.seq);
      trimAcknowledged(connection.stream);
      return;
    }
    const answer = options.onCommand?.({ userId, connectionId: connection.id, frame });
    if (answer !== undefined) sendProtocolError(connection, answer.error.code, answer.error.message);
  }

  function admit(userId: string): AdmitRefusal | null {
    if (shuttingDown) return "shutting_down";
    if (!broker.available()) return "broker_unavailable";
    if (connectionCount >= limits.connectionsMax) return "connections_total";
    if ((streams.get(userId)?.connections.size ?? 0) >= limits.connectionsPerUserMax) return "connections_per_user";
    return null;
  }

  function accept(socket: SocketPort, identity: ConnectionIdentity, resume?: ResumeRequest): ConnectionHandlers | null {
    // The token may have expired between its check at the upgrade and now: nothing is delivered then.
    if (identity.expiresAtMs !== undefined && identity.expiresAtMs <= clock.nowMs()) {
      decide({ kind: "token_expired", connectionId: "(not accepted)", userId: identity.userId });
      socket.close(CLOSE_CODES.tokenExpired, "token expired");
      return null;
    }
    const refusal = admit(identity.userId);
    if (refusal !== null) {
      decide({ kind: "connection_refused", userId: identity.userId, reason: refusal });
      socket.close(CLOSE_CODES.tryAgainLater, "try again later");
      return null;
    }
    const stream = streamOf(identity.userId);
    const connection: Connection = {
      id: ids.next("c-"),
      stream,
      socket,
      // A new connection needs nothing before the head; a resume lowers this to its resume point.
      ackedSeq: broker.position(stream.userId)?.lastSeq ?? 0,
      missedPongs: 0,
      windowStartMs: clock.nowMs(),
      windowMessages: 0,
      open: true,
      expiryTimer: null,
      replayCreditBytes: 0,
      pending: stream.ready ? null : [],
      sentSeq: 0,
    };
    stream.connections.add(connection);
    markBusy(stream);
    connectionCount += 1;
    startHeartbeat();
    decide({ kind: "connection_opened", connectionId: connection.id, userId: stream.userId, resumeFromSeq: resume?.lastSeq ?? null });
    if (identity.expiresAtMs !== undefined) {
      connection.expiryTimer = scheduler.after(Math.max(0, identity.expiresAtMs - clock.nowMs()), () => {
        decide({ kind: "token_expired", connectionId: connection.id, userId: stream.userId });
        closeConnection(connection, CLOSE_CODES.tokenExpired, "token expired");
      });
    }
    if (stream.ready) startConnection(connection, resume);
    else stream.waiting.push({ connection, resume });
    return {
      connectionId: connection.id,
      socketOnMessage: (text, messageOptions) =>
        connectionOnMessage(connection, text, messageOptions?.binary === true, messageOptions?.bytes ?? utf8ByteLength(text)),
      socketOnPong: () => {
        connection.missedPongs = 0;
      },
      socketOnClose: (code) => forget(connection, code, "closed by peer", false),
    };
  }

  function publish(userId: string, draft: AgentEventDraft): AgentEvent | undefined {
    streamOf(userId);
    const tsMs = clock.nowMs();
    eventsPublished += 1;
    runSilence.observe(userId, draft.run_id, { nowMs: tsMs, completed: draft.type === "agent_completed" });
    const unstamped = { type: draft.type, run_id: draft.run_id, user_id: userId, ts: tsMs, data: draft.data } as UnstampedEvent;
    lastStamped = undefined;
    // The broker hands the event back to every follower (this instance's streamOnEvent included), which delivers it.
    broker.append(userId, unstamped, appendOnDone);
    return lastStamped;
  }

  /** One function for every append (no closure per event); an in-process broker calls it before `append` returns. */
  function appendOnDone(outcome: AppendOutcome): void {
    if (!outcome.ok) {
      decide({ kind: "broker_error", userId: outcome.userId, operation: "append", error: outcome.error });
      return;
    }
    lastStamped = outcome.event;
    if (outcome.evictedEvents > 0) decide({ kind: "replay_evicted", userId: outcome.userId, count: outcome.evictedEvents, oldestSeq: outcome.oldestSeq ?? null });
  }

  function shutdown(reason = "server shutdown"): void {
    shuttingDown = true;
    for (const stream of streams.values()) {
      for (const connection of [...stream.connections]) closeConnection(connection, CLOSE_CODES.goingAway, reason);
    }
    stopHeartbeat();
    idleTimer?.cancel();
    idleTimer = null;
  }

  function stats(): ManagerStats {
    const connectionsByUser = new Map<string, number>();
    const replayEventsByUser = new Map<string, number>();
    let replayEvents = 0;
    let replayBytes = 0;
    let bufferedBytes = 0;
    for (const stream of streams.values()) {
      if (stream.connections.size > 0) connectionsByUser.set(stream.userId, stream.connections.size);
      for (const connection of stream.connections) bufferedBytes += connection.socket.bufferedBytes();
      const held = broker.held(stream.userId);
      replayEventsByUser.set(stream.userId, held.events);
      replayEvents += held.events;
      replayBytes += held.bytes;
    }
    return {
      users: streams.size,
      connections: connectionCount,
      connectionsByUser,
      replayEvents,
      replayBytes,
      replayEventsByUser,
      eventsPublished,
      framesSent,
      sendFailures,
      decisions: { ...decisions },
      connectionsMax: limits.connectionsMax,
      bufferedBytes,
      runsInFlight: runSilence.runsInFlight,
      runSilenceMsMax: runSilence.longestSilenceMs(clock.nowMs()),
      runsForgotten: runSilence.runsForgotten,
    };
  }

  return {
    admit,
    accept,
    publish,
    streamHead: (userId) => {
      const position = streams.has(userId) ? broker.position(userId) : undefined;
      return position === undefined ? undefined : { epoch: position.epoch, lastSeq: position.lastSeq };
    },
    shutdown,
    stats,
    broker,
  };
}
